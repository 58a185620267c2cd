import com.maxmind.db.Reader;
import java.io.File;
import java.io.FileWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.iakovlev.timeshape.TimeZoneEngine;

/**
 * Writes the IANA zone of every (country, region name) of a flat-layout GeoIP file (DB-IP Lite as packaged by
 * ip-location-db), by looking up the time-zone polygons (timeshape) at a spread of that region's city coordinates
 * and keeping the most frequent answer. Timeshape is too slow and too large to run inside the server, so the server
 * ships the table.
 */
public final class RegionZones {
  public static void main(String[] args) throws Exception {
    Map<String, List<double[]>> samples = new TreeMap<>();
    for (String file : args[0].split(",")) {
      try (Reader r = new Reader(new File(file))) {
        var it = r.networks(Map.class);
        while (it.hasNext()) {
          Map<?, ?> m = (Map<?, ?>) it.next().data();
          Object cc = m.get("country_code");
          Object region = m.get("state1");
          Object lat = m.get("latitude");
          Object lon = m.get("longitude");
          if (!(cc instanceof String) || !(region instanceof String) || ((String) region).isEmpty()
              || !(lat instanceof Number) || !(lon instanceof Number)) {
            continue;
          }
          List<double[]> l = samples.computeIfAbsent(cc + "\t" + region, k -> new ArrayList<>());
          if (l.size() < 400) {
            l.add(new double[] {((Number) lat).doubleValue(), ((Number) lon).doubleValue()});
          }
        }
      }
    }
    TimeZoneEngine engine = TimeZoneEngine.initialize();
    try (PrintWriter out = new PrintWriter(new FileWriter(args[1]))) {
      out.println("# country, region name (as DB-IP Lite spells it), IANA zone: tools/region-zones");
      for (var e : samples.entrySet()) {
        Map<String, Integer> votes = new HashMap<>();
        List<double[]> l = e.getValue();
        int step = Math.max(1, l.size() / 7);
        for (int i = 0; i < l.size(); i += step) {
          double[] p = l.get(i);
          engine.query(p[0], p[1]).ifPresent(z -> votes.merge(z.getId(), 1, Integer::sum));
        }
        votes.entrySet().stream().max(Map.Entry.comparingByValue())
            .ifPresent(best -> out.println(e.getKey() + "\t" + best.getKey()));
      }
    }
  }
}
