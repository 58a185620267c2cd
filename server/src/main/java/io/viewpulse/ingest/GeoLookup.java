package io.viewpulse.ingest;

import ch.hsr.geohash.GeoHash;
import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locates addresses with MaxMind DB files. Two record layouts are understood: MaxMind's own (GeoLite2/GeoIP2 City:
 * nested {@code country.iso_code}, {@code subdivisions[0]}, {@code location.time_zone}) and the flat one of the
 * open ip-location-db files such as DB-IP Lite ({@code country_code, state1, latitude, longitude, timezone}).
 * Several files may be given (DB-IP ships IPv4 and IPv6 separately): the first that knows the address answers.
 */
final class GeoLookup implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(GeoLookup.class);
  static final int GEOHASH_CHARS = 3;

  private final List<Reader> readers = new ArrayList<>();
  private final GeoTables tables = GeoTables.get();

  GeoLookup(List<Path> files) {
    for (Path f : files) {
      try {
        readers.add(new Reader(f.toFile(), new CHMCache(16_384)));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read GeoIP database " + f + ": " + e.getMessage(), e);
      }
    }
  }

  boolean enabled() {
    return !readers.isEmpty();
  }

  @SuppressWarnings("unchecked")
  GeoLocation lookup(InetAddress address) {
    for (Reader r : readers) {
      Map<String, Object> rec;
      try {
        rec = r.get(address, Map.class);
      } catch (IOException | RuntimeException e) {
        // an IPv6 address in an IPv4-only file, or a damaged file: try the next one
        LOG.debug("GeoIP lookup failed in one database: {}", e.toString());
        continue;
      }
      if (rec != null) {
        GeoLocation g = rec.containsKey("country_code") ? flat(rec) : maxmind(rec);
        if (g.country() != null) {
          return g;
        }
      }
    }
    return GeoLocation.UNKNOWN;
  }

  private GeoLocation flat(Map<String, Object> rec) {
    String country = upper(str(rec.get("country_code")));
    String region = str(rec.get("state1"));
    Double lat = num(rec.get("latitude"));
    Double lon = num(rec.get("longitude"));
    String tz = str(rec.get("timezone"));
    return complete(country, region, null, tz, lat, lon, null);
  }

  @SuppressWarnings("unchecked")
  private GeoLocation maxmind(Map<String, Object> rec) {
    Map<String, Object> country = (Map<String, Object>) rec.get("country");
    Map<String, Object> location = (Map<String, Object>) rec.get("location");
    Map<String, Object> continent = (Map<String, Object>) rec.get("continent");
    List<Map<String, Object>> subs = (List<Map<String, Object>>) rec.get("subdivisions");
    String cc = country == null ? null : upper(str(country.get("iso_code")));
    String region = null;
    String regionCode = null;
    if (subs != null && !subs.isEmpty()) {
      regionCode = str(subs.get(0).get("iso_code"));
      region = englishName(subs.get(0));
    }
    String continentName = continent == null ? null : englishName(continent);
    Double lat = location == null ? null : num(location.get("latitude"));
    Double lon = location == null ? null : num(location.get("longitude"));
    String tz = location == null ? null : str(location.get("time_zone"));
    return complete(cc, region, regionCode, tz, lat, lon, continentName);
  }

  private GeoLocation complete(String country, String region, String regionCode, String tz, Double lat, Double lon,
      String continent) {
    if (country == null) {
      return GeoLocation.UNKNOWN;
    }
    if (regionCode == null) {
      regionCode = tables.subdivisionCode(country, region);
    }
    if (tz == null) {
      tz = tables.timezone(country, region, lat, lon);
    }
    if (continent == null) {
      continent = tables.continent(country);
    }
    String geohash = lat == null || lon == null
        ? null : GeoHash.geoHashStringWithCharacterPrecision(lat, lon, GEOHASH_CHARS);
    return new GeoLocation(continent, country, region, regionCode, tz, geohash);
  }

  @SuppressWarnings("unchecked")
  private static String englishName(Map<String, Object> m) {
    Object names = m.get("names");
    return names instanceof Map<?, ?> n ? str(((Map<String, Object>) n).get("en")) : null;
  }

  private static String str(Object o) {
    return o instanceof String s && !s.isBlank() ? s : null;
  }

  private static String upper(String s) {
    return s == null ? null : s.toUpperCase(java.util.Locale.ROOT);
  }

  private static Double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  @Override
  public void close() throws IOException {
    for (Reader r : readers) {
      r.close();
    }
  }
}
