package io.viewpulse.app;

import io.viewpulse.client.ExportFormat;
import io.viewpulse.client.ExportProgress;
import io.viewpulse.client.View;
import io.viewpulse.client.ViewListQuery;
import io.viewpulse.client.ViewPage;
import io.viewpulse.client.Viewpulse;
import io.viewpulse.client.ViewpulseException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code viewpulse list-views} (the views explorer: a page of views, newest first) and {@code viewpulse export} (every
 * view of a time range into a file, with a progress bar, resumable), through the Java client.
 */
final class ViewCommands {
  private ViewCommands() {}

  /** The scope of views: the media, a viewer, filters, a time range. */
  static class Scope {
    @Mixin
    QueryCommands.Selection selection = new QueryCommands.Selection();

    @Option(names = "--viewer-id", description = "Only this viewer's views")
    String viewerId;

    ViewListQuery.Builder query(Instant from, Instant to) {
      QueryCommands.Selection s = selection;
      return ViewListQuery.builder().playbackId(s.playbackId).assetId(s.assetId).streamId(s.streamId)
          .creatorId(s.creatorId).viewerId(viewerId).from(from).to(to)
          .filters(s.filters.stream().map(Object::toString).toArray(String[]::new));
    }
  }

  @Command(name = "list-views", mixinStandardHelpOptions = true,
      description = "Views one by one, newest first: a page, and the cursor of the next (--cursor).")
  static final class ListViews extends QueryCommands.Connection implements Callable<Integer> {
    @Mixin
    Scope scope = new Scope();

    @Option(names = "--from", converter = QueryCommands.InstantConverter.class, description = "RFC 3339 or Unix ms")
    Instant from;

    @Option(names = "--to", converter = QueryCommands.InstantConverter.class, description = "RFC 3339 or Unix ms")
    Instant to;

    @Option(names = "--limit", defaultValue = "50", description = "Views a page (1 to 1000). Default: ${DEFAULT-VALUE}")
    int limit;

    @Option(names = "--cursor", description = "The next page's cursor, as the previous page printed it")
    String cursor;

    @Override
    public Integer call() {
      String[] next = new String[1];
      int code = print(c -> {
        ViewPage page = c.listViews(scope.query(from, to).limit(limit).cursor(cursor).build());
        next[0] = page.next();
        // the account's custom dimensions (every view of a page names the same ones), after the network ones
        List<String> custom = page.views().isEmpty() ? List.of() : List.copyOf(page.views().get(0).custom().keySet());
        List<String> columns = new ArrayList<>(List.of("started", "viewId", "playbackId", "viewerId", "device",
            "browser", "country", "playtimeMs", "ttffMs", "rebufferMs", "errors", "failed", "outcome", "rebufferCount", "asn",
            "isp", "cdn"));
        custom.forEach(name -> columns.add(io.viewpulse.client.Dimension.CUSTOM_PREFIX + name));
        Table t = new Table(columns);
        for (View v : page.views()) {
          List<Object> row = new ArrayList<>(java.util.Arrays.asList(v.startedAt().toString(), v.viewId(),
              v.playbackId(), v.viewerId(), v.deviceType(), v.browser(), v.country(), v.playtimeMs(), v.ttffMs(),
              v.rebufferMs(), v.errors(), v.failed(), v.quality() == null ? null : v.quality().outcome(),
              v.quality() == null ? null : v.quality().rebufferCount(), v.asn(), v.isp(), v.cdn()));
          custom.forEach(name -> row.add(v.custom().get(name)));
          t.add(row);
        }
        return t;
      });
      if (code == 0 && next[0] != null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("more: --cursor " + next[0]);
        err.flush();
      }
      return code;
    }
  }

  @Command(name = "show-view", mixinStandardHelpOptions = true,
      description = "One view's timeline, as the list gives its id: each event at the player's time, its offset from"
          + " the view's start and what it carries (a stall's length, a seek's latency, a rendition switch, an"
          + " error's kind and message, an end's cause).")
  static final class ShowView extends QueryCommands.Connection implements Callable<Integer> {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "VIEW_ID", description = "The view id")
    String viewId;

    @Override
    public Integer call() {
      return print(c -> {
        io.viewpulse.client.ViewTimeline v = c.getView(viewId);
        Table t = new Table(List.of("at", "offsetMs", "type", "detail"));
        for (io.viewpulse.client.ViewTimeline.Event e : v.events()) {
          t.add(java.util.Arrays.asList(e.at().toString(), e.offsetMs(), e.type(), detail(e)));
        }
        if (v.dropped() > 0) {
          t.add(java.util.Arrays.asList(null, null, "dropped", v.dropped() + " events beyond the bound"));
        }
        return t;
      });
    }

