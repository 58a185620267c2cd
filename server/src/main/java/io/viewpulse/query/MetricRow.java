package io.viewpulse.query;

import java.util.Map;

/**
 * One row of a viewership answer. Nullable numbers are null when undefined for the group (no view reported a first
 * frame, no playing time...), and are then left out of the JSON.
 *
 * @param timestamp bucket start in Unix ms, only with a time step
 * @param dimensions the group's value of every asked dimension; a value is null when unknown
 */
public record MetricRow(
    Long timestamp,
    Map<Dimension, String> dimensions,
    long viewCount,
    double playtimeMins,
    Double ttffMs,
    Double ttffP50Ms,
    Double ttffP95Ms,
    Double rebufferRatio,
    Double errorRate,
    Double exitsBeforeStart,
    Long uniqueViewers) {}
