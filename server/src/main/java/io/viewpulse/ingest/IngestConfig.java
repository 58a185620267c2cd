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
 * @param limits what one client address may ask ({@link AddressLimits})
 * @param asnFiles ASN databases (MaxMind DB files in the ASN layout, or ip-location-db's CSV files) to find the
 *     network (ASN and ISP) of addresses with; empty turns the network dimensions asn and isp off
 */
public record IngestConfig(List<Path> geoipFiles, List<String> trustedProxies, String cdn, long legacyMaxBytes,
    Limits limits, List<Path> asnFiles) {
  public IngestConfig {
    geoipFiles = List.copyOf(geoipFiles);
    trustedProxies = List.copyOf(trustedProxies);
    asnFiles = List.copyOf(asnFiles);
  }

  /** Without an ASN database. */
  public IngestConfig(List<Path> geoipFiles, List<String> trustedProxies, String cdn, long legacyMaxBytes,
      Limits limits) {
    this(geoipFiles, trustedProxies, cdn, legacyMaxBytes, limits, List.of());
  }

  public IngestConfig withAsnFiles(List<Path> files) {
    return new IngestConfig(geoipFiles, trustedProxies, cdn, legacyMaxBytes, limits, files);
  }

  /** With the default bounds and limits. */
  public IngestConfig(List<Path> geoipFiles, List<String> trustedProxies, String cdn) {
    this(geoipFiles, trustedProxies, cdn, LegacyReports.DEFAULT_MAX_BYTES, Limits.defaults());
  }

  public IngestConfig withLegacyMaxBytes(long bytes) {
    return new IngestConfig(geoipFiles, trustedProxies, cdn, bytes, limits, asnFiles);
  }

  public IngestConfig withLimits(Limits l) {
    return new IngestConfig(geoipFiles, trustedProxies, cdn, legacyMaxBytes, l, asnFiles);
  }

  /**
   * Per client address (an IPv6 address by its /64; loopback not limited); 0 turns a limit off.
   *
   * @param beaconsPerSecond sustained beacons a second, in bursts of up to ten seconds' worth (a player sends one every
   *     5 s: the default serves 500 players behind one address, a NAT'd office or a carrier-grade NAT)
   * @param newSessionsPerMinute sessions not seen in the last two to four minutes, a minute's worth at once
   * @param socketsPerAddress open sockets of Livepeer's legacy reporter at once (one per player)
   */
  public record Limits(int beaconsPerSecond, int newSessionsPerMinute, int socketsPerAddress) {
    public static final int BEACONS_PER_SECOND = 100;
    public static final int NEW_SESSIONS_PER_MINUTE = 300;
    public static final int SOCKETS_PER_ADDRESS = 500;

    public static Limits defaults() {
      return new Limits(BEACONS_PER_SECOND, NEW_SESSIONS_PER_MINUTE, SOCKETS_PER_ADDRESS);
    }
  }
}
