package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Beacons;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A user agent whose parse is not cached is parsed on ingest's user-agent thread, never on the caller's (an event
 * loop); a session's beacons keep their order into the log; the thread's queue is bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserAgentThreadTest {
  private IngestParts parts;

  @BeforeAll
  void start() throws Exception {
    parts = new IngestParts(new IngestConfig(List.of(), List.of(), "none"), InstantSource.system());
  }

  @AfterAll
  void stop() {
    parts.close();
  }

  private CompletableFuture<Ingest.Ack> send(String session, String userAgent, String eventId) {
    long now = System.currentTimeMillis();
    String body = Beacons.session(session, "pb1").userAgent(userAgent).json()
        .replace("\"events\":[]", "\"events\":[{\"id\":\"" + eventId + "\",\"type\":\"play\",\"timestamp\":" + now
            + "}]");
    return parts.ingest.accept(new Edge(body.getBytes(StandardCharsets.UTF_8), "192.0.2.1", Map.of(), false, now));
  }

  /** Blocks the user-agent thread until the returned latch is counted down. */
  private CountDownLatch blockUserAgentThread() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    parts.ingest.onUserAgentThread(() -> {
      running.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  @Test
  void anUnseenUserAgentIsParsedOffTheCallersThreadAndTheSessionKeepsItsOrder() throws Exception {
    String agent = Beacons.CHROME_LINUX + " unseen-" + System.nanoTime();
    CountDownLatch release = blockUserAgentThread();
    CompletableFuture<Ingest.Ack> first = send("order-1", agent, "e1");
    // the caller got its answer to come without parsing: the parse waits for the user-agent thread
    assertThat(first).isNotDone();
    assertThat(UserAgents.cached(agent)).isNull();
    // the session's next beacons, whose user agent needs no parse, wait behind it
    UserAgents.parse(Beacons.CHROME_LINUX);
    CompletableFuture<Ingest.Ack> second = send("order-1", Beacons.CHROME_LINUX, "e2");
    CompletableFuture<Ingest.Ack> third = send("order-1", Beacons.CHROME_LINUX, "e3");
    assertThat(second).isNotDone();
    release.countDown();
    for (CompletableFuture<Ingest.Ack> f : List.of(first, second, third)) {
      assertThat(f.get(10, TimeUnit.SECONDS).acceptedEvents()).isEqualTo(1);
    }
    assertThat(UserAgents.cached(agent)).isNotNull();
    List<String> order = new ArrayList<>();
    parts.logged.stream().filter(b -> b.sessionId().equals("order-1"))
        .forEach(b -> order.add(b.events().get(0).id()));
    assertThat(order).containsExactly("e1", "e2", "e3");
  }

  @Test
  void beaconsPastWhatTheUserAgentThreadMayQueueAre503() throws Exception {
    CountDownLatch release = blockUserAgentThread();
    List<CompletableFuture<Ingest.Ack>> queued = new ArrayList<>();
    for (int i = 0; i < Ingest.PARSE_QUEUE; i++) {
      queued.add(send("queue-" + i, "Mozilla/5.0 queued-" + i + "-" + System.nanoTime(), "q" + i));
    }
    CompletableFuture<Ingest.Ack> over = send("queue-over", "Mozilla/5.0 over-" + System.nanoTime(), "over");
    assertThat(over).isCompletedExceptionally();
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, over::get);
    assertThat(((Rejection) refused.getCause()).kind()).isEqualTo(io.viewpulse.model.DomainException.Kind.UNAVAILABLE);
    assertThat(queued).noneMatch(CompletableFuture::isDone);
    release.countDown();
    for (CompletableFuture<Ingest.Ack> f : queued) {
      assertThat(f.get(10, TimeUnit.SECONDS).acceptedEvents()).isEqualTo(1);
    }
  }
}
