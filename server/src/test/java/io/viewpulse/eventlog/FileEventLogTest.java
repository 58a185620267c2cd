package io.viewpulse.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.TestServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FileEventLogTest {
  private final Path dir = TestServer.newTempDir().resolve("log");

  @AfterEach
  void clean() {
    TestServer.deleteTree(dir.getParent());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> replay(Path dir, long after) {
    List<String> got = new ArrayList<>();
    FileEventLog log = new FileEventLog(dir, 1 << 20, 100, 1 << 20);
    log.start(from(after, (o, p) -> got.add(o + ":" + new String(p, StandardCharsets.UTF_8))));
    log.close();
    return got;
  }

  @Test
  void appendedRecordsReachTheConsumerInOrderAndSurviveAReopen() throws Exception {
    List<String> live = new ArrayList<>();
    FileEventLog log = new FileEventLog(dir, 1 << 20, 100, 1 << 20);
    log.start(from(-1, (o, p) -> live.add(o + ":" + new String(p, StandardCharsets.UTF_8))));
    assertThat(log.append(bytes("a")).get()).isZero();
    assertThat(log.append(bytes("b")).get()).isEqualTo(1);
    assertThat(log.append(bytes("c")).get()).isEqualTo(2);
    // each append was awaited, so each had a sync of its own
    assertThat(log.syncs()).isEqualTo(3);
    log.close();
    assertThat(live).containsExactly("0:a", "1:b", "2:c");
    assertThat(replay(dir, -1)).containsExactly("0:a", "1:b", "2:c");
    assertThat(replay(dir, 1)).containsExactly("2:c");
  }

  @Test
  void aTornTailIsCutAndOffsetsContinueAfterTheLastIntactRecord() throws Exception {
    FileEventLog log = new FileEventLog(dir, 1 << 20, 100, 1 << 20);
    log.start(from(-1, (o, p) -> { }));
    log.append(bytes("one")).get();
    log.append(bytes("two")).get();
    log.close();
    Path seg = segments().get(0);
    long intact = Files.size(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.APPEND)) {
      // half a record, as a crash in the middle of a write leaves it
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 1, 2, 3}));
    }
    FileEventLog reopened = new FileEventLog(dir, 1 << 20, 100, 1 << 20);
    List<String> got = new ArrayList<>();
    reopened.start(from(-1, (o, p) -> got.add(o + ":" + new String(p, StandardCharsets.UTF_8))));
    assertThat(Files.size(seg)).isEqualTo(intact);
    assertThat(reopened.append(bytes("three")).get()).isEqualTo(2);
    reopened.close();
    assertThat(got).containsExactly("0:one", "1:two", "2:three");
  }

  @Test
  void aCorruptRecordEndsTheReplayThere() throws Exception {
    FileEventLog log = new FileEventLog(dir, 1 << 20, 100, 1 << 20);
    log.start(from(-1, (o, p) -> { }));
    log.append(bytes("good")).get();
    log.append(bytes("flipped")).get();
    log.close();
    Path seg = segments().get(0);
    byte[] all = Files.readAllBytes(seg);
    all[all.length - 2] ^= 0x40;
    Files.write(seg, all);
    assertThat(replay(dir, -1)).containsExactly("0:good");
  }

  @Test
  void releasedSegmentsAreDeletedButTheActiveOneIsKept() throws Exception {
    FileEventLog log = new FileEventLog(dir, 64, 100, 1 << 20);
    log.start(from(-1, (o, p) -> { }));
    for (int i = 0; i < 10; i++) {
      log.append(bytes("record-number-" + i + "-padding-padding-padding")).get();
    }
    assertThat(segments()).as("two records fit a 64-byte segment").hasSize(5);
    log.release(9);
    assertThat(segments()).hasSize(1);
    assertThat(log.nextOffset()).isEqualTo(10);
    log.close();
    FileEventLog reopened = new FileEventLog(dir, 64, 100, 1 << 20);
    reopened.start(from(9, (o, p) -> { }));
    assertThat(reopened.append(bytes("after")).get()).isEqualTo(10);
    reopened.close();
  }

  @Test
  void aFullQueueRefusesAsOverload() {
    FileEventLog log = new FileEventLog(dir, 1 << 20, 100, 10);
    log.start(from(-1, (o, p) -> { }));
    var f = log.append(new byte[11]);
    assertThat(f).isCompletedExceptionally();
    assertThat(f.handle((v, e) -> ((LogUnavailableException) e).isOverload()).join()).isTrue();
    log.close();
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** The log's one partition, delivered after {@code offset} to {@code records}. */
  private static EventLog.Owner from(long offset, java.util.function.BiConsumer<Long, byte[]> records) {
    return new EventLog.Owner() {
      @Override
      public long assigned(int partition) {
        assertThat(partition).isZero();
        return offset;
      }

      @Override
      public void accept(int partition, long o, byte[] payload) {
        records.accept(o, payload);
      }

      @Override
      public void revoked(int partition) {
        throw new AssertionError("the file log's one partition never moves");
      }
    };
  }
}
