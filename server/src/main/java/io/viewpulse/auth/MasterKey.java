package io.viewpulse.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The installation's root secret. API tokens and the viewer-hash salt are derived from it with HMAC-SHA256, so the
 * store only ever holds key ids and token hashes: a copy of the database file reveals no secret. It lives in
 * {@code <data>/master.key} (created with owner-only permissions) unless {@code VIEWPULSE_MASTER_KEY} gives it
 * (base64, 32 bytes), which lets several instances share one key.
 */
public final class MasterKey {
  private final byte[] key;

  private MasterKey(byte[] key) {
    this.key = key.clone();
  }

  public static MasterKey load(Path dataDir, String fromEnv) {
    if (fromEnv != null && !fromEnv.isBlank()) {
      byte[] k = Base64.getDecoder().decode(fromEnv.trim());
      if (k.length < 32) {
        throw new IllegalArgumentException("VIEWPULSE_MASTER_KEY must be at least 32 bytes of base64");
      }
      return new MasterKey(k);
    }
    Path file = dataDir.resolve("master.key");
    try {
      Files.createDirectories(dataDir, io.viewpulse.model.OwnerOnlyFiles.dir());
      if (!Files.exists(file)) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        // written whole beside it, then linked into place: a link never replaces a file, so of two processes
        // starting at once one key wins and the other reads it whole (never a file still being written)
        Path tmp;
        try {
          tmp = Files.createTempFile(dataDir, "master.key.", ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          tmp = Files.createTempFile(dataDir, "master.key.", ".tmp");
        }
        try {
          Files.write(tmp, k, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
          Files.createLink(file, tmp);
          return new MasterKey(k);
        } catch (FileAlreadyExistsException e) {
          // the other process's key is in place
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      byte[] k = Files.readAllBytes(file);
      if (k.length < 32) {
        throw new IllegalStateException(file + " is damaged: expected 32 bytes, found " + k.length);
      }
      return new MasterKey(k);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  /** A fixed key, for tests. */
  public static MasterKey of(byte[] key) {
    return new MasterKey(key);
  }

  /** HMAC-SHA256 of {@code purpose} under the master key. */
  public byte[] derive(String purpose) {
    return hmac(key, purpose.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
