package io.sightline.store;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** A writer request of one pageview and its new session, for the writer tests (event, session and visitor id all {@code id}). */
final class WriterRequests {
  private WriterRequests() {
  }

  static WriteRequest pageview(long id, String path) {
    Instant ts = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    EventRecord e = new EventRecord(1, ts, id, id, id, null, LocalDate.now(ZoneOffset.UTC), id, "pageview", "pageview", "a.example",
        path, null, null, null, null, "Direct", null, null, null, null, null, null, null, null, null, "desktop", null, null, null, null,
        null, null, null, null, null, null, null, null, null, true, null, false);
    SessionRow s = new SessionRow(1, id, ts, ts, id, null, LocalDate.now(ZoneOffset.UTC), path, path, "a.example", null, null, null,
        "Direct", null, null, null, null, null, null, null, null, null, "desktop", null, null, null, null, null, 1, 1, false, 0, 0, null,
        0, null, null, new Integer[0]);
    return new WriteRequest(List.of(e), List.of(s));
  }
}
