package io.viewpulse.ingest;

import java.net.URI;

/**
 * Playback ids parsed from a source URL the way Livepeer's player does: the segment after {@code webrtc} or
 * {@code flv} is the last one; after {@code hls} or {@code recordings} it is the one before the file name; a
 * {@code video+<id>} segment gives what follows the plus.
 */
final class PlaybackIds {
  private PlaybackIds() {}

  static String fromSourceUrl(String sourceUrl) {
    if (sourceUrl == null) {
      return null;
    }
    String path;
    try {
      path = URI.create(sourceUrl.strip()).getPath();
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (path == null) {
      return null;
    }
    String[] parts = path.split("/");
    java.util.List<String> segs = new java.util.ArrayList<>();
    for (String p : parts) {
      if (!p.isEmpty()) {
        segs.add(p);
      }
    }
    String id = null;
    if (segs.contains("webrtc") || segs.contains("flv")) {
      id = segs.get(segs.size() - 1);
    } else if ((segs.contains("hls") || segs.contains("recordings")) && segs.size() >= 2) {
      id = segs.get(segs.size() - 2);
    }
    if (id != null && (id.equals("webrtc") || id.equals("flv") || id.equals("hls") || id.equals("recordings"))) {
      return null;
    }
    if (id != null && id.contains("+")) {
      id = id.substring(id.indexOf('+') + 1);
    }
    return id == null || id.isEmpty() ? null : id;
  }
}
