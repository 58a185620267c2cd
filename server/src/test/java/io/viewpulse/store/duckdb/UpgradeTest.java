package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A data directory written by Viewpulse before the store had schema versions (server/src/test/resources/upgrade) is
 * opened by today's server: every view, open session, minute of live statistics, key and media item is there after
 * the migration, and the API answers exactly what the old server answered just before it stopped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpgradeTest {
  private Path dir;
  private JsonNode expected;
  private TestServer s;

  @BeforeAll
  void upgrade() throws Exception {
    dir = Files.createTempDirectory("viewpulse-upgrade");
    try (InputStream in = UpgradeTest.class.getResourceAsStream("/upgrade/v1-data.tgz");
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path to = dir.resolve(e.getName()).normalize();
        if (e.isDirectory()) {
          Files.createDirectories(to);
        } else {
          Files.createDirectories(to.getParent());
          Files.copy(tar, to);
        }
      }
    }
    expected = Http.JSON.readTree(dir.resolve("expected.json").toFile());
    assertThat(schemaVersion()).as("the fixture predates schema versions").isNull();
    MutableClock clock = new MutableClock(Instant.parse(expected.get("clock").asText()));
    s = new TestServer(dir, clock, true, "dbip");
  }

  @AfterAll
  void stop() {
    s.close();
  }

  @Test
  void everyAnswerIsWhatTheOldServerGave() {
    List<String> checked = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().startsWith("/")) {
        continue;
      }
      String key = e.getKey().contains("fixture-b1") ? expected.get("otherKey").asText()
          : expected.get("secretKey").asText();
      s.flush();
      Http.Response r = s.http.getWithKey(e.getKey(), key);
      assertThat(r.status()).as(e.getKey() + ": " + r.body()).isEqualTo(200);
      assertThat(r.json()).as(e.getKey()).isEqualTo(e.getValue());
      checked.add(e.getKey());
    }
    assertThat(checked).hasSize(10);
  }

  @Test
  void theKeysKeepTheirRights() {
    assertThat(s.http.getWithKey("/api/asset", expected.get("secretKey").asText()).status()).isEqualTo(200);
    assertThat(s.http.getWithKey("/api/asset", expected.get("otherKey").asText()).json())
        .extracting(a -> a.get("playbackId").asText()).containsExactly("fixture-b1");
    Http.Response revoked = s.http.getWithKey("/api/asset", expected.get("revokedKey").asText());
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.error()).isEqualTo("this API key has been revoked");
    assertThat(s.http.get("/api/data/views/query/creator?assetId=x", "Authorization",
        "Bearer " + expected.get("corsKey").asText(), "Origin", "https://app.example.com").status())
        .as("the CORS key still authenticates (404: no such asset)").isEqualTo(404);
    assertThat(s.vp.keys().accounts()).extracting(a -> a.id())
        .containsExactlyInAnyOrder(expected.get("accountId").asText(), expected.get("otherAccountId").asText());
  }

  @Test
  void theFileIsAtTheCurrentSchemaVersion() throws Exception {
    assertThat(schemaVersion()).isEqualTo(Schema.VERSION);
  }

  /** The version the file records, read through a second connection of this process; null before versions. */
  private Integer schemaVersion() throws Exception {
    Path file = dir.resolve("viewpulse.duckdb");
    if (s != null) {
      // the server holds the file: ask through its own database instance
      try (Connection c = ((DuckStore) s.vp.store()).connectionForTests();
          ResultSet rs = c.createStatement().executeQuery("SELECT max(version) FROM schema_version")) {
        rs.next();
        return rs.getInt(1);
      }
    }
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), readOnly);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version'")) {
      rs.next();
      return rs.getLong(1) == 0 ? null : -1;
    }
  }
}
