package io.viewpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code viewpulse account|key|asset|stream ...}: administration that prints JSON, for people and scripts. Exit
 * codes: 0 done, 1 refused (the message says why, on stderr, as JSON), 2 bad usage.
 */
final class AdminCommands {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminCommands() {}

  /** Options every admin command has. */
  static class Common {
    @Option(names = "--data", defaultValue = "${env:VIEWPULSE_DATA:-data}",
        description = "Data directory of the Viewpulse to administer. Env: VIEWPULSE_DATA. Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--store", defaultValue = "${env:VIEWPULSE_STORE:-duckdb}",
        description = "The store, as serve takes it, used when no server runs on the data directory. "
            + "Env: VIEWPULSE_STORE. Default: ${DEFAULT-VALUE}")
    String store;

    @Option(names = "--store-password-file", defaultValue = "${env:VIEWPULSE_STORE_PASSWORD_FILE}",
        description = "Read the ClickHouse password from this file. Env: VIEWPULSE_STORE_PASSWORD_FILE")
    Path storePasswordFile;

    @Spec
    CommandSpec spec;

    int print(java.util.function.Function<AdminClient, JsonNode> action) {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      io.viewpulse.store.StoreConfig storeConfig;
      try {
        storeConfig = io.viewpulse.store.StoreConfig.parse(store, data, storePasswordFile == null ? null
            : java.nio.file.Files.readString(storePasswordFile).strip());
      } catch (io.viewpulse.model.DomainException | java.io.IOException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      try (AdminClient c = AdminClient.open(data, storeConfig)) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(action.apply(c)));
        out.flush();
        return 0;
      } catch (AdminClient.Failure f) {
        ObjectNode e = JSON.createObjectNode();
        e.putArray("errors").add(f.getMessage());
        err.println(e);
        err.flush();
        return 1;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Command(name = "admin", mixinStandardHelpOptions = true, description = "The operator's own credentials.",
      subcommands = {RotateToken.class})
  static final class AdminGroup {}

  @Command(name = "rotate-token", mixinStandardHelpOptions = true, description = "Replace the admin secret in the data "
      + "directory: the admin token (which the command line derives from it and the master key) changes, and a "
      + "running server refuses the old one from its next request. The master key, API keys and data stay.")
  static final class RotateToken implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "${env:VIEWPULSE_DATA:-data}",
        description = "Data directory. Env: VIEWPULSE_DATA. Default: ${DEFAULT-VALUE}")
    Path data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      if (!java.nio.file.Files.isDirectory(data)) {
        ObjectNode e = JSON.createObjectNode();
        e.putArray("errors").add("no data directory " + data.toAbsolutePath());
        err.println(e);
        err.flush();
        return 1;
      }
      Path file = io.viewpulse.auth.AdminToken.rotate(data);
      PrintWriter out = spec.commandLine().getOut();
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.createObjectNode()
          .put("rotated", true).put("adminSecret", file.toAbsolutePath().toString())));
      out.flush();
      return 0;
    }
  }

  @Command(name = "account", mixinStandardHelpOptions = true,
      description = "Create and list accounts, and set how long they keep their views.",
      subcommands = {AccountCreate.class, AccountList.class, AccountRetention.class})
  static final class Account {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an account.")
  static final class AccountCreate extends Common implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "Account name")
    String name;

    @Override
    public Integer call() {
      return print(c -> c.call("POST", "/accounts", AdminClient.body().put("name", name)));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts.")
  static final class AccountList extends Common implements Callable<Integer> {
    @Override
    public Integer call() {
      return print(c -> c.call("GET", "/accounts", null));
    }
  }

  @Command(name = "retention", mixinStandardHelpOptions = true,
      description = "Show or set how long an account keeps its views and their timelines. With --view-days N, the"
          + " views that started before midnight (UTC) N days before today are deleted within the hour, with their"
          + " pre-aggregates; --keep-all keeps every view (the default). With --timeline-days N, views' timelines"
          + " older than N days are dropped (at most the server's --timeline-retention); --server-timelines keeps"
          + " them as long as the server does (the default). Without these options, shows the account's periods.")
  static final class AccountRetention extends Common implements Callable<Integer> {
    @Option(names = "--account", description = "Account id (optional when there is one account)")
    String account;

    @Option(names = "--view-days", description = "Keep this many whole days of views before today (1 to 36500)")
    Integer viewDays;

    @Option(names = "--keep-all", description = "Keep every view")
    boolean keepAll;

    @Option(names = "--timeline-days", description = "Keep views' timelines this many days")
    Integer timelineDays;

    @Option(names = "--server-timelines", description = "Keep views' timelines as long as the server does")
    boolean serverTimelines;

    @Override
    public Integer call() {
      if (viewDays != null && keepAll || timelineDays != null && serverTimelines) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "give --view-days or --keep-all, --timeline-days or --server-timelines, not both of a pair");
      }
      if (viewDays == null && !keepAll && timelineDays == null && !serverTimelines) {
        return print(c -> c.call("GET", "/retention" + (account == null ? "" : "?account="
            + java.net.URLEncoder.encode(account, java.nio.charset.StandardCharsets.UTF_8)), null));
      }
      com.fasterxml.jackson.databind.node.ObjectNode body = AdminClient.body().put("account", account);
      if (keepAll) {
        body.putNull("viewDays");
      } else if (viewDays != null) {
        body.put("viewDays", viewDays);
      }
      if (serverTimelines) {
        body.putNull("timelineDays");
      } else if (timelineDays != null) {
        body.put("timelineDays", timelineDays);
      }
      return print(c -> c.call("PUT", "/retention", body));
    }
  }

  @Command(name = "key", mixinStandardHelpOptions = true, description = "Create, list and revoke API keys.",
      subcommands = {KeyCreate.class, KeyList.class, KeyRevoke.class})
  static final class Key {}

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a secret key, or with --cors-origin a CORS key for browsers. The token is shown once.")
  static final class KeyCreate extends Common implements Callable<Integer> {
    @Option(names = "--account", description = "Account id (default: the only account)")
    String account;

    @Option(names = "--name", description = "A name to recognize the key by")
    String name;

    @Option(names = "--cors-origin", description = "Allowed origin of a CORS key (repeatable), or *")
    List<String> origins;

    @Override
    public Integer call() {
      return print(c -> {
        ObjectNode b = AdminClient.body().put("account", account).put("name", name);
        if (origins != null) {
          ArrayNode a = b.putArray("allowedOrigins");
          origins.forEach(a::add);
        }
        return c.call("POST", "/keys", b);
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their tokens).")
  static final class KeyList extends Common implements Callable<Integer> {
    @Option(names = "--account", description = "Only this account's keys")
    String account;

    @Override
    public Integer call() {
      return print(c -> c.call("GET", "/keys" + AdminClient.query("account", account), null));
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: it stops working at once.")
  static final class KeyRevoke extends Common implements Callable<Integer> {
    @Parameters(paramLabel = "KEY_ID", description = "The key's id (as in key list)")
    String id;

    @Override
    public Integer call() {
      return print(c -> c.call("POST", "/keys/" + id + "/revoke", null));
    }
  }

  /** Subcommands shared by assets and streams. */
  abstract static class MediaCommand extends Common implements Callable<Integer> {
    @Option(names = "--account", description = "Account id (default: the only account)")
    String account;

    abstract String kind();
  }

  abstract static class MediaCreate extends MediaCommand {
    @Option(names = "--name", required = true, description = "Name")
    String name;

    @Option(names = "--playback-id", description = "Playback id (default: a new random one). Use your existing "
        + "Livepeer playback ids to keep players unchanged.")
    String playbackId;

    @Option(names = "--creator-id", description = "Creator id, for creator breakdowns and filters")
    String creatorId;

    @Option(names = "--id", description = "Id (default: a new UUID). Use the ids another system knows it by.")
    String id;

    ObjectNode body() {
      return AdminClient.body().put("account", account).put("kind", kind()).put("id", id).put("name", name)
          .put("playbackId", playbackId).put("creatorId", creatorId);
    }

    @Override
    public Integer call() {
      return print(c -> c.call("POST", "/media", body()));
    }
  }

  abstract static class MediaList extends MediaCommand {
    @Override
    public Integer call() {
      return print(c -> c.call("GET", "/media" + AdminClient.query("account", account, "kind", kind()), null));
    }
  }

  abstract static class MediaGet extends MediaCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print(c -> c.call("GET", "/media/" + id + AdminClient.query("account", account, "kind", kind()), null));
    }
  }

  abstract static class MediaDelete extends MediaCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print(c -> c.call("DELETE", "/media/" + id + AdminClient.query("account", account, "kind", kind()),
          null));
    }
  }

  @Command(name = "asset", mixinStandardHelpOptions = true, description = "Register on-demand videos.",
      subcommands = {AssetCreate.class, AssetList.class, AssetGet.class, AssetDelete.class})
  static final class Asset {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Register an asset.")
  static final class AssetCreate extends MediaCreate {
    @Option(names = "--dstorage-url", description = "ipfs://<CID> or ar://<transaction id>")
    String dStorageUrl;

    @Override
    String kind() {
      return "asset";
    }

    @Override
    ObjectNode body() {
      return super.body().put("dStorageUrl", dStorageUrl);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List assets.")
  static final class AssetList extends MediaList {
    @Override
    String kind() {
      return "asset";
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show an asset.")
  static final class AssetGet extends MediaGet {
    @Override
    String kind() {
      return "asset";
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an asset (its views stay).")
  static final class AssetDelete extends MediaDelete {
    @Override
    String kind() {
      return "asset";
    }
  }

  @Command(name = "stream", mixinStandardHelpOptions = true, description = "Register live channels and events.",
      subcommands = {StreamCreate.class, StreamList.class, StreamGet.class, StreamDelete.class})
  static final class Stream {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Register a stream.")
  static final class StreamCreate extends MediaCreate {
    @Option(names = "--type", defaultValue = "channel", description = "channel or event. Default: ${DEFAULT-VALUE}")
    String type;

    @Override
    String kind() {
      return "stream";
    }

    @Override
    ObjectNode body() {
      return super.body().put("type", type);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List streams.")
  static final class StreamList extends MediaList {
    @Override
    String kind() {
      return "stream";
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a stream.")
  static final class StreamGet extends MediaGet {
    @Override
    String kind() {
      return "stream";
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a stream (its views stay).")
  static final class StreamDelete extends MediaDelete {
    @Override
    String kind() {
      return "stream";
    }
  }
}
