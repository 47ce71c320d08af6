package io.sightline.store;

import java.util.List;

/** Events of one HTTP request (one or a batch) and their sessions' states, handed to the writer by reference. */
public record WriteRequest(List<EventRecord> events, List<SessionRow> sessions) {
}
