package io.viewpulse.live;

/**
 * What changed in one open minute of one stream since the last commit: the minute's authentication failures and the
 * full state of every session it touched. Stored with each commit, so a restart rebuilds the open minutes from the
 * parts of all commits, in commit order, a later part's session replacing an earlier one's.
 *
 * @param minuteStart start of the minute, Unix ms
 * @param state the binary form, read back only by {@link LiveStats#restore}
 */
public record MinutePart(String accountId, String streamId, long minuteStart, byte[] state) {
  /** How live statistics name a stream: media ids are per account. */
  public static String streamKey(String accountId, String streamId) {
    return accountId + '|' + streamId;
  }
}
