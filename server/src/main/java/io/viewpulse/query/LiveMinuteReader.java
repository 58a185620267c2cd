package io.viewpulse.query;

import io.viewpulse.live.MinuteRow;
import java.util.List;
import java.util.Map;

/**
 * What live statistics read from a store: closed minutes of streams. A minute computed on several event-log
 * partitions comes back as one row, their {@link io.viewpulse.live.MinuteStats#merge merge}. Blocking.
 */
public interface LiveMinuteReader {
  /** The newest minute starting at or after {@code sinceMs} of each of the account's given streams that has one. */
  Map<String, MinuteRow> latest(String accountId, List<String> streamIds, long sinceMs);

  /** A stream's minutes starting in {@code [fromMs, toMs)}, oldest first. */
  List<MinuteRow> series(String accountId, String streamId, long fromMs, long toMs);
}
