package io.viewpulse.client;

import java.time.Instant;

/**
 * A dashboard view the account keeps under a name, the same for every key of the account.
 *
 * @param state the dashboard's state as it saved it (its address fragment, such as {@code #/breakdown/country}),
 *     kept as is
 * @param createdBy the id of the API key that saved it
 */
public record SavedView(String id, String name, String state, Instant createdAt, String createdBy) {}
