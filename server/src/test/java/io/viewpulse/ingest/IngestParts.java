package io.viewpulse.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.auth.KeyService;
import io.viewpulse.auth.MasterKey;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.eventlog.FileEventLog;
import io.viewpulse.model.Beacon;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.Media;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.store.Store;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real ingest without HTTP: a catalog on a DuckDB file with one asset ({@code pb1}), an event log in a temporary
 * directory whose records are collected as they become durable, and a back-pressure the test sets.
 */
final class IngestParts implements AutoCloseable {
  final Path dir;
  final Store store;
  final FileEventLog log;
  final Ingest ingest;
  final AtomicReference<Reason> busy = new AtomicReference<>();
  /** The beacons the event log made durable, in log order. */
  final List<Beacon> logged = new CopyOnWriteArrayList<>();

  IngestParts(IngestConfig config, InstantSource clock) throws Exception {
    dir = Files.createTempDirectory("viewpulse-ingest");
    store = Stores.open(StoreConfig.duckdb(dir));
    KeyService keys = new KeyService(store.keys(), MasterKey.of(new byte[32]), clock);
    Catalog catalog = new Catalog(store.media(), clock);
    catalog.create(keys.createAccount("a").id(), new Catalog.NewMedia(Media.Kind.ASSET, "video", "pb1", null, null,
        null));
    log = new FileEventLog(dir.resolve("log"), 1 << 20, 1_000, 1 << 24);
    log.start(new EventLog.Owner() {
      @Override
      public long assigned(int partition) {
        return -1;
      }

      @Override
      public void accept(int partition, long offset, byte[] payload) {
        logged.add((Beacon) LogCodec.decode(payload));
      }

      @Override
      public void revoked(int partition) {}
    });
    ingest = new Ingest(config, catalog, log, clock, new byte[32], new SimpleMeterRegistry(), busy::get);
  }

  /** Ingest with the legacy reporter's sessions bounded at {@code maxBytes}. */
  IngestParts(long maxBytes) throws Exception {
    this(new IngestConfig(List.of(), List.of(), "none").withLegacyMaxBytes(maxBytes), InstantSource.system());
  }

  @Override
  public void close() {
    ingest.close();
    log.close();
    store.close();
    TestServer.deleteTree(dir);
  }
}
