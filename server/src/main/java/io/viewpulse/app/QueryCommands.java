package io.viewpulse.app;

import io.viewpulse.client.Dimension;
import io.viewpulse.client.Filter;
import io.viewpulse.client.RealtimeMetric;
import io.viewpulse.client.StreamStats;
import io.viewpulse.client.TimeStep;
import io.viewpulse.client.UsageMetric;
import io.viewpulse.client.ViewershipMetric;
import io.viewpulse.client.Viewpulse;
import io.viewpulse.client.ViewpulseException;
import io.viewpulse.client.ViewsQuery;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code viewpulse views|total|now|usage|stream-stats}: the API's queries for operators and scripts, through the Java
 * client, printed as a table, CSV or JSON. Exit codes: 0 done, 1 refused (the server's message on stderr), 2 usage.
 */
final class QueryCommands {
  private QueryCommands() {}

  /** Where to ask and with which key (a mixin). */
  static final class Server {
    @Option(names = "--server", defaultValue = "${env:VIEWPULSE_URL}",
        description = "Viewpulse URL. Env: VIEWPULSE_URL. Default: the server running on --data, else "
            + "http://localhost:8080")
    String server;

    @Option(names = "--data", defaultValue = "${env:VIEWPULSE_DATA:-data}", description = "Data directory, to find a "
        + "running server. Env: VIEWPULSE_DATA. Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--key", defaultValue = "${env:VIEWPULSE_API_KEY}", required = true,
        description = "A secret API key. Env: VIEWPULSE_API_KEY")
    String key;

    Viewpulse client() {
      String url = server != null ? server : ServerFile.livePort(data).map(p -> "http://127.0.0.1:" + p)
          .orElse("http://localhost:8080");
      return Viewpulse.builder().baseUrl(url).apiKey(key).build();
    }
  }

  /** Which views (a mixin): the media, and filters on dimensions. */
  static final class Selection {
    @Option(names = "--playback-id", description = "A playback id or dStorage id")
    String playbackId;

    @Option(names = "--asset-id")
    String assetId;

    @Option(names = "--stream-id")
    String streamId;

    @Option(names = "--creator-id")
    String creatorId;

    @Option(names = "--filter", converter = FilterConverter.class, paramLabel = "[!]DIMENSION:VALUE",
        description = "Keep views whose dimension has this value, or drop them with a leading ! (repeatable; several "
            + "values of one dimension are alternatives): --filter country:US --filter country:DE "
            + "--filter '!browser:Chrome'")
    List<Filter> filters = new ArrayList<>();
  }

  /** Where to ask, with which key, and how to print. */
  static class Connection {
    @Mixin
    Server server = new Server();

    @Option(names = "--format", defaultValue = "table", converter = FormatConverter.class,
        description = "table, csv or json. Default: ${DEFAULT-VALUE}")
    Table.Format format;

    @Spec
    CommandSpec spec;

    int print(java.util.function.Function<Viewpulse, Table> query) {
      try {
        query.apply(server.client()).print(spec.commandLine().getOut(), format);
        return 0;
      } catch (ViewpulseException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("viewpulse: " + String.join("; ", e.messages())
            + (e.status() == 0 ? "" : " (HTTP " + e.status() + ")"));
        err.flush();
        return 1;
      }
    }
  }

  /** Filters and grouping shared by views queries. */
  static class Filters {
    @Mixin
    Selection selection = new Selection();

    @Option(names = "--from", converter = InstantConverter.class, description = "RFC 3339 or Unix ms")
    Instant from;

    @Option(names = "--to", converter = InstantConverter.class, description = "RFC 3339 or Unix ms")
    Instant to;

    @Option(names = "--time-step", converter = TimeStepConverter.class, description = "hour, day, week, month, year")
    TimeStep timeStep;

    @Option(names = "--by", split = ",", converter = DimensionConverter.class,
        description = "Break down by these dimensions (API names: country, browser, deviceType, asn, isp, cdn, ...,"
            + " custom.<name> for a declared custom dimension)")
    List<Dimension> by = new ArrayList<>();

    ViewsQuery query() {
      Selection s = selection;
      return new ViewsQuery(s.playbackId, s.assetId, s.streamId, s.creatorId, from, to, timeStep, by, s.filters);
    }
  }

  @Command(name = "views", mixinStandardHelpOptions = true,
      description = "Viewership metrics: views, watch time, TTFF, rebuffering, errors, exits before start.")
  static final class Views extends Connection implements Callable<Integer> {
    @Mixin
    Filters filters = new Filters();

    @Option(names = "--creator-api", description = "Ask the creator API (engagement only; needs --asset-id or "
        + "--stream-id; CORS keys allowed)")
    boolean creatorApi;

    @Override
    public Integer call() {
      return print(c -> {
        List<ViewershipMetric> rows = creatorApi ? c.getViewsByCreator(filters.query()) : c.getViews(filters.query());
        List<String> cols = new ArrayList<>();
        if (filters.timeStep != null) {
          cols.add("time");
        }
        filters.by.forEach(d -> cols.add(d.apiName()));
        cols.addAll(List.of("views", "watchMins", "uniqueViewers", "ttffMs", "ttffP50Ms", "ttffP95Ms",
            "rebufferRatio", "errorRate", "exitsBeforeStart"));
        Table t = new Table(cols);
        for (ViewershipMetric m : rows) {
          List<Object> r = new ArrayList<>();
          if (filters.timeStep != null) {
            r.add(Instant.ofEpochMilli(m.timestamp()).toString());
          }
          filters.by.forEach(d -> r.add(m.dimension(d)));
          r.addAll(java.util.Arrays.asList(m.viewCount(), m.playtimeMins(), m.uniqueViewers(), m.ttffMs(),
              m.ttffP50Ms(), m.ttffP95Ms(), m.rebufferRatio(), m.errorRate(), m.exitsBeforeStart()));
          t.add(r);
        }
        return t;
      });
    }
  }

  @Command(name = "total", mixinStandardHelpOptions = true,
      description = "All-time views of a playback id, or of a dStorage id across accounts.")
  static final class Total extends Connection implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Playback id, ipfs://CID, CID or ar://tx")
    String id;

    @Override
    public Integer call() {
      return print(c -> {
        var total = c.getTotalViews(id);
        Table t = new Table(List.of("id", "views", "watchMins"));
        t.add(List.of(total.playbackId() != null ? total.playbackId() : total.dStorageUrl(), total.viewCount(),
            total.playtimeMins()));
        return t;
      });
    }
  }

  @Command(name = "custom-dimensions", mixinStandardHelpOptions = true,
      description = "The account's custom dimensions; with 'declare NAME', declares one (at most 10).")
  static final class CustomDimensions extends Connection implements Callable<Integer> {
    @Parameters(paramLabel = "ACTION", arity = "0..1", description = "list (default) or declare")
    String action = "list";

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The name to declare: lowercase letters, digits,"
        + " '_' or '-', a letter first")
    String name;

    @Override
    public Integer call() {
      if (!action.equals("list") && !action.equals("declare")) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown action '" + action
            + "': list or declare");
      }
      if (action.equals("declare") && name == null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "declare needs a NAME");
      }
      return print(c -> {
        Table t = new Table(List.of("dimension"));
        if (action.equals("declare")) {
          t.add(List.of(c.declareCustomDimension(name).apiName()));
        } else {
          c.listCustomDimensions().forEach(d -> t.add(List.of(d.apiName())));
        }
        return t;
      });
    }
  }

  @Command(name = "now", mixinStandardHelpOptions = true, description = "Views playing now.")
  static final class Now extends Connection implements Callable<Integer> {
    @Option(names = "--playback-id")
    String playbackId;

    @Option(names = "--creator-id")
    String creatorId;

    @Option(names = "--by", split = ",", converter = DimensionConverter.class,
        description = "playbackId, device, browser, country, asn, isp, cdn, custom.<name>")
    List<Dimension> by = new ArrayList<>();

    @Option(names = "--filter", converter = FilterConverter.class, paramLabel = "[!]DIMENSION:VALUE",
        description = "Filter by playbackId, device, browser, country, asn, isp, cdn or custom.<name>, as views'"
            + " --filter (repeatable)")
    List<Filter> filter = new ArrayList<>();

    @Override
    public Integer call() {
      return print(c -> {
        List<String> cols = new ArrayList<>();
        by.forEach(d -> cols.add(d.apiName()));
        cols.addAll(List.of("views", "errorRate"));
        Table t = new Table(cols);
        for (RealtimeMetric m : c.getRealtimeViews(playbackId, creatorId, filter, by.toArray(Dimension[]::new))) {
          List<Object> r = new ArrayList<>();
          by.forEach(d -> r.add(m.dimensions().get(d)));
          r.add(m.viewCount());
          r.add(m.errorRate());
          t.add(r);
        }
        return t;
      });
    }
  }

  @Command(name = "usage", mixinStandardHelpOptions = true, description = "Minutes delivered to viewers.")
  static final class Usage extends Connection implements Callable<Integer> {
    @Option(names = "--from", converter = InstantConverter.class)
    Instant from;

    @Option(names = "--to", converter = InstantConverter.class)
    Instant to;

    @Option(names = "--time-step", converter = TimeStepConverter.class, description = "hour or day")
    TimeStep timeStep;

    @Option(names = "--by-creator", description = "Break down by creator id")
    boolean byCreator;

    @Override
    public Integer call() {
      return print(c -> {
        var q = io.viewpulse.client.UsageQuery.all().from(from).to(to).timeStep(timeStep);
        Table t = new Table(List.of("time", "creatorId", "deliveryMins"));
        for (UsageMetric m : c.getUsage(byCreator ? q.perCreator() : q)) {
          t.add(java.util.Arrays.asList(m.timeInterval() == null ? null
              : Instant.ofEpochMilli(m.timeInterval()).toString(), m.creatorId(), m.deliveryUsageMins()));
        }
        return t;
      });
    }
  }

  @Command(name = "stream-stats", mixinStandardHelpOptions = true,
      description = "Live statistics of streams: their last complete minute.")
  static final class Live extends Connection implements Callable<Integer> {
    @Parameters(paramLabel = "STREAM_ID", arity = "1..*")
    List<String> ids;

    @Override
    public Integer call() {
      return print(c -> {
        Table t = new Table(List.of("stream", "type", "ts", "concurrent", "new", "totalTimeSecs", "authFailures",
            "adSlateSecs", "mcsSecs", "topLocation", "topPlatform"));
        for (StreamStats s : c.getStreamStats(ids.toArray(String[]::new))) {
          StreamStats.Stats st = s.stats();
          if (st == null) {
            t.add(java.util.Arrays.asList(s.id(), null, null, null, null, null, null, null, null, null, null));
            continue;
          }
          t.add(java.util.Arrays.asList(s.id(), st.type(), s.ts().toString(), st.concurrent().sessions(),
              st.newSessions().sessions(), st.concurrent().totalTime() + st.newSessions().totalTime(),
              st.authFailures(), slate(st, true), slate(st, false),
              st.locations().isEmpty() ? null : st.locations().get(0).key(),
              st.platforms().isEmpty() ? null : st.platforms().get(0).key()));
        }
        return t;
      });
    }

    private static double slate(StreamStats.Stats st, boolean ad) {
      double sum = 0;
      for (StreamStats.Sessions g : List.of(st.concurrent(), st.newSessions())) {
        for (StreamStats.Slate s : (ad ? g.adSlate() : g.mcs()).values()) {
          sum += s.time();
        }
      }
      return sum;
    }
  }

  static final class FormatConverter implements ITypeConverter<Table.Format> {
    @Override
    public Table.Format convert(String v) {
      return Table.Format.valueOf(v.toUpperCase(Locale.ROOT));
    }
  }

  static final class TimeStepConverter implements ITypeConverter<TimeStep> {
    @Override
    public TimeStep convert(String v) {
      return TimeStep.valueOf(v.toUpperCase(Locale.ROOT));
    }
  }

  static final class FilterConverter implements ITypeConverter<Filter> {
    @Override
    public Filter convert(String v) {
      return Filter.parse(v.strip());
    }
  }

  static final class DimensionConverter implements ITypeConverter<Dimension> {
    @Override
    public Dimension convert(String v) {
      Dimension d = Dimension.byApiName(v.strip());
      if (d == null) {
        throw new IllegalArgumentException("unknown dimension '" + v + "'");
      }
      return d;
    }
  }

  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String v) {
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e) {
        return Instant.ofEpochMilli(Long.parseLong(v));
      }
    }
  }
}
