package io.viewpulse.live;

/**
 * The statistics of one stream over one closed minute, as one event-log partition computed them.
 *
 * @param minuteStart start of the minute, Unix ms; the statistics hold for [minuteStart, minuteStart + 60 s)
 */
public record MinuteRow(String accountId, String streamId, long minuteStart, MinuteStats stats) {}
