package io.sightline.store;

import io.sightline.event.Addresses;
import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;

import java.util.List;

/** Published after each commit on {@link Addresses#EVENTS_COMMITTED}: what is now durable (feeds realtime). */
public record CommittedEvents(List<EventRecord> events, List<SessionRow> sessions) {
}
