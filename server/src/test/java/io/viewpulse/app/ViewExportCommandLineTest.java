package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.app.ServerCli.Out;
import io.viewpulse.client.Dimension;
import io.viewpulse.client.View;
import io.viewpulse.client.ViewListQuery;
import io.viewpulse.client.ViewPage;
import io.viewpulse.client.Viewpulse;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code viewpulse export} and {@code viewpulse list-views}, and the Java client under them, against a real server on
 * both stores: {@value #VIEWS} views over a day, loaded as a history (viewer-0 to viewer-99 in turn).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ViewExportCommandLineTest {
  private static final int VIEWS = 25_000;
  private static final String FROM = T0.toString();
  private static final String TO = T0.plusSeconds(86_400).toString();

  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  private ServerCli cli;
  private Path dir;

  @BeforeParameterizedClassInvocation
  void load() throws IOException {
    s = new TestServer(engine);
    cli = new ServerCli(s);
    dir = Files.createTempDirectory("export-cli");
    List<ViewRecord> batch = new ArrayList<>();
    Dimensions dims = new Dimensions("desktop", "Linux Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", null,
        null, null);
    for (int i = 0; i < VIEWS; i++) {
      long start = T0.toEpochMilli() + i * 3_000L;
      // a viewer id a CSV must quote, now and then
      String viewer = i % 1000 == 7 ? "odd, \"quoted\"\nviewer" : "viewer-" + i % 100;
      batch.add(new ViewRecord(5_000_000L + i, s.accountId, "pb" + i % 3, null, null, viewer, start,
          start + 60_000, dims, "example.com", false, 1000 + i, 200, 0, i % 50 == 0 ? 1 : 0, true, true));
    }
    s.vp.store().load(batch);
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
    TestServer.deleteTree(dir);
  }

  private String apiExport(String format) {
    Http.Response r = s.query("/api/data/views/export?format=" + format + "&from=" + FROM + "&to=" + TO);
    assertThat(r.status()).isEqualTo(200);
    return r.body();
  }

  @Test
  void exportWritesTheWholeRangeToTheFileWithAProgressBar() throws Exception {
    Path file = dir.resolve("all-" + engine + ".csv");
    Out o = cli.run("export", "--format", "csv", "--from", FROM, "--to", TO, "--out", file.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(Files.readString(file)).isEqualTo(apiExport("csv"));
    assertThat(o.err()).contains("] 0%  1 views").contains("[##############################] 100%  " + VIEWS
        + " views").endsWith("wrote " + VIEWS + " views, " + Files.size(file) + " bytes to " + file + "\n");
    assertThat(Files.exists(dir.resolve(file.getFileName() + ".export-state"))).isFalse();
  }

  @Test
  void aBrokenExportGoesOnWhereItStoppedWithResume() throws Exception {
    String whole = apiExport("ndjson");
    Path file = dir.resolve("resumed-" + engine + ".ndjson");
    try (CuttingProxy proxy = new CuttingProxy(s.vp.port(), whole.length() * 2 / 3)) {
      Out broken = cli.runAt("http://127.0.0.1:" + proxy.port(), "export", "--format", "ndjson", "--from", FROM, "--to",
          TO, "--out", file.toString(), "--no-progress");
      assertThat(broken.code()).isEqualTo(1);
      assertThat(broken.err()).contains("viewpulse: the export broke off: ").endsWith("; go on with --resume\n");
    }
    assertThat(Files.readString(file)).isNotEqualTo(whole);
    Out again = cli.run("export", "--format", "ndjson", "--from", FROM, "--to", TO, "--out", file.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("is a broken export: add --resume to go on with it");

    Out resumed = cli.run("export", "--format", "ndjson", "--from", FROM, "--to", TO, "--out", file.toString(),
        "--resume", "--no-progress");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(Files.readString(file)).isEqualTo(whole);
    assertThat(resumed.err()).isEqualTo("wrote " + VIEWS + " views, " + whole.length() + " bytes to " + file + "\n");
  }

  @Test
  void aCsvExportResumesWithoutASecondHeaderAndWithQuotedLineBreaks() throws Exception {
    String whole = apiExport("csv");
    Path file = dir.resolve("resumed-" + engine + ".csv");
    try (CuttingProxy proxy = new CuttingProxy(s.vp.port(), whole.length() / 2)) {
      assertThat(cli.runAt("http://127.0.0.1:" + proxy.port(), "export", "--format", "csv", "--from", FROM, "--to", TO,
          "--out", file.toString()).code()).isEqualTo(1);
    }
    Out resumed = cli.run("export", "--format", "csv", "--from", FROM, "--to", TO, "--out", file.toString(),
        "--resume");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(Files.readString(file)).isEqualTo(whole);
    assertThat(whole).contains(",\"odd, \"\"quoted\"\"\nviewer\",");
  }

  @Test
  void aParquetExportIsAFileDuckDbReads() throws Exception {
    Path file = dir.resolve("all-" + engine + ".parquet");
    Out o = cli.run("export", "--format", "parquet", "--from", FROM, "--to", T0.plusSeconds(3000).toString(),
        "--out", file.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err()).contains("] 100%  ").endsWith("wrote " + Files.size(file) + " bytes to " + file + "\n");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT viewId), min(playtimeMs), max(playtimeMs),"
            + " sum(errors) FROM read_parquet('" + file + "')")) {
      rs.next();
      assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)))
          .containsExactly(1000L, 1000L, 1000L, 1999L, 20L);
    }
    Out refused = cli.run("export", "--format", "parquet", "--from", FROM, "--to", TO, "--out",
        file.toString(), "--resume");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("viewpulse: a Parquet export cannot be resumed");
  }

  @Test
  void theClientWalksTheViewsPageByPageAndFindsAViewersViews() {
    Viewpulse client = cli.client();
    ViewListQuery q = ViewListQuery.builder().playbackId("pb1").from(T0).to(T0.plusSeconds(300)).limit(7).build();
    List<View> all = new ArrayList<>();
    ViewPage page = client.listViews(q);
    all.addAll(page.views());
    while (page.next() != null) {
      page = client.listViews(q.after(page));
      all.addAll(page.views());
    }
    // starts 0, 3, ..., 297 s: i = 0..99, of which pb1 every third from i = 1
    assertThat(all).hasSize(33);
    assertThat(all.get(0).startedAt()).isEqualTo(T0.plusSeconds(97 * 3));
    assertThat(all.get(32).startedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(new HashSet<>(all.stream().map(View::viewId).toList())).hasSize(33);
    assertThat(all.get(32)).extracting(View::playbackId, View::viewerId, View::playtimeMs, View::ttffMs,
        View::country, View::failed).containsExactly("pb1", "viewer-1", 1001L, 200, "DE", false);

    ViewPage viewer = client.getViewerViews("viewer-50", null, 3);
    assertThat(viewer.views()).extracting(v -> v.startedAt().getEpochSecond() - T0.getEpochSecond())
        .containsExactly(24_950L * 3, 24_850L * 3, 24_750L * 3);
    assertThat(viewer.views()).allMatch(View::failed);
    assertThat(client.getViewerViews("viewer-50", viewer.next(), 1000).views()).hasSize(VIEWS / 100 - 3);
  }

  @Test
  void theClientAndListViewsTakeSeveralValuesOfADimensionAndNegations() {
    Viewpulse client = cli.client();
    // starts 0, 3, ..., 27 s: i = 0..9, video pb(i % 3), viewer-i
    ViewPage page = client.listViews(ViewListQuery.builder().from(T0).to(T0.plusSeconds(30))
        .filter(Dimension.PLAYBACK_ID, "pb1", "pb2").exclude(Dimension.VIEWER_ID, "viewer-1").build());
    assertThat(page.views()).extracting(v -> v.startedAt().getEpochSecond() - T0.getEpochSecond() + " "
        + v.playbackId()).containsExactly("24 pb2", "21 pb1", "15 pb2", "12 pb1", "6 pb2");

    Out o = cli.run("list-views", "--from", FROM, "--to", T0.plusSeconds(30).toString(), "--filter",
        "playbackId:pb0", "--filter", "!viewerId:viewer-3", "--filter", "!viewerId:viewer-6", "--format", "csv");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out().lines().skip(1).map(l -> l.split(",")[0] + " " + l.split(",")[2] + " " + l.split(",")[3]))
        .containsExactly(T0.plusSeconds(27) + " pb0 viewer-9", T0 + " pb0 viewer-0");
    Out bad = cli.run("list-views", "--filter", "colour:red");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("unknown filter dimension 'colour'");
  }

  @Test
  void listViewsPrintsAPageAndTheNextCursor() {
    Out o = cli.run("list-views", "--viewer-id", "viewer-3", "--limit", "2", "--format", "csv");
    assertThat(o.code()).as(o.err()).isZero();
    List<String> lines = o.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("started,viewId,playbackId,viewerId,device,browser,country,playtimeMs,ttffMs,"
        + "rebufferMs,errors,failed,outcome,rebufferCount,asn,isp,cdn");
    assertThat(lines.subList(1, 3)).extracting(l -> l.split(",")[0] + " " + l.split(",")[3] + " "
        + l.split(",")[7]).containsExactly(T0.plusSeconds(24_903L * 3) + " viewer-3 25903",
        T0.plusSeconds(24_803L * 3) + " viewer-3 25803");
    assertThat(o.err()).startsWith("more: --cursor ");
    Out bad = cli.run("list-views", "--cursor", "garbage");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo(
        "viewpulse: bad cursor: give the cursor a previous answer returned, unchanged (HTTP 400)\n");
  }

  /** Passes one connection on to the server, and cuts it once the server has sent {@code limit} bytes. */
  private static final class CuttingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread thread;

    CuttingProxy(int serverPort, long limit) throws IOException {
      listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> {
        try (Socket client = listener.accept(); Socket server = new Socket("127.0.0.1", serverPort)) {
          Thread up = new Thread(() -> pipe(client, server, Long.MAX_VALUE));
          up.setDaemon(true);
          up.start();
          pipe(server, client, limit);
        } catch (IOException ignored) {
          // closed
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    private static void pipe(Socket from, Socket to, long limit) {
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buf = new byte[8192];
        long sent = 0;
        while (sent < limit) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, limit - sent));
          if (n < 0) {
            break;
          }
          out.write(buf, 0, n);
          sent += n;
        }
        out.flush();
      } catch (IOException ignored) {
        // either side closed
      }
    }

    @Override
    public void close() throws Exception {
      listener.close();
      thread.join();
    }
  }
}
