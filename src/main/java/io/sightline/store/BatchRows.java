package io.sightline.store;

import java.util.List;

/** What one batch statement writes: the events, their sessions' states (one row per session, in key order) and the client event ids. */
record BatchRows(List<EventRecord> events, List<SessionRow> sessions, List<EventKey> keys) {
}
