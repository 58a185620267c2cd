package io.viewpulse.client;

import java.time.Instant;

/**
 * How far an export has come: what it has written, and (CSV and NDJSON, which come oldest first) the start and id of
 * the last view written, from which a broken export resumes ({@link Viewpulse#exportViews}).
 *
 * @param bytes bytes written to the destination
 * @param views views written (CSV and NDJSON; 0 for Parquet, whose rows are only readable once it is whole)
 * @param lastStart the start of the last view written, or null
 * @param lastViewId the id of the last view written, or null
 */
public record ExportProgress(long bytes, long views, Instant lastStart, String lastViewId) {
  public static final ExportProgress NONE = new ExportProgress(0, 0, null, null);
}
