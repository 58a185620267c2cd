package io.viewpulse.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a webhook URL may be fetched. Webhook URLs are typed by users and fetched by the server, so they are
 * a way into the server's network: only http and https, and every address the host name resolves to must be public.
 * Loopback, private (RFC 1918, fc00::/7), link-local (169.254/16, fe80::/10: cloud metadata such as 169.254.169.254
 * and fd00:ec2::254), unspecified, multicast, shared (CGNAT, 100.64/10) and reserved addresses are refused, also when
 * written inside an IPv6 address (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64, 6to4; the local-use NAT64
 * prefix 64:ff9b:1::/48 whole), unless the operator allows them: by
 * network ({@code 10.0.0.0/8}, {@code 127.0.0.1}) or by host name (then whatever that name resolves to).
 *
 * <p>{@link #check} resolves the name once and returns the address it checked; the caller connects to that address
 * (no second lookup that a DNS rebinding could answer differently).
 */
public final class WebhookGuard {
  private record Refused(Network network, String what) {}

  private static final List<Refused> REFUSED = List.of(
      refused("0.0.0.0/8", "an unspecified address"),
      refused("10.0.0.0/8", "a private address"),
      refused("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
      refused("127.0.0.0/8", "a loopback address"),
      refused("169.254.169.254/32", "a link-local address (cloud metadata)"),
      refused("169.254.0.0/16", "a link-local address"),
      refused("172.16.0.0/12", "a private address"),
      refused("192.0.0.0/24", "a reserved address"),
      refused("192.168.0.0/16", "a private address"),
      refused("198.18.0.0/15", "a reserved address"),
      refused("224.0.0.0/4", "a multicast address"),
      refused("240.0.0.0/4", "a reserved address"),
      refused("::/128", "an unspecified address"),
      refused("::1/128", "a loopback address"),
      refused("64:ff9b:1::/48", "a local-use NAT64 address"),
      refused("fd00:ec2::254/128", "a private address (cloud metadata)"),
      refused("fc00::/7", "a private address"),
      refused("fe80::/10", "a link-local address"),
      refused("fec0::/10", "a site-local address"),
      refused("ff00::/8", "a multicast address"));

  /** IPv6 prefixes that carry an IPv4 address, and at which byte it starts. */
  private record Embedding(Network network, int offset, String form) {}

  private static final List<Embedding> EMBEDDINGS = List.of(
      new Embedding(Network.of("::ffff:0:0/96"), 12, "IPv4-mapped"),
      new Embedding(Network.of("::/96"), 12, "IPv4-compatible"),
      new Embedding(Network.of("::ffff:0:0:0/96"), 12, "IPv4-translated"),
      new Embedding(Network.of("64:ff9b::/96"), 12, "NAT64"),
      new Embedding(Network.of("2002::/16"), 2, "6to4"));

  /** A host whose last label is a number (decimal, octal or hexadecimal): an IPv4 address in a form of inet_aton. */
  private static final java.util.regex.Pattern OTHER_IPV4_FORM =
      java.util.regex.Pattern.compile("(?i)(.*\\.)?([0-9]+|0x[0-9a-f]*)\\.?");

  private static Refused refused(String cidr, String what) {
    return new Refused(Network.of(cidr), what);
  }

  private final List<Network> allowedNetworks;
  private final Set<String> allowedHosts;
  private final List<String> allowed;

  private WebhookGuard(List<String> entries) {
    List<Network> networks = new ArrayList<>();
    Set<String> hosts = new TreeSet<>();
    List<String> all = new ArrayList<>();
    for (String e : entries) {
      String t = e.strip();
      if (t.isEmpty()) {
        continue;
      }
      Network n = Network.parseOrNull(t);
      if (n != null) {
        networks.add(n);
      } else if (t.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
        hosts.add(t.toLowerCase(Locale.ROOT));
      } else {
        throw new IllegalArgumentException("not a network, address or host name: '" + e + "'");
      }
      all.add(t);
    }
    allowedNetworks = List.copyOf(networks);
    allowedHosts = Set.copyOf(hosts);
    allowed = List.copyOf(all);
  }

  /** Public addresses only. */
  public static WebhookGuard strict() {
    return new WebhookGuard(List.of());
  }

  /**
   * Public addresses, and these too: networks ({@code 10.0.0.0/8}), addresses ({@code 127.0.0.1}, {@code ::1}) or host
   * names (any address they resolve to).
   *
   * @throws IllegalArgumentException naming an entry that is none of those
   */
  public static WebhookGuard allowing(List<String> entries) {
    return new WebhookGuard(entries == null ? List.of() : entries);
  }

  /** What the operator allowed, as given. */
  public List<String> allowed() {
    return allowed;
  }

  /** Where a checked URL is fetched: the URL (for the Host header and TLS) and the one address that was checked. */
  public record Target(URI url, String host, int port, boolean tls, InetAddress address) {}

  /**
   * Checks the form of a webhook URL without resolving it: an absolute http or https URL with a host, no user
   * information and no fragment; an address literal is checked too.
   *
   * @throws WebhookRefused saying what is wrong
   */
  public URI parse(String url) {
    URI u;
    try {
      u = new URI(url.strip());
    } catch (java.net.URISyntaxException e) {
      throw new WebhookRefused("not a URL: " + e.getMessage());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new WebhookRefused("a webhook URL must be http or https, not '" + url + "'");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new WebhookRefused("a webhook URL needs a host name: '" + url + "'");
    }
    if (u.getRawUserInfo() != null) {
      throw new WebhookRefused("a webhook URL may not carry a user name or password");
    }
    if (u.getRawFragment() != null) {
      throw new WebhookRefused("a webhook URL may not have a fragment (#...)");
    }
    String host = bare(u.getHost());
    Network literal = Network.parseOrNull(host);
    if (literal == null && OTHER_IPV4_FORM.matcher(host).matches()) {
      // no top-level domain is numeric: a resolver reads such a name as an address (0177.0.0.1, 2130706433, 0x7f.1)
      throw new WebhookRefused("a webhook URL's host is a name or an address in four decimal numbers, not '" + host
          + "' (an address in another form)");
    }
    if (literal != null && !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      try {
        refuseUnlessAllowed(InetAddress.getByAddress(literal.bytes()), host);
      } catch (UnknownHostException e) {
        throw new WebhookRefused("not an address: " + host);
      }
    }
    return u;
  }

  /**
   * Checks a URL and resolves its host, once: every address it resolves to must be allowed. Blocking (DNS).
   *
   * @throws WebhookRefused saying which address was refused and why, or that the name does not resolve
   */
  public Target check(URI url) {
    URI u = parse(url.toString());
    String host = bare(u.getHost());
    boolean tls = u.getScheme().equalsIgnoreCase("https");
    int port = u.getPort() >= 0 ? u.getPort() : tls ? 443 : 80;
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new WebhookRefused("the host name " + host + " does not resolve");
    }
    if (!allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      for (InetAddress a : addresses) {
        refuseUnlessAllowed(a, host);
      }
    }
    return new Target(u, host, port, tls, addresses[0]);
  }

  private void refuseUnlessAllowed(InetAddress a, String host) {
    String why = refusal(a.getAddress());
    if (why == null) {
      return;
    }
    for (Network n : allowedNetworks) {
      if (n.contains(a.getAddress())) {
        return;
      }
    }
    String named = Network.parseOrNull(host) != null ? host
        : host + " resolves to " + io.netty.util.NetUtil.toAddressString(a) + ", which";
    throw new WebhookRefused("webhook refused: " + named + " is " + why
        + " (an operator may allow it with --webhook-allow-hosts)");
  }

  /** Why an address is refused, or null when it is public. */
  static String refusal(byte[] b) {
    for (Refused r : REFUSED) {
      if (r.network().contains(b)) {
        return r.what();
      }
    }
    for (Embedding e : EMBEDDINGS) {
      if (e.network().contains(b)) {
        byte[] v4 = java.util.Arrays.copyOfRange(b, e.offset(), e.offset() + 4);
        String inner = refusal(v4);
        if (inner != null) {
          return inner + " written as " + e.form() + " IPv6";
        }
      }
    }
    return null;
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
