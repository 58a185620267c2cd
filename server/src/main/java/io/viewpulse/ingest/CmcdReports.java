package io.viewpulse.ingest;

import io.viewpulse.model.Bounded;
import io.viewpulse.model.PlayerEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The parse step for CMCD: a request's reports become the raw beacons of the sessions they belong to, one per session
 * ({@code sid}) and video, in the order the reports came. Event mode: the body holds one report a line (CTA-5004-B;
 * players send {@code application/cmcd}, the type is not checked); blank lines are skipped, a CR before the line feed
 * is allowed. Request mode: the forwarded media request's {@code CMCD} query argument and its {@code CMCD-Object},
 * {@code CMCD-Request}, {@code CMCD-Session} and {@code CMCD-Status} headers are one report. A request is refused
 * whole when any report breaks the grammar or a key's type, naming the line and key.
 *
 * <p>The video of a report: the first of these that is a playback id of the catalog: {@code cid} itself; the playback
 * id in {@code cid} when it is a media URL (read as a beacon's {@code source_url} is); the collector URL's
 * {@code playbackId}; the playback id in a response-received report's {@code url}; the playback id in the forwarded
 * media request's URL. When none is, the first of them that could be one is named in the 404.
 */
final class CmcdReports {
  /** Reports one request may carry. */
  static final int MAX_REPORTS = 1_000;
  private static final String[] HEADERS = {"cmcd-object", "cmcd-request", "cmcd-session", "cmcd-status"};
  private static final String[] HEADER_NAMES = {"CMCD-Object", "CMCD-Request", "CMCD-Session", "CMCD-Status"};

  private CmcdReports() {}

  /**
   * @param owned whether a playback id belongs to an asset or stream
   * @return one raw beacon per session and video, in the order of their first reports
   */
  static List<RawBeacon> parse(Edge edge, Predicate<String> owned) {
    Edge.Cmcd how = edge.cmcd();
    List<Numbered> reports = how.requestMode() ? List.of(new Numbered(request(edge), 0)) : lines(edge.body());
    Map<String, Group> groups = new LinkedHashMap<>();
    Map<String, String> videoOf = new HashMap<>();
    String domain = how.requestMode() ? null : pageHost(edge);
    for (Numbered n : reports) {
      CmcdReport r = n.report();
      String cacheKey = r.cid() + '\n' + r.url() + '\n' + r.event();
      String known = videoOf.get(cacheKey);
      String video = known != null ? known
          : video(r, how, owned, how.requestMode() ? "the request" : "line " + n.line());
      if (known == null) {
        videoOf.put(cacheKey, video);
      }
      Group g = groups.computeIfAbsent(r.sid() + '\n' + video, k -> new Group(r.sid(), video));
      g.live |= r.live();
      if (g.sourceUrl == null) {
        g.sourceUrl = "rr".equals(r.event()) && r.url() != null ? r.url()
            : r.cid() != null && r.cid().contains("://") ? r.cid() : how.mediaUrl();
      }
      g.events.addAll(CmcdMapping.events(r, edge.receivedAtMs(), how.requestMode()));
      g.custom.putAll(r.custom());
      if (r.cdn() != null) {
        g.cdn = r.cdn();
      }
    }
    List<RawBeacon> out = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      // the CDN: the reports' cdn key (CMCD v2), else what a forwarder names in its Viewpulse-CDN header
      String cdn = g.cdn != null ? g.cdn : edge.header("viewpulse-cdn");
      out.add(new RawBeacon(Bounded.sessionId(g.sid), g.playbackId, absolute(g.sourceUrl, edge), domain, null, null,
          g.live, g.events, g.custom.isEmpty() && cdn == null ? RawBeacon.Metadata.NONE
              : new RawBeacon.Metadata(Map.copyOf(nonNull(g.custom)), null, cdn)));
    }
    return out;
  }

  /** Map.copyOf refuses nulls: a custom key whose value is no text is kept as the empty string, which ingest drops. */
  private static Map<String, String> nonNull(Map<String, String> m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v == null ? "" : v));
    return out;
  }

  private static final class Group {
    final Map<String, String> custom = new LinkedHashMap<>();
    String cdn;
    final String sid;
    final String playbackId;
    final List<PlayerEvent> events = new ArrayList<>();
    boolean live;
    String sourceUrl;

    Group(String sid, String playbackId) {
      this.sid = sid;
      this.playbackId = playbackId;
    }
  }

  /** A report and the line it came on (0 in request mode). */
  private record Numbered(CmcdReport report, int line) {}

  /** The reports of an event-mode body, one a line. */
  private static List<Numbered> lines(byte[] body) {
    // CMCD is ASCII: a byte beyond it becomes a character the grammar refuses, with its position
    String text = new String(body, StandardCharsets.ISO_8859_1);
    List<Numbered> out = new ArrayList<>();
    int line = 0;
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      line++;
      int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      String payload = text.substring(start, stop);
      if (!payload.isBlank()) {
        if (out.size() == MAX_REPORTS) {
          throw new Rejection(Reason.INVALID_FIELD, "a request carries at most " + MAX_REPORTS + " reports");
        }
        String where = "line " + line;
        out.add(new Numbered(CmcdReport.of(CmcdParser.dictionary(payload, where), where), line));
      }
      start = end + 1;
    }
    if (out.isEmpty()) {
      throw new Rejection(Reason.INVALID_FIELD, "the body holds no CMCD report (one a line, such as "
          + "sid=\"...\",sta=p,ts=1700000000000)");
    }
    return out;
  }

  /** The report a forwarded media request carries in its query argument and headers, together. */
  private static CmcdReport request(Edge edge) {
    Map<String, Object> all = new LinkedHashMap<>();
    String query = edge.cmcd().query();
    if (query != null) {
      all.putAll(CmcdParser.dictionary(query, "the CMCD query argument"));
    }
    for (int h = 0; h < HEADERS.length; h++) {
      String v = edge.header(HEADERS[h]);
      if (v != null) {
        all.putAll(CmcdParser.dictionary(v, "the " + HEADER_NAMES[h] + " header"));
      }
    }
    if (query == null && all.isEmpty()) {
      boolean any = false;
      for (String h : HEADERS) {
        any |= edge.header(h) != null;
      }
      if (!any) {
        throw new Rejection(Reason.INVALID_FIELD, "the request carries no CMCD: neither a CMCD query argument nor"
            + " CMCD-Object, CMCD-Request, CMCD-Session or CMCD-Status headers");
      }
    }
    return CmcdReport.of(all, "the request's CMCD");
  }

  /** The video of a report: see the class comment. */
  private static String video(CmcdReport r, Edge.Cmcd how, Predicate<String> owned, String where) {
    String[] candidates = {
      r.cid() != null && r.cid().contains("://") ? null : playbackId(r.cid()),
      r.cid() == null ? null : playbackId(PlaybackIds.fromSourceUrl(r.cid())),
      playbackId(how.playbackId()),
      "rr".equals(r.event()) ? playbackId(PlaybackIds.fromSourceUrl(r.url())) : null,
      playbackId(PlaybackIds.fromSourceUrl(how.mediaUrl())),
    };
    String first = null;
    for (String c : candidates) {
      if (c != null) {
        if (owned.test(c)) {
          return c;
        }
        if (first == null) {
          first = c;
        }
      }
    }
    if (first == null) {
      throw new Rejection(Reason.INVALID_FIELD, where + ": no video: \"cid\" is not a playback id nor a media URL"
          + " holding one; give one as cid, or name the video in the collector URL (?playbackId=...)");
    }
    return first;
  }

  /** The text if it can be a playback id (1 to 128 printable ASCII characters without spaces), else null. */
  private static String playbackId(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return null;
      }
    }
    return s;
  }

  /** The host of the page the player is on: the Origin a browser sends with a cross-site POST, else the Referer. */
  private static String pageHost(Edge edge) {
    for (String h : new String[] {"origin", "referer"}) {
      String v = edge.header(h);
      if (v != null && !v.equals("null")) {
        try {
          String host = URI.create(v.strip()).getHost();
          if (host != null && host.length() <= 253) {
            return host.toLowerCase(java.util.Locale.ROOT);
          }
        } catch (IllegalArgumentException e) {
          // not a URL: no page host
        }
      }
    }
    return null;
  }

  /** A media path made a URL with the host the forwarder names (X-Forwarded-Host), so the media's host is known. */
  private static String absolute(String url, Edge edge) {
    if (url == null || !url.startsWith("/")) {
      return url;
    }
    String host = edge.header("x-forwarded-host");
    return host == null || host.isBlank() ? url : "https://" + host.strip() + url;
  }
}
