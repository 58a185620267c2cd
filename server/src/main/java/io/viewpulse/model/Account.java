package io.viewpulse.model;

import java.time.Instant;

/** A tenant. Its id is also the {@code _owner} of signed live-statistics requests. */
public record Account(String id, String name, Instant createdAt) {}
