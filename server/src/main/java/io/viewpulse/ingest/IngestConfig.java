package io.viewpulse.ingest;

import java.nio.file.Path;
import java.util.List;

/**
 * How ingest reads its senders.
 *
 * @param geoipFiles MaxMind DB files to locate addresses with; empty disables address geolocation
 * @param trustedProxies networks whose X-Forwarded-For is believed (e.g. "10.0.0.0/8")
 * @param cdn the CDN whose headers are believed: none, cloudflare, cloudfront or fastly
 * @param legacyMaxBytes what the sessions of Livepeer's legacy socket reporter may weigh together ({@link LegacyReports})
 */
public record IngestConfig(List<Path> geoipFiles, List<String> trustedProxies, String cdn, long legacyMaxBytes) {
  public IngestConfig {
    geoipFiles = List.copyOf(geoipFiles);
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** With the default bounds. */
  public IngestConfig(List<Path> geoipFiles, List<String> trustedProxies, String cdn) {
    this(geoipFiles, trustedProxies, cdn, LegacyReports.DEFAULT_MAX_BYTES);
  }

  public IngestConfig withLegacyMaxBytes(long bytes) {
    return new IngestConfig(geoipFiles, trustedProxies, cdn, bytes);
  }
}
