package io.viewpulse.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.viewpulse.model.DomainException;
import io.viewpulse.query.ViewReader;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert rules of accounts, evaluated every minute of the injected clock, and their incidents. Evaluation runs on a
 * thread of its own ({@link #start}), which looks at the clock every few seconds and evaluates each minute once
 * ({@link #evaluateNow}, which tests call after moving their clock); notifications go through an outbox in the store
 * ({@link Notifications}), delivered on another thread, so a slow receiver never holds evaluation up and a stop loses
 * none. Blocking: call from worker threads.
 *
 * <p>In a cluster only one node evaluates and notifies: the one {@code evaluator} says is it (the owner of the event
 * log's partition 0). Other nodes only publish the firing gauges from the stored incidents. Where two nodes both
 * believe they are the evaluator (a member the consumer group gave up on, for as long as it has not learnt it), they
 * still open one incident and make one notification: an incident's id is derived from its rule and its opening
 * minute, a notification's from its incident, the outbox keeps one notification per id, and an evaluator about to open
 * an incident takes the rule's open incident from the store instead when there is one.
 */
public final class Alerts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  /** Rules an account may have: each is a series of {@code viewpulse_alert_firing}. */
  public static final int MAX_RULES = 1000;
  public static final int MAX_LIST = 1000;
  private static final long TICK_MS = 5000;

  private final AlertStore store;
  private final InstantSource clock;
  private final Readings readings;
  private final Notifications notifications;
  private final Notifier notifier;
  private final Object creating = new Object();
  private final AlertGauges gauges;
  private final SigningSecrets secrets;
  private final java.util.function.BooleanSupplier evaluator;
  private final Map<String, Hysteresis> states = new HashMap<>();
  /** The open incidents in the store by rule, read at the first opening of an evaluation; null before. */
  private Map<String, Incident> openInStore;
  private Instant lastMinute;
  private boolean loaded;
  private ScheduledExecutorService timer;

  /** Alerts of a node that is always the evaluator (a single node). */
  public Alerts(AlertStore store, ViewReader views, InstantSource clock, Notifier notifier, SigningSecrets secrets,
      MeterRegistry metrics) {
    this(store, views, clock, notifier, secrets, metrics, () -> true);
  }

  /** Alerts of a node that evaluates and notifies while {@code evaluator} says so. */
  public Alerts(AlertStore store, ViewReader views, InstantSource clock, Notifier notifier, SigningSecrets secrets,
      MeterRegistry metrics, java.util.function.BooleanSupplier evaluator) {
    this.store = store;
    this.secrets = secrets;
    this.clock = clock;
    this.evaluator = evaluator;
    this.readings = new Readings(views);
    this.notifications = new Notifications(store, notifier, clock, evaluator);
    this.notifier = notifier;
    this.gauges = new AlertGauges(metrics);
    io.micrometer.core.instrument.Gauge.builder("viewpulse_alert_evaluator", this.evaluator,
        e -> e.getAsBoolean() ? 1 : 0).description("1 on the node that evaluates the alert rules and delivers their"
        + " notifications (in a cluster the owner of the event log's partition 0), 0 on the others")
        .register(metrics);
  }

  /** Creates a rule of {@code accountId} from its JSON form; refuses (invalid) a field that is wrong, naming it. */
  public Rule create(String accountId, JsonNode body) {
    Rule r = checked(RuleJson.read(body, UUID.randomUUID().toString(), accountId, clock.instant()));
    // the count and the write serialized in this process, so that rules created at once stop at the cap
    synchronized (creating) {
      if (store.rules(accountId).size() >= MAX_RULES) {
        throw DomainException.invalid("an account has at most " + MAX_RULES + " alert rules");
      }
      store.putRule(r);
    }
    return r;
  }

  /** Replaces the rule {@code id} of {@code accountId}; its run of evaluations and open incident go on. */
  public Rule replace(String accountId, String id, JsonNode body) {
    Rule old = rule(accountId, id);
    Rule r = RuleJson.read(body, id, accountId, old.createdAt());
    if (old.webhookUrl() != null && RuleJson.shown(old.webhookUrl()).equals(r.webhookUrl())) {
      // the URL as answers show it: the rule keeps the one it has
      r = r.withWebhookUrl(old.webhookUrl());
    }
    r = checked(r);
    store.putRule(r);
    return r;
  }

  /** The rule, unless its webhook URL is one the notifier refuses (a 400 naming the field, as the guard says why). */
  private Rule checked(Rule r) {
    if (r.webhookUrl() != null) {
      try {
        notifier.check(r.webhookUrl());
      } catch (DomainException e) {
        throw DomainException.invalid("field 'webhookUrl': " + e.getMessage());
      }
    }
    return r;
  }

  /** Deletes a rule; an incident of it still open is resolved now, without a notification. */
  public void delete(String accountId, String id) {
    rule(accountId, id);
    synchronized (this) {
      if (!store.deleteRule(accountId, id)) {
        throw DomainException.notFound("alert rule not found");
      }
      Hysteresis h = states.remove(id);
      Incident open = h != null ? h.open : store.incidents(accountId, true, MAX_LIST).stream()
          .filter(i -> i.ruleId().equals(id)).findFirst().orElse(null);
      if (open != null) {
        store.putIncident(open.resolved(clock.instant()));
      }
    }
  }

  /** The secret the account's notifications are signed with ({@link SigningSecrets}). */
  public String signingSecret(String accountId) {
    return secrets.of(accountId);
  }

  public List<Rule> rules(String accountId) {
    return store.rules(accountId);
  }

  public Rule rule(String accountId, String id) {
    return store.rules(accountId).stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow(() -> DomainException.notFound("alert rule not found"));
  }

  /** The account's incidents, newest first, at most {@code limit}; only open ones when {@code openOnly}. */
  public List<Incident> incidents(String accountId, boolean openOnly, int limit) {
    if (limit < 1 || limit > MAX_LIST) {
      throw DomainException.invalid("limit must be between 1 and " + MAX_LIST);
    }
    return store.incidents(accountId, openOnly, limit);
  }

  /**
   * Evaluates every rule at the clock's current minute, unless that minute was evaluated already or this node is not
   * the evaluator; returns how many rules it evaluated (0 then). A node that is not the evaluator forgets its runs of
   * evaluations and publishes the gauges from the stored open incidents; when it becomes the evaluator it reads the
   * open incidents again, as at a start.
   */
  public synchronized int evaluateNow() {
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    if (minute.equals(lastMinute)) {
      return 0;
    }
    lastMinute = minute;
    if (!evaluator.getAsBoolean()) {
      states.clear();
      loaded = false;
      List<Rule> rules = store.rules(null);
      java.util.Set<String> firing = new java.util.HashSet<>();
      store.incidents(null, true, Integer.MAX_VALUE).forEach(i -> firing.add(i.ruleId()));
      gauges.publish(rules, firing::contains);
      return 0;
    }
    if (!loaded) {
      states.clear();
      for (Incident i : store.incidents(null, true, Integer.MAX_VALUE)) {
        states.put(i.ruleId(), new Hysteresis(i));
      }
      loaded = true;
    }
    openInStore = null;
    List<Rule> rules = store.rules(null);
    Map<String, Readings.Reading> read = readings.read(rules, minute,
        e -> LOG.warn("alert rules not evaluated at {}: {}", minute, e.getMessage()));
    for (Rule r : rules) {
      Readings.Reading reading = read.get(r.id());
      if (reading != null) {
        apply(r, reading, minute);
      }
    }
    states.keySet().retainAll(rules.stream().map(Rule::id).toList());
    gauges.publish(rules, id -> states.containsKey(id) && states.get(id).open != null);
    return rules.size();
  }

  private void apply(Rule r, Readings.Reading reading, Instant at) {
    Hysteresis h = states.computeIfAbsent(r.id(), k -> new Hysteresis(null));
    switch (h.next(r, reading.holds(r))) {
      case OPEN -> {
        if (openInStore == null) {
          openInStore = new HashMap<>();
          store.incidents(null, true, Integer.MAX_VALUE).forEach(o -> openInStore.put(o.ruleId(), o));
        }
        Incident other = openInStore.get(r.id());
        if (other != null) {
          // opened by another evaluator meanwhile (see the class): it is this rule's incident, notified already
          h.open = other;
          return;
        }
        Incident i = new Incident(incidentId(r, at), r.accountId(), r.id(), r.name(), r.metric(), at,
            null, reading.value(), reading.bound());
        store.putIncident(i);
        h.open = i;
        notifications.send(r, i);
      }
      case RESOLVE -> {
        Incident i = h.open.resolved(at);
        store.putIncident(i);
        h.open = null;
        notifications.send(r, i);
      }
      case NONE -> { }
    }
  }

  /**
   * The id of the incident of {@code rule} opening at {@code minute}: the same on every node that opens it, so that two
   * evaluators of one minute write one incident.
   */
  static String incidentId(Rule rule, Instant minute) {
    return UUID.nameUUIDFromBytes((rule.accountId() + "\u0000" + rule.id() + "\u0000" + minute)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  /**
   * Starts evaluating on a thread of its own (each minute of the clock once, looked at every few seconds) and
   * delivering the outbox's notifications on another, the pending ones at once.
   */
  public synchronized void start() {
    if (timer != null) {
      return;
    }
    notifications.start();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "viewpulse-alerts");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        evaluateNow();
      } catch (RuntimeException e) {
        LOG.warn("alert evaluation failed, will retry: {}", e.getMessage());
        synchronized (this) {
          lastMinute = null;
        }
      }
    }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    notifications.close();
  }
}
