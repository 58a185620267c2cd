package io.viewpulse.api;

import io.viewpulse.model.DomainException;
import io.viewpulse.query.ViewPosition;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque cursor of the views explorer and the export: a {@link ViewPosition} (start, then view id) written as
 * URL-safe base64 of {@code v1:<start seconds>:<view id>}. It names a place in the order of views, not a page of a
 * result, so it stays valid while views arrive and across restarts; it carries nothing of the account (a cursor
 * of another account's walk only says where to start in the caller's own views).
 */
final class ViewCursor {
  private static final String VERSION = "v1:";

  private ViewCursor() {}

  static String encode(ViewPosition p) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        (VERSION + p.startSeconds() + ":" + p.viewId()).getBytes(StandardCharsets.US_ASCII));
  }

  /** The position of a cursor; null for null; a 400 naming {@code param} for anything this did not write. */
  static ViewPosition decode(String cursor, String param) {
    if (cursor == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (s.startsWith(VERSION)) {
        String[] parts = s.substring(VERSION.length()).split(":", -1);
        if (parts.length == 2) {
          long start = Long.parseLong(parts[0]);
          long id = Long.parseLong(parts[1]);
          if (start >= Params.EARLIEST.getEpochSecond() && start <= Params.LATEST.getEpochSecond()) {
            return new ViewPosition(start, id);
          }
        }
      }
    } catch (IllegalArgumentException e) {
      // below
    }
    throw DomainException.invalid("bad " + param + ": give the cursor a previous answer returned, unchanged");
  }
}
