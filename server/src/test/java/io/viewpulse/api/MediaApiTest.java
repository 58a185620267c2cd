package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code /api/asset} and {@code /api/stream}. */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class MediaApiTest {
  @Parameter
  TestStores.Engine engine;

  private TestServer s;

  @BeforeEach
  void start() {
    s = new TestServer(engine);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  private Http.Response post(String path, String body) {
    return s.http.post(path, body, "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
  }

  @Test
  void anAssetIsCreatedListedFoundAndDeleted() {
    Http.Response created = post("/api/asset", "{\"name\":\"Intro\",\"creatorId\":\"alice\","
        + "\"dStorageUrl\":\"ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U\"}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.json().get("playbackId").asText()).matches("[0-9a-z]{16}");
    assertThat(created.json().get("creatorId").asText()).isEqualTo("alice");
    assertThat(created.json().get("dStorageUrl").asText()).isEqualTo("ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U");
    assertThat(created.json().get("createdAt").asLong()).isEqualTo(TestServer.T0.toEpochMilli());
    assertThat(s.http.getWithKey("/api/asset", s.secretKey).json()).hasSize(1);
    assertThat(s.http.getWithKey("/api/asset?search=intr", s.secretKey).json()).hasSize(1);
    assertThat(s.http.getWithKey("/api/asset?search=zzz", s.secretKey).json()).isEmpty();
    assertThat(s.http.getWithKey("/api/asset/" + id, s.secretKey).json().get("name").asText()).isEqualTo("Intro");
    assertThat(s.http.getWithKey("/api/stream/" + id, s.secretKey).status()).as("not a stream").isEqualTo(404);
    assertThat(s.http.delete("/api/asset/" + id, "Authorization", "Bearer " + s.secretKey).status()).isEqualTo(204);
    assertThat(s.http.getWithKey("/api/asset/" + id, s.secretKey).status()).isEqualTo(404);
  }

  @Test
  void aStreamIsAChannelOrAnEvent() {
    Http.Response channel = post("/api/stream", "{\"name\":\"24/7\",\"playbackId\":\"chan1\"}");
    assertThat(channel.json().get("type").asText()).isEqualTo("channel");
    Http.Response event = post("/api/stream", "{\"name\":\"Keynote\",\"type\":\"event\"}");
    assertThat(event.json().get("type").asText()).isEqualTo("event");
    Http.Response bad = post("/api/stream", "{\"name\":\"x\",\"type\":\"vod\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("type must be 'channel' or 'event', got 'vod'");
  }

  @Test
  void badBodiesAreNamed() {
    assertThat(post("/api/asset", "{").error()).isEqualTo("body is not valid JSON");
    assertThat(post("/api/asset", "{}").error()).isEqualTo("name is required");
    assertThat(post("/api/asset", "{\"name\":3}").error()).isEqualTo("name must be a string");
    assertThat(post("/api/asset", "{\"name\":\"x\",\"colour\":\"red\"}").error())
        .isEqualTo("unknown field 'colour' (expected creatorId, dStorageUrl, id, name, playbackId)");
    assertThat(post("/api/asset", "{\"name\":\"x\",\"playbackId\":\"has space\"}").error())
        .startsWith("playbackId must be 1 to 128 letters");
    assertThat(post("/api/asset", "{\"name\":\"x\",\"dStorageUrl\":\"http://x\"}").error())
        .isEqualTo("dStorageUrl must be ipfs://<CID> or ar://<transaction id>, got 'http://x'");
    post("/api/asset", "{\"name\":\"x\",\"playbackId\":\"taken\"}");
    Http.Response dup = post("/api/asset", "{\"name\":\"y\",\"playbackId\":\"taken\"}");
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.error()).isEqualTo("playbackId taken is already in use");
  }
}
