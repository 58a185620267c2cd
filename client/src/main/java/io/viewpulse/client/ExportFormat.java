package io.viewpulse.client;

/** The formats of a views export ({@link Viewpulse#exportViews}). */
public enum ExportFormat {
  /** RFC 4180 CSV with a header line; oldest view first. */
  CSV("csv"),
  /** One JSON object a line; oldest view first. */
  NDJSON("ndjson"),
  /** One Parquet file with typed columns, in the store's order. */
  PARQUET("parquet");

  private final String apiName;

  ExportFormat(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }
}
