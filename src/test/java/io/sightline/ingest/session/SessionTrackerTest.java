package io.sightline.ingest.session;

import io.sightline.event.SessionRow;
import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.enrich.CleanUrl;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.site.Site;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SessionTrackerTest {
  private static final Site SITE = new Site(1, "a.example", "A", "UTC", List.of(), OffsetDateTime.now());
  private static final Instant T0 = Instant.parse("2026-05-20T12:00:00Z");
  private final SessionTracker tracker = new SessionTracker(new IdGenerator(System::currentTimeMillis));
  private long eventIds = 1;

  private EventDraft draft(Instant ts, String path, long visitor, long previousDayVisitor) {
    IncomingEvent in = new IncomingEvent(EventType.PAGEVIEW, "pageview", "https://a.example" + path, null, null, Map.of(), null, null,
        null, null, Map.of(), List.of(), null, null, null, null, null, null, ts, true);
    RequestFacts facts = new RequestFacts(new byte[4], "ua", new UserAgentInfo("desktop", null, null, null, null, null, null), false, false,
        null, ts, null);
    EventDraft d = new EventDraft(SITE, in, facts);
    d.ts = ts;
    d.url = new CleanUrl("a.example", path, null, Map.of(), null, null);
    d.visitorId = visitor;
    d.saltDay = LocalDate.ofInstant(ts, java.time.ZoneOffset.UTC);
    d.previousDayVisitorId = previousDayVisitor;
    return d;
  }

  private SessionRow track(Instant ts, String path, long visitor) {
    return tracker.track(draft(ts, path, visitor, 0), eventIds++);
  }

  @Test
  void keepsASessionUpToThirtyMinutesOfIdlenessAndSplitsAfter() {
    SessionRow first = track(T0, "/a", 100);
    SessionRow at30 = track(T0.plus(Duration.ofMinutes(30)), "/b", 100);
    assertEquals(first.sessionId(), at30.sessionId(), "a gap of exactly 30 minutes stays in the session");
    SessionRow after = track(T0.plus(Duration.ofMinutes(60)).plusSeconds(1), "/c", 100);
    assertNotEquals(first.sessionId(), after.sessionId(), "30 minutes and 1 second later is a new session");
    assertEquals("/a", at30.entryPage());
    assertEquals("/b", at30.exitPage());
    assertEquals(2, at30.pageviews());
    assertEquals("/c", after.entryPage());
    assertEquals(1, after.pageviews());
  }

  @Test
  void forgetsTheLeastRecentlyActiveSessionsBeyondTheCap() {
    for (int i = 0; i < 10; i++) {
      track(T0.plusSeconds(i), "/", 1000 + i);
    }
    assertEquals(0, tracker.enforceCap(10));
    assertEquals(3, tracker.enforceCap(7));
    assertEquals(7, tracker.size());
    SessionRow oldest = track(T0.plusSeconds(20), "/", 1000);
    SessionRow newest = track(T0.plusSeconds(20), "/", 1009);
    assertEquals(1, oldest.pageviews(), "visitor 1000's session was forgotten: a new one began");
    assertEquals(2, newest.pageviews(), "visitor 1009's session was kept");
  }

  @Test
  void separatesVisitorsAndSites() {
    SessionRow a = track(T0, "/", 1);
    SessionRow b = track(T0, "/", 2);
    assertNotEquals(a.sessionId(), b.sessionId());
  }

  @Test
  void continuesASessionAcrossMidnightUnderYesterdaysVisitorId() {
    Instant beforeMidnight = Instant.parse("2026-05-20T23:50:00Z");
    SessionRow evening = tracker.track(draft(beforeMidnight, "/late", 555, 0), eventIds++);
    EventDraft next = draft(Instant.parse("2026-05-21T00:10:00Z"), "/later", 999, 555);
    SessionRow morning = tracker.track(next, eventIds++);
    assertEquals(evening.sessionId(), morning.sessionId());
    assertEquals(555, next.visitorId, "the event keeps the session's visitor id");
    assertEquals(LocalDate.parse("2026-05-20"), next.saltDay);
    assertEquals(2, morning.pageviews());
  }

  @Test
  void opensANewSessionForAnEventOlderThanTheSessionStart() {
    SessionRow now = track(T0, "/", 9);
    SessionRow earlier = track(T0.minusSeconds(60), "/old", 9);
    assertNotEquals(now.sessionId(), earlier.sessionId());
  }

  @Test
  void anArrivalTimedEventOvertakenByTheNextJoinsTheSessionAtItsStart() {
    SessionRow later = track(T0, "/second", 77);
    EventDraft overtaken = draft(T0.minusMillis(40), "/first", 77, 0);
    EventDraft arrival = new EventDraft(overtaken.site, withoutTimestamp(overtaken.in), overtaken.facts);
    arrival.ts = overtaken.ts;
    arrival.url = overtaken.url;
    arrival.visitorId = 77;
    arrival.saltDay = overtaken.saltDay;
    SessionRow joined = tracker.track(arrival, eventIds++);
    assertEquals(later.sessionId(), joined.sessionId());
    assertEquals(T0, arrival.ts, "counted at the session's start, not before it");
  }

  private static IncomingEvent withoutTimestamp(IncomingEvent e) {
    return new IncomingEvent(e.type(), e.name(), e.url(), e.referrer(), e.domain(), e.utm(), e.screenWidth(), e.timezone(),
        e.revenueAmount(), e.revenueCurrency(), e.props(), e.tags(), e.targetLabel(), e.targetSecondary(), e.scrollDepth(),
        e.engagementMs(), e.visitorId(), e.userId(), null, e.interactive());
  }

  @Test
  void evictsIdleSessionsAndRestoresStoredOnes() {
    SessionRow row = track(T0, "/", 42);
    assertEquals(0, tracker.evictIdle(T0.plus(Duration.ofMinutes(20))));
    assertEquals(1, tracker.evictIdle(T0.plus(Duration.ofMinutes(40))));
    tracker.restore(row, 7);
    EventDraft d = draft(T0.plus(Duration.ofMinutes(10)), "/again", 42, 0);
    SessionRow continued = tracker.track(d, eventIds++);
    assertEquals(row.sessionId(), continued.sessionId());
    assertEquals(2, continued.pageviews());
  }
}
