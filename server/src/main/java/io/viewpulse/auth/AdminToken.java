package io.viewpulse.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import io.viewpulse.model.OwnerOnlyFiles;

/**
 * The operator's token for the {@code /admin} routes, derived from the master key and the admin secret: 32 random
 * bytes in {@code <data>/admin.secret} (owner-only, created on first use). Whoever can read the data directory (the
 * command line on the server's machine) can administer; nobody else can, and the token itself is never stored.
 * Rotating the admin secret changes the token and nothing else: the master key, and with it every API key and viewer
 * hash, stays. The server reads the secret at each admin request, so a rotation applies at once.
 */
public final class AdminToken {
  /** The admin secret's file in the data directory. */
  public static final String FILE = "admin.secret";
  private static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private AdminToken() {}

  /** The current token of the data directory (creating its admin secret when there is none). */
  public static String current(MasterKey master, Path dataDir) {
    byte[] mac = MasterKey.hmac(master.derive("admin-token"), secret(dataDir));
    return "vpadmin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
  }

  /** Constant-time comparison of a presented token with the current one. */
  public static boolean matches(MasterKey master, Path dataDir, String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(current(master, dataDir).getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Replaces the admin secret with a new random one: the previous token stops working at once.
   *
   * @return the file that holds the new secret
   */
  public static Path rotate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      Files.createDirectories(dataDir);
      Path next = Files.createTempFile(dataDir, FILE, ".new");
      try {
        OwnerOnlyFiles.restrict(next);
        Files.write(next, random(), StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(next);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] secret(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      try {
        return check(file, Files.readAllBytes(file));
      } catch (NoSuchFileException e) {
        // written whole under another name, then linked into place: a reader never sees it half written, and of
        // two processes creating it at once one wins and the other reads its secret
        byte[] s = random();
        Files.createDirectories(dataDir);
        Path next = Files.createTempFile(dataDir, FILE, ".new");
        try {
          OwnerOnlyFiles.restrict(next);
          Files.write(next, s, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
          Files.createLink(file, next);
          return s;
        } catch (FileAlreadyExistsException raced) {
          return check(file, Files.readAllBytes(file));
        } finally {
          Files.deleteIfExists(next);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] check(Path file, byte[] s) {
    if (s.length != SECRET_BYTES) {
      throw new IllegalStateException(file + " is damaged: expected " + SECRET_BYTES + " bytes, found " + s.length
          + " (viewpulse admin rotate-token writes a new one)");
    }
    return s;
  }

  private static byte[] random() {
    byte[] s = new byte[SECRET_BYTES];
    RANDOM.nextBytes(s);
    return s;
  }
}
