package io.sightline.support;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.realtime.RealtimeSnapshots;
import io.sightline.realtime.SiteSnapshot;
import io.sightline.store.CommittedEvents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Committed batches, a clock moved by hand and publication, for realtime tests here and in the dialects' packages. */
public final class RealtimeFixtures {
  public static final Instant T0 = Instant.parse("2026-06-01T12:00:30Z");
  public static final int SITE = 1;

  private RealtimeFixtures() {
  }

  /** A clock the test moves by hand. */
  public static final class FakeClock extends Clock {
    public Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }
  }

  public static EventRecord pageview(long visitor, Instant ts, String path) {
    return new EventRecord(SITE, ts, ts.toEpochMilli(), visitor * 10, visitor, null, LocalDate.ofInstant(ts, ZoneOffset.UTC), null,
        "pageview", "pageview", "a.example", path, null, null, null, "Google", null, null, null, null, null, null, null, "DE", null, null,
        "desktop", "Chrome", "131", "Windows", "10", null, null, null, null, null, null, null, null, null, true, null, false);
  }

  /** Visitor {@code visitor}'s session (id {@code visitor * 10}) after an event; the attributes a realtime answer shows as given. */
  public static SessionRow session(long visitor, Instant start, Instant last, String entry, String exit, int pageviews, String source,
                                   String city, String device, Integer scroll) {
    return new SessionRow(SITE, visitor * 10, start, last, visitor, null, LocalDate.ofInstant(start, ZoneOffset.UTC), entry, exit,
        "a.example", null, null, source, "Organic Search", null, null, null, null, null, null, "DE", "DE-BE", city, device, "Chrome",
        "131", "Windows", "10", 1280, pageviews, pageviews + 1, false, 0, 0, scroll, 0, null, null, new Integer[0]);
  }

  /** One pageview of {@code page} at {@code lastSeen} by a visitor whose session started at {@code start}. */
  public static CommittedEvents visit(long visitor, Instant start, Instant lastSeen, String page) {
    return new CommittedEvents(List.of(pageview(visitor, lastSeen, page)),
        List.of(session(visitor, start, lastSeen, "/", page, 1, "Google", "Berlin", "desktop", 40)));
  }

  /** Publishes these snapshots as the realtime verticle does. */
  public static void publish(RealtimeSnapshots snapshots, SiteSnapshot... sites) {
    Map<Integer, SiteSnapshot> all = new HashMap<>();
    for (SiteSnapshot s : sites) {
      all.put(s.siteId(), s);
    }
    snapshots.publish(all);
  }
}
