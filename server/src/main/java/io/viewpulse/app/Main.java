package io.viewpulse.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code viewpulse} command: run the server, or administer accounts, keys, assets and streams. */
@Command(name = "viewpulse", mixinStandardHelpOptions = true, version = "viewpulse 0.1.0",
    description = "Self-hostable video viewership and playback-quality analytics.",
    subcommands = {ServeCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
