package io.viewpulse.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.viewpulse.model.Dimensions;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives the dimensions of a beacon from its user agent and its sender's address (place and network), and the
 * viewer id when the player
 * gave none. The address goes no further than this class: the viewer id made from it is a salted hash (the salt is
 * derived from the installation's master key), so it cannot be reversed by trying all IPv4 addresses.
 */
final class Enricher {
  /** The result: the interned dimensions, the region code for live statistics, and the viewer id. */
  record Enriched(Dimensions dims, String region, String viewerId) {}

  private final ClientLocator locator;
  private final AsnLookup asn;
  private final byte[] viewerSalt;
  /** Many sessions share the same dimensions: keep one instance of each, so open sessions cost little heap. */
  private final Cache<Dimensions, Dimensions> interned = Caffeine.newBuilder().maximumSize(100_000).build();

  Enricher(ClientLocator locator, AsnLookup asn, byte[] viewerSalt) {
    this.locator = locator;
    this.asn = asn;
    this.viewerSalt = viewerSalt.clone();
  }

  /** The one instance of dimensions equal to these. */
  Dimensions intern(Dimensions d) {
    return interned.get(d, k -> k);
  }

  /** The user agent a beacon is enriched with: the player's, else the request's. */
  static String userAgent(Edge edge, RawBeacon raw) {
    return raw.userAgent() != null ? raw.userAgent() : edge.header("user-agent");
  }

  /** @param client the viewer's address ({@link ClientLocator#clientAddress}), or null */
  Enriched enrich(Edge edge, RawBeacon raw, InetAddress client) {
    String ua = userAgent(edge, raw);
    UserAgents.Parsed p = UserAgents.parse(ua);
    GeoLocation g = locator.locate(edge, client);
    AsnLookup.Asn network = asn.lookup(client);
    Dimensions d = new Dimensions(p.deviceType(), p.device(), p.cpu(), p.os(), p.browser(), p.browserEngine(),
        g.continent(), g.country(), g.subdivision(), g.timezone(), g.geohash(), null, network.number(),
        network.organisation(), null);
    Dimensions shared = interned.get(d, k -> k);
    String viewer = raw.uid() != null ? raw.uid() : viewerHash(client, ua, raw.domain());
    return new Enriched(shared, g.subdivisionCode(), viewer);
  }

  private String viewerHash(InetAddress client, String ua, String domain) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(viewerSalt);
      md.update(client == null ? new byte[0] : client.getAddress());
      md.update((byte) 0);
      md.update((ua == null ? "" : ua).getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update((domain == null ? "" : domain).getBytes(StandardCharsets.UTF_8));
      return "h:" + HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
