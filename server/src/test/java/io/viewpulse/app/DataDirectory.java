package io.viewpulse.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Looks through a stopped server's data directory: its files as bytes, and every cell of its store. */
final class DataDirectory {
  private DataDirectory() {}

  static List<Path> filesContaining(Path dir, String needle) throws IOException {
    return filesContaining(dir, needle.getBytes(StandardCharsets.UTF_8));
  }

  static List<Path> filesContaining(Path dir, byte[] needle) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> indexOf(read(p), needle) >= 0).toList();
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every cell of every table as text. DuckDB compresses strings inside its file, so a byte search of the file alone
   * could miss a stored value: the store is read through SQL too.
   */
  static Store readStore(Path dataDir) throws SQLException {
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    List<String> cells = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve("viewpulse.duckdb")
        .toAbsolutePath(), readOnly); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
          + " WHERE table_type = 'BASE TABLE'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = '"
            + table + "'")) {
          while (rs.next()) {
            columns.add("CAST(\"" + rs.getString(1) + "\" AS VARCHAR)");
          }
        }
        try (ResultSet rs = s.executeQuery("SELECT " + String.join(", ", columns) + " FROM \"" + table + "\"")) {
          while (rs.next()) {
            for (int i = 1; i <= columns.size(); i++) {
              cells.add(table + ": " + rs.getString(i));
            }
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT token_hash FROM api_keys")) {
        while (rs.next()) {
          hashes.add(rs.getString(1));
        }
      }
    }
    return new Store(cells, hashes);
  }

  /** The store's cells (prefixed with their table) and its API keys' token hashes. */
  record Store(List<String> cells, List<String> tokenHashes) {
    List<String> cellsContaining(String needle) {
      return cells.stream().filter(c -> c.contains(needle)).toList();
    }
  }
}