    private static String detail(io.viewpulse.client.ViewTimeline.Event e) {
      return switch (e.type()) {
        case "stall" -> e.durationMs() + " ms" + (e.count() != null && e.count() > 1 ? " (" + e.count() + " stalls)"
            : "");
        case "seek" -> e.latencyMs() == null ? "" : "latency " + e.latencyMs() + " ms";
        case "rendition" -> rendition(e.from()) + " -> " + rendition(e.to());
        case "error" -> (Boolean.TRUE.equals(e.fatal()) ? "fatal" : "non-fatal")
            + (e.category() == null ? "" : " " + e.category()) + (e.message() == null ? "" : ": " + e.message());
        case "end" -> e.cause();
        default -> "";
      };
    }

    private static String rendition(io.viewpulse.client.ViewTimeline.Rendition r) {
      return (r.bitrateBps() == null ? "?" : r.bitrateBps() + " b/s") + " "
          + (r.width() == null ? "?" : r.width() + "x" + r.height());
    }
  }

  @Command(name = "erase-viewer", mixinStandardHelpOptions = true,
      description = "Erase every finished view of a viewer (the right to erasure of privacy laws) and print the record"
          + " of it: the key that asked, when, how many views. Refused while the viewer is watching: retry later."
          + " Rollups keep their aggregates (counts and sums over time).")
  static final class EraseViewer extends QueryCommands.Connection implements Callable<Integer> {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "VIEWER_ID", description = "The viewer id")
    String viewerId;

    @Override
    public Integer call() {
      return print(c -> {
        io.viewpulse.client.Erasure e = c.eraseViewer(viewerId);
        Table t = new Table(List.of("erasedAt", "keyId", "views"));
        t.add(java.util.Arrays.asList(e.erasedAt().toString(), e.keyId(), e.views()));
        return t;
      });
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Every view of a time range into a file (CSV, NDJSON or Parquet), with a progress bar. A broken "
          + "CSV or NDJSON export goes on where it stopped with --resume.")
  static final class Export implements Callable<Integer> {
    /** Views between two saves of where the export is (the file is flushed first). */
    private static final int SAVE_EVERY = 10_000;
    private static final int BAR = 30;

    @Mixin
    QueryCommands.Server server = new QueryCommands.Server();

    @Option(names = "--format", required = true, description = "csv, ndjson or parquet")
    ExportFormat format;

    @Option(names = "--from", required = true, converter = QueryCommands.InstantConverter.class,
        description = "RFC 3339 or Unix ms")
    Instant from;

    @Option(names = "--to", required = true, converter = QueryCommands.InstantConverter.class,
        description = "RFC 3339 or Unix ms")
    Instant to;

    @Option(names = {"--out", "-o"}, required = true, description = "The file to write")
    Path out;

    @Option(names = "--resume", description = "Go on with the export that was writing --out (CSV, NDJSON)")
    boolean resume;

    @Option(names = "--no-progress", description = "No progress bar")
    boolean noProgress;

    @Mixin
    Scope scope = new Scope();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Path state = out.resolveSibling(out.getFileName() + ".export-state");
      try {
        ExportProgress resumed = null;
        if (resume) {
          resumed = resumePoint(state);
        } else if (Files.exists(state)) {
          err.println("viewpulse: " + out + " is a broken export: add --resume to go on with it, or remove " + state);
          err.flush();
          return 2;
        }
        Viewpulse client = server.client();
        ExportProgress done;
        try (OutputStream file = new BufferedOutputStream(resumed == null
            ? Files.newOutputStream(out) : Files.newOutputStream(out, StandardOpenOption.APPEND), 64 * 1024)) {
          Bar bar = new Bar(err);
          long[] saved = {resumed == null ? 0 : resumed.views()};
          done = client.exportViews(scope.query(from, to).build(), format, file, resumed, p -> {
            bar.show(p);
            if (format != ExportFormat.PARQUET && p.views() - saved[0] >= SAVE_EVERY) {
              save(file, state, p);
              saved[0] = p.views();
            }
          });
          bar.end(done);
        }
        Files.deleteIfExists(state);
        err.println("wrote " + (format == ExportFormat.PARQUET ? "" : done.views() + " views, ") + done.bytes()
            + " bytes to " + out);
        err.flush();
        return 0;
      } catch (ViewpulseException e) {
        err.println();
        err.println("viewpulse: " + String.join("; ", e.messages())
            + (e.status() == 0 ? "" : " (HTTP " + e.status() + ")")
            + (Files.exists(state) ? "; go on with --resume" : ""));
        err.flush();
        return 1;
      } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
        err.println();
        err.println("viewpulse: " + e.getMessage());
        err.flush();
        return 1;
      }
    }

    /** Flushes the file, then notes how far it goes (written whole, then moved into place). */
    private void save(OutputStream file, Path state, ExportProgress p) {
      try {
        file.flush();
        Properties props = new Properties();
        props.setProperty("format", format.apiName());
        props.setProperty("from", Long.toString(from.toEpochMilli()));
        props.setProperty("to", Long.toString(to.toEpochMilli()));
        props.setProperty("bytes", Long.toString(p.bytes()));
        props.setProperty("views", Long.toString(p.views()));
        props.setProperty("lastStart", Long.toString(p.lastStart().toEpochMilli()));
        props.setProperty("lastViewId", p.lastViewId());
        Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
        try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          props.store(w, "where the export of " + out.getFileName() + " is");
        }
        Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Where a broken export stopped: the file cut back to what was last saved, and the view it ended with. */
    private ExportProgress resumePoint(Path state) throws IOException {
      if (format == ExportFormat.PARQUET) {
        throw new IllegalArgumentException("a Parquet export cannot be resumed: export the rest of the range anew");
      }
      if (!Files.exists(state)) {
        if (Files.exists(out)) {
          throw new IllegalArgumentException("nothing to resume: " + out + " has no " + state.getFileName()
              + " (it was finished, or broke before its first " + SAVE_EVERY + " views: export it anew)");
        }
        throw new IllegalArgumentException("nothing to resume: no " + out);
      }
      Properties props = new Properties();
      try (var r = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
        props.load(r);
      }
      if (!format.apiName().equals(props.getProperty("format"))
          || !Long.toString(from.toEpochMilli()).equals(props.getProperty("from"))
          || !Long.toString(to.toEpochMilli()).equals(props.getProperty("to"))) {
        throw new IllegalArgumentException("--resume needs the export's own --format, --from and --to ("
            + props.getProperty("format") + ", " + Instant.ofEpochMilli(Long.parseLong(props.getProperty("from")))
            + ", " + Instant.ofEpochMilli(Long.parseLong(props.getProperty("to"))) + ")");
      }
      long bytes = Long.parseLong(props.getProperty("bytes"));
      try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
        if (ch.size() < bytes) {
          throw new IllegalArgumentException(out + " is shorter than its export wrote: export it anew");
        }
        ch.truncate(bytes);
      }
      return new ExportProgress(bytes, Long.parseLong(props.getProperty("views")),
          Instant.ofEpochMilli(Long.parseLong(props.getProperty("lastStart"))), props.getProperty("lastViewId"));
    }

    /** The progress bar on stderr: how far into the time range (CSV, NDJSON) or how many bytes (Parquet). */
    private final class Bar {
      private final PrintWriter err;
      private long shownPercent = -1;
      private long shownBytes = -1;

      Bar(PrintWriter err) {
        this.err = err;
      }

      void show(ExportProgress p) {
        if (noProgress) {
          return;
        }
        if (format == ExportFormat.PARQUET || p.lastStart() == null) {
          if (p.bytes() - shownBytes >= 1 << 20 || shownBytes < 0) {
            shownBytes = p.bytes();
            err.print("\r" + mb(p.bytes()) + " written");
            err.flush();
          }
          return;
        }
        long span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
        long percent = Math.min(100, Math.max(0, (p.lastStart().toEpochMilli() - from.toEpochMilli()) * 100 / span));
        if (percent != shownPercent) {
          shownPercent = percent;
          int full = (int) (percent * BAR / 100);
          err.print("\r[" + "#".repeat(full) + ".".repeat(BAR - full) + "] " + percent + "%  " + p.views()
              + " views  " + mb(p.bytes()) + "  at " + p.lastStart());
          err.flush();
        }
      }

      /** The bar full, with what was written. */
      void end(ExportProgress p) {
        if (noProgress) {
          return;
        }
        err.println("\r[" + "#".repeat(BAR) + "] 100%  " + (format == ExportFormat.PARQUET ? "" : p.views()
            + " views  ") + mb(p.bytes()));
        err.flush();
      }

      private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
      }
    }
  }
}
