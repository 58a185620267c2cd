package io.viewpulse.app;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code viewpulse webhook create|list|delete}: the account's endpoints of the streaming export, through the API. */
final class WebhookCommands {
  private WebhookCommands() {}

  @Command(name = "webhook", mixinStandardHelpOptions = true,
      description = "Webhook endpoints: every finished view of the key's account is posted to each, signed.",
      subcommands = {Create.class, ListAll.class, Delete.class})
  static final class Group {}

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an endpoint and print it with its signing secret, which is shown this once.")
  static final class Create extends QueryCommands.Connection implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "The http(s) URL to post finished views to")
    String url;

    @Override
    public Integer call() {
      return print(c -> {
        io.viewpulse.client.Webhook w = c.createWebhook(url);
        Table t = new Table(List.of("id", "url", "createdAt", "secret"));
        t.add(Arrays.<Object>asList(w.id(), w.url(), w.createdAt().toString(), w.secret()));
        return t;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the endpoints (never their secrets).")
  static final class ListAll extends QueryCommands.Connection implements Callable<Integer> {
    @Override
    public Integer call() {
      return print(c -> {
        Table t = new Table(List.of("id", "url", "createdAt"));
        for (io.viewpulse.client.Webhook w : c.listWebhooks()) {
          t.add(Arrays.<Object>asList(w.id(), w.url(), w.createdAt().toString()));
        }
        return t;
      });
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an endpoint: nothing more is posted"
      + " to it.")
  static final class Delete extends QueryCommands.Connection implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The endpoint's id")
    String id;

    @Override
    public Integer call() {
      return print(c -> {
        c.deleteWebhook(id);
        Table t = new Table(List.of("deleted"));
        t.add(Arrays.<Object>asList(id));
        return t;
      });
    }
  }
}
