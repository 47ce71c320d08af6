package io.sightline.store;

import java.time.Instant;

/**
 * A client event id as the writer stores it beside its event (a row of {@code event_keys}, in the batch statement that inserts the
 * event): the site, the id's digest, when it was received and the ids its sender is answered with. {@code index} is the event's
 * position in its {@link WriteRequest}.
 */
public record EventKey(int siteId, long key, Instant receivedAt, StoredIds answer, int index) {
}
