package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.webhooks.Webhooks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An account's caps hold when its creations arrive at once: the checks and the writes are serialized. */
class CapsUnderConcurrencyTest {
  private TestServer s;

  @BeforeEach
  void start() {
    s = new TestServer();
  }

  @AfterEach
  void stop() {
    s.close();
  }

  @Test
  void webhookEndpointsCreatedAtOnceStopAtTheCap() throws Exception {
    int tries = 3 * Webhooks.MAX_PER_ACCOUNT;
    ExecutorService pool = Executors.newFixedThreadPool(tries);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> statuses = new ArrayList<>();
    try {
      for (int i = 0; i < tries; i++) {
        int n = i;
        statuses.add(pool.submit(() -> {
          go.await();
          return s.http.post("/api/data/webhooks", "{\"url\": \"https://hooks.example.com/" + n + "\"}",
              "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json").status();
        }));
      }
      go.countDown();
      Map<Integer, Integer> byStatus = new TreeMap<>();
      for (Future<Integer> f : statuses) {
        byStatus.merge(f.get(), 1, Integer::sum);
      }
      assertThat(byStatus).isEqualTo(Map.of(201, Webhooks.MAX_PER_ACCOUNT, 409, tries - Webhooks.MAX_PER_ACCOUNT));
    } finally {
      pool.shutdownNow();
    }
    Http.Response list = s.http.getWithKey("/api/data/webhooks", s.secretKey);
    assertThat(list.json().get("webhooks")).hasSize(Webhooks.MAX_PER_ACCOUNT);
  }
}
