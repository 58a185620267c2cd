package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CMCD grammar (RFC 8941 dictionaries) and the type of each key: what is read, and each refusal's message. */
class CmcdParserTest {
  private static CmcdReport report(String line) {
    return CmcdReport.of(CmcdParser.dictionary(line, "line 1"), "line 1");
  }

  private static String refusal(String line) {
    try {
      report(line);
    } catch (Rejection r) {
      assertThat(r.reason()).isEqualTo(Reason.INVALID_FIELD);
      return r.getMessage();
    }
    throw new AssertionError("accepted: " + line);
  }

  @Test
  void anEventModeLineAsHlsJsSendsItIsReadWithEveryType() {
    CmcdReport r = report("bl=(12300),br=(2048;v 128;a),cid=\"launch1\",e=ps,msd=412,mtp=(11700),ot=v,pr=1.25,"
        + "sf=h,sid=\"6e2fb550-c457-11e9-bb97-0800200c9a66\",sn=3,st=v,sta=p,ts=1700000000123,v=2");
    assertThat(r.sid()).isEqualTo("6e2fb550-c457-11e9-bb97-0800200c9a66");
    assertThat(r.cid()).isEqualTo("launch1");
    assertThat(r.version()).isEqualTo(2);
    assertThat(r.state()).isEqualTo('p');
    assertThat(r.event()).isEqualTo("ps");
    assertThat(r.ts()).isEqualTo(1_700_000_000_123L);
    assertThat(r.sequence()).isEqualTo(3);
    assertThat(r.startDelayMs()).isEqualTo(412);
    assertThat(r.playbackRate()).isEqualTo(1.25);
    assertThat(r.bitrateKbps()).containsExactly(new CmcdReport.Measure(2048, "v"), new CmcdReport.Measure(128, "a"));
    assertThat(r.bufferMs()).containsExactly(new CmcdReport.Measure(12300, null));
    assertThat(r.throughputKbps()).containsExactly(new CmcdReport.Measure(11700, null));
    assertThat(r.objectType()).isEqualTo("v");
    assertThat(r.streamType()).isEqualTo("v");
    assertThat(r.streamingFormat()).isEqualTo("h");
    assertThat(r.live()).isFalse();
  }

  @Test
  void aMedia3HeaderSetInCmcdV1IsReadAsScalarsAndBareBooleans() {
    Map<String, Object> all = new java.util.LinkedHashMap<>();
    all.putAll(CmcdParser.dictionary("br=840,d=4000,ot=v,tb=1600", "o"));
    all.putAll(CmcdParser.dictionary("bl=12000,dl=12000,mtp=25400,nor=\"seg5.m4s\",su", "r"));
    all.putAll(CmcdParser.dictionary("cid=\"launch1\",pr=1.50,sf=d,sid=\"7c9e\",st=l", "s"));
    all.putAll(CmcdParser.dictionary("bs,rtp=1700", "st"));
    CmcdReport r = CmcdReport.of(all, "the request");
    assertThat(r.version()).isEqualTo(1);
    assertThat(r.bitrateKbps()).containsExactly(new CmcdReport.Measure(840, null));
    assertThat(r.objectDurationMs()).isEqualTo(4000);
    assertThat(r.bufferMs()).containsExactly(new CmcdReport.Measure(12000, null));
    assertThat(r.startup()).isTrue();
    assertThat(r.bufferStarved()).isTrue();
    assertThat(r.playbackRate()).isEqualTo(1.5);
    assertThat(r.live()).isTrue();
    assertThat(r.mediaObject()).isTrue();
    assertThat(r.state()).isEqualTo((char) 0);
  }

