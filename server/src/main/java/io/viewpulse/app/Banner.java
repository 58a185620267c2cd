package io.viewpulse.app;

import io.viewpulse.auth.KeyService;
import java.nio.file.Path;
import java.util.List;

/**
 * What a person sees when the server starts: where it listens, first keys, and what to do next. The keys created at
 * first start are printed once, here, and nowhere else: it is how the operator gets them.
 */
final class Banner {
  private Banner() {}

  static void print(Viewpulse vp, ServerConfig c, List<Path> geo, List<Path> asn) {
    String base = "http://localhost:" + vp.port();
    StringBuilder b = new StringBuilder();
    b.append("\nViewpulse is running on ").append(base).append("  (data: ").append(c.dataDir().toAbsolutePath())
        .append(")\n").append("Dashboard: ").append(base).append("/dashboard/  (sign in with a secret key)\n");
    if (!vp.bootstrapKeys().isEmpty()) {
      KeyService.IssuedKey secret = vp.bootstrapKeys().get(0);
      b.append("\nCreated account ").append(secret.key().accountId()).append(" with two API keys (shown once):\n");
      for (KeyService.IssuedKey k : vp.bootstrapKeys()) {
        b.append("  ").append(k.key().isCors() ? "CORS key   " : "secret key ").append(k.token());
        if (k.key().isCors()) {
          b.append("  (origins: ").append(String.join(", ", k.key().allowedOrigins())).append(")");
        }
        b.append('\n');
      }
      // the keys are printed once, above: logs and terminals keep what is printed, so nothing repeats them
      b.append("\nNext: register a video, then point a player at ").append(base).append("/analytics/log\n")
          .append("  KEY=<the secret key above>\n")
          .append("  curl -s -X POST ").append(base).append("/api/asset -H \"Authorization: Bearer $KEY\" \\\n")
          .append("       -d '{\"name\":\"My first video\"}'\n");
    }
    b.append("\n");
    if (c.metricsTokenFile() == null) {
      b.append("Metrics: ").append(base).append("/metrics answers this machine only (loopback); to scrape it from")
          .append(" elsewhere, restart with --metrics-token-file <file>\n");
    } else {
      b.append("Metrics: ").append(base).append("/metrics answers whoever presents the token in ")
          .append(c.metricsTokenFile().toAbsolutePath()).append('\n');
    }
    b.append("Event log: ").append(c.eventLog().describe()).append('\n');
    if (!c.publicHosts().isEmpty()) {
      b.append("Host names: ").append(String.join(", ", c.publicHosts()))
          .append(" (and loopback names); a request naming another host gets 421\n");
    }
    if (geo.isEmpty()) {
      b.append("\nGeo dimensions are off: no GeoIP database. Restart with --fetch-geoip to download the open DB-IP\n")
          .append("Lite database (CC BY 4.0, https://db-ip.com), or pass --geoip <file.mmdb> (see README).\n");
    } else {
      b.append("\nGeoIP: ").append(geo).append("\n");
      if (geo.stream().anyMatch(p -> p.toString().contains("dbip"))) {
        b.append("IP geolocation by DB-IP (https://db-ip.com), licensed CC BY 4.0.\n");
      }
    }
    if (asn.isEmpty()) {
      b.append("Network dimensions asn and isp are off: no ASN database. Put the CSV files of the npm package\n")
          .append("@ip-location-db/asn (CC BY 4.0, RouteViews and DB-IP) under <data>/asn, or pass --asn-db (see README).\n");
    } else {
      b.append("ASN: ").append(asn).append("\n");
    }
    System.out.println(b);
    System.out.flush();
  }
}
