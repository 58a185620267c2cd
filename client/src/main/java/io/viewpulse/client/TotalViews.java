package io.viewpulse.client;

/** All-time views of a playback id, or of a dStorage id across accounts: one of the two ids is set. */
public record TotalViews(String playbackId, String dStorageUrl, long viewCount, double playtimeMins) {}
