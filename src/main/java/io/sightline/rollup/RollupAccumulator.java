package io.sightline.rollup;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;

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
 * Turns committed-to-be events and session states into rollup deltas (docs/ingestion.md, "Rollups"). The
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
  /**
   * (site, salt day) pairs the bounded state dropped whose gap row no batch has committed yet: every batch carries them
   * ({@link RollupDelta#gaps}) until one commits, so no event counted without them is visible before its gap is.
   */
  private final it.unimi.dsi.fastutil.longs.LongArrayList uncommittedGaps = new it.unimi.dsi.fastutil.longs.LongArrayList();
  private final StableSketches sketches = new StableSketches();
  private Map<Integer, GoalRule[]> goals = Map.of();
  private long rowsIgnored;

  /** Events and pageviews per (site, UTC day, session attributes) since the last {@link #endOfChunk}, spread over the rows there. */
  private record AttributeRow(int site, long day, SessionAttributes attributes) {
    @Override
    public int hashCode() {
      return (int) Keys.mix(((long) site << 32 ^ day) * 0x9E3779B97F4A7C15L + attributes.hash);
    }
  }

  /**
   * What the events of one {@link AttributeRow} counted since the last {@link #endOfChunk}: events and pageviews,
   * spread over the tuple's thirteen rows at the end; and per page the rows its events add to (the page's row, and
   * its drill-down rows for the tuple's source, channel and country), found with one lookup instead of four.
   */
  private static final class AttributeChunk {
    long events;
    long pageviews;
    final HashMap<String, long[][]> pages = new HashMap<>();
  }

  private final Map<AttributeRow, AttributeChunk> attributeRows = new HashMap<>();
  /** The last event's chunk and its key's parts: a visitor's events mostly come in a row, with the same attributes. */
  private AttributeChunk lastChunk;
  private SessionAttributes lastChunkAttributes;
  private int lastChunkSite;
  private long lastChunkDay;
  /** The total row of the last event's quarter, in {@link #lastTotalDelta}: a batch's events mostly share one. */
  private RollupDelta lastTotalDelta;
  private int lastTotalSite;
  private long lastTotalQuarter;
  private long[] lastTotal;

  /** The last batch's delta, for the size of the next one's. */
  private RollupDelta lastDelta = new RollupDelta();

  /** Computes the delta of a batch and updates the state (tentatively, until commit or rollback). */
  public RollupDelta apply(List<EventRecord> events, List<SessionRow> states, Instant now) {
    RollupDelta delta = new RollupDelta(lastDelta);
    lastDelta = delta;
    Integer[] masks = new Integer[events.size()];
    for (int i = 0; i < masks.length; i++) {
      masks[i] = event(events.get(i), delta);
    }
    delta.firstMasks(masks);
    delta.sketchRows(sketches.touchedRows());
    for (SessionRow s : states) {
      session(s, now, delta);
    }
    long[] dropped = dedupe.takeDropped(); // by new visitor ids or new sessions
    if (dropped.length > 0) {
      uncommittedGaps.addAll(it.unimi.dsi.fastutil.longs.LongArrayList.wrap(dropped));
    }
    delta.gaps(uncommittedGaps.toLongArray()); // until a batch carrying them commits
    endOfChunk(delta);
    return delta;
  }

  /**
   * Adds the events counted per session attributes since the last call to their dimension rows in
   * {@code delta} (which must be the delta those events were counted into). Callers of {@link #event} call it
   * before they read the delta.
   */
  void endOfChunk(RollupDelta delta) {
    attributeRows.forEach((k, chunk) -> {
      String[] values = k.attributes().values;
      for (int i = 0; i < SessionAttributes.DIMS.length; i++) {
        long[] row = delta.dimRow(k.site(), SessionAttributes.DIMS[i], k.day(), values[i]);
        row[RollupDelta.D_EVENTS] += chunk.events;
        row[RollupDelta.D_PAGEVIEWS] += chunk.pageviews;
      }
      for (int f = 0; f < BY_VISITOR.size(); f++) {
        String fv = values[BY_VISITOR_INDEX[f]]; // absent too: read the other way, it is a row of its own
        for (int d = 0; d < CROSS.size(); d++) {
          if (CROSS.get(d) != BY_VISITOR.get(f)) {
            long[] row = delta.drillRow(k.site(), RollupDim.drillCode(BY_VISITOR.get(f), CROSS.get(d)), fv, k.day(), values[CROSS_INDEX[d]]);
            row[RollupDelta.D_EVENTS] += chunk.events;
            row[RollupDelta.D_PAGEVIEWS] += chunk.pageviews;
          }
        }
      }
    });
    attributeRows.clear();
    lastChunk = null;
    lastTotalDelta = null;
    lastTotal = null;
  }

  private AttributeChunk chunk(int site, long day, SessionAttributes attributes) {
    if (lastChunk == null || attributes != lastChunkAttributes || site != lastChunkSite || day != lastChunkDay) {
      lastChunk = attributeRows.computeIfAbsent(new AttributeRow(site, day, attributes), k -> new AttributeChunk());
      lastChunkAttributes = attributes;
      lastChunkSite = site;
      lastChunkDay = day;
    }
    return lastChunk;
  }

  private long[] totalRow(RollupDelta delta, int site, long quarter) {
    if (delta != lastTotalDelta || site != lastTotalSite || quarter != lastTotalQuarter) {
      lastTotal = delta.totalRow(site, quarter);
      lastTotalDelta = delta;
      lastTotalSite = site;
      lastTotalQuarter = quarter;
    }
    return lastTotal;
  }

  /**
   * The rows an event on {@code page} adds to, for its chunk: the page's row, then one drill-down row per {@link #DRILL}
   * and {@link #VISITOR_DRILL} attribute (null without a value).
   */
  private static long[][] pageRows(AttributeChunk chunk, RollupDelta delta, EventRecord e, int site, long day) {
    long[][] rows = chunk.pages.get(e.pathname());
    if (rows == null) {
      rows = new long[1 + PAGE_DRILLS.length][];
      rows[0] = delta.dimRow(site, RollupDim.PAGE, day, e.pathname());
      for (int i = 0; i < PAGE_DRILLS.length; i++) {
        rows[1 + i] = delta.drillRow(site, PAGE_DRILLS[i], PAGE_DRILLS[i].valueOf(e), day, e.pathname());
      }
      chunk.pages.put(e.pathname(), rows);
    }
    return rows;
  }

  /** The flag key of each rollup dimension's pairs, by ordinal (null: the dimension's pairs flag nothing). */
  private static final FirstFlags.Key[] FLAG_KEYS = new FirstFlags.Key[RollupDim.values().length];
  /** The (page, session attribute) keys, flagged on pageviews. */
  private static final FirstFlags.Key[] PAGE_KEYS = java.util.Arrays.stream(FirstFlags.Key.values())
      .filter(k -> k.page != null && k.attribute != null).toArray(FirstFlags.Key[]::new);
  private static final RollupDim[] PAGE_KEY_DIMS = java.util.Arrays.stream(PAGE_KEYS).map(k -> RollupDim.of(k.attribute))
      .toArray(RollupDim[]::new);
  /** The visitor's own pair (dimension 0, no value): its first event of a UTC day. */
  private static final long VISITOR_KEY = Keys.value((short) 0, null);
  /**
   * The drill-down attributes kept per page ({@code rollup_drill}): "top pages where source / channel /
   * country is X" from rows, like the one-dimension breakdowns.
   */
  public static final List<RollupDim> DRILL = List.of(RollupDim.SOURCE, RollupDim.CHANNEL, RollupDim.COUNTRY);
  /**
   * The visitor-level attributes (mostly fixed for a daily id, a hash of the IP address and User-Agent they come from):
   * drill-down rows among one value of each, their visitors from (visitor, row value, attribute value) triples
   * deduplicated with the pair ({@link DedupeState#pair}). Kept from {@code rollup_coverage.cross_since}, with
   * {@link #VISITOR_DRILL} and {@link #CROSS}.
   */
  public static final List<RollupDim> BY_VISITOR = List.of(RollupDim.COUNTRY, RollupDim.REGION, RollupDim.CITY, RollupDim.DEVICE,
      RollupDim.BROWSER, RollupDim.OS);
  /** The visitor-level attributes whose pages are kept like {@link #DRILL}'s (country is one of those). */
  public static final List<RollupDim> VISITOR_DRILL = List.of(RollupDim.REGION, RollupDim.CITY, RollupDim.DEVICE, RollupDim.BROWSER,
      RollupDim.OS);
  /**
   * The session attributes broken down among the events with one value of each {@link #BY_VISITOR} attribute (other
   * than themselves), and the goals: "sources where device is mobile", and read the other way "countries where source
   * is Google" ({@code rollup_drill} rows of {@link RollupDim#drillCode}).
   */
  public static final List<RollupDim> CROSS = List.of(RollupDim.SOURCE, RollupDim.CHANNEL, RollupDim.COUNTRY, RollupDim.DEVICE);
  private static final RollupDim[] PAGE_DRILLS = java.util.stream.Stream.concat(DRILL.stream(), VISITOR_DRILL.stream()).toArray(RollupDim[]::new);
  private static final RollupDim[] VISITOR_DRILL_DIMS = VISITOR_DRILL.toArray(RollupDim[]::new);
  private static final RollupDim[] BY_VISITOR_DIMS = BY_VISITOR.toArray(RollupDim[]::new);
  /** Indexes in {@link SessionAttributes#DIMS}. */
  private static final int[] BY_VISITOR_INDEX = BY_VISITOR.stream().mapToInt(RollupAccumulator::attributeIndex).toArray();
  private static final int[] CROSS_INDEX = CROSS.stream().mapToInt(RollupAccumulator::attributeIndex).toArray();
  /** By ordinal of a session attribute: the {@link #BY_VISITOR} attributes its pairs are also counted among (null: none). */
  private static final RollupDim[][] CROSS_FILTERS = new RollupDim[RollupDim.values().length][];

  private static int attributeIndex(RollupDim d) {
    return java.util.Arrays.asList(SessionAttributes.DIMS).indexOf(d);
  }

  static {
    for (FirstFlags.Key k : FirstFlags.Key.values()) {
      if (k.page == null && k.attribute != null) {
        FLAG_KEYS[RollupDim.of(k.attribute).ordinal()] = k;
      }
    }
    FLAG_KEYS[RollupDim.PAGE.ordinal()] = FirstFlags.Key.PAGE;
    for (RollupDim d : CROSS) {
      CROSS_FILTERS[d.ordinal()] = BY_VISITOR.stream().filter(f -> f != d).toArray(RollupDim[]::new);
    }
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
    long[] total = totalRow(delta, site, quarter);
    total[RollupDelta.T_PAGEVIEWS] += pageview ? 1 : 0;
    total[RollupDelta.T_EVENTS] += engagement ? 0 : 1;
    boolean stable = e.stableVisitor();
    if (stable) {
      total[RollupDelta.T_STABLE]++;
      sketches.add(site, StableSketches.DAY, day, null, e.visitorId());
    }
    long saltDay = e.saltDay().toEpochDay();
    int mask = 0;
    // null for a stable id, and for a (site, salt day) the bounded state no longer tracks (its days are gaps: raw answers them)
    DedupeState.Visitor visitor = stable ? null : dedupe.visitor(site, e.visitorId(), saltDay);
    boolean tracked = visitor != null;
    long[][] pageRows = null; // for a daily id's event on a page: its rows, shared with its tuple's other events there
    if (!stable) {
      if (tracked) {
        dedupe.visit(visitor, site, saltDay, (int) (quarter - saltDay * DedupeState.QUARTERS_PER_DAY), delta);
        mask |= FirstFlags.bits(FirstFlags.Key.VISITOR, dedupe.flagPair(visitor, VISITOR_KEY, saltDay, day));
      }
      SessionAttributes attributes = tracked && visitor.attributes != null && visitor.attributes.matches(e) ? visitor.attributes
          : SessionAttributes.of(e);
      if (!engagement) {
        AttributeChunk chunk = chunk(site, day, attributes);
        chunk.events++;
        chunk.pageviews += pageview ? 1 : 0;
        if (e.pathname() != null) {
          pageRows = pageRows(chunk, delta, e, site, day);
        }
      }
      // the visitor's last attributes again on the same day: each of their pairs is already counted (outcome 0)
      if (tracked && (attributes != visitor.attributes || visitor.attributesDay != day)) {
        for (int i = 0; i < SessionAttributes.DIMS.length; i++) {
          RollupDim d = SessionAttributes.DIMS[i];
          RollupDim[] among = CROSS_FILTERS[d.ordinal()];
          int outcome = among == null ? dedupe.pair(visitor, site, saltDay, d, attributes.values[i], day, delta)
              : dedupe.pair(visitor, site, saltDay, d, attributes.values[i], day, delta, among, e);
          if (FLAG_KEYS[d.ordinal()] != null) {
            mask |= FirstFlags.bits(FLAG_KEYS[d.ordinal()], outcome);
          }
        }
        visitor.attributes = attributes;
        visitor.attributesDay = day;
      }
    }
    for (RollupDim d : stable ? STABLE_EVENT_DIMS : EVENT_DIMS) {
      String value = d == RollupDim.EVENT_NAME && engagement ? null : d.valueOf(e);
      if (d.kind == RollupDim.Kind.EVENT && value == null) {
        continue; // event rows only exist for a value
      }
      if (!engagement) { // engagement beacons are no events; they still show a visitor's presence
        long[] row = d == RollupDim.PAGE && pageRows != null ? pageRows[0] : delta.dimRow(site, d, day, value);
        row[RollupDelta.D_EVENTS]++;
        row[RollupDelta.D_PAGEVIEWS] += pageview ? 1 : 0;
      }
      if (stable && d.member(e)) {
        sketches.add(site, d.id, day, value, e.visitorId());
      } else if (tracked && d.member(e)) {
        int outcome = d == RollupDim.PAGE ? dedupe.pair(visitor, site, saltDay, d, value, day, delta, VISITOR_DRILL_DIMS, e)
            : dedupe.pair(visitor, site, saltDay, d, value, day, delta);
        if (FLAG_KEYS[d.ordinal()] != null) {
          mask |= FirstFlags.bits(FLAG_KEYS[d.ordinal()], outcome);
        }
      }
    }
    if (!engagement) {
      for (int i = 0; i < PAGE_DRILLS.length; i++) {
        RollupDim a = PAGE_DRILLS[i];
        long[] row = pageRows != null ? pageRows[1 + i] : delta.drillRow(site, a, a.valueOf(e), day, e.pathname());
        if (row != null) {
          row[RollupDelta.D_EVENTS]++;
          row[RollupDelta.D_PAGEVIEWS] += pageview ? 1 : 0;
        }
      }
    }
    if (tracked && pageview) {
      long page = Keys.fnv(e.pathname());
      for (int i = 0; i < PAGE_KEYS.length; i++) {
        RollupDim a = PAGE_KEY_DIMS[i];
        long key = Keys.pageValue(a.id, page, a.valueOf(e));
        int outcome = a == RollupDim.SOURCE || a == RollupDim.CHANNEL
            ? dedupe.drillPair(visitor, site, key, saltDay, a, a.valueOf(e), e.pathname(), day, delta) : dedupe.flagPair(visitor, key, saltDay, day);
        mask |= FirstFlags.bits(PAGE_KEYS[i], outcome);
      }
      dedupe.drillPair(visitor, site, Keys.pageValue(RollupDim.COUNTRY.id, page, e.country()), saltDay, RollupDim.COUNTRY,
          e.country(), e.pathname(), day, delta);
    }
    if (!engagement) {
      conversions(e, visitor, day, saltDay, pageview, delta);
    }
    return mask;
  }

  /** One {@link RollupDim#GOAL} row per goal of the site the event completes: events (= conversions), pageviews, visitor pairs. */
  private void conversions(EventRecord e, DedupeState.Visitor visitor, long day, long saltDay, boolean pageview, RollupDelta delta) {
    for (GoalRule g : goals.getOrDefault(e.siteId(), NO_GOALS)) {
      if (g.completedBy(e)) {
        long[] row = delta.dimRow(e.siteId(), RollupDim.GOAL, day, g.key());
        row[RollupDelta.D_EVENTS]++;
        row[RollupDelta.D_PAGEVIEWS] += pageview ? 1 : 0;
        for (RollupDim f : BY_VISITOR_DIMS) {
          long[] among = delta.drillRow(e.siteId(), RollupDim.drillCode(f, RollupDim.GOAL), f.valueOf(e), day, g.key());
          if (among != null) {
            among[RollupDelta.D_EVENTS]++;
            among[RollupDelta.D_PAGEVIEWS] += pageview ? 1 : 0;
          }
        }
        if (visitor != null) {
          dedupe.pair(visitor, e.siteId(), saltDay, RollupDim.GOAL, g.key(), day, delta, BY_VISITOR_DIMS, e);
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
    long saltDay = s.saltDay().toEpochDay();
    DedupeState.Session before = dedupe.session(s.siteId(), saltDay, s.sessionId());
    if (before == DedupeState.UNTRACKED) {
      return; // its (site, salt day) is a gap: raw events answer it
    }
    if (before == null) {
      if (dedupe.addSession(s.siteId(), saltDay, s, now.toEpochMilli(), false) != null) {
        contribute(s, 1, delta);
      }
      return;
    }
    if (!furtherOrEqual(s, before.row)) {
      rowsIgnored++;
      return; // an older snapshot handed over late: the stored row keeps the further one, so do the rollups
    }
    move(before.row, s, delta);
    dedupe.updateSession(before, s, now.toEpochMilli());
  }

  /** Restoring: a session whose counts are already in the tables (no delta). */
  void remember(SessionRow s, Instant now) {
    dedupe.addSession(s.siteId(), s.saltDay().toEpochDay(), s, now.toEpochMilli(), true);
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

  /** The dimensions counted per event (beside the goals): of daily ids the event kind (session attributes are counted per tuple), of stable ids also the session attributes. */
  private static final RollupDim[] EVENT_DIMS = java.util.Arrays.stream(RollupDim.values())
      .filter(d -> d.kind == RollupDim.Kind.EVENT).toArray(RollupDim[]::new);
  private static final RollupDim[] STABLE_EVENT_DIMS = java.util.Arrays.stream(RollupDim.values())
      .filter(d -> d.kind == RollupDim.Kind.EVENT || d.kind == RollupDim.Kind.SESSION_ATTRIBUTE).toArray(RollupDim[]::new);

  /** The dimensions whose rows carry session counters. */
  private static final RollupDim[] SESSION_DIMS = java.util.Arrays.stream(RollupDim.values())
      .filter(d -> d.kind == RollupDim.Kind.SESSION_ATTRIBUTE || d.kind == RollupDim.Kind.SESSION_PAGE).toArray(RollupDim[]::new);

  /** A session's counters, in the order of the session columns (sessions, bounces, duration_us, session_pageviews, clickers). */
  private static long[] counters(SessionRow s) {
    return new long[] {1, bounce(s) ? 1 : 0, durationMicros(s), s.pageviews(), s.clicks() > 0 ? 1 : 0};
  }

  /** Adds ({@code sign} 1) or removes (-1) a session state's counts, at its start. */
  static void contribute(SessionRow s, int sign, RollupDelta delta) {
    long[] counters = counters(s);
    long second = s.startedAt().getEpochSecond();
    add(delta.totalRow(s.siteId(), Math.floorDiv(second, 900)), RollupDelta.T_SESSION_BASE, counters, sign);
    long day = Math.floorDiv(second, 86_400);
    for (RollupDim d : SESSION_DIMS) {
      add(delta.dimRow(s.siteId(), d, day, d.valueOf(s)), RollupDelta.D_SESSION_BASE, counters, sign);
    }
  }

  /**
   * Replaces a session's counted state by a further one: the same start (it is part of the session's
   * key), so the same rows, but for the dimensions whose value changed (the exit page, mostly); one
   * lookup per row with the difference.
   */
  private static void move(SessionRow before, SessionRow after, RollupDelta delta) {
    if (!before.startedAt().equals(after.startedAt())) {
      contribute(before, -1, delta);
      contribute(after, 1, delta);
      return;
    }
    long[] was = counters(before);
    long[] now = counters(after);
    long[] diff = new long[now.length];
    boolean same = true;
    for (int i = 0; i < now.length; i++) {
      diff[i] = now[i] - was[i];
      same &= diff[i] == 0;
    }
    long second = after.startedAt().getEpochSecond();
    if (!same) {
      add(delta.totalRow(after.siteId(), Math.floorDiv(second, 900)), RollupDelta.T_SESSION_BASE, diff, 1);
    }
    long day = Math.floorDiv(second, 86_400);
    for (RollupDim d : SESSION_DIMS) {
      String a = d.valueOf(before);
      String b = d.valueOf(after);
      if (java.util.Objects.equals(a, b)) {
        if (!same) {
          add(delta.dimRow(after.siteId(), d, day, b), RollupDelta.D_SESSION_BASE, diff, 1);
        }
      } else {
        add(delta.dimRow(before.siteId(), d, day, a), RollupDelta.D_SESSION_BASE, was, -1);
        add(delta.dimRow(after.siteId(), d, day, b), RollupDelta.D_SESSION_BASE, now, 1);
      }
    }
  }

  private static void add(long[] row, int base, long[] counters, int sign) {
    for (int i = 0; i < counters.length; i++) {
      row[base + i] += sign * counters[i];
    }
  }

  public void commit() {
    uncommittedGaps.clear();
    dedupe.commit();
    sketches.commit();
  }

  public void rollback() {
    attributeRows.clear();
    lastChunk = null;
    lastTotalDelta = null;
    lastTotal = null;
    dedupe.rollback();
    sketches.rollback();
  }

  /**
   * Forgets what can no longer change: salt days before {@code oldestSaltDay} (events older than the
   * backfill window are refused at ingest) and sessions not seen for {@link #SESSION_MEMORY}.
   */
  public void evict(Instant now, long oldestSaltDay) {
    dedupe.forgetBefore(oldestSaltDay);
    sketches.forgetBefore(oldestSaltDay);
    Instant cutoff = now.minus(SESSION_MEMORY);
    // Instant.MAX (a rebuild forgetting every session) is past what epoch milliseconds hold
    dedupe.forgetSessionsBefore(cutoff.getEpochSecond() >= Long.MAX_VALUE / 1000 - 1 ? Long.MAX_VALUE : cutoff.toEpochMilli());
  }

  /**
   * Bounds the dedupe state to {@code maxEntries} visitor ids plus pairs: beyond, the largest (site, salt day) is dropped
   * and its days become gaps answered from raw events ({@link DedupeState}).
   */
  public void limitState(long maxEntries) {
    dedupe.limit(maxEntries);
  }

  /** A stored gap (site, salt day): its events are no longer tracked (restored at start, before the events are). */
  void untracked(int site, long saltDay) {
    dedupe.untracked(site, saltDay);
  }

  /** (site, salt day) pairs dropped to keep within the bound since start. */
  public long stateDrops() {
    return dedupe.drops();
  }

  /** Entries in memory: visitor ids, pairs, sessions ({@link DedupeState#SESSION_ENTRIES} each) and sketches (reported as a gauge). */
  public long entries() {
    return dedupe.entries() + sketches.size();
  }

  /** The stable visitors' sketches (restored at start; written per day by a rebuild). */
  StableSketches sketches() {
    return sketches;
  }

  public int sessionsRemembered() {
    return (int) dedupe.sessions();
  }

  long snapshotsIgnored() {
    return rowsIgnored;
  }
}
