package io.viewpulse.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code viewpulse} command: run the server, or administer accounts, keys, assets and streams. */
@Command(name = "viewpulse", mixinStandardHelpOptions = true, version = "viewpulse 0.1.0",
    description = "Self-hostable video viewership and playback-quality analytics.",
    subcommands = {ServeCommand.class, AdminCommands.AdminGroup.class, AdminCommands.Account.class, AdminCommands.Key.class,
        AdminCommands.Asset.class, AdminCommands.Stream.class, QueryCommands.Views.class, QueryCommands.Total.class,
        QueryCommands.Now.class, QueryCommands.CustomDimensions.class, QueryCommands.Usage.class,
        QueryCommands.Live.class, ViewCommands.ListViews.class, ViewCommands.Export.class,
        ViewCommands.EraseViewer.class, ViewCommands.ShowView.class, AlertCommands.Alert.class,
        WebhookCommands.Group.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code. */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  /** Runs a command line with its output and errors going to the given writers (for tests). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
        .execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
