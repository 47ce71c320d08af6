package io.sightline.store;

import java.util.List;

/** Published after each commit on {@link Addresses#EVENTS_COMMITTED}: what is now durable (feeds realtime). */
public record CommittedEvents(List<EventRecord> events, List<SessionRow> sessions) {
}
