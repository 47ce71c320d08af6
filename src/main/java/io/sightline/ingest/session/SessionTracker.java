package io.sightline.ingest.session;

import io.sightline.event.SessionRow;
import io.sightline.ingest.pipeline.EventDraft;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Assigns sessions in memory: events of one visitor on one site with no gap over 30 minutes
 * share a session. Thread-safe per visitor (an atomic update per key), so every event loop can
 * call it. A visitor whose session began before midnight UTC keeps it: its id under the previous
 * day's salt is checked too, until {@link #SPILL} after midnight. An event older than the session's start (an out-of-order backfill)
 * opens a session of its own. Idle sessions are evicted by {@link #evictIdle}; at start the
 * sessions active in the last 30 minutes are restored from PostgreSQL ({@link #restore}).
 */
public final class SessionTracker {
  public static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration REORDER_TOLERANCE = Duration.ofSeconds(10);
  /**
   * How long after its salt day's midnight a session keeps its pre-midnight visitor id: a visit that
   * goes on later starts a new session under the new day's id. So a daily id lives at most 26 hours
   * and two UTC days, which keeps the rollups' visitor counts exact (docs/ingestion.md, "Rollups").
   */
  public static final Duration SPILL = io.sightline.rollup.Rollups.SPILL;

  private final ConcurrentHashMap<Key, SessionState> sessions = new ConcurrentHashMap<>();
  private final IdGenerator ids;

  private record Key(int siteId, long visitorId) {
  }

  public SessionTracker(IdGenerator ids) {
    this.ids = ids;
  }

  /** Puts the event in its session; sets the draft's session, visitor and page-visit ids and returns the session's new state. */
  public SessionRow track(EventDraft d, long eventId) {
    int site = d.site.id();
    SessionRow[] result = new SessionRow[1];
    if (d.previousDayVisitorId != 0) {
      sessions.computeIfPresent(new Key(site, d.previousDayVisitorId), (k, s) -> {
        if (continues(s, d)) {
          result[0] = apply(s, d, eventId, site);
        }
        return s;
      });
      if (result[0] != null) {
        return result[0];
      }
    }
    sessions.compute(new Key(site, d.visitorId), (k, s) -> {
      SessionState target = s != null && continues(s, d) ? s : new SessionState(ids.next(), d.visitorId, d.saltDay, d);
      result[0] = apply(target, d, eventId, site);
      return target;
    });
    return result[0];
  }

  /** Runs inside the per-key atomic update: no other thread touches {@code s} meanwhile. */
  static SessionRow apply(SessionState s, EventDraft d, long eventId, int site) {
    if (d.ts.isBefore(s.startedAt)) {
      d.ts = s.startedAt; // an arrival-time event overtaken by a later one (see continues): it cannot precede its session
    }
    s.add(d, eventId);
    d.sessionId = s.sessionId;
    d.visitorId = s.visitorId;
    d.saltDay = s.saltDay;
    d.pageVisitId = s.currentPageVisitId == 0 ? null : s.currentPageVisitId;
    return s.snapshot(site);
  }

  /**
   * Whether the event belongs to this session: no later than 30 minutes after its last event,
   * and not before its start, except that an event timed by its arrival may be up to
   * {@link #REORDER_TOLERANCE} earlier (requests are processed concurrently, so a beacon sent
   * right after another can be handled first); it is then counted at the session's start.
   */
  static boolean continues(SessionState s, EventDraft d) {
    Instant earliest = d.in.timestamp() == null ? s.startedAt.minus(REORDER_TOLERANCE) : s.startedAt;
    return !d.ts.isBefore(earliest) && !d.ts.isAfter(s.lastSeenAt.plus(IDLE))
        && d.ts.getEpochSecond() < (s.saltDay.toEpochDay() + 1) * 86_400 + SPILL.getSeconds();
  }

  /** Forgets sessions idle for more than 30 minutes (plus a margin for late events). */
  public int evictIdle(Instant now) {
    Instant cutoff = now.minus(IDLE).minus(Duration.ofMinutes(5));
    int before = sessions.size();
    sessions.values().removeIf(s -> s.lastSeenAt.isBefore(cutoff));
    return before - sessions.size();
  }

  /**
   * Keeps at most {@code max} sessions: forgets the least recently active beyond that (a visitor
   * who comes back then starts a new session). O(n log n): run it off the event loop.
   *
   * @return how many were forgotten
   */
  public int enforceCap(int max) {
    int excess = sessions.size() - max;
    if (excess <= 0) {
      return 0;
    }
    long[] lastSeen = sessions.values().stream().mapToLong(s -> s.lastSeenAt.toEpochMilli()).sorted().toArray();
    long threshold = lastSeen[Math.min(excess, lastSeen.length) - 1];
    int before = sessions.size();
    sessions.values().removeIf(s -> s.lastSeenAt.toEpochMilli() <= threshold);
    return before - sessions.size();
  }

  public int size() {
    return sessions.size();
  }

  /**
   * Forgets the sessions of the (site, visitor id) pairs {@code which} accepts: a cluster member whose visitor partitions moved to
   * another member forgets their sessions, so that taking them back later restores them from PostgreSQL instead.
   */
  public int forgetIf(java.util.function.LongBinaryOperator which) {
    int before = sessions.size();
    sessions.keySet().removeIf(k -> which.applyAsLong(k.siteId(), k.visitorId()) != 0);
    return before - sessions.size();
  }

  /** Re-creates an active session from its stored row (at start-up, before traffic). */
  public void restore(SessionRow row, long currentPageVisitId) {
    SessionState s = new SessionState(row, currentPageVisitId);
    sessions.merge(new Key(row.siteId(), row.visitorId()), s, (a, b) -> a.lastSeenAt.isAfter(b.lastSeenAt) ? a : b);
  }

}
