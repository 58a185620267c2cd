package io.viewpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <data>/server.json}: the port and process of the server running on a data directory, so the command line
 * can reach it instead of opening the store (which that server holds).
 */
final class ServerFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerFile() {}

  static void write(Path dataDir, int port) {
    try {
      Path file = dataDir.resolve("server.json");
      if (!Files.exists(file)) {
        Files.createFile(file, io.viewpulse.model.OwnerOnlyFiles.file());
      }
      Files.writeString(file, JSON.createObjectNode().put("port", port)
          .put("pid", ProcessHandle.current().pid()).toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void delete(Path dataDir) {
    try {
      Files.deleteIfExists(dataDir.resolve("server.json"));
    } catch (IOException ignored) {
      // a stale file is detected by its dead pid
    }
  }

  /** The port of a live server on this data directory. */
  static Optional<Integer> livePort(Path dataDir) {
    Path f = dataDir.resolve("server.json");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(f.toFile());
      long pid = n.path("pid").asLong(-1);
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      return alive ? Optional.of(n.path("port").asInt()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
