package io.viewpulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's ES modules link as a browser links them: each parses and each imported name is exported by the
 * module that is named. A module that does not link leaves the whole dashboard blank, which the browser tests see only
 * as pages that never draw; this names the module and the name in a second, without a browser.
 */
class DashboardModulesTest {
  private static final Path DASHBOARD = Path.of("src/main/resources/io/viewpulse/web/dashboard");
  private static Path script;

  @BeforeAll
  static void script(@TempDir Path dir) throws IOException {
    script = dir.resolve("link-modules.mjs");
    try (InputStream in = DashboardModulesTest.class.getResourceAsStream("/dashboard/link-modules.mjs")) {
      Files.copy(in, script);
    }
  }

  private static String link(Path dir) throws Exception {
    Process p = new ProcessBuilder("node", "--no-warnings", "--experimental-vm-modules", script.toString(),
        dir.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + " " + out;
  }

  @Test
  void everyModuleOfTheDashboardLinksFromAppAndNoneIsLeftOut() throws Exception {
    String modules;
    try (Stream<Path> files = Files.list(DASHBOARD)) {
      modules = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".js")).sorted()
          .map(f -> "\"" + f + "\"").reduce((a, b) -> a + "," + b).orElseThrow();
    }
    assertThat(modules).contains("\"app.js\"", "\"state.js\"");
    assertThat(link(DASHBOARD)).isEqualTo("0 {\"linked\":[" + modules + "],\"unused\":[]}");
  }

  @Test
  void anImportOfANameNoModuleExportsIsNamed(@TempDir Path copy) throws Exception {
    copyDashboard(copy);
    Path app = copy.resolve("app.js");
    String source = Files.readString(app);
    assertThat(source).contains("import { state, ");
    Files.writeString(app, source.replace("import { state, ", "import { state, noSuchName, "));
    assertThat(link(copy))
        .isEqualTo("1 SyntaxError: The requested module './state.js' does not provide an export named 'noSuchName'");
  }

  @Test
  void aNameDeclaredTwiceInAModuleIsNamedWithItsModule(@TempDir Path copy) throws Exception {
    copyDashboard(copy);
    Path state = copy.resolve("state.js");
    Files.writeString(state, Files.readString(state) + "\nexport function readHash() {}\n");
    assertThat(link(copy)).isEqualTo("1 SyntaxError: state.js: Identifier 'readHash' has already been declared");
  }

  private static void copyDashboard(Path to) throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARD)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".js")).toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
