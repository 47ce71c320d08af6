package io.sightline.store;

/**
 * The ids a stored event's sender was answered with: its session, and for a pageview its page visit (0 otherwise). A copy of the
 * event sent again with the same client event id ({@link EventKey}) is answered with the same ids.
 */
public record StoredIds(long sessionId, long pageVisitId) {
}
