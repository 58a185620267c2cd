package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** npm packages pinned in a test resource folder (package.json and package-lock.json), installed once per build. */
public final class NpmDeps {
  private NpmDeps() {}

  /**
   * Copies {@code files} from the classpath folder {@code /resource} into {@code target/<resource>} and runs
   * {@code npm ci} there unless {@code marker} (a path under node_modules) already exists.
   */
  public static synchronized Path install(String resource, String marker, List<String> files) {
    try {
      Path dir = Path.of("target", resource).toAbsolutePath();
      Files.createDirectories(dir);
      for (String f : files) {
        try (InputStream in = NpmDeps.class.getResourceAsStream("/" + resource + "/" + f)) {
          Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (!Files.exists(dir.resolve("node_modules").resolve(marker))) {
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
            .redirectErrorStream(true).start();
        String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(300, TimeUnit.SECONDS)).as("npm ci finished in 5 minutes").isTrue();
        assertThat(npm.exitValue()).as(log).isZero();
      }
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
