package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A self-signed certificate for test host names, made with the JDK's keytool into a PKCS#12 keystore. */
public final class TestCerts {
  public static final String PASSWORD = "viewpulse-test";

  private TestCerts() {}

  public static synchronized Path keystore(String... hosts) {
    try {
      Path dir = Path.of("target", "test-certs").toAbsolutePath();
      Files.createDirectories(dir);
      Path ks = dir.resolve(String.join("_", hosts) + ".p12");
      if (Files.exists(ks)) {
        return ks;
      }
      StringBuilder san = new StringBuilder("SAN=");
      for (int i = 0; i < hosts.length; i++) {
        san.append(i == 0 ? "" : ",").append("dns:").append(hosts[i]);
      }
      san.append(",ip:127.0.0.1");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process p = new ProcessBuilder(keytool, "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "test",
          "-dname", "CN=" + hosts[0], "-ext", san.toString(), "-validity", "30", "-storetype", "PKCS12",
          "-keystore", ks.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      return ks;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