  @Test
  void booleansAreTheKeyAloneOrQuestionMarkZeroOrOne() {
    assertThat(report("sid=\"a\",bs").bufferStarved()).isTrue();
    assertThat(report("sid=\"a\",bs=?1").bufferStarved()).isTrue();
    assertThat(report("sid=\"a\",bs=?0").bufferStarved()).isFalse();
    assertThat(report("sid=\"a\",bg=?0").backgrounded()).isFalse();
    assertThat(report("sid=\"a\"").backgrounded()).isNull();
  }

  @Test
  void stringsUnescapeQuotesAndBackslashes() {
    assertThat(report("sid=\"a\",cid=\"x\\\"y\\\\z\"").cid()).isEqualTo("x\"y\\z");
  }

  @Test
  void spacesAfterCommasAndParametersAreAllowed() {
    CmcdReport r = report("sid=\"a\",  sta=r,\tbsd=(300;v 200;a)");
    assertThat(r.state()).isEqualTo('r');
    assertThat(r.starvationMs()).isEqualTo(500);
  }

  @Test
  void aKeyGivenTwiceKeepsItsLastValueAndUnknownOrCustomKeysAreIgnored() {
    CmcdReport r = report("sid=\"a\",sta=s,sta=p,zz=(1 2),com.example-player=\"x\",x-y=?1");
    assertThat(r.state()).isEqualTo('p');
  }

  @Test
  void errorCodesAreAnInnerListOfStringsOrOneValueAsDashJsSendsIt() {
    assertThat(report("sid=\"a\",ec=(\"MEDIA_ERR_DECODE\" \"E2\")").errorCodes())
        .containsExactly("MEDIA_ERR_DECODE", "E2");
    assertThat(report("sid=\"a\",ec=27").errorCodes()).containsExactly("27");
    assertThat(report("sid=\"a\",ec=bufferStalledError").errorCodes()).containsExactly("bufferStalledError");
  }

