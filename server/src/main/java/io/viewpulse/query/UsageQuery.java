package io.viewpulse.query;

import java.time.Instant;

/**
 * Usage of an account: minutes delivered to viewers, by hour or day, optionally by creator.
 *
 * @param timeStep HOUR, DAY or null
 */
public record UsageQuery(String accountId, String creatorId, Instant from, Instant to, TimeStep timeStep,
    boolean byCreator) {}
