package io.viewpulse.live;

/**
 * The statistics of one stream over one closed minute.
 *
 * @param minuteStart start of the minute, Unix ms; the statistics hold for [minuteStart, minuteStart + 60 s)
 * @param stats the Uplynk {@code stats} dictionary as JSON, without {@code type} (the stream's, added when served)
 */
public record MinuteRow(String accountId, String streamId, long minuteStart, String stats) {}
