package io.viewpulse.model;

import java.util.Map;

/**
 * Whether a node is ready to take traffic, and what of it is not: its store reachable, its event log taking and
 * delivering records, the partitions of the log it owns.
 *
 * @param parts each part's state, by name, for the operator
 */
public record Readiness(boolean ready, Map<String, Object> parts) {}
