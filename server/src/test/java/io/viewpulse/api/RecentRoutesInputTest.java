package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.RawHttp;
import io.viewpulse.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input to the routes added last (viewers, views, cursors, audience retention, saved views, webhooks, alert rules,
 * custom dimensions, the admin's retention, CMCD), sent as raw requests to a real server on loopback: each is a 4xx
 * whose JSON names the problem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecentRoutesInputTest {
  private TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** {@code KEY} in the headers is the account's secret key, {@code ADMIN} the admin token; {@code \n} a line end. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "GET|/api/data/viewers/%zz/views|KEY||400|the path is not valid percent-encoding: each % must be followed by two hex digits",
      "DELETE|/api/data/viewers/%zz|KEY||400|the path is not valid percent-encoding: each % must be followed by two hex digits",
      "GET|/api/data/views/9223372036854775807|KEY||404|no view 9223372036854775807 in this account",
      "GET|/api/data/views?cursor=djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk6MQ|KEY||400|bad cursor: give the cursor a previous answer returned, unchanged",
      "GET|/api/data/views/export?format=csv&from=1&to=0|KEY||400|from must be before to",
      "GET|/api/data/views?filters[]=custom.a%27b:x|KEY||400|custom dimension a'b is not declared: this account declared none (POST /api/custom-dimensions)",
      "GET|/api/data/views/query/retention/%zz|KEY||400|the path is not valid percent-encoding: each % must be followed by two hex digits",
      "POST|/api/saved-view|KEY|`{\"name\":\"a\",\"state\":{}}`|400|state must be a string",
      "POST|/api/saved-view|KEY|`{\"name\":\"a\",\"state\":\"s\",\"accountId\":\"x\"}`|400|unknown field 'accountId' (expected name, state)",
      "POST|/api/data/webhooks|KEY|`{\"url\": \"http://[::1\"}`|400|not a URL: Expected closing bracket for IPv6 address at index 11: http://[::1",
      "POST|/api/data/webhooks|KEY|`{\"url\": \"http://[fe80::1%25eth0]/\"}`|400|webhook refused: fe80::1%25eth0 is a link-local address (an operator may allow it with --webhook-allow-hosts)",
      "POST|/api/data/webhooks|KEY|`{\"url\": \"http://2130706433/\"}`|400|a webhook URL's host is a name or an address in four decimal numbers, not '2130706433' (an address in another form)",
      "POST|/api/alerts/rules|KEY|`{\"name\": \"n\", \"metric\": \"errorRate\", \"comparison\": \">\", \"threshold\": 1e400}`|400|field 'threshold': must be a number",
      "POST|/api/custom-dimensions|KEY|`{\"name\": 5}`|400|name must be a string",
      "PUT|/admin/retention|ADMIN|`{\"viewDays\": 1.5}`|400|viewDays must be a whole number of days from 1 to 36500, or null for the default",
      "PUT|/admin/retention|ADMIN|`{\"viewDays\": 30, \"timelinedays\": 1}`|400|unknown field 'timelinedays' (expected account, viewDays, timelineDays)",
      "PUT|/admin/retention|ADMIN|`{\"viewDays\": 30, \"account\": {}}`|400|account must be a string (an account's id)",
      "PUT|/admin/retention|ADMIN|`{\"viewDays\": 30, \"account\": \"nope\"}`|404|no account nope",
      "GET|/analytics/cmcd/request/pb/x.m3u8|`CMCD-Session: sid=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"`||400|the request's CMCD: \"sid\" is at most 64 characters long, not 65",
  })
  void aBadRequestIsA4xxNamingTheProblem(String method, String target, String headers, String body, int status,
      String error) throws Exception {
    String h = headers.equals("KEY") ? "Authorization: Bearer " + s.secretKey + "\r\nContent-Type: application/json\r\n"
        : headers.equals("ADMIN") ? "Authorization: Bearer " + s.vp.adminToken()
            + "\r\nContent-Type: application/json\r\n"
        : headers + "\r\n";
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    RawHttp.Reply r;
    try (RawHttp http = new RawHttp(s.http.port(), 10_000)) {
      r = http.exchange((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + h + "Content-Length: "
          + b.length + "\r\nConnection: close\r\n\r\n" + (body == null ? "" : body)).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(Http.JSON.readTree(r.text()).get("errors").get(0).asText()).isEqualTo(error);
  }
}
