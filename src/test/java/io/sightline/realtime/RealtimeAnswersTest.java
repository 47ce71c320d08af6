package io.sightline.realtime;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.store.CommittedEvents;
import io.sightline.support.RealtimeFixtures;
import io.sightline.support.RealtimeFixtures.FakeClock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sightline.support.RealtimeFixtures.SITE;
import static io.sightline.support.RealtimeFixtures.T0;
import static io.sightline.support.RealtimeFixtures.visit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What a realtime poll reads is computed once per snapshot: counts per window, the ordering, and memoized renderings. */
@Tag("integration")
class RealtimeAnswersTest {
  private final FakeClock clock = new FakeClock();
  private final RealtimeWindow window = new RealtimeWindow(clock);

  /** A visitor as the test knows it: id and the time of their last event. */
  private record Seen(long visitor, Instant lastSeen) {
    long sessionId() {
      return visitor * 10;
    }
  }

  /** The order the test expects, written out here rather than taken from the code: last event descending, then session id. */
  private static List<Long> mostRecentFirst(List<Seen> seen) {
    List<Seen> sorted = new ArrayList<>(seen);
    sorted.sort((a, b) -> a.lastSeen().equals(b.lastSeen()) ? Long.compare(a.sessionId(), b.sessionId())
        : b.lastSeen().compareTo(a.lastSeen()));
    return sorted.stream().map(Seen::sessionId).toList();
  }

  private static List<Long> sessionIds(List<ActiveVisitor> visitors) {
    return visitors.stream().map(ActiveVisitor::sessionId).toList();
  }

