package io.viewpulse.webhooks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Views as JSON in the export's format: each an object of the export's fields under their API names, then, for an
 * account's views, its custom dimensions under their API names ({@code custom.<name>}, as the NDJSON export writes
 * them).
 */
public final class ViewJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ViewJson() {}

  /**
   * A JSON array of one account's views (a webhook's body), with the account's custom dimensions ({@code customNames}
   * by slot, index 0 being slot 1, null where none was declared).
   */
  static byte[] array(List<ViewRow> views, List<String> customNames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(views.size() * 512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (ViewRow r : views) {
        write(g, r, customNames);
      }
      g.writeEndArray();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return out.toByteArray();
  }

  /**
   * One view's object (a record of the topic of finished views, which holds every account's views): the fixed fields
   * only, since the names of custom dimensions are each account's own.
   */
  static byte[] object(ViewRow view) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, view, List.of());
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, ViewRow r, List<String> customNames) throws IOException {
    g.writeStartObject();
    fields(g, r, customNames);
    g.writeEndObject();
  }

  /**
   * Writes a view's fields into the object {@code g} is in: the export's fields under their API names, then its
   * custom dimensions ({@code customNames} by slot, index 0 being slot 1, null where none was declared) as
   * {@code custom.<name>}. The views API's pages and NDJSON export write their objects with it too.
   */
  public static void fields(JsonGenerator g, ViewRow r, List<String> customNames) throws IOException {
    for (ViewField f : ViewField.ALL) {
      Object v = r.field(f);
      g.writeFieldName(f.apiName());
      if (v == null) {
        g.writeNull();
      } else if (v instanceof String s) {
        g.writeString(s);
      } else if (v instanceof Boolean b) {
        g.writeBoolean(b);
      } else if (v instanceof Long l) {
        g.writeNumber(l);
      } else if (v instanceof java.math.BigDecimal d) {
        g.writeNumber(d.toPlainString());
      } else {
        g.writeNumber((Integer) v);
      }
    }
    for (int slot = 1; slot <= customNames.size(); slot++) {
      String name = customNames.get(slot - 1);
      if (name != null) {
        String v = r.dims().custom(slot);
        g.writeFieldName(io.viewpulse.model.CustomDimension.PREFIX + name);
        if (v == null) {
          g.writeNull();
        } else {
          g.writeString(v);
        }
      }
    }
  }
}
