package io.viewpulse.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Beacon;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.VideoSample;
import io.viewpulse.model.ViewQuality;
import io.viewpulse.model.ViewRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The definition of a view's facts, event by event. */
class ViewStateTest {
  private final ViewState s = new ViewState("k", new Beacon("acc", "m", "pb", null, null, "sess", "v", false,
      "example.com", null, Dimensions.UNKNOWN, null, false, 0, List.of()));

  private static PlayerEvent ev(String id, EventType t, long ts) {
    return new PlayerEvent(id, t, ts, null, null, null);
  }

  private static PlayerEvent hb(String id, long ts, long playing, long stalled, long waiting, int errors, Long ttff) {
    return new PlayerEvent(id, EventType.HEARTBEAT, ts, new Heartbeat(errors, 0, 0, 0, 0, 0, stalled, playing, waiting,
        ttff, ttff == null ? null : ttff + 50, null), null, null);
  }

  @Test
  void aSessionThatOnlyMountedIsNotAView() {
    s.apply(ev("c", EventType.CAN_PLAY, 1000));
    s.apply(hb("h", 5000, 0, 0, 0, 0, null));
    assertThat(s.playIntent).isFalse();
  }

  @Test
  void aSessionThatOnlyStalledIsAViewAsTheSeedDefinesOne() {
    s.apply(ev("c", EventType.CAN_PLAY, 1000));
    s.apply(hb("h", 5000, 0, 800, 0, 0, null));
    assertThat(s.playIntent).isTrue();
  }

  @Test
  void playingWaitingOrAnErrorIsPlayIntent() {
    assertThat(intentAfter(ev("p", EventType.PLAY, 1))).isTrue();
    assertThat(intentAfter(hb("h", 1, 10, 0, 0, 0, null))).isTrue();
    assertThat(intentAfter(hb("h", 1, 0, 0, 10, 0, null))).isTrue();
    assertThat(intentAfter(hb("h", 1, 0, 0, 0, 1, null))).isTrue();
    assertThat(intentAfter(new PlayerEvent("e", EventType.ERROR, 1, null, "unknown", ""))).isTrue();
    assertThat(intentAfter(new PlayerEvent("w", EventType.WARNING, 1, null, "offline", ""))).isFalse();
  }

  private static boolean intentAfter(PlayerEvent e) {
    ViewState v = new ViewState("k", new Beacon("a", "m", "pb", null, null, "s", "v", false, null,
        null, Dimensions.UNKNOWN, null, false, 0, List.of()));
    v.apply(e);
    return v.playIntent;
  }

