package io.viewpulse.client;

import java.time.Instant;

/**
 * The parameters of {@link Viewpulse#getUsage}: all optional. {@code timeStep} is hour or day.
 *
 * @param byCreator break down by creator id
 */
public record UsageQuery(Instant from, Instant to, TimeStep timeStep, String creatorId, boolean byCreator) {
  public static UsageQuery all() {
    return new UsageQuery(null, null, null, null, false);
  }

  public UsageQuery from(Instant v) {
    return new UsageQuery(v, to, timeStep, creatorId, byCreator);
  }

  public UsageQuery to(Instant v) {
    return new UsageQuery(from, v, timeStep, creatorId, byCreator);
  }

  public UsageQuery timeStep(TimeStep v) {
    return new UsageQuery(from, to, v, creatorId, byCreator);
  }

  public UsageQuery creatorId(String v) {
    return new UsageQuery(from, to, timeStep, v, byCreator);
  }

  /** Break down by creator id. */
  public UsageQuery perCreator() {
    return new UsageQuery(from, to, timeStep, creatorId, true);
  }
}
