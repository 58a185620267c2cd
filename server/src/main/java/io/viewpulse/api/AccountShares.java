package io.viewpulse.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.viewpulse.model.DomainException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared worker threads dealt out between accounts: an account runs at most {@code share} of the API's blocking
 * tasks at once; its further tasks wait in a FIFO queue of its own, of at most {@code queue}, and start as its own
 * tasks finish. Another account's tasks never wait behind them. A task more than its queue holds is refused (429),
 * and a task whose client went away while it waited is not run: it leaves the queue when the client goes
 * ({@link #withdraw}), or is skipped when its turn comes ({@link Task#abandoned}).
 *
 * <p>Thread-safe: tasks are submitted from event loops and finish on any thread.
 */
final class AccountShares {
  /** What {@link #submit} starts now or later. */
  interface Task {
    /** Whether nobody waits for this task's answer any more (its client went away): it is then not run. */
    boolean abandoned();

    /** Starts the task; it calls {@code done} once, on any thread, when it has finished (failed or not). */
    void start(Runnable done);
  }

  /** What {@link #submit} did with a task. */
  enum Admission {
    STARTED,
    QUEUED
  }

  /** One account's tasks: how many run, and those that wait, oldest first. */
  private static final class Lane {
    int running;
    final ArrayDeque<Task> waiting = new ArrayDeque<>();
  }

  private final int share;
  private final int queue;
  /** The lanes of accounts with a task running or waiting; guarded by {@code this}. */
  private final Map<String, Lane> lanes = new HashMap<>();
  /** Tasks running and waiting, over all accounts; guarded by {@code this}. */
  private int running;
  private int queued;
  private final Counter queueFull;
  private final Counter clientGone;

  /**
   * @param share the tasks one account may run at once (at least 1)
   * @param queue the tasks of one account that may wait for them (0: none wait, one more is refused)
   */
  AccountShares(int share, int queue, MeterRegistry metrics) {
    if (share < 1 || queue < 0) {
      throw new IllegalArgumentException("an account's share is at least 1 task and its queue at least 0, not "
          + share + " and " + queue);
    }
    this.share = share;
    this.queue = queue;
    Gauge.builder("viewpulse_api_tasks_running", this, AccountShares::running)
        .description("blocking tasks of the API running on worker threads, all accounts").register(metrics);
    Gauge.builder("viewpulse_api_tasks_queued", this, AccountShares::queued)
        .description("blocking tasks of the API waiting for their account's share of the worker threads")
        .register(metrics);
    queueFull = Counter.builder("viewpulse_api_tasks_dropped_total").tag("reason", "account_queue_full")
        .description("API tasks not run: refused (429) with their account's queue full, or their client gone while"
            + " they waited").register(metrics);
    clientGone = Counter.builder("viewpulse_api_tasks_dropped_total").tag("reason", "client_gone")
        .description("API tasks not run: refused (429) with their account's queue full, or their client gone while"
            + " they waited").register(metrics);
  }

  int share() {
    return share;
  }

  int queue() {
    return queue;
  }

  synchronized int running() {
    return running;
  }

  synchronized int queued() {
    return queued;
  }

  /**
   * Starts {@code task} now if its account runs fewer than its share, or queues it behind the account's other
   * waiting tasks.
   *
   * @throws DomainException rate limited (429) when the account's queue is full
   */
  Admission submit(String account, Task task) {
    synchronized (this) {
      Lane lane = lanes.computeIfAbsent(account, a -> new Lane());
      if (lane.running >= share) {
        if (lane.waiting.size() >= queue) {
          queueFull.increment();
          throw new DomainException(DomainException.Kind.RATE_LIMITED, refusal(), 1);
        }
        lane.waiting.addLast(task);
        queued++;
        return Admission.QUEUED;
      }
      lane.running++;
      running++;
    }
    launch(account, task);
    return Admission.STARTED;
  }

  /** Why a task past the account's queue is refused. */
  private String refusal() {
    return "at most " + share + (share == 1 ? " request of one account runs" : " requests of one account run")
        + " at once and " + queue + " more " + (queue == 1 ? "waits" : "wait") + ": retry when one has finished";
  }

  /** Takes a task out of its account's queue (its client went away); nothing when it is not waiting. */
  void withdraw(String account, Task task) {
    synchronized (this) {
      Lane lane = lanes.get(account);
      if (lane == null || !lane.waiting.remove(task)) {
        return;
      }
      queued--;
    }
    clientGone.increment();
  }

  private void launch(String account, Task task) {
    AtomicBoolean finished = new AtomicBoolean();
    Runnable done = () -> {
      if (finished.compareAndSet(false, true)) {
        next(account);
      }
    };
    try {
      task.start(done);
    } catch (RuntimeException | Error e) {
      done.run();
      throw e;
    }
  }

  /** A task of {@code account} has finished: its slot goes to the account's oldest waiting task still wanted. */
  private void next(String account) {
    while (true) {
      Task next;
      synchronized (this) {
        Lane lane = lanes.get(account);
        next = lane.waiting.pollFirst();
        if (next == null) {
          lane.running--;
          running--;
          if (lane.running == 0) {
            lanes.remove(account);
          }
          return;
        }
        queued--;
      }
      // asked outside the lock: the answer may need the connection's
      if (!next.abandoned()) {
        launch(account, next);
        return;
      }
      clientGone.increment();
    }
  }
}
