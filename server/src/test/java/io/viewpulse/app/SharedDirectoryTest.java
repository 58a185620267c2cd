package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes on one ClickHouse store: what one changes in the directory (a key issued or revoked, an asset created or
 * deleted) the other sees once it reads the directory again, which a node on a shared store does every
 * {@link Viewpulse#DIRECTORY_REFRESH}; here the test has it read now.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedDirectoryTest {
  private TestServer a;
  private TestServer b;

  @BeforeAll
  void start() {
    Path dirA = TestServer.newTempDir();
    Path dirB = TestServer.newTempDir();
    String db = "shared_" + ProcessHandle.current().pid();
    StoreConfig storeA = TestStores.clickHouse(dirA, db);
    a = new TestServer(dirA, new MutableClock(TestServer.T0), true, storeA);
    b = new TestServer(dirB, new MutableClock(TestServer.T0), true, TestStores.clickHouse(dirB, db));
  }

  @AfterAll
  void stop() {
    b.close();
    a.close();
  }

  @Test
  void aKeyRevokedOnOneNodeIsRefusedOnTheOtherAfterItsNextRead() {
    var k = a.vp.keys().createKey(a.accountId, "made on a", null);
    assertThat(b.http.getWithKey("/api/asset", k.token()).status()).as("not read yet").isEqualTo(401);
    b.vp.refreshDirectory();
    assertThat(b.http.getWithKey("/api/asset", k.token()).status()).isEqualTo(200);

    assertThat(a.vp.keys().revoke(k.key().id())).isTrue();
    assertThat(b.http.getWithKey("/api/asset", k.token()).status()).as("still valid until read").isEqualTo(200);
    b.vp.refreshDirectory();
    var refused = b.http.getWithKey("/api/asset", k.token());
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.error()).isEqualTo("this API key has been revoked");
  }

  @Test
  void anAssetMadeOrDeletedOnOneNodeIsOnTheOtherAfterItsNextRead() {
    Media m = a.vp.catalog().create(a.accountId, new Catalog.NewMedia(Media.Kind.ASSET, "shared", "shared-pb",
        null, null, null));
    b.vp.refreshDirectory();
    assertThat(b.vp.catalog().byPlaybackId("shared-pb")).contains(m);
    assertThat(a.vp.catalog().delete(a.accountId, m.id())).isTrue();
    b.vp.refreshDirectory();
    assertThat(b.vp.catalog().byPlaybackId("shared-pb")).isEmpty();
    // the deleted playback id stays reserved to its account on the other node too
    var other = b.vp.keys().createAccount("another");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.vp.catalog().create(other.id(), new Catalog.NewMedia(
        Media.Kind.ASSET, "taken", "shared-pb", null, null, null))).hasMessage("playbackId shared-pb is already in use");
  }
}
