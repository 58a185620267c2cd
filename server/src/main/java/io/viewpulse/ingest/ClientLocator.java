package io.viewpulse.ingest;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Finds the viewer's address and location. The TCP peer is the viewer unless it is a configured trusted proxy; only
 * then is {@code X-Forwarded-For} read, right to left, skipping trusted proxies. A configured CDN's own headers
 * (client address and geo) are believed as they come: enable one only when all traffic passes through that CDN.
 * The address is used here and dropped: it never leaves this class except inside the viewer hash.
 */
final class ClientLocator {
  /** The CDN in front of Viewpulse whose headers are trusted. */
  enum Cdn {
    NONE,
    CLOUDFLARE,
    CLOUDFRONT,
    FASTLY;

    static Cdn parse(String s) {
      try {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown CDN '" + s + "': expected none, cloudflare, cloudfront or fastly");
      }
    }
  }

  private final List<Cidr> trustedProxies;
  private final Cdn cdn;
  private final GeoLookup geo;
  private final GeoTables tables = GeoTables.get();

  ClientLocator(List<Cidr> trustedProxies, Cdn cdn, GeoLookup geo) {
    this.trustedProxies = List.copyOf(trustedProxies);
    this.cdn = cdn;
    this.geo = geo;
  }

  /** The viewer's address, or null when none can be read. */
  InetAddress clientAddress(Edge e) {
    String fromCdn = switch (cdn) {
      case CLOUDFLARE -> e.header("cf-connecting-ip");
      case CLOUDFRONT -> stripPort(e.header("cloudfront-viewer-address"));
      case FASTLY -> e.header("fastly-client-ip");
      case NONE -> null;
    };
    if (fromCdn != null) {
      InetAddress a = parseOrNull(fromCdn);
      if (a != null) {
        return a;
      }
    }
    InetAddress peer = parseOrNull(e.peerAddress());
    if (peer == null || !trusted(peer)) {
      return peer;
    }
    String xff = e.header("x-forwarded-for");
    if (xff == null) {
      return peer;
    }
    String[] hops = xff.split(",");
    InetAddress client = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      InetAddress hop = parseOrNull(hops[i]);
      if (hop == null) {
        break;
      }
      client = hop;
      if (!trusted(hop)) {
        break;
      }
    }
    return client;
  }

  /**
   * The viewer's location: where a beacon made inside the server says it is (the demo's), else from the CDN's headers
   * when trusted and present, else from the GeoIP database.
   */
  GeoLocation locate(Edge e, InetAddress client) {
    if (e.place() != null) {
      Edge.Place p = e.place();
      GeoLocation placed = fromHeaders(p.country(), p.region(), null, null, Double.toString(p.latitude()),
          Double.toString(p.longitude()));
      if (placed != null) {
        return placed;
      }
    }
    GeoLocation fromCdn = switch (cdn) {
      case CLOUDFLARE -> fromHeaders(e.header("cf-ipcountry"), e.header("cf-region"), e.header("cf-region-code"),
          e.header("cf-timezone"), e.header("cf-iplatitude"), e.header("cf-iplongitude"));
      case CLOUDFRONT -> fromHeaders(e.header("cloudfront-viewer-country"),
          e.header("cloudfront-viewer-country-region-name"), e.header("cloudfront-viewer-country-region"),
          e.header("cloudfront-viewer-time-zone"), e.header("cloudfront-viewer-latitude"),
          e.header("cloudfront-viewer-longitude"));
      case FASTLY -> fromHeaders(e.header("fastly-geo-country"), e.header("fastly-geo-region-name"),
          e.header("fastly-geo-region"), e.header("fastly-geo-timezone"), e.header("fastly-geo-latitude"),
          e.header("fastly-geo-longitude"));
      case NONE -> null;
    };
    if (fromCdn != null) {
      return fromCdn;
    }
    if (client == null || geo == null || !geo.enabled()) {
      return GeoLocation.UNKNOWN;
    }
    return geo.lookup(client);
  }

  private GeoLocation fromHeaders(String country, String regionName, String regionCode, String tz, String lat,
      String lon) {
    if (country == null || !country.matches("[A-Za-z]{2}") || country.equalsIgnoreCase("XX")
        || country.equalsIgnoreCase("T1")) {
      return null;
    }
    String cc = country.toUpperCase(Locale.ROOT);
    Double la = parseDouble(lat);
    Double lo = parseDouble(lon);
    String code = regionCode != null && regionCode.matches("[A-Za-z0-9]{1,3}")
        ? regionCode.toUpperCase(Locale.ROOT) : tables.subdivisionCode(cc, regionName);
    String zone = tz != null && tz.matches("[A-Za-z_]+(/[A-Za-z0-9_+-]+)*") ? tz : tables.timezone(cc, regionName, la, lo);
    String hash = la == null || lo == null ? null
        : ch.hsr.geohash.GeoHash.geoHashStringWithCharacterPrecision(la, lo, GeoLookup.GEOHASH_CHARS);
    String name = regionName == null || regionName.isBlank() ? null : regionName.strip();
    return new GeoLocation(tables.continent(cc), cc, name, code, zone, hash);
  }

  private boolean trusted(InetAddress a) {
    for (Cidr c : trustedProxies) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private static String stripPort(String addressAndPort) {
    if (addressAndPort == null) {
      return null;
    }
    int colon = addressAndPort.lastIndexOf(':');
    return colon < 0 ? addressAndPort : addressAndPort.substring(0, colon);
  }

  private static InetAddress parseOrNull(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Cidr.literal(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Double parseDouble(String s) {
    if (s == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(s.strip());
      return Double.isFinite(d) && Math.abs(d) <= 180 ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
