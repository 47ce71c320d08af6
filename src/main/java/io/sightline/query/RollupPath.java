package io.sightline.query;

import io.sightline.event.Dimension;
import io.sightline.goal.GoalMatch;
import io.sightline.rollup.GoalRule;
import io.sightline.rollup.RollupAccumulator;
import io.sightline.rollup.RollupDim;
import io.sightline.rollup.Rollups;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers a query from the rollup tables when they cover it exactly (docs/ingestion.md, "Rollups"), with the
 * same columns the raw plans return, so {@link QueryEngine} derives the metrics the same way:
 * <ul>
 *   <li>totals and date/week/month series in any time zone, from {@code rollup_total}'s 15-minute
 *   buckets; visitors from the three counters: for [s, e) with D0 the UTC midnight at or before s and
 *   D1 the next, Σvl[s, D1) + Σvls[D0, s) + Σvf[D1, e) (+ Σvls[D0 - 1 day, D0) when s = D0), exact
 *   when e > D1 and s is D0 or at least {@link Rollups#SPILL} after it (then also e ≥ D1 + SPILL); within one
 *   UTC day, Σvf[D0, e) + Σvls[D0 - 1 day, D0) when s = D0 and e ≥ D0 + SPILL, Σvl[s, D1) when e = D1 and
 *   s ≥ D0 + SPILL ({@link #visitorForm}); other ranges inside a day go raw (they hold at most a day of events);</li>
 *   <li>one dimension of {@link RollupDim} over whole UTC days [a, b] from {@code rollup_dim}:
 *   visitors Σvisitors + carry(a); whole compacted weeks inside the range from {@code rollup_dim_week}
 *   ({@link io.sightline.rollup.WeekBlocks}, {@link #blocks});</li>
 *   <li>pages where source, channel or country is one value, over whole UTC days, from {@code rollup_drill}
 *   (the same sums; {@link #drill});</li>
 *   <li>the goals breakdown the same way, from the rows the writer keeps per goal key
 *   ({@link GoalRule#key}): visitors, conversions (= the completing events), events and pageviews,
 *   when every goal asked for is covered ({@code rollup_goal_coverage}) and no two share a name;</li>
 *   <li>otherwise no filters; metrics among {@link #TOTAL_METRICS} (fewer for some dimensions); rollups that
 *   cover the range (one day before it, for visitors carried over midnight); and, when visitors are
 *   asked for and stable (sender-supplied) visitor ids are in the range, a shape their sketches
 *   answer ({@link StableVisitors}: whole UTC days in UTC, no goals).</li>
 * </ul>
 * Anything else is answered from raw events; {@link #covers} is the static part of that choice,
 * {@link #run} returns null when the stored part (coverage, stable ids) says raw.
 */
final class RollupPath {
  static final Set<Metric> TOTAL_METRICS = EnumSet.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS, Metric.EVENTS,
      Metric.VIEWS_PER_VISIT, Metric.BOUNCE_RATE, Metric.AVG_DURATION, Metric.BOUNCES, Metric.TOTAL_DURATION, Metric.CLICKERS);
  private static final Set<Metric> SESSION_PAGE_METRICS = EnumSet.of(Metric.SESSIONS, Metric.VIEWS_PER_VISIT, Metric.BOUNCE_RATE,
      Metric.AVG_DURATION, Metric.BOUNCES, Metric.TOTAL_DURATION, Metric.CLICKERS);
  private static final Set<Metric> EVENT_METRICS = EnumSet.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.EVENTS);
  /**
   * A goal row's metrics as the raw path defines them (SessionPlan.byEventAttribute over the events
   * completing the goal): visitors with such an event, conversions and events = those events,
   * pageviews = those that are pageviews. Session metrics and conversion_rate need more than the rows hold.
   */
  private static final Set<Metric> GOAL_METRICS = EnumSet.of(Metric.VISITORS, Metric.CONVERSIONS, Metric.EVENTS, Metric.PAGEVIEWS);
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private RollupPath() {
  }

  /** Whether the query's shape is one the rollups can answer (the stored part is checked by {@link #run}). */
  static boolean covers(QuerySpec q) {
    if (drill(q) != null || oneValue(q) != null || cross(q) != null) {
      return true;
    }
    if (!q.filters().isEmpty() || q.dimensions().size() > 1 || !aligned(q.start()) || !aligned(q.end())) {
      return false;
    }
    if (q.dimensions().isEmpty()) {
      return TOTAL_METRICS.containsAll(q.metrics()) && visitorsExact(q, q.start(), q.end());
    }
    Dimension d = q.dimensions().get(0);
    if (d == Dimension.DATE || d == Dimension.WEEK || d == Dimension.MONTH) {
      if (!TOTAL_METRICS.containsAll(q.metrics())) {
        return false;
      }
      for (Instant[] b : buckets(q)) {
        if (!visitorsExact(q, b[0], b[1])) {
          return false;
        }
      }
      return true;
    }
    RollupDim rd = RollupDim.of(d);
    if (rd == null || !utcDays(q)) {
      return false;
    }
    Set<Metric> allowed = switch (rd.kind()) {
      case SESSION_ATTRIBUTE -> TOTAL_METRICS;
      case SESSION_PAGE -> SESSION_PAGE_METRICS;
      case EVENT -> EVENT_METRICS;
      case GOAL -> GOAL_METRICS;
    };
    // raw groups goal rows by name: two goals of one name would merge into one row the rollups cannot make
    boolean namesDistinct = rd != RollupDim.GOAL || q.goals().stream().map(GoalMatch::name).distinct().count() == q.goals().size();
    return allowed.containsAll(q.metrics()) && namesDistinct;
  }

  /**
   * The drill-down attribute of "pages where attribute is one value" over whole UTC days, which
   * {@code rollup_drill} answers; null for other queries.
   */
  static RollupDim drill(QuerySpec q) {
    if (q.filters().size() != 1 || !q.dimensions().equals(List.of(Dimension.PAGE)) || !EVENT_METRICS.containsAll(q.metrics()) || !utcDays(q)) {
      return null;
    }
    Filter f = q.filters().get(0);
    RollupDim d = RollupDim.of(f.dimension());
    return f.operator() == Operator.IS && f.values().size() == 1 && io.sightline.rollup.RollupAccumulator.DRILL.contains(d) ? d : null;
  }

  /**
   * The session attribute of a query filtered by one value of it ("source is Google") over whole UTC days that
   * {@code rollup_dim}'s rows of that value answer alone: the totals, a date, week or month series, or the breakdown
   * by that attribute. The engine's filtered sets (the sessions in scope that have the value, the counted events of
   * sessions with it, their visitors) are the ones the value's breakdown row counts; null for other queries.
   */
  static RollupDim oneValue(QuerySpec q) {
    if (q.filters().size() != 1 || q.dimensions().size() > 1 || !utcDays(q) || !TOTAL_METRICS.containsAll(q.metrics())) {
      return null;
    }
    Filter f = q.filters().get(0);
    RollupDim a = RollupDim.of(f.dimension());
    if (a == null || a.kind() != RollupDim.Kind.SESSION_ATTRIBUTE || f.operator() != Operator.IS || f.values().size() != 1
        || f.values().get(0) == null) {
      return null;
    }
    Dimension g = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    return g == null || g == Dimension.DATE || g == Dimension.WEEK || g == Dimension.MONTH || g == f.dimension() ? a : null;
  }

  /**
   * Which {@code rollup_drill} rows (beyond {@link #drill}'s) answer a breakdown filtered by one value, over whole UTC
   * days: rows of dimension D among the events with one value of a visitor-level attribute F
   * ({@link RollupAccumulator#BY_VISITOR}; D a page, a goal or one of {@link RollupAccumulator#CROSS}), or, read the
   * other way, F's rows where a {@link RollupAccumulator#CROSS} attribute is one value: the writer counts the visitors of
   * (visitor, F value, D value) triples.
   *
   * @param code the rows' {@code filter_dim} ({@link RollupDim#drillCode})
   * @param transposed whether the query's filter is on the rows' {@code page} column and its rows are the filter values
   * @param rows the dimension of the query's rows
   */
  record Cross(short code, boolean transposed, RollupDim rows) {
  }

  static Cross cross(QuerySpec q) {
    if (q.filters().size() != 1 || q.dimensions().size() != 1 || !utcDays(q) || drill(q) != null) {
      return null;
    }
    Filter f = q.filters().get(0);
    RollupDim by = RollupDim.of(f.dimension());
    RollupDim d = RollupDim.of(q.dimensions().get(0));
    if (by == null || d == null || by == d || f.operator() != Operator.IS || f.values().size() != 1 || f.values().get(0) == null) {
      return null;
    }
    boolean goalNamesDistinct = q.goals().stream().map(GoalMatch::name).distinct().count() == q.goals().size();
    if (!(d == RollupDim.GOAL ? GOAL_METRICS.containsAll(q.metrics()) && goalNamesDistinct : EVENT_METRICS.containsAll(q.metrics()))) {
      return null;
    }
    if (RollupAccumulator.BY_VISITOR.contains(by) && (d == RollupDim.PAGE || d == RollupDim.GOAL || RollupAccumulator.CROSS.contains(d))) {
      return new Cross(RollupDim.drillCode(by, d), false, d);
    }
    if (RollupAccumulator.BY_VISITOR.contains(d) && RollupAccumulator.CROSS.contains(by)) {
      return new Cross(RollupDim.drillCode(d, by), true, d);
    }
    return null;
  }

  private static boolean aligned(Instant t) {
    return t.getEpochSecond() % 900 == 0 && t.getNano() == 0;
  }

  /** Dimension rows are UTC days: the range must be whole UTC days in a zone that is UTC throughout. */
  private static boolean utcDays(QuerySpec q) {
    ZoneId z = q.zone();
    boolean utc = z.getRules().isFixedOffset() && z.getRules().getOffset(q.start()).getTotalSeconds() == 0;
    return utc && q.start().getEpochSecond() % 86_400 == 0 && q.end().getEpochSecond() % 86_400 == 0 && q.end().isAfter(q.start());
  }

  private static boolean visitorsExact(QuerySpec q, Instant s, Instant e) {
    return !q.metrics().contains(Metric.VISITORS) || visitorForm(s, e) != VisitorForm.NONE;
  }

  /** Which sums of the three counters give a range's visitors exactly (see the class comment); NONE: raw events. */
  enum VisitorForm { SPAN, FIRST_PART, LAST_PART, NONE }

  static VisitorForm visitorForm(Instant s, Instant e) {
    Instant d0 = s.truncatedTo(ChronoUnit.DAYS);
    Instant d1 = d0.plus(Duration.ofDays(1));
    boolean atMidnight = s.equals(d0);
    boolean afterSpill = !s.isBefore(d0.plus(Rollups.SPILL));
    if (e.isAfter(d1)) {
      return atMidnight || afterSpill && !e.isBefore(d1.plus(Rollups.SPILL)) ? VisitorForm.SPAN : VisitorForm.NONE;
    }
    if (atMidnight && (e.equals(d1) || !e.isBefore(d0.plus(Rollups.SPILL)))) {
      return VisitorForm.FIRST_PART; // the day's ids first seen before e, and the previous day's ids still on after midnight
    }
    if (afterSpill && e.equals(d1)) {
      return VisitorForm.LAST_PART; // the day's ids last seen (within their day) at or after s
    }
    return VisitorForm.NONE;
  }

  /** The time buckets of a series as the raw plan makes them: [local start, local end) clipped to the range. */
  static List<Instant[]> buckets(QuerySpec q) {
    List<Instant[]> out = new ArrayList<>();
    ZoneId z = q.zone();
    LocalDateTime label = truncate(LocalDateTime.ofInstant(q.start(), z), q.dimensions().get(0));
    LocalDateTime last = LocalDateTime.ofInstant(q.end().minusNanos(1000), z);
    while (!label.isAfter(last)) {
      LocalDateTime next = step(label, q.dimensions().get(0));
      Instant from = label.atZone(z).toInstant();
      Instant to = next.atZone(z).toInstant();
      out.add(new Instant[] {from.isBefore(q.start()) ? q.start() : from, to.isAfter(q.end()) ? q.end() : to});
      label = next;
    }
    return out;
  }

  private static List<LocalDateTime> labels(QuerySpec q) {
    List<LocalDateTime> out = new ArrayList<>();
    LocalDateTime label = truncate(LocalDateTime.ofInstant(q.start(), q.zone()), q.dimensions().get(0));
    LocalDateTime last = LocalDateTime.ofInstant(q.end().minusNanos(1000), q.zone());
    while (!label.isAfter(last)) {
      out.add(label);
      label = step(label, q.dimensions().get(0));
    }
    return out;
  }

  private static LocalDateTime truncate(LocalDateTime t, Dimension d) {
    LocalDateTime day = t.truncatedTo(ChronoUnit.DAYS);
    return switch (d) {
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
      default -> day;
    };
  }

  private static LocalDateTime step(LocalDateTime t, Dimension d) {
    return switch (d) {
      case WEEK -> t.plusWeeks(1);
      case MONTH -> t.plusMonths(1);
      default -> t.plusDays(1);
    };
  }

  /** The rows, or null when the stored coverage or stable visitor ids send the query to raw events. */
  static Future<List<Map<String, Object>>> run(Pool pool, QuerySpec q, int timeoutMs) {
    Instant from = q.start().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    RollupDim drill = drill(q);
    Cross cross = cross(q);
    String check = "select coalesce((select " + (cross != null ? "greatest(since, drill_since, coalesce(cross_since, 'infinity'))"
        : drill == null ? "since" : "greatest(since, drill_since)")
        + " from rollup_coverage where site_id = $1) <= $2, false) "
        + "and (select count(*) from rollup_goal_coverage where site_id = $1 and goal_key = any($4::text[]) and since <= $2) "
        + "= cardinality($4::text[]) "
        + "and not " + RollupGaps.WITHIN + " "
        + "as covered, "
        + "coalesce((select sum(stable_events) from rollup_total where site_id = $1 and bucket >= $2 and bucket < $3), 0) as stable, "
        + "(select max(week) from rollup_weeks_done) as weeks_done";
    String[] goalKeys = q.groupsBy(Dimension.GOAL) ? q.goals().stream().map(GoalRule::key).distinct().toArray(String[]::new) : new String[0];
    return BoundedSql.execute(pool, check, Tuple.of(q.siteId(), from.atOffset(ZoneOffset.UTC), q.end().atOffset(ZoneOffset.UTC), goalKeys),
            timeoutMs)
        .compose(rows -> {
          Row r = rows.iterator().next();
          boolean stable = q.metrics().contains(Metric.VISITORS) && r.getLong("stable") > 0;
          if (!r.getBoolean("covered") || stable && !StableVisitors.covers(q)) {
            return Future.succeededFuture(null);
          }
          if (drill != null) {
            return stable ? Future.succeededFuture(null) : drillRows(pool, q, drill, timeoutMs);
          }
          if (cross != null) {
            return stable ? Future.succeededFuture(null) : crossRows(pool, q, cross, timeoutMs);
          }
          RollupDim one = oneValue(q);
          if (one != null) {
            return stable ? Future.succeededFuture(null) : oneValueRows(pool, q, one, timeoutMs);
          }
          Future<List<Map<String, Object>>> out = q.dimensions().isEmpty() || q.dimensions().get(0).kind() == Dimension.Kind.TIME
              ? totals(pool, q, from, timeoutMs) : byDimension(pool, q, RollupDim.of(q.dimensions().get(0)), r.getLocalDate("weeks_done"), !stable,
              timeoutMs);
          return stable ? out.compose(found -> StableVisitors.add(pool, q, found, timeoutMs)) : out;
        });
  }

  private record Quarter(long q, long[] c) {
  }

  private static final String TOTALS = "select extract(epoch from bucket)::bigint / 900 as q, vf, vl, vls, pageviews, events, sessions, "
      + "bounces, duration_us, session_pageviews, clickers from rollup_total where site_id = $1 and bucket >= $2 and bucket < $3 order by bucket";

  private static Future<List<Map<String, Object>>> totals(Pool pool, QuerySpec q, Instant from, int timeoutMs) {
    return BoundedSql.execute(pool, TOTALS, Tuple.of(q.siteId(), from.atOffset(ZoneOffset.UTC), q.end().atOffset(ZoneOffset.UTC)), timeoutMs)
        .map(rows -> {
          List<Quarter> quarters = new ArrayList<>();
          for (Row r : rows) {
            long[] c = new long[10];
            for (int i = 0; i < c.length; i++) {
              c[i] = r.getLong(i + 1);
            }
            quarters.add(new Quarter(r.getLong(0), c));
          }
          List<Map<String, Object>> out = new ArrayList<>();
          if (q.dimensions().isEmpty()) {
            out.add(columns(quarters, q.start(), q.end()));
            return out;
          }
          List<Instant[]> buckets = buckets(q);
          List<LocalDateTime> labels = labels(q);
          for (int i = 0; i < buckets.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("d0", labels.get(i));
            row.putAll(columns(quarters, buckets.get(i)[0], buckets.get(i)[1]));
            out.add(row);
          }
          return out;
        });
  }

  private static final int VF = 0, VL = 1, VLS = 2, PAGEVIEWS = 3, EVENTS = 4, SESSIONS = 5, BOUNCES = 6, DURATION = 7, SESSION_PV = 8,
      CLICKERS = 9;

  /** The raw plans' columns for [s, e) from the 15-minute rows (see the class comment for visitors). */
  private static Map<String, Object> columns(List<Quarter> quarters, Instant s, Instant e) {
    long sq = s.getEpochSecond() / 900;
    long eq = e.getEpochSecond() / 900;
    long d0 = Math.floorDiv(s.getEpochSecond(), 86_400) * 96;
    long d1 = d0 + 96;
    long visitors = 0;
    long[] sum = new long[10];
    VisitorForm form = visitorForm(s, e);
    for (Quarter x : quarters) {
      long b = x.q();
      if (b >= sq && b < eq) {
        for (int i = PAGEVIEWS; i < sum.length; i++) {
          sum[i] += x.c()[i];
        }
      }
      switch (form) {
        case SPAN -> {
          if (b >= sq && b < d1) {
            visitors += x.c()[VL];
          }
          if (b >= d0 && b < sq) {
            visitors += x.c()[VLS];
          }
          if (b >= d1 && b < eq) {
            visitors += x.c()[VF];
          }
          if (sq == d0 && b >= d0 - 96 && b < d0) {
            visitors += x.c()[VLS];
          }
        }
        case FIRST_PART -> {
          if (b >= d0 && b < eq) {
            visitors += x.c()[VF];
          }
          if (b >= d0 - 96 && b < d0) {
            visitors += x.c()[VLS];
          }
        }
        case LAST_PART -> {
          if (b >= sq && b < d1) {
            visitors += x.c()[VL];
          }
        }
        case NONE -> { }
      }
    }
    return columns(visitors, sum[SESSIONS], sum[PAGEVIEWS], sum[EVENTS], sum[SESSION_PV], sum[BOUNCES], sum[DURATION], sum[CLICKERS]);
  }

  static Map<String, Object> columns(long visitors, long sessions, long pageviews, long events, long sessionPageviews, long bounces,
                                     long durationMicros, long clickers) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("visitors", visitors);
    m.put("sessions", sessions);
    m.put("pageviews", pageviews);
    m.put("events", events);
    m.put("pv_sum", sessionPageviews);
    m.put("bounces", bounces);
    m.put("duration_sum", (double) durationMicros / MICROS_PER_SECOND);
    m.put("clickers", clickers);
    m.put("converters", 0L);
    m.put("new_sessions", 0L);
    m.put("scroll_avg", null);
    m.put("conversions", 0L);
    m.put("revenue_sum", null);
    m.put("revenue_n", 0L);
    m.put("entrances", 0L);
    m.put("exits", 0L);
    m.put("top_sum", 0L);
    m.put("top_n", 0L);
    m.put("forms", 0L);
    m.put("contacts", 0L);
    m.put("leads", 0L);
    m.put("customers", 0L);
    return m;
  }

  /**
   * Whether a session attribute's row exists, as on the raw path ({@link SessionPlan#readsSessions}): where counted
   * events have the value when the metrics read events, where sessions started in range have it when they read
   * sessions (a source whose only sessions in range started before it has events but no sessions there).
   */
  private static String attributeRowExists(QuerySpec q, String byEvents, String bySessions) {
    boolean sessions = SessionPlan.readsSessions(q.metrics());
    boolean events = SessionPlan.readsEvents(q.metrics()) || !sessions;
    return events && sessions ? byEvents + " or " + bySessions : events ? byEvents : bySessions;
  }

  private static boolean attributeRowExists(QuerySpec q, boolean byEvents, boolean bySessions) {
    boolean sessions = SessionPlan.readsSessions(q.metrics());
    boolean events = SessionPlan.readsEvents(q.metrics()) || !sessions;
    return events && byEvents || sessions && bySessions;
  }

  /**
   * The breakdown's SQL, summing only the counters the metrics (and the row-existence rule) read:
   * aggregating ~150k day rows of 5,000 pages costs per column summed.
   */
  static String dimensionSql(QuerySpec q, RollupDim d) {
    return dimensionSql(q, d, false, 0);
  }

  /** The counters of {@code rollup_dim} and {@code rollup_dim_week} after visitors (and carry), in the columns' order. */
  private static final List<String> COUNTERS = List.of("pageviews", "events", "sessions", "bounces", "duration_us", "session_pageviews",
      "clickers");

  /**
   * @param blocks whether whole compacted weeks [$5, $6) are read from {@code rollup_dim_week} (the days outside them and carry($3) from days)
   * @param top when positive, only the rows ranked up to {@code top} by the query's order ({@link #topColumn}), ties included
   */
  static String dimensionSql(QuerySpec q, RollupDim d, boolean blocks, int top) {
    Set<Metric> m = EnumSet.copyOf(q.metrics());
    boolean attribute = d.kind() == RollupDim.Kind.SESSION_ATTRIBUTE;
    boolean visitors = m.contains(Metric.VISITORS) || attribute;
    boolean sessions = attribute || d.kind() == RollupDim.Kind.SESSION_PAGE || m.stream().anyMatch(x -> x != Metric.VISITORS
        && x != Metric.PAGEVIEWS && x != Metric.EVENTS && x != Metric.CONVERSIONS);
    Map<String, Boolean> needed = new LinkedHashMap<>();
    needed.put("pageviews", m.contains(Metric.PAGEVIEWS) || d.kind() == RollupDim.Kind.EVENT && d != RollupDim.EVENT_NAME);
    needed.put("events", m.contains(Metric.EVENTS) || m.contains(Metric.CONVERSIONS) || attribute || d == RollupDim.EVENT_NAME
        || d == RollupDim.GOAL);
    needed.put("sessions", sessions);
    needed.put("bounces", m.contains(Metric.BOUNCE_RATE) || m.contains(Metric.BOUNCES));
    needed.put("duration_us", m.contains(Metric.AVG_DURATION) || m.contains(Metric.TOTAL_DURATION));
    needed.put("session_pageviews", m.contains(Metric.VIEWS_PER_VISIT));
    needed.put("clickers", m.contains(Metric.CLICKERS));
    List<String> read = COUNTERS.stream().filter(needed::get).toList();
    String carryA = blocks ? "sum(carry)" : "coalesce(sum(carry) filter (where day = $3), 0)";
    String having = switch (d.kind()) {
      case SESSION_PAGE -> "sum(sessions) > 0";
      case EVENT -> d == RollupDim.EVENT_NAME ? "sum(events) > 0" : "sum(pageviews) > 0";
      case GOAL -> "sum(events) > 0";
      case SESSION_ATTRIBUTE -> attributeRowExists(q, "sum(visitors) + " + carryA + " > 0 or sum(events) > 0", "sum(sessions) > 0");
    };
    String source = "rollup_dim where site_id = $1 and dim = $2 and day >= $3 and day < $4";
    if (blocks) {
      // only the counters read: each one costs a case per day row
      List<String> columns = new ArrayList<>(List.of("value"));
      List<String> weekColumns = new ArrayList<>(List.of("value"));
      List<String> dayColumns = new ArrayList<>(List.of("value"));
      if (visitors) {
        columns.addAll(List.of("visitors", "carry"));
        weekColumns.addAll(List.of("visitors", "0"));
        dayColumns.addAll(List.of("case when day >= $5 and day < $6 then 0 else visitors end", "case when day = $3 then carry else 0 end"));
      }
      for (String c : read) {
        columns.add(c);
        weekColumns.add(c);
        dayColumns.add("case when day >= $5 and day < $6 then 0 else " + c + " end");
      }
      source = "(select " + String.join(", ", weekColumns) + " from rollup_dim_week where site_id = $1 and dim = $2 and week >= $5 and week < $6 "
          + "union all select " + String.join(", ", dayColumns) + " from rollup_dim where site_id = $1 and dim = $2 "
          + "and (day >= $3 and day < $5 or day >= $6 and day < $4 or day = $3)) r(" + String.join(", ", columns) + ")";
    }
    StringBuilder sql = new StringBuilder("select value, ").append(visitors ? "sum(visitors) + " + carryA : "0::bigint").append(" as visitors");
    for (String c : COUNTERS) {
      sql.append(", ").append(needed.get(c) ? "sum(" + c + ")::bigint" : "0::bigint").append(" as ").append(c);
    }
    sql.append(" from ").append(source).append(" group by value having ").append(having);
    if (top > 0) {
      sql.append(" order by ").append(topColumn(q, d)).append(q.descending() ? " desc" : " asc").append(" fetch first ").append(top)
          .append(" rows with ties");
    }
    return sql.toString();
  }

  /** Breakdowns are cut to their top rows in SQL only up to this many (a dashboard's page of rows is far fewer). */
  static final int MAX_TOP = 10_000;
  private static final Set<Metric> RANKABLE = EnumSet.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.EVENTS, Metric.SESSIONS, Metric.BOUNCES,
      Metric.CLICKERS);

  /**
   * The counter column a breakdown's rows are ranked by when that ranking can be done in SQL: the query orders by a
   * count it asks for whose column holds its value as is (not goals, whose rows are renamed). The engine then sorts
   * the rows ranked up to offset + limit with every tie at the cut, which orders and pages exactly as all rows would.
   */
  static String topColumn(QuerySpec q, RollupDim d) {
    Metric key = Metric.parse(q.orderBy() != null ? q.orderBy() : q.metrics().get(0).id());
    return d != RollupDim.GOAL && key != null && RANKABLE.contains(key) && q.metrics().contains(key) ? key.id() : null;
  }

  /**
   * The compacted weeks [from, to) a breakdown over days [a, b) can read as blocks (weeks done up to {@code lastDone}),
   * or null when not one whole week is.
   */
  static LocalDate[] blocks(LocalDate a, LocalDate b, LocalDate lastDone) {
    if (lastDone == null) {
      return null;
    }
    LocalDate from = io.sightline.rollup.WeekBlocks.weekOf(a.plusDays(6));
    LocalDate to = io.sightline.rollup.WeekBlocks.weekOf(b);
    if (to.isAfter(lastDone.plusDays(7))) {
      to = lastDone.plusDays(7);
    }
    return from.isBefore(to) ? new LocalDate[] {from, to} : null;
  }

  private static String sum(boolean needed, String column) {
    return (needed ? "sum(" + column + ")::bigint" : "0::bigint") + " as " + column + ", ";
  }

  /** @param cut whether the rows may be cut to the query's top ones in SQL (not when stable visitors are added to them afterwards) */
  private static Future<List<Map<String, Object>>> byDimension(Pool pool, QuerySpec q, RollupDim d, LocalDate weeksDone, boolean cut,
                                                              int timeoutMs) {
    LocalDate a = LocalDate.ofInstant(q.start(), ZoneOffset.UTC);
    LocalDate b = LocalDate.ofInstant(q.end(), ZoneOffset.UTC);
    LocalDate[] weeks = blocks(a, b, weeksDone);
    Tuple args = weeks == null ? Tuple.of(q.siteId(), d.id(), a, b) : Tuple.of(q.siteId(), d.id(), a, b, weeks[0], weeks[1]);
    long ranked = (long) q.offset() + q.limit();
    int top = cut && topColumn(q, d) != null && ranked <= MAX_TOP ? (int) ranked : 0;
    return BoundedSql.execute(pool, dimensionSql(q, d, weeks != null, top), args, timeoutMs, ROW_SCAN)
        .map(rows -> {
      if (d == RollupDim.GOAL) {
        return goalRows(rows, q);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (Row r : rows) {
        long visitors = r.getLong("visitors");
        long pageviews = r.getLong("pageviews");
        long events = r.getLong("events");
        long sessions = r.getLong("sessions");
        boolean exists = switch (d.kind()) {
          case SESSION_PAGE -> sessions > 0;
          case EVENT -> d == RollupDim.EVENT_NAME ? events > 0 : pageviews > 0;
          case SESSION_ATTRIBUTE -> attributeRowExists(q, visitors > 0 || events > 0, sessions > 0);
          case GOAL -> events > 0;
        };
        if (!exists) {
          continue;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("d0", r.getString("value"));
        row.putAll(columns(visitors, sessions, pageviews, events, r.getLong("session_pageviews"), r.getLong("bounces"),
            r.getLong("duration_us"), r.getLong("clickers")));
        out.add(row);
      }
      return out;
    });
  }

  /**
   * Planner settings for the breakdown statements: through the key's index, not a (parallel) scan of every site's and
   * dimension's rows (155 -> 96 ms for 150k page rows), and without parallel workers, whose start-up costs more than
   * they save on a few hundred thousand rows with two cores (110-143 -> 83 ms, measured at 10M events).
   */
  private static final String ROW_SCAN = "set local enable_seqscan = off; set local max_parallel_workers_per_gather = 0";

  /**
   * A breakdown from the drill-down rows of {@link #cross}: summed like a breakdown's, a row existing as it does on the
   * raw path for the metrics a cross row has (pages and goals: with pageviews, with conversions; session attributes: with
   * visitors or events).
   */
  private static Future<List<Map<String, Object>>> crossRows(Pool pool, QuerySpec q, Cross c, int timeoutMs) {
    String row = c.transposed() ? "filter_value" : "page";
    String having = c.rows() == RollupDim.PAGE ? "sum(pageviews) > 0" : c.rows() == RollupDim.GOAL ? "sum(events) > 0"
        : "sum(visitors) + coalesce(sum(carry) filter (where day = $3), 0) > 0 or sum(events) > 0";
    String sql = "select " + row + " as value, sum(visitors) + coalesce(sum(carry) filter (where day = $3), 0) as visitors, "
        + "sum(pageviews)::bigint as pageviews, sum(events)::bigint as events from rollup_drill where site_id = $1 and filter_dim = $2 "
        + "and " + (c.transposed() ? "page" : "filter_value") + " = $5 and day >= $3 and day < $4 group by " + row + " having " + having;
    Tuple args = Tuple.of(q.siteId(), c.code(), LocalDate.ofInstant(q.start(), ZoneOffset.UTC), LocalDate.ofInstant(q.end(), ZoneOffset.UTC),
        q.filters().get(0).values().get(0));
    return BoundedSql.execute(pool, sql, args, timeoutMs, ROW_SCAN).map(rows -> {
      if (c.rows() == RollupDim.GOAL) {
        return goalRows(rows, q);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (Row r : rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("d0", r.getString("value"));
        m.putAll(columns(r.getLong("visitors"), 0, r.getLong("pageviews"), r.getLong("events"), 0, 0, 0, 0));
        out.add(m);
      }
      return out;
    });
  }

  private static final String ONE_VALUE = "select day, visitors, carry, pageviews, events, sessions, bounces, duration_us, session_pageviews, "
      + "clickers from rollup_dim where site_id = $1 and dim = $2 and day >= $3 and day < $4 and value = $5";

  /**
   * A query filtered by one value of a session attribute ({@link #oneValue}): that value's day rows, summed over each
   * bucket (the whole range for totals and the breakdown's one row) like a breakdown sums them, visitors
   * Σvisitors + carry(the bucket's first day). Totals and series answer every bucket, as the raw plans do (zeros without rows).
   */
  private static Future<List<Map<String, Object>>> oneValueRows(Pool pool, QuerySpec q, RollupDim attribute, int timeoutMs) {
    String value = q.filters().get(0).values().get(0);
    Tuple args = Tuple.of(q.siteId(), attribute.id(), LocalDate.ofInstant(q.start(), ZoneOffset.UTC), LocalDate.ofInstant(q.end(), ZoneOffset.UTC),
        value);
    return BoundedSql.execute(pool, ONE_VALUE, args, timeoutMs).map(rows -> {
      Map<LocalDate, long[]> days = new java.util.HashMap<>();
      for (Row r : rows) {
        long[] c = new long[9];
        for (int i = 0; i < c.length; i++) {
          c[i] = r.getLong(i + 1);
        }
        days.put(r.getLocalDate(0), c);
      }
      Dimension g = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
      boolean series = g != null && g.kind() == Dimension.Kind.TIME;
      List<Instant[]> buckets = series ? buckets(q) : List.<Instant[]>of(new Instant[] {q.start(), q.end()});
      List<LocalDateTime> labels = series ? labels(q) : null;
      List<Map<String, Object>> out = new ArrayList<>();
      for (int i = 0; i < buckets.size(); i++) {
        LocalDate first = LocalDate.ofInstant(buckets.get(i)[0], ZoneOffset.UTC);
        LocalDate end = LocalDate.ofInstant(buckets.get(i)[1], ZoneOffset.UTC);
        long[] sum = new long[9];
        for (LocalDate d = first; d.isBefore(end); d = d.plusDays(1)) {
          long[] c = days.get(d);
          if (c != null) {
            for (int j = 0; j < sum.length; j++) {
              sum[j] += j == 1 && !d.equals(first) ? 0 : c[j]; // carry of the bucket's first day only
            }
          }
        }
        long visitors = sum[0] + sum[1];
        if (g != null && !series && !attributeRowExists(q, visitors > 0 || sum[3] > 0, sum[4] > 0)) {
          continue; // the breakdown by the filtered attribute: no row for the value, as the raw plan has none
        }
        Map<String, Object> row = new LinkedHashMap<>();
        if (g != null) {
          row.put("d0", series ? labels.get(i) : value);
        }
        row.putAll(columns(visitors, sum[4], sum[2], sum[3], sum[7], sum[5], sum[6], sum[8]));
        out.add(row);
      }
      return out;
    });
  }

  private static final String DRILL = "select page, sum(visitors) + coalesce(sum(carry) filter (where day = $3), 0) as visitors, "
      + "sum(pageviews)::bigint as pageviews, sum(events)::bigint as events from rollup_drill where site_id = $1 and filter_dim = $2 "
      + "and filter_value = $5 and day >= $3 and day < $4 group by page having sum(pageviews) > 0";

  /** Pages among the events with one value of a drill-down attribute: rows of {@code rollup_drill}, summed like a breakdown's. */
  private static Future<List<Map<String, Object>>> drillRows(Pool pool, QuerySpec q, RollupDim attribute, int timeoutMs) {
    Tuple args = Tuple.of(q.siteId(), attribute.id(), LocalDate.ofInstant(q.start(), ZoneOffset.UTC), LocalDate.ofInstant(q.end(), ZoneOffset.UTC),
        q.filters().get(0).values().get(0));
    String column = topColumn(q, attribute);
    long top = (long) q.offset() + q.limit();
    String sql = column == null || top > MAX_TOP ? DRILL
        : DRILL + " order by " + column + (q.descending() ? " desc" : " asc") + " fetch first " + top + " rows with ties";
    return BoundedSql.execute(pool, sql, args, timeoutMs, ROW_SCAN).map(rows -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Row r : rows) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("d0", r.getString("page"));
        row.putAll(columns(r.getLong("visitors"), 0, r.getLong("pageviews"), r.getLong("events"), 0, 0, 0, 0));
        out.add(row);
      }
      return out;
    });
  }

  /**
   * One row per goal of the query, named as the query names it, from the rows of its key; a goal
   * without a conversion in range has no row (raw: {@code having count(*) filter (where member) > 0}).
   */
  private static List<Map<String, Object>> goalRows(Iterable<Row> rows, QuerySpec q) {
    Map<String, Row> byKey = new java.util.HashMap<>();
    for (Row r : rows) {
      byKey.put(r.getString("value"), r);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (GoalMatch g : q.goals()) {
      Row r = byKey.get(GoalRule.key(g));
      if (r == null || r.getLong("events") == 0) {
        continue;
      }
      long conversions = r.getLong("events");
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("d0", g.name());
      row.putAll(columns(r.getLong("visitors"), 0, r.getLong("pageviews"), conversions, 0, 0, 0, 0));
      row.put("conversions", conversions);
      out.add(row);
    }
    return out;
  }
}
