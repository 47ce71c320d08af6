package io.sightline.rollup;

import io.sightline.store.EventRecord;
import io.sightline.store.SessionRow;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Turns committed-to-be events and session states into rollup deltas (README, "Rollups"). The
 * writer calls {@link #apply} for a batch, writes the delta in the batch's transaction, then
 * {@link #commit()} or {@link #rollback()}: the in-memory state always equals what the rollup
 * tables hold. Confined to the writer's event loop.
 *
 * <ul>
 *   <li>Events count by event time: pageviews and events per 15-minute bucket and per dimension
 *   value and UTC day; daily visitor ids through {@link DedupeState} (first/last/spill counters and
 *   first-occurrence pairs). Stable (sender-supplied) ids are not deduplicated: they are counted in
 *   {@code stable_events}, and the planner reads their visitors from raw events.</li>
 *   <li>Sessions count at their start with whole-session values: a new state of a session moves its
 *   contribution (the previous state's counts are subtracted, the new one's added), so a session
 *   that stops being a bounce, or whose exit page changes, corrects its rows.</li>
 *   <li>Goals: each event is matched against its site's goals ({@link #setGoals}) here, at ingest,
 *   because rows per page cannot give a wildcard goal's visitors (a visitor may match several pages).</li>
 * </ul>
 */
public final class RollupAccumulator {
  /** How long a session's last state is remembered after the writer last saw it (the tracker forgets idle sessions after 35 minutes). */
  static final Duration SESSION_MEMORY = Duration.ofHours(1);

  private static final GoalRule[] NO_GOALS = {};

  private final DedupeState dedupe = new DedupeState();
  private final StableSketches sketches = new StableSketches();
  private Map<Integer, GoalRule[]> goals = Map.of();
  private final Map<SessionKey, Remembered> sessions = new HashMap<>();
  private final List<Map.Entry<SessionKey, Remembered>> sessionLog = new ArrayList<>();
  private long rowsIgnored;

  private record SessionKey(int siteId, long sessionId) {
  }

  private record Remembered(SessionRow row, Instant touched) {
  }

  /** Computes the delta of a batch and updates the state (tentatively, until commit or rollback). */
  public RollupDelta apply(List<EventRecord> events, List<SessionRow> states, Instant now) {
    RollupDelta delta = new RollupDelta();
    Integer[] masks = new Integer[events.size()];
    for (int i = 0; i < masks.length; i++) {
      masks[i] = event(events.get(i), delta);
    }
    delta.firstMasks(masks);
    delta.sketchRows(sketches.touchedRows());
    for (SessionRow s : states) {
      session(s, now, delta);
    }
    return delta;
  }

  /** The flag key of each rollup dimension's pairs, by ordinal (null: the dimension's pairs flag nothing). */
  private static final FirstFlags.Key[] FLAG_KEYS = new FirstFlags.Key[RollupDim.values().length];
  /** The (page, session attribute) keys, flagged on pageviews. */
  private static final FirstFlags.Key[] PAGE_KEYS = java.util.Arrays.stream(FirstFlags.Key.values())
      .filter(k -> k.page != null && k.attribute != null).toArray(FirstFlags.Key[]::new);
  private static final RollupDim[] PAGE_KEY_DIMS = java.util.Arrays.stream(PAGE_KEYS).map(k -> RollupDim.of(k.attribute))
      .toArray(RollupDim[]::new);
  private static final short VISITOR_FLAG_DIM = 0;
  /**
   * The drill-down attributes kept per page ({@code rollup_drill}): "top pages where source / channel /
   * country is X" from rows, like the one-dimension breakdowns.
   */
  public static final List<RollupDim> DRILL = List.of(RollupDim.SOURCE, RollupDim.CHANNEL, RollupDim.COUNTRY);

  static {
    for (FirstFlags.Key k : FirstFlags.Key.values()) {
      if (k.page == null && k.attribute != null) {
        FLAG_KEYS[RollupDim.of(k.attribute).ordinal()] = k;
      }
    }
    FLAG_KEYS[RollupDim.PAGE.ordinal()] = FirstFlags.Key.PAGE;
  }

  /**
   * Counts one event (live, restored or rebuilt: the same path) and returns its first-occurrence
   * flags ({@link FirstFlags}).
   */
  int event(EventRecord e, RollupDelta delta) {
    int site = e.siteId();
    long second = e.ts().getEpochSecond();
    long quarter = Math.floorDiv(second, 900);
    long day = Math.floorDiv(second, 86_400);
    boolean engagement = "engagement".equals(e.type());
    boolean pageview = "pageview".equals(e.type());
    delta.total(site, quarter, RollupDelta.T_PAGEVIEWS, pageview ? 1 : 0);
    delta.total(site, quarter, RollupDelta.T_EVENTS, engagement ? 0 : 1);
    boolean stable = e.stableVisitor();
    if (stable) {
      delta.total(site, quarter, RollupDelta.T_STABLE, 1);
      sketches.add(site, StableSketches.DAY, day, null, e.visitorId());
    }
    long saltDay = e.saltDay().toEpochDay();
    int mask = 0;
    if (!stable) {
      dedupe.visit(site, e.visitorId(), saltDay, (int) (quarter - saltDay * DedupeState.QUARTERS_PER_DAY), delta);
      mask |= FirstFlags.bits(FirstFlags.Key.VISITOR, dedupe.flagPair(Keys.pair(site, e.visitorId(), VISITOR_FLAG_DIM, null), saltDay, day));
    }
    for (RollupDim d : RollupDim.values()) {
      if (d.kind == RollupDim.Kind.SESSION_PAGE || d.kind == RollupDim.Kind.GOAL) {
        continue;
      }
      String value = d == RollupDim.EVENT_NAME && engagement ? null : d.valueOf(e);
      if (d.kind == RollupDim.Kind.EVENT && value == null) {
        continue; // event rows only exist for a value
      }
      if (!engagement) { // engagement beacons are no events; they still show a visitor's presence
        delta.dim(site, d, day, value, RollupDelta.D_EVENTS, 1);
        delta.dim(site, d, day, value, RollupDelta.D_PAGEVIEWS, pageview ? 1 : 0);
      }
      if (stable && d.member(e)) {
        sketches.add(site, d.id, day, value, e.visitorId());
      } else if (d.member(e)) {
        int outcome = dedupe.pair(site, e.visitorId(), saltDay, d, value, day, delta);
        if (FLAG_KEYS[d.ordinal()] != null) {
          mask |= FirstFlags.bits(FLAG_KEYS[d.ordinal()], outcome);
        }
      }
    }
    if (!engagement) {
      for (RollupDim a : DRILL) {
        delta.drill(site, a, a.valueOf(e), day, e.pathname(), RollupDelta.D_EVENTS, 1);
        delta.drill(site, a, a.valueOf(e), day, e.pathname(), RollupDelta.D_PAGEVIEWS, pageview ? 1 : 0);
      }
    }
    if (!stable && pageview) {
      long page = Keys.fnv(e.pathname());
      for (int i = 0; i < PAGE_KEYS.length; i++) {
        RollupDim a = PAGE_KEY_DIMS[i];
        long key = Keys.pagePair(site, e.visitorId(), a.id, page, a.valueOf(e));
        int outcome = a == RollupDim.SOURCE || a == RollupDim.CHANNEL
            ? dedupe.drillPair(site, key, saltDay, a, a.valueOf(e), e.pathname(), day, delta) : dedupe.flagPair(key, saltDay, day);
        mask |= FirstFlags.bits(PAGE_KEYS[i], outcome);
      }
      dedupe.drillPair(site, Keys.pagePair(site, e.visitorId(), RollupDim.COUNTRY.id, page, e.country()), saltDay, RollupDim.COUNTRY,
          e.country(), e.pathname(), day, delta);
    }
    if (!engagement) {
      conversions(e, day, saltDay, pageview, delta);
    }
    return mask;
  }

  /** One {@link RollupDim#GOAL} row per goal of the site the event completes: events (= conversions), pageviews, visitor pairs. */
  private void conversions(EventRecord e, long day, long saltDay, boolean pageview, RollupDelta delta) {
    for (GoalRule g : goals.getOrDefault(e.siteId(), NO_GOALS)) {
      if (g.completedBy(e)) {
        delta.dim(e.siteId(), RollupDim.GOAL, day, g.key(), RollupDelta.D_EVENTS, 1);
        delta.dim(e.siteId(), RollupDim.GOAL, day, g.key(), RollupDelta.D_PAGEVIEWS, pageview ? 1 : 0);
        if (!e.stableVisitor()) {
          dedupe.pair(e.siteId(), e.visitorId(), saltDay, RollupDim.GOAL, g.key(), day, delta);
        }
      }
    }
  }

  /**
   * The goals counted from now on, per site (distinct by key). Events already applied keep what they
   * counted: whoever changes the goals also records from when each one is counted ({@link GoalCoverage}).
   */
  public void setGoals(Map<Integer, List<GoalRule>> bySite) {
    Map<Integer, GoalRule[]> next = new HashMap<>();
    bySite.forEach((site, rules) -> {
      if (!rules.isEmpty()) {
        next.put(site, new LinkedHashSet<>(rules).toArray(GoalRule[]::new));
      }
    });
    goals = next;
  }

  private void session(SessionRow s, Instant now, RollupDelta delta) {
    SessionKey key = new SessionKey(s.siteId(), s.sessionId());
    Remembered before = sessions.get(key);
    if (before != null && !furtherOrEqual(s, before.row())) {
      rowsIgnored++;
      return; // an older snapshot handed over late: the stored row keeps the further one, so do the rollups
    }
    if (before != null) {
      contribute(before.row(), -1, delta);
    }
    contribute(s, 1, delta);
    sessionLog.add(Map.entry(key, before == null ? new Remembered(null, null) : before));
    sessions.put(key, new Remembered(s, now));
  }

  /** Restoring: a session whose counts are already in the tables (no delta). */
  void remember(SessionRow s, Instant now) {
    sessions.put(new SessionKey(s.siteId(), s.sessionId()), new Remembered(s, now));
  }

  private static final Comparator<SessionRow> PROGRESS = Comparator.comparingInt(SessionRow::events)
      .thenComparingInt(SessionRow::pageviews).thenComparingLong(SessionRow::engagementMs).thenComparing(SessionRow::lastSeenAt);

  /** The writer's rule for session rows: a state replaces the stored one when it is at least as far along. */
  static boolean furtherOrEqual(SessionRow a, SessionRow b) {
    return PROGRESS.compare(a, b) >= 0;
  }

  static boolean bounce(SessionRow s) {
    return s.pageviews() == 1 && !s.interactive();
  }

  static long durationMicros(SessionRow s) {
    return bounce(s) ? 0 : ChronoUnit.MICROS.between(s.startedAt(), s.lastSeenAt());
  }

  static void contribute(SessionRow s, int sign, RollupDelta delta) {
    int site = s.siteId();
    long second = s.startedAt().getEpochSecond();
    long quarter = Math.floorDiv(second, 900);
    long day = Math.floorDiv(second, 86_400);
    long[] counters = {1, bounce(s) ? 1 : 0, durationMicros(s), s.pageviews(), s.clicks() > 0 ? 1 : 0};
    for (int i = 0; i < counters.length; i++) {
      delta.total(site, quarter, RollupDelta.T_SESSION_BASE + i, sign * counters[i]);
    }
    for (RollupDim d : RollupDim.values()) {
      if (d.kind != RollupDim.Kind.SESSION_ATTRIBUTE && d.kind != RollupDim.Kind.SESSION_PAGE) {
        continue;
      }
      String value = d.valueOf(s);
      for (int i = 0; i < counters.length; i++) {
        delta.dim(site, d, day, value, RollupDelta.D_SESSION_BASE + i, sign * counters[i]);
      }
    }
  }

  public void commit() {
    dedupe.commit();
    sketches.commit();
    sessionLog.clear();
  }

  public void rollback() {
    dedupe.rollback();
    sketches.rollback();
    for (int i = sessionLog.size() - 1; i >= 0; i--) {
      Map.Entry<SessionKey, Remembered> e = sessionLog.get(i);
      if (e.getValue().row() == null) {
        sessions.remove(e.getKey());
      } else {
        sessions.put(e.getKey(), e.getValue());
      }
    }
    sessionLog.clear();
  }

  /**
   * Forgets what can no longer change: salt days before {@code oldestSaltDay} (events older than the
   * backfill window are refused at ingest) and sessions not seen for {@link #SESSION_MEMORY}.
   */
  public void evict(Instant now, long oldestSaltDay) {
    dedupe.forgetBefore(oldestSaltDay);
    sketches.forgetBefore(oldestSaltDay);
    Instant cutoff = now.minus(SESSION_MEMORY);
    sessions.values().removeIf(r -> r.touched().isBefore(cutoff));
  }

  /** Entries in memory: visitor ids, pairs and sessions (reported as a gauge; about 16-20 bytes per id or pair). */
  public long entries() {
    return dedupe.entries() + sessions.size() + sketches.size();
  }

  /** The stable visitors' sketches (restored at start; written per day by a rebuild). */
  StableSketches sketches() {
    return sketches;
  }

  public int sessionsRemembered() {
    return sessions.size();
  }

  long snapshotsIgnored() {
    return rowsIgnored;
  }
}
