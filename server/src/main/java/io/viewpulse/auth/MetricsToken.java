package io.viewpulse.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Who may read {@code /metrics}: without a token (the default) this machine only, as the API decides; with one,
 * whoever presents the bearer token the operator keeps in a file, the same file Prometheus reads
 * ({@code authorization: credentials_file}), from anywhere. The token stays in memory only; it is never logged,
 * stored or echoed.
 */
public final class MetricsToken {
  /** Shorter tokens are refused at start: guessable, and the scrape endpoint answers as fast as it can. */
  static final int MIN_LENGTH = 16;
  private static final MetricsToken OPEN = new MetricsToken(null);

  private final byte[] token;

  private MetricsToken(byte[] token) {
    this.token = token;
  }

  /** No token: scraping is left to the API's rule for requests without one (this machine only). */
  public static MetricsToken open() {
    return OPEN;
  }

  /**
   * The token in {@code file}, without surrounding whitespace.
   *
   * @throws UncheckedIOException when the file cannot be read or holds a token too short to keep anyone out
   */
  public static MetricsToken load(Path file) {
    String t;
    try {
      t = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new UncheckedIOException("the metrics token file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metrics token file " + file + ": " + e.getMessage(), e);
    }
    if (t.length() < MIN_LENGTH || t.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      String why = "the metrics token file " + file + " must hold one token of at least " + MIN_LENGTH
          + " printable ASCII characters (e.g. openssl rand -hex 32 > " + file + ")";
      throw new UncheckedIOException(why, new IOException(why));
    }
    return new MetricsToken(t.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether a token is needed at all. */
  public boolean required() {
    return token != null;
  }

  /** Whether this {@code Authorization} header carries the token (always, when none is required); constant time. */
  public boolean admits(String authorization) {
    if (token == null) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(token, authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return token == null ? "MetricsToken[open]" : "MetricsToken[required]";
  }
}
