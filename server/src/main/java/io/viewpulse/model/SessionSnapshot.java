package io.viewpulse.model;

/**
 * The latest state of an open session, as the store keeps it between flushes: the view it amounts to so far (queried
 * like finished views when it has play intent) and the sessionizer's own serialized state, from which it is rebuilt
 * after a restart.
 *
 * @param seenAtMs server time of the session's last beacon
 */
public record SessionSnapshot(String key, boolean playIntent, long seenAtMs, byte[] state, ViewRecord view) {}
