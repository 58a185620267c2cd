package io.viewpulse.loadgen;

import java.util.Random;

/**
 * One simulated viewer, speaking the player wire protocol: a session of heartbeats every 5 s (on its own virtual
 * clock, which runs in the past so no event is from the future), with the first frame, stalls, pauses and seeks, and
 * sometimes an error or an exit before the first frame. When a session ends, the viewer starts another. With
 * {@code cmcd}, the same sessions as a CMCD v2 player reports them in event mode (one request every 5 s: a
 * time-interval report, and the play-state reports since the last one, one a line).
 */
final class Viewer {
  private static final String[] AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (SMART-TV; LINUX; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) 94.0.4606.31/7.0 TV Safari/537.36",
  };

  /** How far in the past a session's virtual clock starts: more than its longest session (61 beats of 5 s). */
  static final long SESSION_HEADROOM_MS = 6 * 60_000L;

  private final Random random;
  private final int playbackIds;
  private final double skew;
  private long sessionSeq;
  String session;
  String playbackId;
  String ip;
  String agent;
  boolean live;
  private long clock;
  private int beat;
  private int length;
  private boolean fails;
  private boolean leavesEarly;
  private final String prefix;
  private final boolean cmcd;
  private long eventSeq;
  private int ttff;

  Viewer(long seed, int playbackIds, double skew, String prefix) {
    this(seed, playbackIds, skew, prefix, false);
  }

  Viewer(long seed, int playbackIds, double skew, String prefix, boolean cmcd) {
    this.cmcd = cmcd;
    this.random = new Random(seed);
    this.playbackIds = playbackIds;
    this.skew = skew;
    this.prefix = prefix;
    newSession();
  }

  private void newSession() {
    session = prefix + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-" + sessionSeq++;
    // a Zipf-like choice: a few videos get most views
    int k = (int) Math.min(playbackIds - 1, Math.floor(Math.pow(random.nextDouble(), skew) * playbackIds));
    playbackId = "lg-" + k;
    live = k % 10 == 0;
    ip = (11 + random.nextInt(180)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    agent = AGENTS[random.nextInt(AGENTS.length)];
    // the longest session's events all lie before now, and within the clock drift live statistics allow a player (a
    // heartbeat further behind its arrival counts in minutes closed long ago, and a live stream's load would not show)
    clock = System.currentTimeMillis() - SESSION_HEADROOM_MS;
    beat = 0;
    length = 2 + random.nextInt(60);
    fails = random.nextDouble() < 0.02;
    leavesEarly = !fails && random.nextDouble() < 0.03;
    if (fails || leavesEarly) {
      length = 2;
    }
  }

  /**
   * The next beacon: its body, whether it is the page's last (sent as by sendBeacon), its session, how many events
   * it carries, the playing time its heartbeat reports, the viewer's address (sent as X-Forwarded-For) and its
   * browser's user agent (also sent as the User-Agent header, as the browser does).
   */
  record Beacon(String body, boolean last, String session, int events, long playingMs, String ip, String agent) {}

  Beacon next() {
    if (cmcd) {
      return nextCmcd();
    }
    StringBuilder b = new StringBuilder(768);
    b.append("{\"session_id\":\"").append(session).append("\",\"playback_id\":\"").append(playbackId)
        .append("\",\"protocol\":\"application/vnd.apple.mpegurl\",\"domain\":\"loadgen.example.com\",\"path\":\"/watch\"")
        .append(",\"source_url\":\"https://cdn.example.com/hls/").append(playbackId).append("/index.m3u8\"")
        .append(",\"player\":\"hls\",\"version\":\"loadgen\",\"user_agent\":\"").append(agent).append("\",\"live\":")
        .append(live).append(",\"events\":[");
    int events = 0;
    boolean playing = !fails && !leavesEarly;
    if (beat == 0) {
      event(b, "play", clock - 4_800);
      events++;
      if (playing) {
        event(b, "first-frame", clock - 4_500);
        events++;
      }
    }
    if (fails && beat == 1) {
      event(b, "error", clock - 300).append(",\"category\":\"unknown\",\"message\":\"media error 2\"");
      b.append('}');
      events++;
    }
    long stall = playing && beat > 0 && random.nextDouble() < 0.05 ? 300 + random.nextInt(3_000) : 0;
    if (playing && beat > 1 && random.nextDouble() < 0.03) {
      event(b, "pause", clock - 2_000);
      event(b, "seek", clock - 1_900).append(",\"payload\":").append(random.nextInt(600)).append('}');
      events += 2;
    }
    event(b, "heartbeat", clock).append(",\"errors\":").append(fails && beat == 1 ? 1 : 0)
        .append(",\"warnings\":0,\"stalled_count\":0,\"waiting_count\":").append(stall > 0 || leavesEarly ? 1 : 0)
        .append(",\"time_errored_ms\":0,\"time_warning_ms\":0,\"time_stalled_ms\":0,\"time_playing_ms\":")
        .append(playing ? 5_000 - stall : 0).append(",\"time_waiting_ms\":").append(leavesEarly ? 5_000 : stall);
    if (beat == 0 && playing) {
      b.append(",\"play_to_first_frame_ms\":").append(150 + random.nextInt(600)).append(",\"mount_to_play_ms\":80");
    }
    b.append('}');
    events++;
    boolean last = beat + 1 >= length;
    if (last && playing && !live) {
      event(b, "ended", clock + 1);
      events++;
    }
    b.append("]}");
    Beacon out = new Beacon(b.toString(), last, session, events, playing ? 5_000 - stall : 0, ip, agent);
    beat++;
    clock += 5_000;
    if (last) {
      newSession();
    }
    return out;
  }

  /** The same session's next 5 s as CMCD v2 event-mode reports, with the keys players send along. */
  private Beacon nextCmcd() {
    StringBuilder b = new StringBuilder(1024);
    String head = "bl=(" + (4_000 + random.nextInt(20) * 100) + "),br=(2400),cid=\"" + playbackId
        + "\",mtp=(" + (20_000 + random.nextInt(100) * 100) + "),sf=h,sid=\"" + session + "\",st=" + (live ? "l" : "v")
        + ",v=2";
    int events = 0;
    boolean playing = !fails && !leavesEarly;
    if (beat == 0) {
      ttff = 150 + random.nextInt(600);
      report(b, head, "ps", "s", clock - 4_800, "");
      events++;
      if (playing) {
        report(b, head, "ps", "p", clock - 4_800 + ttff, ",msd=" + ttff);
        events++;
      }
    }
    if (fails && beat == 1) {
      report(b, head, "e", "f", clock - 300, ",ec=(\"MEDIA_ERR_DECODE\")");
      events += 2;
    }
    long stall = playing && beat > 0 && random.nextDouble() < 0.05 ? 300 + random.nextInt(3_000) : 0;
    if (stall > 0) {
      report(b, head, "ps", "r", clock - stall - 100, "");
      report(b, head, "ps", "p", clock - 100, "");
      events += 2;
    }
    if (playing && beat > 1 && random.nextDouble() < 0.03) {
      report(b, head, "ps", "a", clock - 2_000, "");
      report(b, head, "ps", "k", clock - 1_900, "");
      report(b, head, "ps", "p", clock - 1_800, "");
      events += 3;
    }
    report(b, head, "t", playing ? "p" : fails && beat > 0 ? "f" : "s", clock, "");
    // a fatal state is an error of its own too
    events += fails && beat > 0 ? 2 : 1;
    boolean last = beat + 1 >= length;
    if (last && !live) {
      report(b, head, "ps", playing ? "e" : "q", clock + 1, "");
      events++;
    }
    Beacon out = new Beacon(b.toString(), last, session, events, playing ? 5_000 - stall : 0, ip, agent);
    beat++;
    clock += 5_000;
    if (last) {
      newSession();
    }
    return out;
  }

  private void report(StringBuilder b, String head, String e, String sta, long ts, String more) {
    b.append(head).append(",e=").append(e).append(more).append(",sn=").append(eventSeq++).append(",sta=").append(sta)
        .append(",ts=").append(ts).append('\n');
  }

  private StringBuilder event(StringBuilder b, String type, long ts) {
    if (b.charAt(b.length() - 1) != '[') {
      b.append(',');
    }
    b.append("{\"id\":\"").append(Long.toString(eventSeq++, 36)).append('-').append(type.charAt(0))
        .append("\",\"type\":\"").append(type).append("\",\"timestamp\":").append(ts);
    if (!type.equals("heartbeat") && !type.equals("error") && !type.equals("seek")) {
      b.append('}');
    }
    return b;
  }
}
