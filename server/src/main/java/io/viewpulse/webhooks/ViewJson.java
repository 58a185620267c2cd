package io.viewpulse.webhooks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Views as JSON in the export's format: each an object of the export's fields under their API names. */
final class ViewJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ViewJson() {}

  /** A JSON array of views (a webhook's body). */
  static byte[] array(List<ViewRow> views) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(views.size() * 512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (ViewRow r : views) {
        write(g, r);
      }
      g.writeEndArray();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return out.toByteArray();
  }

  /** One view's object (a record of the topic of finished views). */
  static byte[] object(ViewRow view) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, view);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, ViewRow r) throws IOException {
    g.writeStartObject();
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
      } else {
        g.writeNumber((Integer) v);
      }
    }
    g.writeEndObject();
  }
}
