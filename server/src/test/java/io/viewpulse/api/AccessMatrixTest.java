package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.AccessMatrix;
import io.viewpulse.testing.AccessRoutes;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.Tenants;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every route with every kind of credential gets the documented status and the exact error message: one dynamic test
 * a cell, named like "GET /api/asset/{id} with a revoked key → 401". Account B's credentials aimed at account A's
 * things are one of the columns, so each route's tenant boundary is a cell too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {
  private TestServer s;
  private Tenants t;

  @BeforeAll
  void start() {
    AtomicBoolean elsewhere = new AtomicBoolean();
    s = new TestServer(c -> c.withPublicHosts(List.of(AccessMatrix.PUBLIC_HOST))
        .withLoopbackPeer(a -> !elsewhere.get() && LocalRequests.isLoopbackAddress(a)));
    t = Tenants.create(s.http, s.vp.adminToken(), s.clock::millis, elsewhere);
  }

  @AfterAll
  void stop() {
    s.close();
  }

  @TestFactory
  Stream<DynamicTest> everyRouteAnswersEveryCredentialAsDocumented() {
    return AccessMatrix.rows(t).stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> row.run(t)));
  }

  @Test
  void theMatrixHasARowForEveryRouteTheServerServes() {
    SortedSet<String> inMatrix = new TreeSet<>();
    AccessRoutes.all().stream().filter(r -> r.guard() != AccessRoutes.Guard.STATIC)
        .forEach(r -> inMatrix.add(r.key()));
    assertThat(inMatrix).isEqualTo(s.vp.routes());
  }

  @Test
  void theMatrixAsksEveryCredentialOfEveryRouteThatTakesIt() {
    // 34 secret-key routes (3 of them the webhooks', 2 the custom dimensions', 1 a view's timeline, 7 the alerts', 4
    // the saved views', 1 audience retention) and 2 CORS ones × 10 bearer credentials, the 2 CORS ones × 2 more (a breakdown by viewer,
    // two Origin headers); 6 live routes × 20 (bearer and signed), the 5
    // under /api/v4 × 2 more (a signature used elsewhere, the path respelled) and their 3 GETs × 1 (a body), the
    // write × 3 (a signature used elsewhere, without and with another body's digest); 11 admin routes × 8;
    // 19 public routes and files × 2 (7 of them CMCD's); /metrics × 4 (this machine, also with a stale key, another machine, a proxy);
    // and every one of the 73 routes and files with a Host the server does not answer for
    assertThat(AccessMatrix.rows(t)).hasSize(36 * 10 + 2 * 2 + 6 * 20 + 5 * 2 + 3 + 3 + 11 * 8 + 19 * 2 + 4 + 73);
  }
}