  @Test
  void droppedFramesComeFromDfaElseDf() {
    assertThat(report("sid=\"a\",dfa=12").droppedFrames()).isEqualTo(12);
    assertThat(report("sid=\"a\",df=3").droppedFrames()).isEqualTo(3);
    assertThat(report("sid=\"a\",df=3,dfa=12").droppedFrames()).isEqualTo(12);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    // grammar
    "sid=\"abc|line 1: \"sid\": its string has no closing double quote",
    "sid=\"a\\x\"|line 1: \"sid\": in a string, a backslash escapes only \" or \\",
    "SID=\"a\"|line 1: keys are lower case: \"SID\"",
    "sid=\"a\",sTa=p|line 1: keys are lower case: \"sTa=p\"",
    "sid=\"a\",9x=1|line 1: a key starts with a lower-case letter: \"9x\"",
    "sid=\"a\",sta=@|line 1: \"sta\": a value cannot start with '@' (strings are in double quotes, tokens start with a letter)",
    "sid=\"a\",|line 1: a comma ends the payload (a trailing comma)",
    "sid=\"a\" sta=p|line 1: \"sid\": its value ends at 's' where a comma or the end was expected",
    "sid=\"a\",ts=1234567890123456|line 1: \"ts\": an integer has at most 15 digits",
    "sid=\"a\",pr=1.2345|line 1: \"pr\": a decimal has 1 to 3 digits after its point: 1.2345",
    "sid=\"a\",pr=1.|line 1: \"pr\": a decimal has 1 to 3 digits after its point: 1.",
    "sid=\"a\",pr=1234567890123.5|line 1: \"pr\": a decimal has at most 12 digits before its point",
    "sid=\"a\",bs=?2|line 1: \"bs\": a boolean is ?0 or ?1",
    "sid=\"a\",br=(1 2|line 1: \"br\": its inner list has no closing parenthesis",
    "sid=\"a\",br=(1,2)|line 1: \"br\": the items of its inner list are separated by spaces, not ','",
    "sid=\"a\",cs=:ab!:|line 1: \"cs\": a byte sequence holds base64 between colons",
    "sid=\"a\",sta=|line 1: \"sta\": it has no value after the =",
    "sid=\"a\",ts=-|line 1: \"ts\": a number has digits",
    // types
    "sid=abc|line 1: \"sid\" must be a string in double quotes",
    "sid=\"a\",sta=x|line 1: \"sta\" must be one of the tokens s, p, k, r, a, w, e, f, q, d",
    "sid=\"a\",sta=\"p\"|line 1: \"sta\" must be one of the tokens s, p, k, r, a, w, e, f, q, d (unquoted)",
    "sid=\"a\",e=zz|line 1: \"e\" must be one of the tokens abe, abs, ae, as, b, bc, c, ce, e, m, pc, pe, pr, ps, rr, sk, t, um",
    "sid=\"a\",ot=z|line 1: \"ot\" must be one of the tokens a, av, c, i, k, m, o, tt, v",
    "sid=\"a\",st=x|line 1: \"st\" must be one of the tokens l, ll, v",
    "sid=\"a\",sf=x|line 1: \"sf\" must be one of the tokens d, h, o, s",
    "sid=\"a\",ts=\"1700000000000\"|line 1: \"ts\" must be an integer",
    "sid=\"a\",ts=1.5|line 1: \"ts\" must be an integer",
    "sid=\"a\",ts=-1|line 1: \"ts\" must not be negative",
    "sid=\"a\",msd=(1)|line 1: \"msd\" must be an integer, not an inner list",
    "sid=\"a\",bs=1|line 1: \"bs\" must be a boolean (the key alone, or ?0 / ?1)",
    "sid=\"a\",pr=fast|line 1: \"pr\" must be a number",
    "sid=\"a\",br=\"x\"|line 1: \"br\" must be a number, or an inner list of numbers such as (3000;v 128;a)",
    "sid=\"a\",bl=(-100)|line 1: \"bl\" must not be negative",
    "sid=\"a\",ec=?1|line 1: \"ec\" must be a string, or an inner list of strings such as (\"a\" \"b\")",
    "sid=\"a\",v=3|line 1: \"v\" must be 1 or 2 (the CMCD version), not 3",
    "sta=p,ts=1|line 1: \"sid\" is required (the session id, a string)",
    "sid=\"\"|line 1: \"sid\" must be 1 to 64 printable ASCII characters without spaces",
    "sid=\"a b\"|line 1: \"sid\" must be 1 to 64 printable ASCII characters without spaces",
  })
  void whatBreaksTheGrammarOrAKeysTypeIsRefusedNamingTheKey(String line, String message) {
    assertThat(refusal(line)).isEqualTo(message);
  }

  @Test
  void stringLengthsAreThoseOfTheSpecification() {
    assertThat(refusal("sid=\"" + "s".repeat(65) + "\""))
        .isEqualTo("line 1: \"sid\" is at most 64 characters long, not 65");
    assertThat(refusal("sid=\"a\",cid=\"" + "c".repeat(129) + "\""))
        .isEqualTo("line 1: \"cid\" is at most 128 characters long, not 129");
    assertThat(report("sid=\"" + "s".repeat(64) + "\",cid=\"" + "c".repeat(128) + "\"").cid()).hasSize(128);
  }

  @Test
  void aStringOfNonAsciiIsRefusedWithoutQuotingIt() {
    assertThat(refusal("sid=\"a\",cid=\"caf\u00e9\""))
        .isEqualTo("line 1: \"cid\": a string holds printable ASCII only (percent-encode the rest), not U+00E9");
  }

  private static List<RawBeacon> body(String text, String playbackId) {
    Edge e = new Edge(text.getBytes(StandardCharsets.UTF_8), "192.0.2.1", Map.of(), false, 5_000,
        new Edge.Cmcd(false, playbackId, null, null));
    return CmcdReports.parse(e, id -> id.equals("pb1") || id.equals("pb2"));
  }

  private static String bodyRefusal(String text) {
    try {
      body(text, null);
    } catch (Rejection r) {
      return r.getMessage();
    }
    throw new AssertionError("accepted: " + text);
  }

  @Test
  void aBodyIsOneReportALineAndARefusalNamesTheLine() {
    assertThat(bodyRefusal("sid=\"a\",cid=\"pb1\",sta=s,ts=1\n\nsid=\"a\",cid=\"pb1\",sta=p,ts=2\r\nsid=\"a\",sta=q@\n"))
        .isEqualTo("line 4: \"sta\": its value ends at '@' where a comma or the end was expected");
    assertThat(bodyRefusal("\n \n")).startsWith("the body holds no CMCD report");
    assertThat(bodyRefusal("sid=\"a\",cid=\"nobody's video\",sta=p"))
        .startsWith("line 1: no video: \"cid\" is not a playback id nor a media URL holding one");
  }

  @Test
  void reportsAreGroupedBySessionAndVideoInTheOrderTheyCame() {
    List<RawBeacon> raws = body("sid=\"a\",cid=\"pb1\",sta=s,ts=1000\n"
        + "sid=\"b\",cid=\"https://cdn.example.com/hls/pb2/index.m3u8\",sta=s,ts=1100\n"
        + "sid=\"a\",cid=\"pb1\",sta=p,ts=1500\n"
        + "sid=\"c\",sta=p,ts=1600,st=l\n", "pb2");
    assertThat(raws).extracting(RawBeacon::sessionId).containsExactly("a", "b", "c");
    assertThat(raws).extracting(RawBeacon::playbackId).containsExactly("pb1", "pb2", "pb2");
    assertThat(raws.get(0).events()).extracting(e -> e.category() + "@" + e.timestamp())
        .containsExactly("s@1000", "p@1500");
    assertThat(raws.get(1).sourceUrl()).isEqualTo("https://cdn.example.com/hls/pb2/index.m3u8");
    assertThat(raws.get(2).live()).isTrue();
  }

  @Test
  void aCidNobodyOwnsFallsBackToTheCollectorUrlsVideoElseIsNamedInTheRefusal() {
    assertThat(body("sid=\"a\",cid=\"cms-4711\",sta=p,ts=1", "pb2").get(0).playbackId()).isEqualTo("pb2");
    assertThat(body("sid=\"a\",cid=\"cms-4711\",sta=p,ts=1", null).get(0).playbackId()).isEqualTo("cms-4711");
  }

  @Test
  void aRequestCarriesAtMostAThousandReports() {
    String line = "sid=\"a\",cid=\"pb1\",sta=p,ts=1\n";
    assertThat(body(line.repeat(1_000), null).get(0).events()).hasSize(1_000);
    assertThat(bodyRefusal(line.repeat(1_001))).isEqualTo("a request carries at most 1000 reports");
  }

  @Test
  void anyTextEitherParsesOrIsRefusedAsInvalidNeverAnotherFailure() {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "sidcta=\",;()?:*-.0123456789 \t\\bplrvewfqkx\u00e9\u0001";
    String[] seeds = {"sid=\"a\",sta=p,ts=1,br=(1;v 2;a),ec=(\"x\"),pr=1.5,bs", "bl=1200,sid=\"b\",su,nor=\"s.ts\""};
    int parsed = 0;
    for (int i = 0; i < 100_000; i++) {
      StringBuilder b = new StringBuilder(seeds[i % 2]);
      for (int m = random.nextInt(5); m > 0; m--) {
        int at = random.nextInt(b.length() + 1);
        if (random.nextBoolean()) {
          b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        } else {
          b.delete(at, Math.min(b.length(), at + 1 + random.nextInt(4)));
        }
      }
      try {
        report(b.toString());
        parsed++;
      } catch (Rejection r) {
        assertThat(r.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(r.getMessage()).startsWith("line 1");
      }
    }
    assertThat(parsed).as("some mutations stay valid").isGreaterThan(1_000);
  }
}
