package io.viewpulse.model;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory and what Viewpulse writes in it are its owner's only (0700 and 0600 on POSIX file systems):
 * the event log, the store and the secrets hold viewers' data and keys. Elsewhere (no POSIX permissions) these do
 * nothing.
 */
public final class OwnerOnlyFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

  private OwnerOnlyFiles() {}

  /** Attributes that create a file readable and writable by its owner only. */
  public static FileAttribute<?>[] file() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
  }

  /** Attributes that create a directory its owner's only. */
  public static FileAttribute<?>[] dir() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)} : new FileAttribute<?>[0];
  }

  /** Makes an existing file its owner's only. */
  public static void restrict(Path file) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }

  /**
   * Takes every permission of group and others from {@code dir} and everything under it (the owner's are kept).
   * Symbolic links are not followed.
   *
   * @return what was open to others before, as {@code "path rwxr-xr-x"} lines (empty when nothing was)
   */
  public static List<String> tighten(Path dir) throws IOException {
    List<String> changed = new ArrayList<>();
    if (!POSIX || !Files.isDirectory(dir)) {
      return changed;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p);
        Set<PosixFilePermission> owner = java.util.EnumSet.noneOf(PosixFilePermission.class);
        now.stream().filter(x -> x.name().startsWith("OWNER")).forEach(owner::add);
        if (owner.size() < now.size()) {
          Files.setPosixFilePermissions(p, owner);
          changed.add(p + " " + PosixFilePermissions.toString(now));
        }
      }
    }
    return changed;
  }
}
