package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data directory and the files Viewpulse writes in it are its owner's only: a directory left open to others (as
 * an older Viewpulse, or a hand-made one, left it) is tightened at start, and the log says so.
 */
class OwnerOnlyDataTest {
  private static List<String> modes(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted()::iterator) {
        out.add(dir.relativize(p) + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      }
    }
    return out;
  }

  @Test
  void aDataDirectoryOpenToOthersIsMadeItsOwnersOnlyAndTheLogSaysSo() throws Exception {
    Path dir = TestServer.newTempDir();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(dir.resolve("master.key"), new byte[32]);
    Files.setPosixFilePermissions(dir.resolve("master.key"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(dir.resolve("geoip"));
    Files.setPosixFilePermissions(dir.resolve("geoip"), PosixFilePermissions.fromString("rwxr-xr-x"));
    List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    Logger logger = Logger.getLogger("io.viewpulse.app.Viewpulse");
    Handler catcher = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(catcher);
    try (TestServer s = new TestServer(dir, new MutableClock(TestServer.T0), true, "dbip")) {
      s.asset("perm1");
      assertThat(s.beacon(Beacons.session("p1", "perm1").play(TestServer.T0).json(), "192.0.2.1").status())
          .isEqualTo(200);
      s.flush();
      // DuckDB's write-ahead log is deleted at each checkpoint and made again as the process's umask says: the
      // directory keeps others out of it
      assertThat(modes(dir).stream().filter(m -> !m.startsWith("viewpulse.duckdb.wal ")).toList()).containsExactly(
          " rwx------", "admin.secret rw-------", "geoip rwx------", "log rwx------",
          "log/00000000000000000000.log rw-------", "master.key rw-------", "server.json rw-------",
          "viewpulse.duckdb rw-------");
      assertThat(records).as("the warning").anyMatch(r -> r.getLevel() == Level.WARNING
          && String.valueOf(r.getMessage()).contains("was open to other users"));
    } finally {
      logger.removeHandler(catcher);
    }
  }
}
