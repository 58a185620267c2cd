package io.viewpulse.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which requests come from this machine, and which host names the server answers for.
 *
 * <p>A request is from this machine when its peer is a loopback address, no proxy relayed it (a reverse proxy on the
 * same machine connects from loopback too, and names the real client in X-Forwarded-For, Forwarded or X-Real-IP) and
 * its Host is a loopback name or address, or a configured public name (a page whose name was rebound to 127.0.0.1
 * names its own host). The routes
 * served to this machine only are /admin and, without a metrics token, /metrics.
 *
 * <p>With public host names configured, a request whose Host (without its port) is none of them and no loopback name
 * or address is answered 421 before any route: a server that answers for any name is what DNS rebinding needs.
 */
public final class LocalRequests {
  private static final List<String> PROXY_HEADERS = List.of("X-Forwarded-For", "Forwarded", "X-Real-IP",
      "X-Forwarded-Host");

  private final Predicate<String> loopbackPeer;
  private final Set<String> publicHosts;

  LocalRequests(Predicate<String> loopbackPeer, List<String> publicHosts) {
    this.loopbackPeer = loopbackPeer;
    this.publicHosts = publicHosts.stream().map(LocalRequests::normalize).collect(Collectors.toUnmodifiableSet());
  }

  /** Whether an IP address literal (as a connection's peer is given) is a loopback address. */
  public static boolean isLoopbackAddress(String address) {
    if (address == null || !(address.matches("\\d{1,3}(\\.\\d{1,3}){3}")
        || address.indexOf(':') >= 0 && address.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?"))) {
      return false;
    }
    try {
      // a literal: no name is looked up
      return java.net.InetAddress.getByName(address).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** A loopback peer, not relayed by a proxy, that names this machine by a loopback name or address. */
  boolean fromThisMachine(HttpServerRequest req) {
    if (req.remoteAddress() == null || !loopbackPeer.test(req.remoteAddress().hostAddress())) {
      return false;
    }
    for (String h : PROXY_HEADERS) {
      if (req.headers().contains(h)) {
        return false;
      }
    }
    String host = req.headers().get("Host");
    return host == null || loopbackName(hostName(host)) || publicHosts.contains(hostName(host));
  }

  /** The router's first handler: refuses a Host this server does not answer for (when names are configured). */
  void checkHost(RoutingContext ctx) {
    String host = ctx.request().headers().get("Host");
    if (publicHosts.isEmpty() || host == null) {
      ctx.next();
      return;
    }
    String name = hostName(host);
    if (publicHosts.contains(name) || loopbackName(name)) {
      ctx.next();
      return;
    }
    Json.error(ctx, 421, "this server does not answer for the host the request names: it answers for "
        + String.join(", ", publicHosts.stream().sorted().toList()) + " (and loopback names and addresses)");
  }

  /** The name in a Host header: without its port, brackets of an IPv6 literal, or a trailing dot; lower case. */
  static String hostName(String host) {
    String h = host.strip();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? normalize(h) : normalize(h.substring(1, end));
    }
    int colon = h.indexOf(':');
    return normalize(colon < 0 ? h : h.substring(0, colon));
  }

  private static String normalize(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** localhost, a name under .localhost (RFC 6761), or a loopback address literal. */
  static boolean loopbackName(String name) {
    return name.equals("localhost") || name.endsWith(".localhost") || isLoopbackAddress(name);
  }
}
