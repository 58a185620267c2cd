package io.viewpulse.client;

import java.time.Instant;

/**
 * One finished view, as the views explorer lists it ({@link Viewpulse#listViews}). Unknown values are null.
 *
 * @param viewId identifies the view in its store (a string: it may use all 64 bits)
 * @param startedAt when the view started (whole seconds)
 * @param ttffMs play to first frame, null without a first frame
 * @param rebufferMs stalled and waiting time after the first frame
 * @param failed the player reported an error
 */
public record View(String viewId, String playbackId, String creatorId, String dStorageUrl, String viewerId,
    Instant startedAt, String deviceType, String device, String cpu, String os, String browser, String browserEngine,
    String continent, String country, String subdivision, String timezone, String geohash, String domain,
    boolean live, long playtimeMs, Integer ttffMs, long rebufferMs, int errors, boolean firstFrame, boolean ended,
    boolean failed) {}
