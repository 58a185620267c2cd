package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Totals by dStorage id count every account's views of the same content; by playback id only that asset's. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class DStorageTotalsTest {
  @Parameter
  TestStores.Engine engine;

  static final String CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
  static final String AR = "bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U";
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void start() {
    s = new TestServer(engine);
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.ASSET, "mine", "mine1", null,
        "ipfs://" + CID, null));
    var other = s.otherAccount("other");
    s.vp.catalog().create(other.key().accountId(), new Catalog.NewMedia(Media.Kind.ASSET, "theirs", "theirs1", null,
        CID, null));
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.ASSET, "arweave", "ar1", null,
        "ar://" + AR, null));
    s.beacon(Beacons.session("a", "mine1").play(T0).heartbeat("h", T0, 60_000, 0, 0, 0, 100L).json(), "192.0.2.1");
    s.beacon(Beacons.session("b", "theirs1").play(T0).heartbeat("h", T0, 30_000, 0, 0, 0, 100L).json(),
        "192.0.2.2");
    s.beacon(Beacons.session("c", "ar1").play(T0).json(), "192.0.2.3");
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  @Test
  void aCidCountsEveryAccountsViews() {
    for (String id : new String[] {CID, "ipfs://" + CID, "ipfs%3A%2F%2F" + CID}) {
      Http.Response r = s.query("/api/data/views/query/total/" + id);
      assertThat(r.status()).as(id).isEqualTo(200);
      assertThat(r.json().get("dStorageUrl").asText()).isEqualTo("ipfs://" + CID);
      assertThat(r.json().has("playbackId")).isFalse();
      assertThat(r.json().get("viewCount").asLong()).isEqualTo(2);
      assertThat(r.json().get("playtimeMins").asDouble()).isEqualTo(1.5);
    }
  }

  @Test
  void anArweaveIdBareOrAsUrlFindsItsAsset() {
    assertThat(s.query("/api/data/views/query/total/" + AR).json().get("viewCount").asLong()).isEqualTo(1);
    assertThat(s.query("/api/data/views/query/total/ar%3A%2F%2F" + AR).json().get("dStorageUrl").asText())
        .isEqualTo("ar://" + AR);
  }

  @Test
  void thePlaybackIdCountsOnlyThatAsset() {
    assertThat(s.query("/api/data/views/query/total/mine1").json().get("viewCount").asLong()).isEqualTo(1);
  }

  @Test
  void theQueryApiByCidStaysInsideTheAccount() {
    Http.Response r = s.query("/api/data/views/query?playbackId=" + CID + "&breakdownBy[]=dStorageUrl");
    assertThat(r.json()).hasSize(1);
    assertThat(r.json().get(0).get("dStorageUrl").asText()).isEqualTo("ipfs://" + CID);
    assertThat(r.json().get(0).get("viewCount").asLong()).isEqualTo(1);
  }

  @Test
  void anUnknownIdHasNoViews() {
    Http.Response r = s.query("/api/data/views/query/total/nothing-here");
    assertThat(r.json().get("playbackId").asText()).isEqualTo("nothing-here");
    assertThat(r.json().get("viewCount").asLong()).isZero();
  }
}
