package io.viewpulse.ingest;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The network of an address: its autonomous system number and the organisation holding it (the ISP, for most
 * viewers). Reads MaxMind DB files in the ASN layout ({@code autonomous_system_number},
 * {@code autonomous_system_organization}: ip-location-db's asn-mmdb files, MaxMind's GeoLite2 ASN) and the CSV files
 * of ip-location-db's {@code @ip-location-db/asn} package ({@code start,end,number,organisation}, addresses as
 * text), held in memory as sorted ranges. The first file that knows an address answers. No file: off, every address
 * unknown.
 */
final class AsnLookup implements Closeable {
  /** An address's autonomous system: its number as decimal digits, and its organisation (either may be null). */
  record Asn(String number, String organisation) {
    static final Asn UNKNOWN = new Asn(null, null);
  }

  private interface Source {
    Asn find(InetAddress a) throws IOException;
  }

  private final List<Source> sources = new ArrayList<>();
  private final List<Reader> readers = new ArrayList<>();

  AsnLookup(List<Path> files) {
    for (Path f : files) {
      try {
        if (f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
          sources.add(CsvRanges.read(f)::find);
        } else {
          Reader r = new Reader(f.toFile(), new CHMCache(16_384));
          readers.add(r);
          sources.add(a -> mmdb(r, a));
        }
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot read ASN database " + f + ": " + e.getMessage(), e);
      }
    }
  }

  boolean enabled() {
    return !sources.isEmpty();
  }

  Asn lookup(InetAddress address) {
    if (address == null) {
      return Asn.UNKNOWN;
    }
    for (Source s : sources) {
      try {
        Asn a = s.find(address);
        if (a != null) {
          return a;
        }
      } catch (IOException | RuntimeException e) {
        // an IPv6 address in an IPv4-only file, or a damaged file: the next one may know it
      }
    }
    return Asn.UNKNOWN;
  }

  @SuppressWarnings("unchecked")
  private static Asn mmdb(Reader r, InetAddress a) throws IOException {
    Map<String, Object> rec = r.get(a, Map.class);
    if (rec == null) {
      return null;
    }
    Object n = rec.get("autonomous_system_number");
    Object o = rec.get("autonomous_system_organization");
    String number = n instanceof Number x && x.longValue() > 0 ? Long.toString(x.longValue()) : null;
    String org = o instanceof String s && !s.isBlank() ? CustomValues.valid(s) : null;
    return number == null && org == null ? null : new Asn(number, org);
  }

  /** Ranges of a CSV file, sorted by start: IPv4 and IPv6 addresses as 128-bit numbers (two longs). */
  static final class CsvRanges {
    private final long[] startHi;
    private final long[] startLo;
    private final long[] endHi;
    private final long[] endLo;
    private final Asn[] asns;

    private CsvRanges(List<long[]> ranges, List<Asn> asns) {
      int n = ranges.size();
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (x, y) -> compare(ranges.get(x)[0], ranges.get(x)[1], ranges.get(y)[0],
          ranges.get(y)[1]));
      startHi = new long[n];
      startLo = new long[n];
      endHi = new long[n];
      endLo = new long[n];
      this.asns = new Asn[n];
      for (int i = 0; i < n; i++) {
        long[] r = ranges.get(order[i]);
        startHi[i] = r[0];
        startLo[i] = r[1];
        endHi[i] = r[2];
        endLo[i] = r[3];
        this.asns[i] = asns.get(order[i]);
      }
    }

    static CsvRanges read(Path f) throws IOException {
      List<long[]> ranges = new ArrayList<>();
      List<Asn> asns = new ArrayList<>();
      Map<String, Asn> shared = new java.util.HashMap<>();
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        int line = 0;
        for (String s = in.readLine(); s != null; s = in.readLine()) {
          line++;
          if (s.isBlank()) {
            continue;
          }
          String[] c = fields(s);
          if (c.length < 3) {
            throw new IOException("line " + line + " has " + c.length + " fields, not start,end,number[,organisation]");
          }
          long[] start = number(c[0]);
          long[] end = number(c[1]);
          String org = c.length > 3 ? CustomValues.valid(c[3]) : null;
          String num = c[2].strip();
          ranges.add(new long[] {start[0], start[1], end[0], end[1]});
          asns.add(shared.computeIfAbsent(num + '|' + org, k -> new Asn(num.isEmpty() ? null : num, org)));
        }
      }
      return new CsvRanges(ranges, asns);
    }

    Asn find(InetAddress a) {
      long[] v = number(a);
      int lo = 0;
      int hi = startHi.length - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (compare(startHi[mid], startLo[mid], v[0], v[1]) <= 0) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found >= 0 && compare(v[0], v[1], endHi[found], endLo[found]) <= 0 ? asns[found] : null;
    }

    /** An address as a 128-bit number: IPv4 as its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}). */
    private static long[] number(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length == 4) {
        return new long[] {0, 0xffff_0000_0000L | (Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(b).getInt()))};
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
      return new long[] {buf.getLong(), buf.getLong()};
    }

    private static long[] number(String text) throws IOException {
      String t = text.strip();
      if (t.isEmpty() || !(t.indexOf(':') >= 0 || t.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch)))) {
        throw new IOException("not an IP address: " + t);
      }
      // a literal, never a host name: InetAddress resolves nothing for it
      return number(InetAddress.getByName(t));
    }

    private static int compare(long hi1, long lo1, long hi2, long lo2) {
      int c = Long.compareUnsigned(hi1, hi2);
      return c != 0 ? c : Long.compareUnsigned(lo1, lo2);
    }

    /** The fields of a CSV line: commas separate, double quotes enclose a field with commas ("" is a quote). */
    private static String[] fields(String s) {
      List<String> out = new ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (quoted) {
          if (ch == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else if (ch == '"') {
            quoted = false;
          } else {
            f.append(ch);
          }
        } else if (ch == '"') {
          quoted = true;
        } else if (ch == ',') {
          out.add(f.toString());
          f.setLength(0);
        } else {
          f.append(ch);
        }
      }
      out.add(f.toString());
      return out.toArray(String[]::new);
    }
  }

  @Override
  public void close() throws IOException {
    for (Reader r : readers) {
      r.close();
    }
  }
}
