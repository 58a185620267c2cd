package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.model.DomainException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The accounts' shares of the worker threads, with tasks on threads of the test's own that run until the test lets
 * them go: what starts, in which order, and what is refused or skipped.
 */
class AccountSharesTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  /** The tasks in the order they were started. */
  private final List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** A task that runs on a thread of its own until {@code release} is counted down, then counts {@code finished}. */
  private final class Blocked implements AccountShares.Task {
    final String name;
    final CountDownLatch release;
    final CountDownLatch finished;
    final AtomicBoolean abandoned = new AtomicBoolean();

    Blocked(String name, CountDownLatch release, CountDownLatch finished) {
      this.name = name;
      this.release = release;
      this.finished = finished;
    }

    @Override
    public boolean abandoned() {
      return abandoned.get();
    }

    @Override
    public void start(Runnable done) {
      started.add(name);
      threads.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        finished.countDown();
        done.run();
      });
    }
  }

  private static CountDownLatch released() {
    return new CountDownLatch(0);
  }

  private double dropped(String reason) {
    return metrics.get("viewpulse_api_tasks_dropped_total").tag("reason", reason).counter().count();
  }

  @Test
  void anAccountHoldingItsShareDelaysNoOtherAccountAndItsOwnTasksRunInOrderOnceItsShareFrees() throws Exception {
    AccountShares shares = new AccountShares(2, 3, metrics);
    CountDownLatch releaseA1 = new CountDownLatch(1);
    CountDownLatch releaseA2 = new CountDownLatch(1);
    CountDownLatch a1Done = new CountDownLatch(1);
    CountDownLatch a2Done = new CountDownLatch(1);
    CountDownLatch queuedDone = new CountDownLatch(3);
    assertThat(shares.submit("A", new Blocked("A1", releaseA1, a1Done))).isEqualTo(AccountShares.Admission.STARTED);
    assertThat(shares.submit("A", new Blocked("A2", releaseA2, a2Done))).isEqualTo(AccountShares.Admission.STARTED);
    for (String name : List.of("A3", "A4", "A5")) {
      assertThat(shares.submit("A", new Blocked(name, released(), queuedDone)))
          .isEqualTo(AccountShares.Admission.QUEUED);
    }
    assertThat(shares.running()).isEqualTo(2);
    assertThat(shares.queued()).isEqualTo(3);

    // A holds its share and has three waiting: B's task starts at once and finishes while A's are blocked
    CountDownLatch bDone = new CountDownLatch(1);
    assertThat(shares.submit("B", new Blocked("B1", released(), bDone))).isEqualTo(AccountShares.Admission.STARTED);
    assertThat(bDone.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(a1Done.getCount()).isEqualTo(1);
    assertThat(a2Done.getCount()).isEqualTo(1);
    assertThat(started).containsExactly("A1", "A2", "B1");

    // A's queue is full: one more is refused, with when to retry
    assertThatThrownBy(() -> shares.submit("A", new Blocked("A6", released(), new CountDownLatch(1))))
        .isInstanceOfSatisfying(DomainException.class, e -> {
          assertThat(e.kind()).isEqualTo(DomainException.Kind.RATE_LIMITED);
          assertThat(e.getMessage()).isEqualTo("at most 2 requests of one account run at once and 3 more wait: retry"
              + " when one has finished");
          assertThat(e.retryAfterSeconds()).isEqualTo(1);
        });
    assertThat(dropped("account_queue_full")).isEqualTo(1.0);

    // A1 finishes: its slot goes to A's waiting tasks, one after the other in the order they came (A2 still blocks)
    releaseA1.countDown();
    assertThat(queuedDone.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(a2Done.getCount()).isEqualTo(1);
    assertThat(started).containsExactly("A1", "A2", "B1", "A3", "A4", "A5");
    releaseA2.countDown();
    assertThat(a2Done.await(30, TimeUnit.SECONDS)).isTrue();
    awaitIdle(shares);
    assertThat(shares.queued()).isZero();
    assertThat(started).hasSize(6);
  }

  /** Waits until the last task's slot is given back (it is, right after the task counts its latch down). */
  private static void awaitIdle(AccountShares shares) throws InterruptedException {
    for (int i = 0; i < 3000 && shares.running() > 0; i++) {
      Thread.sleep(10);
    }
    assertThat(shares.running()).isZero();
  }

  @Test
  void aTaskWhoseClientWentAwayWhileItWaitedIsNotRun() throws Exception {
    AccountShares shares = new AccountShares(1, 3, metrics);
    CountDownLatch release = new CountDownLatch(1);
    // of the four tasks, two run: the first, and the last that was still wanted
    CountDownLatch done = new CountDownLatch(2);
    shares.submit("A", new Blocked("A1", release, done));
    Blocked gone = new Blocked("A2", released(), done);
    Blocked withdrawn = new Blocked("A3", released(), done);
    shares.submit("A", gone);
    shares.submit("A", withdrawn);
    shares.submit("A", new Blocked("A4", released(), done));
    assertThat(shares.queued()).isEqualTo(3);

    // one client's connection closes while it waits: it leaves the queue at once
    shares.withdraw("A", withdrawn);
    assertThat(shares.queued()).isEqualTo(2);
    assertThat(dropped("client_gone")).isEqualTo(1.0);
    // another's client is found gone when its turn comes: it is skipped
    gone.abandoned.set(true);
    release.countDown();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    awaitIdle(shares);
    assertThat(started).containsExactly("A1", "A4");
    assertThat(dropped("client_gone")).isEqualTo(2.0);
    // a task no longer waiting is not withdrawn twice
    shares.withdraw("A", withdrawn);
    assertThat(dropped("client_gone")).isEqualTo(2.0);
  }

  @Test
  void withNoQueueTheTaskPastTheShareIsRefusedAndATaskThatCannotStartGivesItsSlotBack() {
    AccountShares shares = new AccountShares(1, 0, metrics);
    AccountShares.Task failing = new AccountShares.Task() {
      @Override
      public boolean abandoned() {
        return false;
      }

      @Override
      public void start(Runnable done) {
        throw new IllegalStateException("no worker");
      }
    };
    assertThatThrownBy(() -> shares.submit("A", failing)).hasMessage("no worker");
    assertThat(shares.running()).isZero();
    CountDownLatch release = new CountDownLatch(1);
    assertThat(shares.submit("A", new Blocked("A1", release, new CountDownLatch(1))))
        .isEqualTo(AccountShares.Admission.STARTED);
    assertThatThrownBy(() -> shares.submit("A", new Blocked("A2", released(), new CountDownLatch(1))))
        .hasMessage("at most 1 request of one account runs at once and 0 more wait: retry when one has finished");
    assertThat(shares.submit("B", new Blocked("B1", released(), new CountDownLatch(1))))
        .isEqualTo(AccountShares.Admission.STARTED);
    release.countDown();
    assertThat(started).containsExactly("A1", "B1");
  }
}
