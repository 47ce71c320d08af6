package io.sightline.store;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;

import java.util.List;

/**
 * What one batch statement writes: the events, their sessions' states (one row per session, in key order), the client event ids
 * and the identity links (one row per user, in key order).
 */
record BatchRows(List<EventRecord> events, List<SessionRow> sessions, List<EventKey> keys, List<IdentityLink> links) {
}
