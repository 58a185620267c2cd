package io.viewpulse.query;

/** One row of usage. Viewpulse neither transcodes nor stores video, so it reports delivery minutes only. */
public record UsageRow(Long timeInterval, String creatorId, double deliveryUsageMins) {}
