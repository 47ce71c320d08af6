package io.sightline.store;

import java.time.Instant;

/**
 * A user linked to a visitor (a row of {@code identity_links}), written in the batch statement of an event that relies on it; a
 * row only moves to a later {@code linkedAt}.
 */
public record IdentityLink(int siteId, long userKey, long visitorId, Instant linkedAt) {
}
