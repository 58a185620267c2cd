package io.viewpulse.client;

import java.util.List;

/**
 * A page of views, newest first, and the cursor of the next page ({@link ViewListQuery.Builder#cursor}), null after
 * the last. The cursor stays valid while views arrive: the walk neither skips nor repeats a view.
 */
public record ViewPage(List<View> views, String next) {
  public ViewPage {
    views = List.copyOf(views);
  }
}
