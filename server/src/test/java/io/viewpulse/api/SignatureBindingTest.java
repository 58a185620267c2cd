package io.viewpulse.api;

import static io.viewpulse.testing.LiveScript.CHAN;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.LiveScript;
import io.viewpulse.testing.RawHttp;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.Uplynk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A signature is good for one request: a captured {@code msg}/{@code sig} is refused on every route, path spelling,
 * body and stream id, and a write takes a signature only when its {@code msg} carries the digest of the body. Paths
 * under {@code /api/v4} that are not in canonical form, and GETs with a body, are refused before anything else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignatureBindingTest {
  static final String REPLAYED = "this signature was already used: sign each request anew (to send the same"
      + " parameters twice in one second, add a parameter such as _nonce to msg)";
  static final String NO_DIGEST = "a signed write must carry _body_sha256 in msg: the lowercase hex SHA-256 of the"
      + " exact body bytes (or send Authorization: Bearer <secret key>)";
  static final String WRONG_DIGEST = "_body_sha256 in msg does not match the body: sign the lowercase hex SHA-256"
      + " of the exact bytes sent";
  private static final String ENHANCED = "/api/v4/monitoring/stream_stats_enhanced/";

  private TestServer s;
  private String event;
  private String third;
  private int nonce;

  @BeforeAll
  void start() {
    s = new TestServer();
    LiveScript.createChannel(s);
    event = s.stream("ev-pb", "event").id();
    third = s.stream("third-pb", "channel").id();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private Uplynk.Signed sign(String extraJson) {
    return Uplynk.sign(s.accountId, s.secretKey, s.clock.instant().getEpochSecond(), extraJson);
  }

  /** A signature no other request of this class has (the parameters differ by a nonce). */
  private Uplynk.Signed fresh() {
    return sign("\"_nonce\": " + ++nonce);
  }

  private RawHttp.Reply raw(String method, String pathAndQuery, String body, String contentType) throws IOException {
    String head = method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + (body == null ? "" : "Content-Type: " + contentType + "\r\nContent-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length + "\r\n") + "\r\n" + (body == null ? "" : body);
    try (RawHttp http = new RawHttp(s.vp.port(), 10_000)) {
      return http.exchange(head.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String error(RawHttp.Reply r) throws IOException {
    return Http.JSON.readTree(r.body()).path("errors").path(0).asText();
  }

  private static String events(String stream, String type) {
    return type.equals("slate")
        ? "{\"events\": [{\"type\": \"slate\", \"stream_id\": \"" + stream + "\", \"session_id\": \"forged\","
            + " \"kind\": \"mcs\", \"reason\": \"1\", \"seconds\": 3600}]}"
        : "{\"events\": [{\"type\": \"auth_failure\", \"stream_id\": \"" + stream + "\"}]}";
  }

  /** Every minute of a stream's statistics so far (the clock moves on 2 minutes so that the current one closes). */
  private List<String> minutes(String stream) {
    s.clock.advance(Duration.ofSeconds(120));
    s.flush();
    Http.Response r = s.http.getWithKey(ENHANCED + stream + "/series?from=" + T0.minusSeconds(3600) + "&to="
        + s.clock.instant().plusSeconds(3600), s.secretKey);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().get("items").forEach(i -> out.add(i.get("ts_iso").asText() + " auth_failures="
        + i.at("/stats/auth_failures").asInt() + " mcs=" + i.at("/stats/new/mcs")));
    return out;
  }

  @Test
  void aCapturedSignatureIsRefusedOnAnyRouteWithAnyBodyForAnyStream() throws IOException {
    Uplynk.Signed captured = sign(null);
    String q = "?" + captured.query();
    assertThat(s.http.get(ENHANCED + CHAN + q).status()).isEqualTo(200);

    List<String> answers = new ArrayList<>();
    for (String[] replay : List.of(
        new String[] {"GET", ENHANCED + CHAN + q, null},
        new String[] {"GET", ENHANCED + CHAN + q + "&cache_buster=1", null},
        new String[] {"GET", "/api/v4/monitoring/stream_stats/" + CHAN + q, null},
        new String[] {"GET", ENHANCED + CHAN + "/series" + q, null},
        new String[] {"GET", ENHANCED + third + q, null},
        new String[] {"POST", "/api/v4/monitoring/stream_stats_enhanced" + q, "{\"stream_ids\": [\"" + CHAN + "\"]}"},
        new String[] {"POST", "/api/v4/monitoring/stream_stats" + q, "{\"stream_ids\": [\"" + third + "\"]}"},
        new String[] {"POST", "/api/live/events" + q, events(CHAN, "slate")},
        new String[] {"POST", "/api/live/events" + q, events(CHAN, "auth_failure")})) {
      RawHttp.Reply r = raw(replay[0], replay[1], replay[2], "application/json");
      answers.add(r.status() + " " + error(r));
    }
    assertThat(answers).containsExactly("401 " + REPLAYED, "401 " + REPLAYED, "401 " + REPLAYED, "401 " + REPLAYED,
        "401 " + REPLAYED, "401 " + REPLAYED, "401 " + REPLAYED, "401 " + NO_DIGEST, "401 " + NO_DIGEST);
    assertThat(minutes(CHAN)).as("nothing forged reached the statistics").isEmpty();
  }

  @Test
  void aPathUnderApiV4ThatIsNotInCanonicalFormIsRefusedAndNamed() throws IOException {
    String canonical = ENHANCED + CHAN;
    String[][] cases = {
        {"/api/v4//monitoring/stream_stats_enhanced/" + CHAN, "it has an empty segment (//)"},
        {"/api/v4/./monitoring/stream_stats_enhanced/" + CHAN, "it has a dot segment (/.)"},
        {"/api/v4/monitoring/x/../stream_stats_enhanced/" + CHAN, "it has a dot segment (/..)"},
        {"/api/v4/monitoring/stream_stats_enh%61nced/" + CHAN, "it percent-encodes the unreserved character 'a' (%61)"},
        {"/api/v4/monitoring/stream_stats_enhanced/" + CHAN.replace("q", "%71"),
            "it percent-encodes the unreserved character 'q' (%71)"}};
    for (String[] c : cases) {
      RawHttp.Reply r = raw("GET", c[0] + "?" + fresh().query(), null, null);
      assertThat(r.status()).as(c[0] + ": " + r.text()).isEqualTo(400);
      assertThat(error(r)).isEqualTo("the path is not in canonical form: " + c[1] + "; send " + canonical);
    }
    RawHttp.Reply bearer = raw("GET", "/api/v4//monitoring/stream_stats_enhanced/" + CHAN, null, null);
    assertThat(bearer.status()).isEqualTo(400);
    // the canonical spelling of the same request is served
    assertThat(raw("GET", canonical + "?" + fresh().query(), null, null).status()).isEqualTo(200);
  }

  @Test
  void aGetWithABodyIsRefused() throws IOException {
    RawHttp.Reply signed = raw("GET", ENHANCED + CHAN + "?" + fresh().query(), "{\"stream_ids\": [\"x\"]}",
        "application/json");
    assertThat(signed.status()).as(signed.text()).isEqualTo(400);
    assertThat(error(signed)).isEqualTo("a GET request carries no body: send its parameters in the query string");
    RawHttp.Reply series = raw("GET", ENHANCED + CHAN + "/series?" + fresh().query(), "x", "text/plain");
    assertThat(series.status()).isEqualTo(400);
    RawHttp.Reply empty = raw("GET", ENHANCED + CHAN + "?" + fresh().query(), "", "application/json");
    assertThat(empty.status()).as("an empty body (Content-Length: 0) is no body").isEqualTo(200);
  }

  @Test
  void serverEventsTakeASignatureOnlyWhenItsMsgCarriesTheDigestOfTheBody() throws IOException {
    // half a minute into a minute, so that the slate's 3 s and the report fall in the same one
    s.clock.advance(Duration.ofSeconds(30));
    String body = events(event, "auth_failure");
    String minuteEnd = s.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60).toString()
        .replace("Z", ".000000Z");
    Uplynk.Signed signed = sign("\"_nonce\": " + ++nonce + ", \"_body_sha256\": \"" + Uplynk.bodySha256(body) + "\"");
    RawHttp.Reply ok = raw("POST", "/api/live/events?" + signed.query(), body, "application/json");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.text()).isEqualTo("{\"accepted\":1,\"dropped\":{}}");

    RawHttp.Reply again = raw("POST", "/api/live/events?" + signed.query(), body, "application/json");
    assertThat(again.status() + " " + error(again)).isEqualTo("401 " + REPLAYED);
    RawHttp.Reply unsigned = raw("POST", "/api/live/events?" + fresh().query(), body, "application/json");
    assertThat(unsigned.status() + " " + error(unsigned)).isEqualTo("401 " + NO_DIGEST);
    String slate = "{\"events\": [{\"type\": \"slate\", \"stream_id\": \"" + event + "\", \"session_id\": \"s1\","
        + " \"kind\": \"mcs\", \"reason\": \"1\", \"seconds\": 3}]}";
    Uplynk.Signed otherBody = sign("\"_nonce\": " + ++nonce + ", \"_body_sha256\": \"" + Uplynk.bodySha256(slate)
        + "\"");
    RawHttp.Reply wrong = raw("POST", "/api/live/events?" + otherBody.query(), body, "application/json");
    assertThat(wrong.status() + " " + error(wrong)).isEqualTo("401 " + WRONG_DIGEST);
    // a refused digest does not spend the signature: the body it was made for is still accepted once
    RawHttp.Reply meant = raw("POST", "/api/live/events?" + otherBody.query(), slate, "application/json");
    assertThat(meant.status()).as(meant.text()).isEqualTo(200);

    assertThat(minutes(event)).as("the accepted report and the slate, nothing else").containsExactly(
        minuteEnd + " auth_failures=1 mcs={\"1\":{\"time\":3.0,\"sessions\":1}}");
  }

  @Test
  void twoRequestsWithTheSameParametersInOneSecondNeedANonce() {
    String path = ENHANCED + third + "?";
    Uplynk.Signed first = sign("\"stream\": \"third\"");
    Uplynk.Signed second = sign("\"stream\": \"third\"");
    assertThat(second.sig()).isEqualTo(first.sig());
    assertThat(s.http.get(path + first.query()).status()).isEqualTo(200);
    Http.Response refused = s.http.get(path + second.query());
    assertThat(refused.status() + " " + refused.error()).isEqualTo("401 " + REPLAYED);
    assertThat(s.http.get(path + sign("\"stream\": \"third\", \"_nonce\": " + ++nonce).query()).status())
        .isEqualTo(200);
  }
}
