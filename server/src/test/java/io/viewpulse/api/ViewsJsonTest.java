package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A views answer written byte by byte reads back, through Jackson, as the rows it was written from. */
class ViewsJsonTest {
  private static final String[] PLACES = {"US", "Île-de-France", "say \"hi\"", "back\\slash", "tab\tand\nline",
      "\u0001control", "emoji \uD83C\uDFA5", "", "Zürich / 東京"};

  private static byte[] write(List<MetricRow> rows, boolean full) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ViewsJson.write(rows, full, out);
    return out.toByteArray();
  }

  /**
   * What the answer must read as: built with Jackson's tree, the quality figures rounded to seven digits, and read
   * back as the answer is (so that a count is an int node in both).
   */
  private static JsonNode expected(List<MetricRow> rows, boolean full) throws IOException {
    return Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(tree(rows, full)));
  }

  private static ArrayNode tree(List<MetricRow> rows, boolean full) {
    ArrayNode a = Json.array();
    for (MetricRow r : rows) {
      ObjectNode o = a.addObject();
      if (r.timestamp() != null) {
        o.put("timestamp", r.timestamp());
      }
      r.dimensions().forEach((d, v) -> {
        if (v != null) {
          o.put(d.apiName(), v);
        }
      });
      o.put("viewCount", r.viewCount());
      o.put("playtimeMins", r.playtimeMins());
      if (full) {
        quality(o, "ttffMs", r.ttffMs());
        quality(o, "ttffP50Ms", r.ttffP50Ms());
        quality(o, "ttffP95Ms", r.ttffP95Ms());
        quality(o, "rebufferRatio", r.rebufferRatio());
        quality(o, "errorRate", r.errorRate());
        quality(o, "exitsBeforeStart", r.exitsBeforeStart());
        if (r.uniqueViewers() != null) {
          o.put("uniqueViewers", r.uniqueViewers());
        }
      }
    }
    return a;
  }

  private static void quality(ObjectNode o, String name, Double v) {
    if (v == null) {
      return;
    }
    if (!Double.isFinite(v)) {
      o.put(name, v.toString());
    } else {
      o.put(name, new BigDecimal(v).round(new MathContext(7)).doubleValue());
    }
  }

  private static List<MetricRow> randomRows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<MetricRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<Dimension, String> dims = new EnumMap<>(Dimension.class);
      dims.put(Dimension.COUNTRY, r.nextInt(10) == 0 ? null : PLACES[r.nextInt(PLACES.length)]);
      dims.put(Dimension.BROWSER, "Chrome " + r.nextInt(140));
      long views = r.nextLong(1_000_000);
      rows.add(new MetricRow(r.nextBoolean() ? null : 1_787_594_400_000L + i * 3_600_000L, dims, views,
          views * 7.1 + r.nextDouble(), maybe(r, 400 + r.nextDouble() * 80), maybe(r, r.nextDouble() * 1e4),
          maybe(r, r.nextDouble() * 1e-6), maybe(r, r.nextDouble()), maybe(r, r.nextInt(3) / 7.0),
          maybe(r, 0.0), r.nextBoolean() ? null : r.nextLong(Long.MAX_VALUE)));
    }
    return rows;
  }

  private static Double maybe(SplittableRandom r, double v) {
    return r.nextInt(8) == 0 ? null : v;
  }

  @Test
  void readsBackAsTheRowsItWasWrittenFrom() throws IOException {
    // 20,000 rows: the buffer is handed on dozens of times, always between rows
    List<MetricRow> rows = randomRows(20_000, 11);
    JsonNode read = Json.MAPPER.readTree(write(rows, true));
    assertThat(read).hasSize(20_000);
    JsonNode expected = expected(rows, true);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(read.get(i)).as("row %d", i).isEqualTo(expected.get(i));
    }
  }

  @Test
  void leavesTheQualityFiguresOutOfAnEngagementAnswer() throws IOException {
    List<MetricRow> rows = randomRows(50, 12);
    JsonNode read = Json.MAPPER.readTree(write(rows, false));
    assertThat(read).isEqualTo(expected(rows, false));
    assertThat(read.get(0).has("ttffMs")).isFalse();
  }

  @Test
  void writesTheSmallAnswersExactly() throws IOException {
    Map<Dimension, String> dims = new EnumMap<>(Dimension.class);
    dims.put(Dimension.COUNTRY, "BR");
    dims.put(Dimension.DEVICE_TYPE, null);
    List<MetricRow> rows = List.of(
        new MetricRow(1_700_000_000_000L, dims, 3, 0.23, 200.0, 150.0, 250.0, 1100.0 / 14_900, 1 / 3.0, 0.0, 2L),
        new MetricRow(null, Map.of(), 0, 0, null, null, null, null, null, null, null));
    assertThat(new String(write(rows, true), StandardCharsets.UTF_8)).isEqualTo("[{\"timestamp\":1700000000000,"
        + "\"country\":\"BR\",\"viewCount\":3,\"playtimeMins\":0.23,\"ttffMs\":200.0,\"ttffP50Ms\":150.0,"
        + "\"ttffP95Ms\":250.0,\"rebufferRatio\":0.0738255,\"errorRate\":0.3333333,\"exitsBeforeStart\":0.0,"
        + "\"uniqueViewers\":2},{\"viewCount\":0,\"playtimeMins\":0.0}]");
    assertThat(new String(write(List.of(), true), StandardCharsets.UTF_8)).isEqualTo("[]");
  }

  @Test
  void escapesEveryStringAndQuotesWhatIsNotANumber() throws IOException {
    Map<Dimension, String> dims = new HashMap<>();
    String huge = "x\"".repeat(150_000);
    dims.put(Dimension.BROWSER, huge);
    Map<Dimension, String> ordered = new EnumMap<>(dims);
    ordered.put(Dimension.COUNTRY, PLACES[4]);
    List<MetricRow> rows = List.of(new MetricRow(null, ordered, 1, 1, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, null, null, null, null));
    byte[] json = write(rows, true);
    JsonNode row = Json.MAPPER.readTree(json).get(0);
    assertThat(row.get("browser").asText()).isEqualTo(huge);
    assertThat(row.get("country").asText()).isEqualTo("tab\tand\nline");
    assertThat(row.get("ttffMs").isTextual()).isTrue();
    assertThat(row).isEqualTo(expected(rows, true).get(0));
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"country\":\"tab\\tand\\nline\"", "\"ttffMs\":\"NaN\"", "\"ttffP95Ms\":\"-Infinity\"");
  }
}
