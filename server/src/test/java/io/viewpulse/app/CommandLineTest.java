package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin command line, on a stopped store and against a running server. */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class CommandLineTest {
  @Parameter
  TestStores.Engine engine;

  private final Path data = TestServer.newTempDir();
  /** The store the command line and the servers of a test share. */
  private StoreConfig store;

  @BeforeEach
  void store() {
    store = TestStores.fresh(engine, data);
  }

  /** The --store option naming {@link #store}, as an operator would write it. */
  private String[] storeOption() {
    if (store.engine() == StoreConfig.Engine.DUCKDB) {
      return new String[0];
    }
    StoreConfig.ClickHouse c = store.clickHouse();
    return new String[] {"--store", "clickhouse://" + c.user() + ":" + c.password() + "@"
        + c.endpoint().replaceFirst("^http://", "") + "/" + c.database()};
  }

  @AfterEach
  void clean() {
    TestServer.deleteTree(data);
  }

  record Result(int code, JsonNode out, String err) {}

  private Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // every command that opens the store takes --store; the admin secret lives in the data directory only
    String[] extra = args[0].equals("admin") ? new String[0] : storeOption();
    String[] all = new String[args.length + 2 + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data";
    all[args.length + 1] = data.toString();
    System.arraycopy(extra, 0, all, args.length + 2, extra.length);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all);
    try {
      return new Result(code, out.toString().isBlank() ? null : Http.JSON.readTree(out.toString()), err.toString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(out.toString(), e);
    }
  }

  @Test
  void accountsKeysAndAssetsMadeOnAStoppedStoreWorkOnceTheServerStarts() {
    Result account = cli("account", "create", "--name", "acme");
    assertThat(account.code()).isZero();
    String id = account.out().get("id").asText();
    assertThat(account.out().get("name").asText()).isEqualTo("acme");

    Result secret = cli("key", "create", "--account", id, "--name", "backend");
    assertThat(secret.out().get("kind").asText()).isEqualTo("secret");
    String token = secret.out().get("token").asText();
    Result cors = cli("key", "create", "--cors-origin", "https://acme.example");
    assertThat(cors.out().get("kind").asText()).isEqualTo("cors");
    assertThat(cors.out().get("allowedOrigins").get(0).asText()).isEqualTo("https://acme.example");

    Result asset = cli("asset", "create", "--name", "Launch video", "--playback-id", "launch1",
        "--dstorage-url", "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
    assertThat(asset.code()).as(asset.err()).isZero();
    assertThat(asset.out().get("dStorageUrl").asText())
        .isEqualTo("ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
    Result stream = cli("stream", "create", "--name", "Live", "--type", "event", "--playback-id", "live1");
    assertThat(stream.out().get("type").asText()).isEqualTo("event");
    assertThat(cli("asset", "list").out()).hasSize(1);
    assertThat(cli("key", "list", "--account", id).out()).hasSize(2);
    assertThat(cli("key", "list").out().toString()).doesNotContain(token);

    try (TestServer s = new TestServer(data, new MutableClock(TestServer.T0), false, store)) {
      assertThat(s.vp.bootstrapKeys()).as("an account exists, so none is created").isEmpty();
      assertThat(s.http.getWithKey("/api/asset", token).json().get(0).get("playbackId").asText())
          .isEqualTo("launch1");
      assertThat(s.beacon(Beacons.session("x", "live1").play(TestServer.T0).json(), "192.0.2.1").status())
          .isEqualTo(200);
    }
  }

  @Test
  void whileTheServerRunsTheCommandLineGoesThroughIt() {
    try (TestServer s = new TestServer(data, new MutableClock(TestServer.T0), false, store)) {
      Result key = cli("key", "create", "--name", "made while running");
      assertThat(key.code()).as(key.err()).isZero();
      String token = key.out().get("token").asText();
      assertThat(s.http.getWithKey("/api/asset", token).status()).isEqualTo(200);

      Result revoked = cli("key", "revoke", key.out().get("id").asText());
      assertThat(revoked.out().get("revokedAt").asText()).isNotEmpty();
      Http.Response r = s.http.getWithKey("/api/asset", token);
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.error()).isEqualTo("this API key has been revoked");

      Result again = cli("key", "revoke", key.out().get("id").asText());
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.err()).contains("no live key");

      Result asset = cli("asset", "create", "--name", "x", "--playback-id", "dup");
      assertThat(asset.code()).isZero();
      Result dup = cli("asset", "create", "--name", "y", "--playback-id", "dup");
      assertThat(dup.code()).isEqualTo(1);
      assertThat(dup.err()).contains("playbackId dup is already in use");
      Result deleted = cli("asset", "delete", asset.out().get("id").asText());
      assertThat(deleted.out().get("playbackId").asText()).isEqualTo("dup");
      assertThat(cli("asset", "list").out()).isEmpty();
    }
  }

  @Test
  void theAdminTokenRotatesAndNothingElseChanges() throws Exception {
    try (TestServer s = new TestServer(data, new MutableClock(TestServer.T0), false, "dbip")) {
      byte[] master = java.nio.file.Files.readAllBytes(data.resolve("master.key"));
      String before = s.vp.adminToken();
      assertThat(s.http.getWithKey("/admin/accounts", before).status()).isEqualTo(200);

      Result rotated = cli("admin", "rotate-token");
      assertThat(rotated.code()).as(rotated.err()).isZero();
      assertThat(rotated.out().get("adminSecret").asText()).isEqualTo(data.resolve("admin.secret").toAbsolutePath()
          .toString());
      assertThat(rotated.out().toString()).doesNotContain(s.vp.adminToken());
      Http.Response old = s.http.getWithKey("/admin/accounts", before);
      assertThat(old.status() + " " + old.error()).as("the running server refuses the old token at once")
          .isEqualTo("401 " + io.viewpulse.testing.AccessMatrix.ADMIN_ONLY);
      assertThat(s.vp.adminToken()).isNotEqualTo(before);
      assertThat(s.http.getWithKey("/admin/accounts", s.vp.adminToken()).status()).isEqualTo(200);
      // the command line reaches the running server with the new token
      Result accounts = cli("account", "list");
      assertThat(accounts.code()).as(accounts.err()).isZero();
      assertThat(accounts.out().get(0).get("id").asText()).isEqualTo(s.accountId);
      // and the master key, with every API key derived from it, stays
      assertThat(java.nio.file.Files.readAllBytes(data.resolve("master.key"))).isEqualTo(master);
      assertThat(s.http.getWithKey("/api/asset", s.secretKey).status()).isEqualTo(200);
    }
  }

  @Test
  void theAdminRoutesRefuseAccountKeys() {
    try (TestServer s = new TestServer(data, new MutableClock(TestServer.T0), false, store)) {
      Http.Response r = s.http.getWithKey("/admin/accounts", s.secretKey);
      assertThat(r.status()).isEqualTo(401);
    }
  }

  @Test
  void anAccountsRetentionIsSetOnAStoppedStoreShownThroughTheServerAndCleared() {
    String id = cli("account", "create", "--name", "acme").out().get("id").asText();
    assertThat(cli("account", "retention").out().get("viewDays").isNull()).as("every view is kept by default").isTrue();
    Result set = cli("account", "retention", "--view-days", "90");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out().get("accountId").asText()).isEqualTo(id);
    assertThat(set.out().get("viewDays").asInt()).isEqualTo(90);
    Result zero = cli("account", "retention", "--view-days", "0");
    assertThat(zero.code()).isEqualTo(1);
    assertThat(zero.err()).contains("viewDays must be a whole number of days from 1 to 36500");
    try (TestServer s = new TestServer(data, new MutableClock(TestServer.T0), false, store)) {
      Result shown = cli("account", "retention", "--account", id);
      assertThat(shown.code()).as(shown.err()).isZero();
      assertThat(shown.out().get("viewDays").asInt()).isEqualTo(90);
      // 90 whole days before the server's today (T0 is 2026-03-02)
      assertThat(shown.out().get("keepsViewsFrom").asText()).isEqualTo("2025-12-02T00:00:00Z");
      Http.Response bad = s.http.send("PUT", "/admin/retention", "{\"account\": \"" + id
          + "\", \"viewDays\": \"ninety\"}", "Authorization", "Bearer " + s.vp.adminToken(),
          "Content-Type", "application/json");
      assertThat(bad.status() + " " + bad.error()).isEqualTo("400 viewDays must be a whole number of days from 1 to"
          + " 36500, or null for the default");
      Result timelines = cli("account", "retention", "--account", id, "--timeline-days", "7");
      assertThat(timelines.code()).as(timelines.err()).isZero();
      assertThat(timelines.out().get("viewDays").asInt()).as("left as it was").isEqualTo(90);
      assertThat(timelines.out().get("timelineDays").asInt()).isEqualTo(7);
      assertThat(timelines.out().get("serverTimelineDays").asInt()).isEqualTo(30);
      Result cleared = cli("account", "retention", "--keep-all");
      assertThat(cleared.code()).as(cleared.err()).isZero();
      assertThat(cleared.out().get("viewDays").isNull()).isTrue();
    }
    assertThat(cli("account", "retention").out().get("viewDays").isNull()).isTrue();
  }

  @Test
  void aCommandWithoutAnAccountWhenThereAreSeveralSaysWhichToName() {
    cli("account", "create", "--name", "a");
    cli("account", "create", "--name", "b");
    Result r = cli("key", "create");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("there are 2 accounts: name one with --account");
  }

  @Test
  void idleTimeoutsAreWrittenAsAnOperatorWouldOrInIso8601() {
    ServeCommand.DurationConverter c = new ServeCommand.DurationConverter();
    assertThat(c.convert("90s")).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(c.convert("10m")).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(c.convert("1h")).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(c.convert("250ms")).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(c.convert("30d")).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(c.convert("PT5M")).isEqualTo(java.time.Duration.ofMinutes(5));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert("soon"))
        .hasMessage("'soon' is not a duration such as 90s, 10m, 1h or 30d");
  }

  @Test
  void aBusyPortIsOneLineThatSaysSoAndLeavesNothingRunning() throws Exception {
    long sessionizers = threadsNamed("sessionizer");
    long logWriters = threadsNamed("event-log-writer");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(new PrintWriter(out), new PrintWriter(err), "serve", "--data", data.toString(),
          "--host", "127.0.0.1", "--port", String.valueOf(port));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).isEqualTo(
          "viewpulse: cannot listen on 127.0.0.1:" + port + ": Address already in use" + System.lineSeparator());
    }
    // what the failed start had begun was stopped (the closes join their threads), not left to the process's end
    assertThat(threadsNamed("sessionizer")).isEqualTo(sessionizers);
    assertThat(threadsNamed("event-log-writer")).isEqualTo(logWriters);
    Result account = cli("account", "create", "--name", "after");
    assertThat(account.code()).as(account.err()).isZero();
  }

  @Test
  void aMetricsTokenFileThatCannotKeepAnyoneOutStopsTheStartWithOneLine() throws Exception {
    java.nio.file.Path file = data.resolve("metrics.token");
    java.nio.file.Files.writeString(file, "short\n");
    String tooShort = "viewpulse: the metrics token file " + file + " must hold one token of at least 16 printable"
        + " ASCII characters (e.g. openssl rand -hex 32 > " + file + ")" + System.lineSeparator();
    assertThat(serveErr("--metrics-token-file", file.toString())).isEqualTo(tooShort);
    java.nio.file.Files.writeString(file, "two tokens-0123456789abcdef\n");
    assertThat(serveErr("--metrics-token-file", file.toString())).isEqualTo(tooShort);
    java.nio.file.Path missing = data.resolve("nope.token");
    assertThat(serveErr("--metrics-token-file", missing.toString()))
        .isEqualTo("viewpulse: the metrics token file " + missing + " does not exist" + System.lineSeparator());
  }

  @Test
  void aRollupThresholdBelowOneIsRefusedBeforeAnythingStarts() {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "serve", "--data",
        data.toString(), "--host", "127.0.0.1", "--port", "0", "--rollup-min-views-per-row", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("--rollup-min-views-per-row must be at least 1, not 0");
  }

  @Test
  void aShareOfTheWorkerThreadsOutsideOneToAllOfThemOrANegativeQueueIsRefusedBeforeAnythingStarts() {
    for (String[] args : java.util.List.of(new String[] {"--requests-per-account", "0"},
        new String[] {"--requests-per-account", "17"}, new String[] {"--queue-per-account", "-1"})) {
      StringWriter err = new StringWriter();
      String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("serve", "--data", data.toString(),
          "--host", "127.0.0.1", "--port", "0"), java.util.Arrays.stream(args)).toArray(String[]::new);
      assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), all)).isEqualTo(2);
      assertThat(err.toString()).as(String.join(" ", args)).startsWith("--requests-per-account must be 1 to 16 (the"
          + " worker threads) and --queue-per-account 0 or more");
    }
  }

  /** What {@code serve} prints on its error stream when it exits 1 without serving. */
  private String serveErr(String... args) {
    StringWriter err = new StringWriter();
    String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("serve", "--data", data.toString(),
        "--host", "127.0.0.1", "--port", "0"), java.util.Arrays.stream(args)).toArray(String[]::new);
    assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), all)).isEqualTo(1);
    return err.toString();
  }

  private static long threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name)).count();
  }
}
