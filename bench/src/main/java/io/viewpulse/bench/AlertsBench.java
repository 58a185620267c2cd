package io.viewpulse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.alerts.Alerts;
import io.viewpulse.alerts.Notifier;
import io.viewpulse.alerts.Rule;
import io.viewpulse.alerts.SigningSecrets;
import io.viewpulse.app.ServerConfig;
import io.viewpulse.app.Viewpulse;
import io.viewpulse.store.Store;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.store.engines.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The evaluation of many alert rules on a store written by {@code bulk}: rules of the store's first account over
 * every combination of a few metrics, filters and windows (a fifth in anomaly mode), evaluated at consecutive minutes
 * from {@code --at}; prints each evaluation's time (the first reads the anomaly baselines too). The rules are deleted
 * at the end.
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "Time the evaluation of N alert rules on a store written by bulk.")
final class AlertsBench implements Callable<Integer> {
  private static final String[] METRICS = {"errorRate", "videoStartupFailureRate", "rebufferRatio", "ttffP95Ms",
      "viewCount"};
  private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "BR", "IN", "JP", "CA", "AU", "ES"};

  @Option(names = "--data", required = true)
  Path data;

  @Option(names = "--rules", defaultValue = "1000")
  int rules;

  @Option(names = "--at", description = "The first minute evaluated (RFC 3339). Default: now (right after bulk)")
  Instant at;

  @Option(names = "--minutes", defaultValue = "5")
  int minutes;

  @Option(names = "--store", defaultValue = "duckdb")
  String store;

  @Override
  public Integer call() throws Exception {
    StoreConfig config = StoreConfig.parse(store, data, null);
    String account;
    try (Viewpulse vp = Viewpulse.start(ServerConfig.defaults(data).withStore(config).withHost("127.0.0.1")
        .withPort(0))) {
      account = vp.keys().accounts().get(0).id();
    }
    AtomicLong now = new AtomicLong((at == null ? Instant.now() : at).toEpochMilli());
    ObjectMapper json = new ObjectMapper();
    try (Store s = Stores.open(config); Alerts alerts = new Alerts(s.alerts(), s.views(),
        () -> Instant.ofEpochMilli(now.get()), Notifier.NONE,
        new SigningSecrets(io.viewpulse.auth.MasterKey.of(new byte[32])), new SimpleMeterRegistry())) {
      List<Rule> made = new ArrayList<>();
      for (int i = 0; i < rules; i++) {
        String metric = METRICS[i % METRICS.length];
        String filter = i % 11 == 0 ? "" : "\"filters\": [\"country:" + COUNTRIES[i % COUNTRIES.length] + "\"], ";
        String mode = i % 5 == 0 ? "\"anomaly\": {\"weeks\": 4, \"stddevs\": 3}"
            : "\"threshold\": " + (metric.equals("viewCount") ? 1_000_000 : metric.equals("ttffP95Ms") ? 60_000 : 0.99);
        made.add(alerts.create(account, json.readTree("{\"name\": \"bench " + i + "\", \"metric\": \"" + metric
            + "\", " + filter + "\"comparison\": \">\", " + mode + ", \"windowMinutes\": " + (i % 2 == 0 ? 5 : 15)
            + "}")));
      }
      for (int m = 0; m < minutes; m++) {
        long started = System.nanoTime();
        int n = alerts.evaluateNow();
        System.out.printf("minute %d: %d rules evaluated in %.0f ms%n", m, n, (System.nanoTime() - started) / 1e6);
        now.addAndGet(Duration.ofMinutes(1).toMillis());
      }
      for (Rule r : made) {
        alerts.delete(account, r.id());
      }
    }
    return 0;
  }
}