  @Test
  void waitingBeforeTheFirstFrameIsStartupNotRebuffering() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hb("h0", 3000, 0, 200, 900, 0, null));
    s.apply(hb("h1", 6000, 4000, 0, 400, 0, 300L));
    s.apply(hb("h2", 11000, 3000, 1500, 500, 0, null));
    ViewRecord v = s.toView();
    assertThat(v.ttffMs()).isEqualTo(300);
    assertThat(v.playtimeMs()).isEqualTo(7000);
    assertThat(v.rebufferMs()).as("h0 nothing, h1 400-300, h2 the larger of 1500 and 500").isEqualTo(1600);
    assertThat(v.firstFrame()).isTrue();
    assertThat(v.startedAtMs()).isEqualTo(1000);
  }

  @Test
  void aHeartbeatResentUnderItsIdReplacesItsEarlierVersion() {
    assertThat(s.apply(hb("h", 5000, 5000, 0, 0, 0, 100L))).isTrue();
    assertThat(s.apply(hb("h", 10000, 10000, 0, 0, 0, 100L))).isTrue();
    assertThat(s.apply(hb("h", 10000, 10000, 0, 0, 0, 100L))).as("the same version again").isFalse();
    assertThat(s.apply(hb("h", 5000, 5000, 0, 0, 0, 100L))).as("an older version").isFalse();
    assertThat(s.toView().playtimeMs()).isEqualTo(10000);
  }

  @Test
  void otherEventsCountOncePerId() {
    assertThat(s.apply(new PlayerEvent("e1", EventType.ERROR, 1, null, "unknown", ""))).isTrue();
    assertThat(s.apply(new PlayerEvent("e1", EventType.ERROR, 1, null, "unknown", ""))).isFalse();
    assertThat(s.apply(new PlayerEvent("e2", EventType.ERROR, 2, null, "access-control", ""))).isTrue();
    assertThat(s.toView().errors()).isEqualTo(2);
    assertThat(s.r().authFailures).isEqualTo(1);
  }

  @Test
  void errorsAreTheLargerOfErrorEventsAndHeartbeatCounts() {
    s.apply(new PlayerEvent("e1", EventType.ERROR, 1, null, "unknown", ""));
    s.apply(hb("h", 5000, 0, 0, 0, 3, null));
    assertThat(s.toView().errors()).isEqualTo(3);
  }

  @Test
  void theLastBeaconOfAPageEndsTheViewUntilNewerEventsArrive() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.afterBeacon(true, 2000);
    assertThat(s.toView().ended()).isTrue();
    s.afterBeacon(false, 1500);
    assertThat(s.toView().ended()).as("a slower request from before the page was hidden").isTrue();
    s.afterBeacon(false, 2500);
    assertThat(s.toView().ended()).as("the tab came back").isFalse();
  }

  @Test
  void playingAgainAfterTheEndReopensTheView() {
    s.apply(ev("p1", EventType.PLAY, 1000));
    s.apply(ev("end", EventType.ENDED, 5000));
    assertThat(s.toView().ended()).isTrue();
    assertThat(s.toView().endedAtMs()).isEqualTo(5000);
    s.apply(ev("p2", EventType.PLAY, 6000));
    assertThat(s.toView().ended()).isFalse();
  }

  @Test
  void aRebufferThatIsBothWaitingAndStalledCountsOnce() {
    // Livepeer's player: waiting from 6.5 s, the download stalled too from 9.5 s, both timers stopped at 11 s
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hb("h1", 6000, 4800, 0, 0, 0, 200L));
    s.apply(hb("h2", 11000, 500, 1500, 4500, 0, null));
    assertThat(s.toView().rebufferMs()).isEqualTo(4500);
    assertThat(s.toView().playtimeMs()).isEqualTo(5300);
  }

  @Test
  void batchesArrivingOutOfOrderGiveTheSameView() {
    List<PlayerEvent> events = List.of(ev("p", EventType.PLAY, 1000), ev("ff", EventType.FIRST_FRAME, 1200),
        hb("h1", 6000, 4800, 0, 300, 0, 200L), hb("h2", 11000, 5000, 700, 0, 0, null),
        ev("end", EventType.ENDED, 11500));
    ViewState inOrder = fresh();
    events.forEach(inOrder::apply);
    ViewState reversed = fresh();
    for (int i = events.size() - 1; i >= 0; i--) {
      reversed.apply(events.get(i));
    }
    assertThat(reversed.toView()).isEqualTo(inOrder.toView());
    assertThat(inOrder.toView().rebufferMs()).isEqualTo(100 + 700);
    assertThat(inOrder.toView().startedAtMs()).isEqualTo(1000);
  }

  private static Beacon withDims(Dimensions d) {
    return new Beacon("a", "m", "pb", null, null, "s", "v", false, null, null, d, null, false, 0, List.of());
  }

  private static List<String> slots(String first, String second) {
    List<String> out = new java.util.ArrayList<>(java.util.Collections.nCopies(
        io.viewpulse.model.CustomDimension.MAX, null));
    out.set(0, first);
    out.set(1, second);
    return out;
  }

  @Test
  void customValuesAndTheCdnStayUntilABeaconSendsOthersAndSurviveASnapshot() {
    ViewState v = fresh();
    Dimensions plain = new Dimensions("desktop", null, null, "Linux", "Chrome", "Blink", "Europe", "DE", null, null,
        null);
    v.touch(withDims(plain.withCustom(slots("A", "vod")).withCdn("akamai")));
    v.touch(withDims(plain));
    assertThat(List.of(v.dims.custom(1), v.dims.custom(2), v.dims.cdn())).as("a beacon without them keeps them")
        .isEqualTo(List.of("A", "vod", "akamai"));
    v.touch(withDims(plain.withCustom(slots("B", null))));
    assertThat(java.util.Arrays.asList(v.dims.custom(1), v.dims.custom(2), v.dims.cdn()))
        .as("a new value replaces its slot only").isEqualTo(java.util.Arrays.asList("B", "vod", "akamai"));
    ViewState back = StateCodec.decode(StateCodec.encode(v));
    assertThat(back.dims).isEqualTo(v.dims);
    assertThat(back.toView().dims().custom(2)).isEqualTo("vod");
  }

  private static ViewState fresh() {
    return new ViewState("k", new Beacon("a", "m", "pb", null, null, "s", "v", false, null, null, Dimensions.UNKNOWN,
        null, false, 0, List.of()));
  }

  @Test
  void theStateSurvivesItsBinaryForm() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hb("h1", 6000, 4000, 0, 400, 0, 300L));
    s.afterBeacon(true, 6000);
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    assertThat(back.toView()).isEqualTo(s.toView());
    assertThat(back.apply(hb("h1", 6000, 4000, 0, 400, 0, 300L))).as("dedup memory survives too").isFalse();
    assertThat(back.apply(ev("p", EventType.PLAY, 1000))).isFalse();
  }

  private static PlayerEvent error(String id, long ts, String category) {
    return new PlayerEvent(id, EventType.ERROR, ts, null, category, "m");
  }

  private static PlayerEvent warnings(String id, long ts, int warnings) {
    return new PlayerEvent(id, EventType.HEARTBEAT, ts, new Heartbeat(0, warnings, 0, 0, 0, 0, 0, 1000, 0, null, null,
        null), null, null);
  }

  /** A view's failure kind and non-fatal errors. */
  private static List<Integer> failure(ViewState v) {
    ViewQuality q = v.toView().quality();
    return List.of(q.fatal(), q.nonFatalErrors());
  }

  private static PlayerEvent hbCounts(String id, long ts, long playing, int stalls, long stalledMs, int waits,
      long waitingMs, Long ttff) {
    return new PlayerEvent(id, EventType.HEARTBEAT, ts, new Heartbeat(0, 0, stalls, waits, 0, 0, stalledMs, playing,
        waitingMs, ttff, ttff == null ? null : ttff + 50, null), null, null);
  }

  @Test
  void rebuffersAreCountedAfterTheFirstFrameAndTheStartupsWaitIsNotOne() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hbCounts("h0", 3000, 0, 0, 0, 1, 2000, null));
    s.apply(hbCounts("h1", 6000, 4000, 0, 0, 2, 2900, 2500L));
    s.apply(hbCounts("h2", 11000, 3000, 1, 800, 2, 1500, null));
    ViewRecord v = s.toView();
    assertThat(v.quality().rebufferCount()).as("h0 none, h1 two waits but the startup's, h2 the larger of 1 and 2")
        .isEqualTo(3);
    assertThat(v.rebufferMs()).as("h1 2900 - 2500, h2 the larger of 800 and 1500").isEqualTo(1900);
    // the same heartbeat again, merged with what followed: its count replaced, not added
    s.apply(hbCounts("h2", 16000, 8000, 1, 800, 3, 2000, null));
    assertThat(s.toView().quality().rebufferCount()).isEqualTo(4);
  }

  @Test
  void rebuffersBeforeAFirstFrameThatArrivesLateAreCountedAgain() {
    s.apply(hbCounts("h2", 11000, 3000, 0, 0, 2, 1500, null));
    assertThat(s.toView().quality().rebufferCount()).as("no first frame yet: startup").isZero();
    s.apply(ev("f", EventType.FIRST_FRAME, 5000));
    assertThat(s.toView().quality().rebufferCount()).isEqualTo(2);
  }

  private static PlayerEvent hbVideo(String id, long ts, long playing, VideoSample v) {
    return new PlayerEvent(id, EventType.HEARTBEAT, ts, new Heartbeat(0, 0, 0, 0, 0, 0, 0, playing, 0, null, null,
        null), null, null, null, v);
  }

  private static List<Number> video(ViewState v) {
    ViewQuality q = v.toView().quality();
    return List.of(q.bitrateMs(), q.bitrateBits(), q.scaleMs(), q.upscaleMs(), q.downscaleMs(), q.droppedFrames(),
        q.totalFrames(), q.switchesUp(), q.switchesDown());
  }

  @Test
  void theVideoShownCountsItsPlayingTimeAtTheSizesAndBitrateLastReported() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hbVideo("h1", 5000, 4000, new VideoSample(640, 360, 1280, 720, 1_000_000L, 1, 100, 0, 0)));
    // only the player's width changes: the height stays 720, so the video fits by its height, still twice its size
    s.apply(hbVideo("h2", 10000, 2000, new VideoSample(null, null, 1600, null, null, 0, 50, 0, 0)));
    s.apply(hbVideo("h3", 15000, 3000, new VideoSample(1920, 1080, null, null, 4_000_000L, 2, 90, 1, 0)));
    assertThat(video(s)).as("h1 upscaled by 1, h2 likewise, h3 1080p in 1600x720: downscaled by 1/3")
        .isEqualTo(List.of(9000L, 4_000_000L + 2_000_000L + 12_000_000L, 9000L, 6000.0, 1000.0, 3, 240, 1, 0));
    assertThat(s.toView().quality().maxUpscale()).as("h1 and h2 twice the size").isEqualTo(1.0);
    // h2 re-sent, merged with a heartbeat whose sizes were never applied: replaced, not added
    s.apply(hbVideo("h2", 11000, 2500, new VideoSample(null, null, null, null, null, 1, 60, 0, 1)));
    assertThat(video(s)).as("h2 now plays 2.5 s at the sizes and bitrate in effect (1080p in 1600x720, 4 Mb/s)")
        .isEqualTo(List.of(9500L, 4_000_000L + 10_000_000L + 12_000_000L, 9500L, 4000.0, 1833.333, 4, 250, 1, 1));
    // each remembered heartbeat's share survives the snapshot: a re-send replaces it there as here
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    assertThat(video(back)).isEqualTo(video(s));
    PlayerEvent h3Again = hbVideo("h3", 16000, 3500, new VideoSample(null, null, null, null, null, 3, 100, 1, 0));
    s.apply(h3Again);
    back.apply(h3Again);
    assertThat(video(back)).isEqualTo(video(s))
        .isEqualTo(List.of(10000L, 4_000_000L + 10_000_000L + 14_000_000L, 10000L, 4000.0, 2000.0, 5, 260, 1, 1));
  }

  @Test
  void anOlderHeartbeatDoesNotOverrideTheSizesALaterOneReported() {
    s.apply(hbVideo("h2", 10000, 1000, new VideoSample(1280, 720, 1280, 720, 2_000_000L, 0, 0, 0, 0)));
    s.apply(hbVideo("h1", 5000, 1000, new VideoSample(640, 360, 1280, 720, 500_000L, 0, 0, 0, 0)));
    assertThat(video(s)).as("h1 arrived late: both seconds at h2's 720p and 2 Mb/s")
        .isEqualTo(List.of(2000L, 4_000_000L, 2000L, 0.0, 0.0, 0, 0, 0, 0));
  }

  @Test
  void seeksWithALatencyAreCountedAndTheirLatenciesSummedOncePerEvent() {
    s.apply(new PlayerEvent("s1", EventType.SEEK, 2000, null, null, null, 350L));
    s.apply(new PlayerEvent("s2", EventType.SEEK, 9000, null, null, null, 150L));
    s.apply(new PlayerEvent("s2", EventType.SEEK, 9000, null, null, null, 150L));
    s.apply(new PlayerEvent("s3", EventType.SEEK, 9500, null, null, null, null));
    ViewQuality q = s.toView().quality();
    assertThat(List.of(q.seekCount(), q.seekMs())).as("s3 has no latency; s2 twice is once").isEqualTo(List.of(2, 500));
  }

  @Test
  void aFatalErrorBeforeTheFirstFrameIsAStartFailureAndAfterItAPlaybackFailure() {
    ViewState before = fresh();
    before.apply(ev("p", EventType.PLAY, 1000));
    before.apply(error("e", 1500, "unknown"));
    before.apply(ev("f", EventType.FIRST_FRAME, 2000));
    assertThat(failure(before)).isEqualTo(List.of(ViewQuality.FAILED_TO_START, 0));

    ViewState after = fresh();
    after.apply(ev("p", EventType.PLAY, 1000));
    after.apply(ev("f", EventType.FIRST_FRAME, 2000));
    after.apply(error("e", 9000, "offline"));
    assertThat(failure(after)).isEqualTo(List.of(ViewQuality.FAILED_AFTER_START, 0));

    ViewState never = fresh();
    never.apply(ev("p", EventType.PLAY, 1000));
    never.apply(error("e", 9000, "access-control"));
    assertThat(never.toView().quality().fatal()).as("no first frame at all").isEqualTo(ViewQuality.FAILED_TO_START);
    assertThat(never.toView().errors()).isEqualTo(1);
  }

  @Test
  void aFallbackErrorAndWarningsAreNonFatalButStillErrorsForLivepeersErrorRate() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(error("e1", 1200, "fallback"));
    s.apply(new PlayerEvent("w1", EventType.WARNING, 1300, null, "offline", "m"));
    s.apply(new PlayerEvent("w2", EventType.WARNING, 1400, null, "offline", "m"));
    s.apply(hb("h1", 5000, 4000, 0, 0, 1, 200L));
    ViewRecord v = s.toView();
    assertThat(failure(s)).as("two warnings and a recovered error").isEqualTo(List.of(ViewQuality.NO_FAILURE, 3));
    assertThat(v.errors()).as("the fallback counts in errorRate, as Livepeer's").isEqualTo(1);
  }

  @Test
  void heartbeatWarningsCountAsTheirErrorsDoAndAReSentHeartbeatReplacesThem() {
    s.apply(ev("w1", EventType.WARNING, 900));
    s.apply(warnings("h1", 5000, 2));
    assertThat(s.toView().quality().nonFatalErrors()).as("the larger of events and counts").isEqualTo(2);
    s.apply(warnings("h1", 10000, 3));
    s.apply(warnings("h2", 15000, 1));
    assertThat(s.toView().quality().nonFatalErrors()).isEqualTo(4);
  }

  @Test
  void errorsOnlyTheHeartbeatsCountAreOfUnknownKindAndTakenAsFatal() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hb("h1", 5000, 4000, 0, 0, 0, 200L));
    s.apply(hb("h2", 10000, 0, 0, 0, 2, null));
    assertThat(s.toView().quality().fatal()).isEqualTo(ViewQuality.FAILED_AFTER_START);
    ViewState noFrame = fresh();
    noFrame.apply(hb("h1", 5000, 0, 0, 0, 1, null));
    assertThat(noFrame.toView().quality().fatal()).isEqualTo(ViewQuality.FAILED_TO_START);
  }

  @Test
  void aStateWrittenBeforeTheQualityFactsIsReadWithItsErrorsTakenAsFatal() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(error("e", 1500, "fallback"));
    byte[] v10 = StateCodec.encode(s);
    assertThat(v10[0]).isEqualTo((byte) 11);
    // version 10 is version 11 without what the view watched; version 9 is version 10 without its custom and network dimensions (all null here: a length of -1 each);
    // version 8 is version 9 without its timeline at the end
    byte[] v8 = java.util.Arrays.copyOf(v10, v10.length - StateCodec.watchedBytes(s) - StateCodec.NO_TAIL_BYTES - StateCodec.timelineBytes(s));
    v8[0] = 8;
    // version 7 is version 8 without its quality facts at the end; version 6 is version 7 without its play state
    byte[] v7 = java.util.Arrays.copyOf(v8, v8.length - StateCodec.QUALITY_BYTES);
    v7[0] = 7;
    byte[] v6 = java.util.Arrays.copyOf(v7, v7.length - StateCodec.PLAY_STATE_BYTES);
    v6[0] = 6;
    for (byte[] old : List.of(v6, v7)) {
      ViewState back = StateCodec.decode(old);
      assertThat(failure(back)).as("version %d", old[0]).isEqualTo(List.of(ViewQuality.FAILED_TO_START, 0));
      assertThat(back.toView().errors()).isEqualTo(1);
    }
    assertThat(failure(StateCodec.decode(v8))).isEqualTo(List.of(ViewQuality.NO_FAILURE, 1));
  }

  @Test
  void rebuffersSeeksAndTheVideoShownSurviveASnapshot() {
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hbVideo("v1", 3000, 1000, new VideoSample(640, 360, 1280, 720, 1_000_000L, 1, 30, 1, 0)));
    s.apply(hbCounts("h1", 6000, 4000, 0, 0, 2, 2900, 2500L));
    s.apply(new PlayerEvent("s1", EventType.SEEK, 7000, null, null, null, 350L));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    ViewQuality q = back.toView().quality();
    assertThat(List.of(q.rebufferCount(), q.seekCount(), q.seekMs())).isEqualTo(List.of(1, 1, 350));
    assertThat(video(back)).as("v1 at 1 Mb/s upscaled by 1, and h1's 4 s at the same")
        .isEqualTo(List.of(5000L, 5_000_000L, 5000L, 5000.0, 0.0, 1, 30, 1, 0));
    back.apply(hbVideo("v1", 3500, 1000, new VideoSample(null, null, null, null, null, 1, 30, 1, 0)));
    assertThat(video(back)).as("v1 re-sent after the snapshot replaces its share")
        .isEqualTo(List.of(5000L, 5_000_000L, 5000L, 5000.0, 0.0, 1, 30, 1, 0));
    // the heartbeat's count is remembered with it: re-sent, it replaces rather than adds
    back.apply(hbCounts("h1", 6000, 4000, 0, 0, 2, 2900, 2500L));
    assertThat(back.toView().quality().rebufferCount()).isEqualTo(1);
  }

  /** A host name of 253 characters, the longest DNS allows: four labels. */
  private static final String LONGEST_HOST = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "."
      + "d".repeat(61);

  private static Beacon longest(String sessionId, String uid) {
    return new Beacon("acc", "m", "pb", null, null, sessionId, uid, false, LONGEST_HOST, LONGEST_HOST,
        Dimensions.UNKNOWN, null, false, 0, List.of());
  }

  /**
   * Whatever a player sends, the strings a session keeps of it are bounded: a long session id or viewer id becomes a
   * fixed-length hash, a long host name its parent domain; short ids are kept as sent.
   */
  @Test
  void theStringsASessionKeepsAreBoundedWhateverItsPlayerSends() {
    String id = "s".repeat(128);
    ViewState v = new ViewState(ViewState.keyOf(longest(id, "u".repeat(256))), longest(id, "u".repeat(256)));
    assertThat(v.sessionId()).hasSize(23).startsWith("~");
    assertThat(v.key).isEqualTo("acc|pb|" + v.sessionId());
    assertThat(v.viewerId).isEqualTo("sha256:" + io.viewpulse.model.Sha256.hex("u".repeat(256)));
    assertThat(v.domain).isEqualTo("c".repeat(63) + "." + "d".repeat(61));
    assertThat(v.sourceHost).isEqualTo(v.domain);
    ViewState shortIds = new ViewState(ViewState.keyOf(longest("s".repeat(64), "u".repeat(64))),
        longest("s".repeat(64), "u".repeat(64)));
    assertThat(shortIds.sessionId()).isEqualTo("s".repeat(64));
    assertThat(shortIds.viewerId).isEqualTo("u".repeat(64));
  }

  @Test
  void twoLongSessionIdsThatDifferOnlyAtTheEndAreTwoSessions() {
    String a = "x".repeat(127) + "a";
    String b = "x".repeat(127) + "b";
    assertThat(ViewState.keyOf(longest(a, null))).isNotEqualTo(ViewState.keyOf(longest(b, null)));
    assertThat(ViewState.keyOf(longest(a, null))).isEqualTo(ViewState.keyOf(longest(a, null)));
    assertThat(ViewState.keyOf(longest(a, null)).length()).isEqualTo(ViewState.keyOf(longest(b, null)).length());
  }

  /** A snapshot written before the bounds holds the long session id: restored, it meets its new beacons' key. */
  @Test
  void aSnapshotWithALongSessionIdIsRestoredUnderTheBoundedKey() {
    String id = "s".repeat(100);
    ViewState old = new ViewState("acc|pb|" + id, longest(id, null));
    old.viewerId = "u".repeat(200);
    ViewState restored = StateCodec.decode(StateCodec.encode(old));
    assertThat(restored.key).isEqualTo(ViewState.keyOf(longest(id, null)));
    assertThat(restored.viewerId).isEqualTo("sha256:" + io.viewpulse.model.Sha256.hex("u".repeat(200)));
  }

  @Test
  void heartbeatsFurtherApartThanThirtyTwoBitOffsetsReachKeepTheirExactTimesAndTheirDedup() {
    // a live view of more than 24.8 days: the slots' times are offsets from a base that moves with the newest
    ViewState v = new ViewState("k", new Beacon("a", "m", "pb", null, null, "s", "v", true, null, null,
        Dimensions.UNKNOWN, null, false, 0, List.of()));
    long t0 = 1_700_000_000_000L;
    long late = t0 + Integer.MAX_VALUE + 5_000L;
    assertThat(v.apply(hb("h1", t0, 1000, 0, 0, 0, 100L))).isTrue();
    assertThat(v.apply(hb("h2", late, 1000, 0, 0, 0, null))).isTrue();
    assertThat(v.slots.get(1, HeartbeatSlots.HB_TS)).isEqualTo(late);
    assertThat(v.apply(hb("h2", late, 1000, 0, 0, 0, null))).as("the same version again").isFalse();
    assertThat(v.apply(hb("h2", late - 1, 900, 0, 0, 0, null))).as("an older version").isFalse();
    assertThat(v.apply(hb("h2", late + 1000, 2000, 0, 0, 0, null))).as("a newer version").isTrue();
    assertThat(v.apply(hb("h1", t0, 1000, 0, 0, 0, 100L))).as("the oldest, beyond the offsets' reach, again")
        .isFalse();
    assertThat(v.toView().playtimeMs()).isEqualTo(3000);
    // a heartbeat a little later than the first, still within reach of it but not of the newest
    assertThat(v.apply(hb("h3", t0 + 10_000, 500, 0, 0, 0, null))).isTrue();
    assertThat(v.apply(hb("h4", late + 5000, 500, 0, 0, 0, null))).isTrue();
    assertThat(v.apply(hb("h5", late + 10_000, 500, 0, 0, 0, null))).as("takes the oldest slot, h1's").isTrue();
    assertThat(v.slots.get(0, HeartbeatSlots.HB_TS)).isEqualTo(late + 10_000);
    ViewState back = StateCodec.decode(StateCodec.encode(v));
    assertThat(back.toView()).isEqualTo(v.toView());
    assertThat(back.slots.get(1, HeartbeatSlots.HB_TS)).isEqualTo(late + 1000);
    assertThat(back.slots.get(0, HeartbeatSlots.HB_TS)).isEqualTo(late + 10_000);
    assertThat(back.apply(hb("h2", late + 1000, 2000, 0, 0, 0, null))).as("dedup survives the snapshot").isFalse();
    assertThat(back.apply(hb("h5", late + 10_000, 500, 0, 0, 0, null))).isFalse();
    assertThat(back.toView().playtimeMs()).isEqualTo(4500);
  }

  @Test
  void aStateThatRememberedHeartbeatsByTheir64BitHashesMeetsTheirReSends() {
    // states written before the slots kept 32-bit hashes carry the 64-bit ones: reading folds them alike
    s.apply(hb("h1", 5000, 5000, 0, 0, 0, 100L));
    s.slots.set(0, HeartbeatSlots.HB_ID, ViewState.hash("h1"));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    assertThat(s.apply(hb("h1", 5000, 5000, 0, 0, 0, 100L))).isFalse();
    assertThat(back.apply(hb("h1", 5000, 5000, 0, 0, 0, 100L))).isFalse();
    assertThat(back.apply(hb("h1", 8000, 8000, 0, 0, 0, 100L))).isTrue();
    assertThat(back.toView().playtimeMs()).isEqualTo(8000);
  }

  @Test
  void moreEventIdsThanTheFirstArrayHoldsAreAllRememberedUpToTheWindow() {
    for (int i = 0; i < ViewState.EVENT_IDS; i++) {
      assertThat(s.apply(ev("p" + i, EventType.PAUSE, 1000 + i))).isTrue();
    }
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    for (int i = 0; i < ViewState.EVENT_IDS; i++) {
      assertThat(s.apply(ev("p" + i, EventType.PAUSE, 1000 + i))).as("p" + i).isFalse();
      assertThat(back.apply(ev("p" + i, EventType.PAUSE, 1000 + i))).as("p" + i + " restored").isFalse();
    }
    assertThat(s.apply(ev("p16", EventType.PAUSE, 2000))).isTrue();
    assertThat(s.apply(ev("p0", EventType.PAUSE, 1000))).as("beyond the window of 16").isTrue();
  }

  @Test
  void aHeartbeatReSentWithBitrateAndFramesItsFirstVersionLackedReplacesItsShare() {
    s.apply(hbVideo("h1", 5000, 4000, new VideoSample(640, 360, 1280, 720, null, 0, 0, 0, 0)));
    assertThat(video(s)).isEqualTo(List.of(0L, 0L, 4000L, 4000.0, 0.0, 0, 0, 0, 0));
    s.apply(hbVideo("h1", 6000, 5000, new VideoSample(null, null, null, null, 2_000_000L, 3, 150, 1, 0)));
    assertThat(video(s)).isEqualTo(List.of(5000L, 10_000_000L, 5000L, 5000.0, 0.0, 3, 150, 1, 0));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    assertThat(video(back)).isEqualTo(video(s));
    PlayerEvent again = hbVideo("h1", 7000, 6000, null);
    s.apply(again);
    back.apply(again);
    assertThat(video(back)).isEqualTo(video(s)).isEqualTo(List.of(6000L, 12_000_000L, 6000L, 6000.0, 0.0, 0, 0, 0, 0));
  }

  @Test
  void errorsWarningsAndSeeksOfAHeartbeatReSentWithoutThemAreTakenBackAndSurviveASnapshot() {
    s.apply(new PlayerEvent("h", EventType.HEARTBEAT, 5000, new Heartbeat(2, 3, 0, 0, 0, 0, 0, 1000, 0, null, null,
        null), null, null));
    s.apply(new PlayerEvent("s1", EventType.SEEK, 2000, null, null, null, 350L));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    for (ViewState v : List.of(s, back)) {
      assertThat(List.of(v.errors(), v.nonFatalErrors(), v.fatal(), v.toView().quality().seekMs()))
          .isEqualTo(List.of(2, 3, ViewQuality.FAILED_TO_START, 350));
      v.apply(new PlayerEvent("h", EventType.HEARTBEAT, 6000, new Heartbeat(0, 0, 0, 0, 0, 0, 0, 2000, 0, null, null,
          null), null, null));
      assertThat(List.of(v.errors(), v.nonFatalErrors(), v.fatal(), v.toView().quality().seekMs()))
          .isEqualTo(List.of(0, 0, ViewQuality.NO_FAILURE, 350));
    }
  }

  @Test
  void aSessionWithoutErrorsSeeksPlayStatesBitratesOrFramesCarriesNoSideObjects() {
    // what Livepeer's player sends: sizes and a duration, no bitrate, frames, errors or seeks
    s.apply(ev("p", EventType.PLAY, 1000));
    s.apply(hbVideo("h1", 5000, 4000, new VideoSample(1280, 720, 960, 540, null, 0, 0, 0, 0)));
    s.apply(hbVideo("h1", 9000, 8000, new VideoSample(null, null, null, null, null, 0, 0, 0, 0)));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    ViewState other = fresh();
    for (ViewState v : List.of(s, back)) {
      assertThat(v.r()).as("the initial values, shared").isSameAs(other.r());
      assertThat(v.rp()).isSameAs(other.rp());
    }
    s.apply(new PlayerEvent("s1", EventType.SEEK, 9500, null, null, null, 200L));
    s.apply(hbVideo("h2", 14000, 5000, new VideoSample(null, null, null, null, 2_000_000L, 0, 0, 0, 0)));
    assertThat(s.r()).isNotSameAs(other.r());
    assertThat(s.rp()).isNotSameAs(other.rp());
    assertThat(other.r().seekCount).isZero();
    assertThat(other.rp().bitrateBps).isZero();
  }
}
