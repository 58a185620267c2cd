package io.viewpulse.app;

import io.viewpulse.client.AlertRule;
import io.viewpulse.client.Incident;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code viewpulse alert create|list|get|delete|incidents|signing-secret}: alert rules and their incidents through
 * the Java client, printed as a table, CSV or JSON. Exit codes: 0 done, 1 refused (the server's message on stderr),
 * 2 usage.
 */
final class AlertCommands {
  private AlertCommands() {}

  @Command(name = "alert", mixinStandardHelpOptions = true, description = "Alert rules and their incidents.",
      subcommands = {Create.class, ListRules.class, Get.class, Delete.class, Incidents.class, Secret.class})
  static final class Alert {}

  private static final List<String> RULE_COLUMNS = List.of("id", "name", "metric", "condition", "filters",
      "minViews", "windowMinutes", "openAfter", "resolveAfter", "webhookUrl");

  static Table rules(List<AlertRule> rules) {
    Table t = new Table(RULE_COLUMNS);
    for (AlertRule r : rules) {
      t.add(Arrays.asList(r.id(), r.name(), r.metric(), condition(r), String.join(" ", r.filters()), r.minViews(),
          r.windowMinutes(), r.openAfter(), r.resolveAfter(), r.webhookUrl()));
    }
    return t;
  }

  /** {@code > 0.05}, {@code > 2 x mean of 4 weeks}, {@code > mean + 3 sd of 4 weeks}. */
  static String condition(AlertRule r) {
    if (r.threshold() != null) {
      return r.comparison() + " " + num(r.threshold());
    }
    AlertRule.Anomaly a = r.anomaly();
    String of = " of " + a.weeks() + " weeks";
    if (a.factor() != null) {
      return r.comparison() + " " + num(a.factor()) + " x mean" + of;
    }
    String sign = r.comparison().startsWith(">") ? " + " : " - ";
    return r.comparison() + " mean" + sign + num(a.stddevs()) + " sd" + of;
  }

  private static String num(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  static final class Mode {
    @Option(names = "--threshold", required = true, description = "Compare with this value")
    Double threshold;

    @ArgGroup(exclusive = false)
    Anomaly anomaly;
  }

  static final class Anomaly {
    @Option(names = "--anomaly-weeks", description = "Previous weeks of the baseline (same hour). Default: 4")
    Integer weeks;

    @Option(names = "--anomaly-stddevs", description = "Bound: mean + this many standard deviations")
    Double stddevs;

    @Option(names = "--anomaly-factor", description = "Bound: this factor x mean")
    Double factor;
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an alert rule and print it.")
  static final class Create extends QueryCommands.Connection implements Callable<Integer> {
    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--metric", required = true, description = "errorRate, videoStartupFailureRate, rebufferRatio,"
        + " ttffP95Ms, viewCount, viewsNow, concurrentViewers, or any metric of the views query")
    String metric;

    @Option(names = "--comparison", required = true, description = ">, >=, < or <=")
    String comparison;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    @Option(names = "--filter", description = "dimension:value or !dimension:value (repeatable)")
    List<String> filters = new ArrayList<>();

    @Option(names = "--min-views", description = "Views in the window below which it does not fire. Default: 100")
    Long minViews;

    @Option(names = "--window-minutes", description = "Default: 5")
    Integer window;

    @Option(names = "--open-after", description = "Evaluations in a row that open an incident. Default: 2")
    Integer openAfter;

    @Option(names = "--resolve-after", description = "Clear evaluations in a row that resolve it. Default: 2")
    Integer resolveAfter;

    @Option(names = "--webhook-url", description = "Where to post notifications (Slack-compatible, signed)")
    String webhookUrl;

    @Override
    public Integer call() {
      AlertRule.Anomaly a = mode.anomaly == null ? null
          : new AlertRule.Anomaly(mode.anomaly.weeks, mode.anomaly.stddevs, mode.anomaly.factor);
      AlertRule r = new AlertRule(null, name, metric, filters, comparison, mode.threshold, a, minViews, window,
          openAfter, resolveAfter, webhookUrl, null);
      return print(c -> rules(List.of(c.createAlertRule(r))));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the account's alert rules.")
  static final class ListRules extends QueryCommands.Connection implements Callable<Integer> {
    @Override
    public Integer call() {
      return print(c -> rules(c.listAlertRules()));
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one alert rule.")
  static final class Get extends QueryCommands.Connection implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RULE_ID")
    String id;

    @Override
    public Integer call() {
      return print(c -> rules(List.of(c.getAlertRule(id))));
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete an alert rule (an open incident of it is resolved, without a notification).")
  static final class Delete extends QueryCommands.Connection implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RULE_ID")
    String id;

    @Override
    public Integer call() {
      return print(c -> {
        c.deleteAlertRule(id);
        Table t = new Table(List.of("deleted"));
        t.add(Arrays.asList(id));
        return t;
      });
    }
  }

  @Command(name = "incidents", mixinStandardHelpOptions = true, description = "The account's incidents, newest first.")
  static final class Incidents extends QueryCommands.Connection implements Callable<Integer> {
    @Option(names = "--open", description = "Only the open ones")
    boolean open;

    @Option(names = "--limit", defaultValue = "50", description = "At most (1 to 1000). Default: ${DEFAULT-VALUE}")
    int limit;

    @Override
    public Integer call() {
      return print(c -> {
        Table t = new Table(List.of("id", "rule", "metric", "openedAt", "resolvedAt", "value", "bound"));
        for (Incident i : c.listIncidents(open, limit)) {
          t.add(Arrays.asList(i.id(), i.ruleName(), i.metric(), i.openedAt().toString(),
              i.resolvedAt() == null ? null : i.resolvedAt().toString(), i.value(), i.bound()));
        }
        return t;
      });
    }
  }

  @Command(name = "signing-secret", mixinStandardHelpOptions = true,
      description = "The secret the account's notifications are signed with (Viewpulse-Signature).")
  static final class Secret extends QueryCommands.Connection implements Callable<Integer> {
    @Override
    public Integer call() {
      return print(c -> {
        Table t = new Table(List.of("secret"));
        t.add(Arrays.asList(c.getAlertSigningSecret()));
        return t;
      });
    }
  }
}
