package io.viewpulse.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.model.DomainException;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.viewership.Viewership;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A rule as JSON, the API's form and the stores' ({@link #spec}): read with every field checked, a refusal naming
 * the field ({@code field 'minViews': ...}).
 */
public final class RuleJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("name", "metric", "filters", "comparison", "threshold", "anomaly",
      "minViews", "windowMinutes", "openAfter", "resolveAfter", "webhookUrl");
  private static final Set<String> ANOMALY_FIELDS = Set.of("weeks", "stddevs", "factor");
  /** Defaults, documented in the README. */
  static final int WINDOW_MINUTES = 5;
  static final long MIN_VIEWS = 100;
  static final int OPEN_AFTER = 2;
  static final int RESOLVE_AFTER = 2;
  static final int WEEKS = 4;
  static final int MAX_FILTERS = 20;

  private RuleJson() {}

  /** A rule of {@code accountId} from the API's JSON body, checked. */
  public static Rule read(JsonNode body, String id, String accountId, Instant createdAt) {
    if (body == null || !body.isObject()) {
      throw DomainException.invalid("body must be a JSON object");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw invalid(f, "unknown field (expected " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    String name = text(body, "name");
    if (name == null || name.isBlank() || name.length() > 200) {
      throw invalid("name", "required, at most 200 characters");
    }
    String metricName = text(body, "metric");
    AlertMetric metric = metricName == null ? null : AlertMetric.byName(metricName);
    if (metric == null) {
      throw invalid("metric", (metricName == null ? "required" : "unknown metric '" + metricName + "'")
          + " (expected one of " + String.join(", ", AlertMetric.names()) + ")");
    }
    List<Filter> filters = filters(body, metric);
    String cmp = text(body, "comparison");
    Rule.Comparison comparison = cmp == null ? null : Rule.Comparison.of(cmp);
    if (comparison == null) {
      throw invalid("comparison", "required: one of >, >=, <, <=");
    }
    JsonNode t = body.get("threshold");
    JsonNode a = body.get("anomaly");
    boolean hasT = t != null && !t.isNull();
    boolean hasA = a != null && !a.isNull();
    if (hasT == hasA) {
      throw invalid("threshold", "give exactly one of threshold and anomaly");
    }
    Double threshold = hasT ? number(t, "threshold") : null;
    Rule.Anomaly anomaly = hasA ? anomaly(a, metric) : null;
    long minViews = integer(body, "minViews", metric.realtime() ? 0 : MIN_VIEWS, 0, 1_000_000_000L);
    int window = (int) integer(body, "windowMinutes", WINDOW_MINUTES, 1, 1440);
    int openAfter = (int) integer(body, "openAfter", OPEN_AFTER, 1, 60);
    int resolveAfter = (int) integer(body, "resolveAfter", RESOLVE_AFTER, 1, 60);
    String url = text(body, "webhookUrl");
    if (url != null) {
      checkUrl(url);
    }
    return new Rule(id, accountId, name, metric.name(), filters, comparison, threshold, anomaly, minViews, window,
        openAfter, resolveAfter, url, createdAt);
  }

  /** The rule as the API answers it. */
  public static ObjectNode write(Rule r) {
    ObjectNode n = MAPPER.createObjectNode().put("id", r.id());
    n.setAll(spec(r));
    if (r.webhookUrl() != null) {
      n.put("webhookUrl", shown(r.webhookUrl()));
    }
    n.put("createdAt", r.createdAt().toEpochMilli());
    return n;
  }

  /** What a store keeps of a rule besides its account, id and creation time. */
  public static String specText(Rule r) {
    return spec(r).toString();
  }

  /** A rule as a store kept it ({@link #specText}). */
  public static Rule fromSpec(String accountId, String id, Instant createdAt, String spec) {
    try {
      return read(MAPPER.readTree(spec), id, accountId, createdAt);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored rule is not JSON: " + e.getMessage(), e);
    }
  }

  private static ObjectNode spec(Rule r) {
    ObjectNode n = MAPPER.createObjectNode().put("name", r.name()).put("metric", r.metric());
    ArrayNode f = n.putArray("filters");
    r.filters().forEach(x -> f.add(x.toString()));
    n.put("comparison", r.comparison().symbol());
    if (r.threshold() != null) {
      n.put("threshold", r.threshold());
    } else {
      ObjectNode a = n.putObject("anomaly").put("weeks", r.anomaly().weeks());
      if (r.anomaly().stddevs() != null) {
        a.put("stddevs", r.anomaly().stddevs());
      } else {
        a.put("factor", r.anomaly().factor());
      }
    }
    n.put("minViews", r.minViews()).put("windowMinutes", r.windowMinutes()).put("openAfter", r.openAfter())
        .put("resolveAfter", r.resolveAfter());
    if (r.webhookUrl() != null) {
      n.put("webhookUrl", r.webhookUrl());
    }
    return n;
  }

  /**
   * A webhook URL as answers show it: its scheme, host and port, without the path and query where Slack and others
   * put the URL's secret ({@code https://hooks.slack.com/…}); a URL with neither is shown whole. A rule replaced with
   * this form keeps the URL it has ({@link Alerts#replace}).
   */
  static String shown(String url) {
    URI u = URI.create(url);
    boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
        && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null;
    return bare ? url : u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort()) + "/…";
  }

  private static List<Filter> filters(JsonNode body, AlertMetric metric) {
    JsonNode f = body.get("filters");
    List<Filter> out = new ArrayList<>();
    if (f != null && !f.isNull() && (!f.isArray() || f.size() > MAX_FILTERS)) {
      throw invalid("filters", "an array of at most " + MAX_FILTERS + " filters such as \"country:US\"");
    }
    for (JsonNode x : f == null ? List.<JsonNode>of() : f) {
      if (!x.isTextual()) {
        throw invalid("filters", "each filter is a string such as \"country:US\" or \"!browser:Chrome\"");
      }
      Filter parsed;
      try {
        parsed = Filter.parse(x.asText());
      } catch (DomainException e) {
        throw invalid("filters", e.getMessage());
      }
      if (metric.realtime() && !Viewership.REALTIME_DIMENSIONS.contains(parsed.dimension())) {
        throw invalid("filters", metric.name() + " filters by playbackId, device, browser or country only");
      }
      out.add(parsed);
    }
    if (metric.name().equals(AlertMetric.CONCURRENT_VIEWERS) && out.stream()
        .filter(x -> x.dimension() == Dimension.PLAYBACK_ID && !x.negated()).count() != 1) {
      throw invalid("filters", "concurrentViewers needs exactly one filter playbackId:<the stream's playback id>");
    }
    return out;
  }

  private static Rule.Anomaly anomaly(JsonNode a, AlertMetric metric) {
    if (metric.realtime()) {
      throw invalid("anomaly", metric.name() + " has no history to compare with: give a threshold");
    }
    if (!a.isObject()) {
      throw invalid("anomaly", "an object: {\"weeks\": 4, \"stddevs\": 3} or {\"weeks\": 4, \"factor\": 2}");
    }
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ANOMALY_FIELDS.contains(f)) {
        throw invalid("anomaly." + f, "unknown field (expected weeks, stddevs or factor)");
      }
    }
    int weeks = (int) integer(a, "weeks", "anomaly.weeks", WEEKS, 1, 12);
    JsonNode s = a.get("stddevs");
    JsonNode f = a.get("factor");
    boolean hasS = s != null && !s.isNull();
    boolean hasF = f != null && !f.isNull();
    if (hasS == hasF) {
      throw invalid("anomaly.stddevs", "give exactly one of stddevs and factor");
    }
    Double v = number(hasS ? s : f, hasS ? "anomaly.stddevs" : "anomaly.factor");
    if (v <= 0) {
      throw invalid(hasS ? "anomaly.stddevs" : "anomaly.factor", "must be positive");
    }
    return new Rule.Anomaly(weeks, hasS ? v : null, hasF ? v : null);
  }

  private static void checkUrl(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw invalid("webhookUrl", "not a URL");
    }
    if (url.length() > 2048 || u.getHost() == null || u.getScheme() == null
        || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
      throw invalid("webhookUrl", "an absolute http or https URL of at most 2048 characters");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(field, "must be a string");
    }
    return v.asText();
  }

  private static double number(JsonNode v, String field) {
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw invalid(field, "must be a number");
    }
    return v.asDouble();
  }

  private static long integer(JsonNode body, String field, long dflt, long min, long max) {
    return integer(body, field, field, dflt, min, max);
  }

  private static long integer(JsonNode body, String field, String name, long dflt, long min, long max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw invalid(name, "an integer from " + min + " to " + max);
    }
    return v.asLong();
  }

  private static DomainException invalid(String field, String problem) {
    return DomainException.invalid("field '" + field + "': " + problem);
  }
}
