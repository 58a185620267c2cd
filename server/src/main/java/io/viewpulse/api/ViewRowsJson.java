package io.viewpulse.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.viewpulse.model.CustomDimension;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewRow;
import io.viewpulse.webhooks.ViewJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Views one by one in the API's shapes: a JSON object per view (the explorer's pages, NDJSON lines) and CSV lines,
 * with the fields of {@link ViewField} in its order under its names, then the account's custom dimensions in the order
 * of their slots under their API names ({@code custom.<name>}; the names declared when the answer begins). The view id
 * is a string in JSON (ClickHouse's ids use all 64 bits, beyond what a JavaScript number holds exactly), the start
 * Unix milliseconds, an unknown value null in JSON and empty in CSV.
 */
final class ViewRowsJson {
  private ViewRowsJson() {}

  /** The value of one field of a row: a String, Long, Integer, Boolean, BigDecimal or null. */
  static Object value(ViewRow r, ViewField f) {
    return r.field(f);
  }

  /**
   * One view as a JSON object: its fields, its custom dimensions ({@code customNames} by slot, index 0 being slot 1,
   * null where none was declared), and {@code failed} (any error) when {@code withFailed}.
   */
  static void write(JsonGenerator g, ViewRow r, List<String> customNames, boolean withFailed) throws IOException {
    g.writeStartObject();
    ViewJson.fields(g, r, customNames);
    if (withFailed) {
      g.writeBooleanField("failed", r.failed());
    }
    g.writeEndObject();
  }

  /** Writes NDJSON: one object a line. */
  static final class Ndjson implements AutoCloseable {
    private final JsonGenerator g;
    private final List<String> customNames;

    Ndjson(OutputStream out, List<String> customNames) throws IOException {
      this.customNames = customNames;
      g = Json.MAPPER.getFactory().createGenerator(out);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      // the line break separates the objects: not Jackson's default space before every object after the first
      g.setRootValueSeparator(null);
    }

    void row(ViewRow r) throws IOException {
      write(g, r, customNames, false);
      g.writeRaw('\n');
    }

    @Override
    public void close() throws IOException {
      g.close();
    }
  }

  /** Writes CSV (RFC 4180: CRLF lines, a header line, fields quoted when they hold a comma, quote or line break). */
  static final class Csv implements AutoCloseable {
    private final Writer w;
    private final List<String> customNames;

    Csv(OutputStream out, List<String> customNames) throws IOException {
      this.customNames = customNames;
      w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
      for (ViewField f : ViewField.ALL) {
        if (f.ordinal() > 0) {
          w.write(',');
        }
        w.write(f.apiName());
      }
      for (String name : customNames) {
        if (name != null) {
          w.write(',');
          w.write(CustomDimension.PREFIX + name);
        }
      }
      w.write("\r\n");
    }

    void row(ViewRow r) throws IOException {
      for (ViewField f : ViewField.ALL) {
        if (f.ordinal() > 0) {
          w.write(',');
        }
        Object v = value(r, f);
        if (v instanceof String s) {
          field(s);
        } else if (v instanceof java.math.BigDecimal d) {
          w.write(d.toPlainString());
        } else if (v != null) {
          w.write(v.toString());
        }
      }
      for (int slot = 1; slot <= customNames.size(); slot++) {
        if (customNames.get(slot - 1) != null) {
          w.write(',');
          String v = r.dims().custom(slot);
          if (v != null) {
            field(v);
          }
        }
      }
      w.write("\r\n");
    }

    private void field(String s) throws IOException {
      boolean quote = s.isEmpty();
      for (int i = 0; i < s.length() && !quote; i++) {
        char c = s.charAt(i);
        quote = c == ',' || c == '"' || c == '\r' || c == '\n';
      }
      if (!quote) {
        w.write(s);
        return;
      }
      // an empty string is quoted so that it differs from an unknown value (an empty field)
      w.write('"');
      w.write(s.replace("\"", "\"\""));
      w.write('"');
    }

    @Override
    public void close() throws IOException {
      w.flush();
    }
  }
}
