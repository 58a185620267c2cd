package io.viewpulse.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Copies an export to its destination record by record (CSV records may hold quoted line breaks; NDJSON lines never
 * do), noting each record's view id and start, and leaving out what a resumed export has already written: its CSV
 * header, and the views of the second it resumes in up to and including the last one written (the server sends the
 * views of a second in the order of their ids). Parquet is copied as it is. Memory holds one record.
 */
final class ExportCopy {
  private final ExportFormat format;
  private final OutputStream out;
  private final Consumer<ExportProgress> progress;
  private final Long resumeStartMs;
  private final Long resumeViewId;
  private long bytes;
  private long views;
  private Instant lastStart;
  private String lastViewId;
  private boolean header;

  ExportCopy(ExportFormat format, OutputStream out, Consumer<ExportProgress> progress, ExportProgress resume) {
    this.format = format;
    this.out = out;
    this.progress = progress;
    boolean resuming = resume != null && resume.lastStart() != null && resume.lastViewId() != null;
    this.resumeStartMs = resuming ? resume.lastStart().toEpochMilli() : null;
    this.resumeViewId = resuming ? Long.parseLong(resume.lastViewId()) : null;
    this.header = format == ExportFormat.CSV;
    if (resume != null) {
      bytes = resume.bytes();
      views = resume.views();
      lastStart = resume.lastStart();
      lastViewId = resume.lastViewId();
    }
  }

  ExportProgress copy(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    if (format == ExportFormat.PARQUET) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        bytes += n;
        progress.accept(now());
      }
      return now();
    }
    byte[] record = new byte[4096];
    int len = 0;
    boolean quoted = false;
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (len == record.length) {
          record = Arrays.copyOf(record, record.length * 2);
        }
        record[len++] = b;
        if (b == '"' && format == ExportFormat.CSV) {
          quoted = !quoted;
        } else if (b == '\n' && !quoted) {
          record(record, len);
          len = 0;
        }
      }
    }
    if (len > 0) {
      throw new IOException("the export ended within a record: the connection was cut");
    }
    out.flush();
    return now();
  }

  private void record(byte[] r, int len) throws IOException {
    if (header) {
      header = false;
      if (resumeStartMs == null) {
        write(r, len);
      }
      return;
    }
    long id;
    long startMs;
    if (format == ExportFormat.CSV) {
      String[] first = csvFields(r, len);
      id = Long.parseLong(first[0]);
      startMs = Long.parseLong(first[1]);
    } else {
      long[] v = jsonFields(r, len);
      id = v[0];
      startMs = v[1];
    }
    if (resumeStartMs != null && startMs == resumeStartMs && id <= resumeViewId) {
      return;
    }
    write(r, len);
    views++;
    lastStart = Instant.ofEpochMilli(startMs);
    lastViewId = Long.toString(id);
    progress.accept(now());
  }

  private void write(byte[] r, int len) throws IOException {
    out.write(r, 0, len);
    bytes += len;
  }

  /** The view id (field 0) and the start (field 5) of a CSV record. */
  private static String[] csvFields(byte[] r, int len) {
    String[] out = new String[2];
    int field = 0;
    int from = 0;
    boolean quoted = false;
    for (int i = 0; i < len && field <= 5; i++) {
      byte b = r[i];
      if (b == '"') {
        quoted = !quoted;
      } else if ((b == ',' || b == '\r' || b == '\n') && !quoted) {
        if (field == 0) {
          out[0] = new String(r, from, i - from, java.nio.charset.StandardCharsets.US_ASCII);
        } else if (field == 5) {
          out[1] = new String(r, from, i - from, java.nio.charset.StandardCharsets.US_ASCII);
        }
        field++;
        from = i + 1;
      }
    }
    return out;
  }

  private static long[] jsonFields(byte[] r, int len) throws IOException {
    long[] out = new long[2];
    try (JsonParser p = Transport.JSON.getFactory().createParser(r, 0, len)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("viewId")) {
          out[0] = Long.parseLong(p.getText());
        } else if (name.equals("startedAt")) {
          out[1] = p.getLongValue();
        } else {
          p.skipChildren();
        }
      }
    }
    return out;
  }

  private ExportProgress now() {
    return new ExportProgress(bytes, views, lastStart, lastViewId);
  }
}
