package io.viewpulse.query;

/** Views and watch time of one video over all time: {@code playbackId} or {@code dStorageUrl} is set. */
public record Total(String playbackId, String dStorageUrl, long viewCount, double playtimeMins) {}