  /** Equal lists, reported by their first difference rather than in full. */
  private static void assertSameOrder(List<Long> expected, List<Long> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        fail("first difference at " + i + ": expected session " + expected.get(i) + " but was " + actual.get(i));
      }
    }
    assertEquals(expected.size(), actual.size());
  }

  /** The visitors a snapshot taken at {@code now} should hold: last seen within the hour. */
  private static List<Seen> withinTheHour(List<Seen> seen, Instant now) {
    Instant horizon = now.minus(Duration.ofMinutes(60));
    return seen.stream().filter(v -> !v.lastSeen().isBefore(horizon)).toList();
  }

  /**
   * About 1,100 visitors over the last hour, exact minute boundaries and ties included, arriving in
   * shuffled order; one of them was last seen 1 ms before the hour.
   */
  private List<Seen> spreadOverAnHour() {
    List<Seen> seen = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      seen.add(new Seen(i + 1, T0.minusMillis((i * 7_919_000L + i * 37L) % 3_600_001L)));
    }
    for (int m = 0; m <= 60; m++) {
      seen.add(new Seen(2000 + m, T0.minus(Duration.ofMinutes(m)))); // exactly m minutes ago: active within m minutes
      seen.add(new Seen(3000 + m, T0.minus(Duration.ofMinutes(m)).minusMillis(1))); // 1 ms earlier: not
    }
    for (int i = 0; i < 3; i++) {
      seen.add(new Seen(4003 - i, T0.minusSeconds(120))); // a tie, broken by session id
    }
    Collections.shuffle(seen, new Random(42));
    clock.now = T0.minusSeconds(31); // 11:59:59: the oldest minute (11:00) is still in the window when they arrive
    for (Seen s : seen) {
      window.add(visit(s.visitor(), s.lastSeen().minusSeconds(30), s.lastSeen(), "/p"));
    }
    clock.now = T0;
    return seen;
  }

  @Test
  void countsTheVisitorsActiveWithinEachWindowOfWholeMinutes() {
    List<Seen> seen = spreadOverAnHour();
    SiteSnapshot s = window.snapshot(SITE);
    for (int m = 0; m <= 60; m++) {
      Instant since = T0.minus(Duration.ofMinutes(m));
      long expected = seen.stream().filter(v -> !v.lastSeen().isBefore(since)).count();
      assertEquals(expected, s.activeCount(m), "within " + m + " minutes");
      assertEquals(expected, s.activeCount(Duration.ofMinutes(m)));
      assertEquals(expected, s.activeWithin(Duration.ofMinutes(m)).size());
    }
    assertEquals(seen.size() - 1, s.activeCount(60), "everyone but the one seen 1 ms before the hour");
    assertEquals(s.visitors().size(), s.activeCount(60));
    // spot checks of the windows the dialects use, counted a second way: by age in milliseconds
    for (int m : new int[] {1, 5, 30, 60}) {
      long limit = m * 60_000L;
      assertEquals(seen.stream().filter(v -> T0.toEpochMilli() - v.lastSeen().toEpochMilli() <= limit).count(), s.activeCount(m));
    }
    Instant since = T0.minusSeconds(90);
    assertEquals(seen.stream().filter(v -> !v.lastSeen().isBefore(since)).count(), s.activeCount(Duration.ofSeconds(90)),
        "a window that is not whole minutes is searched");
  }

  @Test
  void countsTheVisitorsWhoseLastEventFellInEachMinute() {
    List<Seen> seen = spreadOverAnHour();
    SiteSnapshot s = window.snapshot(SITE);
    long current = T0.getEpochSecond() / 60;
    for (long minute = current - 59; minute <= current; minute++) {
      long m = minute;
      assertEquals(seen.stream().filter(v -> v.lastSeen().getEpochSecond() / 60 == m).count(), s.visitorsLastSeenIn(minute),
          "minute " + Instant.ofEpochSecond(minute * 60));
    }
    assertEquals(0, s.visitorsLastSeenIn(current - 60), "before the snapshot's minutes");
    assertEquals(0, s.visitorsLastSeenIn(current + 1));
    assertEquals(0, SiteSnapshot.empty(SITE, T0).visitorsLastSeenIn(current));
  }

  @Test
  void ordersVisitorsByLastEventThenSessionWhateverOrderTheyArrivedIn() {
    List<Seen> seen = spreadOverAnHour();
    // a late commit of an older event does not move a visitor back in time
    window.add(visit(7, T0.minus(Duration.ofHours(1)), T0.minus(Duration.ofMinutes(59)), "/late"));
    SiteSnapshot s = window.snapshot(SITE);
    assertSameOrder(mostRecentFirst(withinTheHour(seen, T0)), sessionIds(s.visitors()));
    assertEquals(List.of(40010L, 40020L, 40030L), sessionIds(s.visitors()).stream().filter(id -> id >= 40_010 && id <= 40_030).toList());
    assertEquals("/late", s.visitors().stream().filter(v -> v.visitorId() == 7).findFirst().orElseThrow().currentPage());
  }

  @Test
  void aSnapshotWithoutNewEventsReusesTheSortedVisitorsAndDropsOnlyTheExpired() {
    List<Seen> seen = spreadOverAnHour();
    SiteSnapshot first = window.snapshot(SITE);
    SiteSnapshot again = window.snapshot(SITE);
    assertTrue(first.minutes().get(58).pageviews() > 0);
    assertSame(first.minutes().get(58), again.minutes().get(58), "a minute without new events is not copied again");
    clock.advance(Duration.ofMinutes(10));
    SiteSnapshot later = window.snapshot(SITE);
    List<Seen> remaining = withinTheHour(seen, clock.now);
    assertSameOrder(mostRecentFirst(remaining), sessionIds(later.visitors()));
    assertEquals(remaining.size(), later.activeCount(60));
    assertSameOrder(mostRecentFirst(withinTheHour(seen, T0)), sessionIds(first.visitors())); // an earlier snapshot does not change
    window.add(visit(9000, clock.now, clock.now, "/new"));
    SiteSnapshot withNew = window.snapshot(SITE);
    assertEquals(90000L, withNew.visitors().get(0).sessionId());
    assertEquals(remaining.size() + 1, withNew.visitors().size());
  }

  @Test
  void keepsFiftyThousandVisitorsAndSnapshotsThemWithTheirCountAndTheTwentyMostRecentInOrder() {
    int arriving = RealtimeWindow.MAX_VISITORS + 10;
    List<Seen> seen = new ArrayList<>();
    for (int i = 0; i < arriving; i++) {
      seen.add(new Seen(i + 1, T0.minusMillis((i * 7_919L * 1000 + i) % 3_000_000L))); // within 50 minutes, in no order
    }
    clock.now = T0.minusSeconds(31);
    for (int from = 0; from < arriving; from += 1000) {
      List<EventRecord> events = new ArrayList<>();
      List<SessionRow> sessions = new ArrayList<>();
      for (Seen s : seen.subList(from, Math.min(arriving, from + 1000))) {
        CommittedEvents one = visit(s.visitor(), s.lastSeen(), s.lastSeen(), "/p");
        events.addAll(one.events());
        sessions.addAll(one.sessions());
      }
      window.add(new CommittedEvents(events, sessions));
    }
    clock.now = T0;
    SiteSnapshot s = window.snapshot(SITE);
    List<Seen> kept = seen.subList(10, arriving); // the first to arrive are the least recently seen: forgotten first
    assertEquals(RealtimeWindow.MAX_VISITORS, s.visitors().size());
    assertEquals(RealtimeWindow.MAX_VISITORS, s.activeCount(60));
    Instant since = T0.minus(SiteSnapshot.CURRENT);
    assertEquals(kept.stream().filter(v -> !v.lastSeen().isBefore(since)).count(), s.activeCount(SiteSnapshot.CURRENT));
    List<Long> expected = mostRecentFirst(kept);
    assertEquals(expected.subList(0, 20), sessionIds(s.activeWithin(SiteSnapshot.CURRENT).subList(0, 20)));
    assertSameOrder(expected, sessionIds(s.visitors()));
  }

  @Test
  void memoizesARenderingPerSnapshotAndKey() {
    window.add(visit(1, T0, T0, "/a"));
    SiteSnapshot s = window.snapshot(SITE);
    AtomicInteger renders = new AtomicInteger();
    Object first = s.memo("body", snapshot -> new StringBuilder("rendered " + renders.incrementAndGet()));
    assertSame(first, s.memo("body", snapshot -> new StringBuilder("rendered " + renders.incrementAndGet())));
    assertEquals(1, renders.get());
    assertNotSame(first, s.memo("another key", snapshot -> new StringBuilder("rendered " + renders.incrementAndGet())));
    clock.advance(Duration.ofSeconds(1));
    window.add(visit(2, T0, clock.now, "/b"));
    SiteSnapshot next = window.snapshot(SITE);
    Object fresh = next.memo("body", snapshot -> snapshot.activeCount(SiteSnapshot.CURRENT));
    assertEquals(2, fresh, "the next snapshot renders again, with the new visitor");
  }

  @Test
  void keepsAtMostABoundedNumberOfRenderingsPerSnapshot() {
    SiteSnapshot s = window.snapshot(SITE);
    for (int i = 0; i < SiteSnapshot.MAX_MEMO; i++) {
      int key = i;
      assertEquals(key, s.<Integer>memo(key, snapshot -> key));
    }
    AtomicInteger renders = new AtomicInteger();
    assertEquals("beyond", s.memo("beyond", snapshot -> renders.incrementAndGet() > 0 ? "beyond" : ""));
    assertEquals("beyond", s.memo("beyond", snapshot -> renders.incrementAndGet() > 0 ? "beyond" : ""));
    assertEquals(2, renders.get(), "rendered, not kept");
    assertEquals(0, s.<Integer>memo(0, snapshot -> -1), "the first ones stay");
  }

  @Test
  void pollsFromSeveralThreadsAtOnceAllGetTheOneRenderingThatWasKept() throws Exception {
    window.add(visit(1, T0, T0, "/a"));
    SiteSnapshot s = window.snapshot(SITE);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        answers.add(pool.submit(() -> {
          start.await();
          return s.memo("body", snapshot -> new Object());
        }));
      }
      start.countDown();
      Set<Object> distinct = Collections.newSetFromMap(new ConcurrentHashMap<>());
      for (Future<Object> a : answers) {
        distinct.add(a.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, distinct.size());
      assertSame(distinct.iterator().next(), s.memo("body", snapshot -> new Object()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSiteWithoutASnapshotGetsOneEmptySnapshotPerPublication() {
    RealtimeSnapshots snapshots = new RealtimeSnapshots(clock);
    assertEquals(T0, snapshots.of(SITE).takenAt(), "before the first publication: empty, now");
    assertEquals(0.0, snapshots.ageSeconds());
    window.add(visit(1, T0, T0, "/a"));
    SiteSnapshot published = window.snapshot(SITE);
    RealtimeFixtures.publish(snapshots, published);
    assertSame(published, snapshots.of(SITE));
    SiteSnapshot empty = snapshots.of(2);
    assertSame(empty, snapshots.of(2));
    assertEquals(2, empty.siteId());
    assertTrue(empty.visitors().isEmpty() && empty.minutes().isEmpty());
    assertEquals(T0, empty.takenAt());
    clock.advance(Duration.ofMillis(1500));
    assertEquals(1.5, snapshots.ageSeconds());
    RealtimeFixtures.publish(snapshots);
    assertNotSame(empty, snapshots.of(2));
    assertEquals(clock.now, snapshots.of(2).takenAt());
    assertEquals(0, snapshots.of(SITE).activeCount(60), "a site gone from the publication is empty");
  }

  @Test
  void theOrderingTheTestsUseIsTheSnapshotsOwn() {
    ActiveVisitor older = new ActiveVisitor(1, 10, T0, T0.minusSeconds(1), "/", "/", 1, 1, null, null, null, null, null, null, null, null);
    ActiveVisitor tieLow = new ActiveVisitor(2, 20, T0, T0, "/", "/", 1, 1, null, null, null, null, null, null, null, null);
    ActiveVisitor tieHigh = new ActiveVisitor(3, 30, T0, T0, "/", "/", 1, 1, null, null, null, null, null, null, null, null);
    List<ActiveVisitor> sorted = new ArrayList<>(List.of(older, tieHigh, tieLow));
    sorted.sort(SiteSnapshot.MOST_RECENT);
    assertEquals(List.of(tieLow, tieHigh, older), sorted);
  }
}
