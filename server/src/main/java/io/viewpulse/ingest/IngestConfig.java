package io.viewpulse.ingest;

import java.nio.file.Path;
import java.util.List;

/**
 * How ingest reads its senders.
 *
 * @param geoipFiles MaxMind DB files to locate addresses with; empty disables address geolocation
 * @param trustedProxies networks whose X-Forwarded-For is believed (e.g. "10.0.0.0/8")
 * @param cdn the CDN whose headers are believed: none, cloudflare, cloudfront or fastly
 */
public record IngestConfig(List<Path> geoipFiles, List<String> trustedProxies, String cdn) {
  public IngestConfig {
    geoipFiles = List.copyOf(geoipFiles);
    trustedProxies = List.copyOf(trustedProxies);
  }
}
