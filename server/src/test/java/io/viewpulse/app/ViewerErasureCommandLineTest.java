package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.app.ServerCli.Out;
import io.viewpulse.client.Erasure;
import io.viewpulse.client.ViewListQuery;
import io.viewpulse.model.Bounded;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code viewpulse erase-viewer} and the Java client's {@code eraseViewer} and {@code listErasures} against a real
 * server (the stores' part is in StoreContractTest and ViewerErasureApiTest, on both): ids with characters a path must
 * escape, and an id longer than the ingest keeps, which is erased by its hash as the ingest stored it.
 */
class ViewerErasureCommandLineTest {
  private static final String ODD = "a/b+c d";
  private static final String LONG = "jwt." + "x".repeat(300);
  private TestServer s;
  private ServerCli cli;

  @BeforeEach
  void load() {
    s = new TestServer();
    cli = new ServerCli(s);
    Dimensions dims = new Dimensions("desktop", "Linux Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", null,
        null, null);
    List<ViewRecord> batch = new ArrayList<>();
    String[] viewers = {ODD, "viewer-2", ODD, Bounded.viewerId(LONG), ODD, "viewer-2"};
    for (int i = 0; i < viewers.length; i++) {
      long start = T0.toEpochMilli() + i * 60_000L;
      batch.add(new ViewRecord(7_000L + i, s.accountId, "pb", null, null, viewers[i], start, start + 30_000, dims,
          "example.com", false, 1000, 200, 0, 0, true, true));
    }
    s.vp.store().load(batch);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  private List<String> viewers() {
    List<String> out = new ArrayList<>();
    cli.client().listViews(ViewListQuery.builder().limit(100).build()).views().forEach(v -> out.add(v.viewerId()));
    return out;
  }

  @Test
  void theCommandErasesAViewerAndPrintsTheRecord() {
    String keyId = s.secretKey.split("_")[1];
    s.clock.set(T0.plusSeconds(3600));
    Out o = cli.run("erase-viewer", ODD, "--format", "csv");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).isEqualTo("erasedAt,keyId,views\n" + T0.plusSeconds(3600) + "," + keyId + ",3\n");
    assertThat(viewers()).containsExactly("viewer-2", Bounded.viewerId(LONG), "viewer-2");

    s.clock.set(T0.plusSeconds(3601));
    assertThat(cli.client().eraseViewer(LONG)).as("the id as the player sent it, stored as its hash")
        .isEqualTo(new Erasure(keyId, T0.plusSeconds(3601), 1));
    assertThat(viewers()).containsExactly("viewer-2", "viewer-2");
    s.clock.set(T0.plusSeconds(3602));
    assertThat(cli.client().eraseViewer(ODD).views()).as("nothing left to erase").isZero();
    assertThat(cli.client().listErasures(2)).containsExactly(new Erasure(keyId, T0.plusSeconds(3602), 0),
        new Erasure(keyId, T0.plusSeconds(3601), 1));

    Out bad = cli.run("erase-viewer", "x".repeat(4097));
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("viewpulse: viewer id too long: at most 4096 characters (HTTP 400)\n");
  }
}
