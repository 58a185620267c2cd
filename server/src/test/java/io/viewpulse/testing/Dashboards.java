package io.viewpulse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboards the repository ships, read for tests that check them against what the server exports. */
public final class Dashboards {
  public static final Path GRAFANA = Path.of("..", "grafana");
  private static final Pattern METRIC = Pattern.compile("\\b((?:viewpulse|jvm)_[a-z_]+)\\b");

  private Dashboards() {}

  /** Each Prometheus expression of a dashboard, with the metric names it uses. */
  public static Map<String, Set<String>> expressions(String file) throws IOException {
    JsonNode dashboard = Http.JSON.readTree(Files.readString(GRAFANA.resolve(file)));
    Map<String, Set<String>> out = new TreeMap<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asText();
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          names.add(m.group(1));
        }
        out.put(expr, names);
      }
    }
    return out;
  }

  /** The metric names a Prometheus scrape holds. */
  public static Set<String> exported(String scrape) {
    Set<String> out = new TreeSet<>();
    scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> out.add(l.split("[{ ]")[0]));
    return out;
  }
}
