package io.sightline.query;

import io.sightline.event.Dimension;
import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a {@link QuerySpec} against raw events and sessions and returns rows of dimension value and
 * metrics. The one place where metrics are defined (see docs/api.md, "Query engine"). Sessions count
 * where they start, with their whole values; visitors and events count when they happen:
 * <ul>
 *   <li>the <em>sessions in scope</em> are the sessions that started in [start, end) and pass the
 *   filters (an event-level filter keeps those with a matching event in the range), with the
 *   whole-session values of their {@code sessions} row: pageviews, interactive flag, clicks, first
 *   and last event time, entry and exit page, screen, attributes;</li>
 *   <li>the <em>counted events</em> are the events in [start, end) that match every event-level
 *   filter and whose session passes the session-attribute filters (a session that started before
 *   the range contributes its events in it).</li>
 * </ul>
 * Then:
 * <ul>
 *   <li>visitors: distinct visitor ids of the counted events (with an event-level filter, of those
 *   it looks at: pageviews for page filters; an event attribute's row: of its member events);</li>
 *   <li>sessions: the sessions in scope (time buckets: by their start);</li>
 *   <li>pageviews and events (everything but engagement beacons): the counted events;</li>
 *   <li>views_per_visit: the sessions' whole pageviews / sessions, two decimals;</li>
 *   <li>bounce_rate: % of sessions with exactly one pageview and no interactive event, 0-100, whole;</li>
 *   <li>avg_duration: mean of the sessions' last minus first event time, bounces as 0, whole seconds;</li>
 *   <li>avg_scroll: mean over the counted pageviews of the deepest scroll their engagement beacons reported
 *   in range (pageviews without one are left out; null when none has one), whole %;</li>
 *   <li>clickers: sessions with at least one click;</li>
 *   <li>engagement: {@link #engagement};</li>
 *   <li>conversions: counted events completing a goal; conversion_rate: % of the visitors who converted (visitors
 *   of sessions in scope with a goal completed in range; time buckets: of the bucket's counted events), of all
 *   visitors in scope for a goal row or filter, two decimals;</li>
 *   <li>total_revenue, average_revenue: sum and mean of the counted events' revenue amounts, two decimals;</li>
 *   <li>entrances, exits: counted pageviews first (last) in range in their session; time_on_page: mean seconds from a
 *   counted pageview to the session's next pageview;</li>
 *   <li>new_visitor_sessions: sessions with no earlier session of the same visitor id;</li>
 *   <li>bounces: the bounced sessions; total_duration: the sessions' durations summed (bounces as 0), whole seconds;</li>
 *   <li>total_time_on_page: the seconds time_on_page averages, summed, whole seconds; timed_pageviews: the counted pageviews
 *   it averages over; form_submissions: counted form events;</li>
 *   <li>contacts: sessions in scope that hold their identified user's first event ({@code users.first_seen}: a user first
 *   seen then, counted where that session counts); customers: those whose user carried revenue in a session that started
 *   in the range; leads: the other contacts whose user has an e-mail address.</li>
 * </ul>
 * Grouped by session attributes, session metrics come from the sessions in scope with the value and
 * event metrics from the counted events of sessions with it; a row exists where either side the
 * metrics read has the value.
 */
public final class QueryEngine {
  public static final int MAX_BUCKETS = 1000;
  /** Raw-event queries are bounded so that one expensive query cannot hold the database indefinitely. */
  public static final int DEFAULT_TIMEOUT_MS = BoundedSql.DEFAULT_TIMEOUT_MS;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueryEngine.class);

  /**
   * Which path answered a query (docs/ingestion.md, "Rollups"): the rollup tables, raw events with visitors
   * counted from their first-occurrence flags, or raw events with {@code count(distinct)}.
   */
  public enum Plan { ROLLUP, FLAGS, RAW }

  private static final java.util.Map<Plan, java.util.concurrent.atomic.LongAdder> PLANS = new java.util.EnumMap<>(Plan.class);

  static {
    for (Plan p : Plan.values()) {
      PLANS.put(p, new java.util.concurrent.atomic.LongAdder());
    }
  }

  /** Queries answered so far by each plan in this process (exported as {@code sightline_query_plans_total}). */
  public static long answered(Plan plan) {
    return PLANS.get(plan).sum();
  }

  private final Pool pool;
  private final int timeoutMs;
  private final boolean rollups;

  public QueryEngine(Pool pool) {
    this(pool, DEFAULT_TIMEOUT_MS);
  }

  public QueryEngine(Pool pool, int timeoutMs) {
    this(pool, timeoutMs, true);
  }

  /** @param rollups whether covered queries may read the rollup tables (false: always raw events, for comparisons) */
  public QueryEngine(Pool pool, int timeoutMs, boolean rollups) {
    this.pool = pool;
    this.timeoutMs = timeoutMs;
    this.rollups = rollups;
  }

  /**
   * One result row: the dimension's value (absent for totals) and every requested metric; {@code importsWarning} says why
   * the site's imported daily rows in the range are not in the answer (null when they are, or when none was asked for).
   */
  public record Result(List<Map<String, Object>> rows, Comparison.Baseline comparisonRange, String importsWarning) {
    public Result(List<Map<String, Object>> rows, Comparison.Baseline comparisonRange) {
      this(rows, comparisonRange, null);
    }

    public Result(List<Map<String, Object>> rows) {
      this(rows, null, null);
    }
  }

  /** The rows of a query and the imports' warning ({@link ImportedDaily.Part#warning}). */
  private record Rows(List<Map<String, Object>> rows, String importsWarning) {
  }

  /** Runs the query over Sightline's own data. */
  public Future<Result> run(QuerySpec q) {
    return run(q, false);
  }

  /**
   * Runs the query; with {@code includeImported}, the site's imported daily aggregates (Plausible CE's, {@link ImportedDaily})
   * are added where one imported table carries the query's dimensions and metrics, else the result's
   * {@link Result#importsWarning} says why they are left out.
   */
  public Future<Result> run(QuerySpec q, boolean includeImported) {
    return rows(q, includeImported).map(rows -> new Result(page(order(rows.rows(), q), q), null, rows.importsWarning()));
  }

  /**
   * Runs the query and its baseline ranges, and attaches to each row (or to the totals) a
   * {@code comparison} map (the baselines' mean, {@link ComparisonMerge}) and a {@code change} map
   * (percent, null when the baseline is 0). Grouped rows are matched by their dimension values;
   * time buckets by position. Ordering and paging apply to the current rows afterwards.
   */
  public Future<Result> runCompared(QuerySpec q, Comparison.Baseline baseline) {
    return runCompared(q, baseline, false);
  }

  /** {@link #runCompared(QuerySpec, Comparison.Baseline)}, with imported rows in both ranges as {@link #run(QuerySpec, boolean)}. */
  public Future<Result> runCompared(QuerySpec q, Comparison.Baseline baseline, boolean includeImported) {
    QuerySpec whole = q.with(q.metrics(), q.dimensions(), q.filters(), Integer.MAX_VALUE, 0);
    List<Future<Rows>> baselines = new ArrayList<>();
    for (Periods.Range r : baseline.ranges()) {
      baselines.add(rows(whole.during(r.start(), r.end()), includeImported));
    }
    Future<Rows> currentRows = rows(q, includeImported);
    return Future.all(baselines).compose(v -> currentRows).map(current -> {
      List<Map<String, Object>> rows = current.rows();
      String warning = current.importsWarning();
      for (Future<Rows> b : baselines) {
        warning = warning != null ? warning : b.result().importsWarning();
      }
      List<List<Map<String, Object>>> before = baselines.stream().map(f -> f.result().rows()).toList();
      List<String> ids = q.dimensions().stream().map(q::label).toList();
      List<Map<String, Object>> averages;
      if (q.dimensions().isEmpty()) {
        averages = List.of(ComparisonMerge.average(before.stream().map(b -> b.get(0)).toList(), q.metrics()));
      } else if (q.dimensions().get(0).kind() == Dimension.Kind.TIME) {
        averages = ComparisonMerge.averageByPosition(before, ids.get(0), q.metrics());
      } else {
        Map<Object, Map<String, Object>> byKey = ComparisonMerge.averageByKey(before, ids, q.metrics());
        averages = rows.stream().map(row -> byKey.get(ComparisonMerge.key(row, ids))).toList();
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        Map<String, Object> row = new LinkedHashMap<>(rows.get(i));
        Map<String, Object> base = i < averages.size() && averages.get(i) != null ? averages.get(i) : absent(q.metrics());
        row.put("comparison", base);
        row.put("change", ComparisonMerge.change(rows.get(i), base, q.metrics()));
        out.add(row);
      }
      return new Result(page(order(out, q), q), baseline, warning);
    });
  }

  /** The baseline of a row no baseline has: counts are 0, ratios unknown. */
  private static Map<String, Object> absent(List<Metric> metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Metric m : metrics) {
      out.put(m.id(), ComparisonMerge.isAdditive(m) ? (Object) 0L : null);
    }
    return out;
  }

  /** Ranges must lie within these (PostgreSQL's timestamps end long before Java's; no analytics data predates 1970). */
  public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

  /** The query's rows, unordered and unpaged, with the imported rows when asked for and possible. */
  private Future<Rows> rows(QuerySpec q, boolean includeImported) {
    if (q.start().isBefore(EARLIEST) || q.end().isAfter(LATEST)) {
      return Future.failedFuture(ApiException.badRequest("Dates must be between 1970-01-01 and 9999-12-30"));
    }
    if (!includeImported) {
      return rows(q, NO_IMPORTS).map(rows -> new Rows(rows, null));
    }
    Future<ImportedDaily.Part> part = ImportedDaily.fetch(pool, q, timeoutMs); // beside the plan's own query
    return rows(q, part).map(rows -> new Rows(rows, part.result().warning()));
  }

  private static final Future<ImportedDaily.Part> NO_IMPORTS = Future.succeededFuture(ImportedDaily.Part.NONE);

  private Future<List<Map<String, Object>>> rows(QuerySpec q, Future<ImportedDaily.Part> imported) {
    if (!q.metrics().contains(Metric.CONVERSION_RATE) || !q.groupsBy(Dimension.GOAL) && !q.filtersBy(Dimension.GOAL)) {
      return execute(q, null, imported);
    }
    // a goal's conversion rate is over all the visitors in scope, not only the ones the goal selects
    List<Filter> withoutGoals = q.filters().stream().filter(f -> f.dimension() != Dimension.GOAL).toList();
    List<Dimension> base = q.groupsBy(Dimension.GOAL) ? List.of() : q.dimensions();
    QuerySpec scope = q.with(List.of(Metric.VISITORS), base, withoutGoals, Integer.MAX_VALUE, 0);
    return execute(scope, null, NO_IMPORTS).compose(scopeRows -> {
      Map<List<Object>, Long> visitors = new HashMap<>();
      for (Map<String, Object> row : scopeRows) {
        visitors.put(key(row, base, q), (Long) row.get(Metric.VISITORS.id()));
      }
      return execute(q, row -> visitors.getOrDefault(key(row, base, q), 0L), imported.map(p -> ImportedDaily.Part.NONE));
    });
  }

  private static List<Object> key(Map<String, Object> row, List<Dimension> dimensions, QuerySpec q) {
    List<Object> key = new ArrayList<>();
    for (Dimension d : dimensions) {
      key.add(row.get(q.label(d)));
    }
    return key;
  }

  /**
   * Runs one plan and turns its rows into metric values.
   *
   * @param rateBase for conversion_rate, the visitors a row's converters are a share of (null: the row's own visitors)
   * @param imported the imported rows' plan columns, added to the plan's own (by dimension values) before the metrics are derived
   */
  private Future<List<Map<String, Object>>> execute(QuerySpec q, Function<Map<String, Object>, Long> rateBase,
                                                    Future<ImportedDaily.Part> imported) {
    Future<List<Map<String, Object>>> own;
    if (rollups && rateBase == null && RollupPath.covers(q)) {
      own = RollupPath.run(pool, q, timeoutMs).compose(rows -> {
        if (rows == null) {
          return raw(q, rateBase, imported);
        }
        answeredBy(Plan.ROLLUP, q);
        List<Function<String, Object>> planRows = rows.stream().map(r -> (Function<String, Object>) r::get).toList();
        return imported.map(part -> withImported(planRows, q, null, part));
      });
    } else {
      own = raw(q, rateBase, imported);
    }
    return own;
  }

  /**
   * The result rows from a plan's rows with the imported rows' columns added (a plan row and an imported row with the same
   * dimension values are one row; an imported row without a plan row is a row of its own): the metrics are derived once,
   * from the sums.
   */
  private static List<Map<String, Object>> withImported(List<Function<String, Object>> planRows, QuerySpec q,
                                                        Function<Map<String, Object>, Long> rateBase, ImportedDaily.Part imported) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (imported.rows().isEmpty()) {
      for (Function<String, Object> r : planRows) {
        out.add(row(r, q, rateBase));
      }
      return out;
    }
    Map<List<Object>, Map<String, Long>> left = new HashMap<>(imported.rows());
    for (Function<String, Object> r : planRows) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i < q.dimensions().size(); i++) {
        key.add(r.apply("d" + i));
      }
      Map<String, Long> add = left.remove(key);
      out.add(row(add == null ? r : name -> plus(r.apply(name), add.get(name)), q, rateBase));
    }
    for (Map.Entry<List<Object>, Map<String, Long>> e : left.entrySet()) {
      Map<String, Long> add = e.getValue();
      List<Object> key = e.getKey();
      out.add(row(name -> name.length() > 1 && name.charAt(0) == 'd' && Character.isDigit(name.charAt(1))
          ? key.get(Integer.parseInt(name.substring(1))) : add.get(name), q, rateBase));
    }
    return out;
  }

  /** A plan column plus an imported one (null: nothing imported for it). */
  private static Object plus(Object own, Long imported) {
    if (imported == null) {
      return own;
    }
    if (own == null || own instanceof Long || own instanceof Integer || own instanceof Short) {
      return (own == null ? 0L : ((Number) own).longValue()) + imported;
    }
    return new BigDecimal(own.toString()).add(BigDecimal.valueOf(imported));
  }

  private static void answeredBy(Plan plan, QuerySpec q) {
    PLANS.get(plan).increment();
    if (LOG.isDebugEnabled()) {
      LOG.debug("plan={} site={} dimensions={} metrics={} filters={}", plan, q.siteId(), q.dimensions(), q.metrics(), q.filters().size());
    }
  }

  private Future<List<Map<String, Object>>> raw(QuerySpec q, Function<Map<String, Object>, Long> rateBase,
                                                Future<ImportedDaily.Part> imported) {
    FlagVisitors flags = rollups ? FlagVisitors.of(q) : null;
    if (flags == null) {
      return raw(q, rateBase, null, imported);
    }
    return FlagVisitors.usable(pool, q, timeoutMs).compose(usable -> raw(q, rateBase, usable ? flags : null, imported));
  }

  private Future<List<Map<String, Object>>> raw(QuerySpec q, Function<Map<String, Object>, Long> rateBase, FlagVisitors flags,
                                                Future<ImportedDaily.Part> imported) {
    QuerySql.Plan plan = QuerySql.plan(q, flags);
    return BoundedSql.execute(pool, plan.sql(), Tuple.from(plan.params()), timeoutMs, plan.settings())
        .compose(rows -> {
          answeredBy(flags == null ? Plan.RAW : Plan.FLAGS, q);
          List<Function<String, Object>> planRows = new ArrayList<>();
          for (Row r : rows) {
            planRows.add(r::getValue);
          }
          return imported.map(part -> withImported(planRows, q, rateBase, part));
        });
  }

  /** One result row from a plan's columns ({@code d0, d1...} for the dimensions). */
  private static Map<String, Object> row(Function<String, Object> column, QuerySpec q, Function<Map<String, Object>, Long> rateBase) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < q.dimensions().size(); i++) {
      row.put(q.label(q.dimensions().get(i)), label(q.dimensions().get(i), column.apply("d" + i)));
    }
    Map<String, Object> values = metrics(column, q.metrics());
    if (rateBase != null && values.containsKey(Metric.CONVERSION_RATE.id())) {
      values.put(Metric.CONVERSION_RATE.id(), percent(count(column, "converters"), rateBase.apply(row)));
    }
    row.putAll(values);
    return row;
  }

  private static long count(Function<String, Object> column, String name) {
    Object v = column.apply(name);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** The definitions: every metric from the plan's columns (see the class comment and docs/api.md). */
  private static Map<String, Object> metrics(Function<String, Object> r, List<Metric> metrics) {
    Map<String, Object> row = new LinkedHashMap<>();
    long sessions = count(r, "sessions");
    Object scroll = r.apply("scroll_avg");
    Long avgScroll = scroll == null ? null : Math.round(number(scroll));
    long avgDuration = sessions == 0 ? 0 : Math.round(number(r.apply("duration_sum")) / sessions);
    for (Metric m : metrics) {
      row.put(m.id(), switch (m) {
        case VISITORS -> count(r, "visitors");
        case SESSIONS -> sessions;
        case PAGEVIEWS -> count(r, "pageviews");
        case EVENTS -> count(r, "events");
        case CLICKERS -> count(r, "clickers");
        case VIEWS_PER_VISIT -> sessions == 0 ? 0 : BigDecimal.valueOf(count(r, "pv_sum"))
            .divide(BigDecimal.valueOf(sessions), 2, RoundingMode.HALF_UP).doubleValue();
        case BOUNCE_RATE -> sessions == 0 ? 0 : Math.round(100.0 * count(r, "bounces") / sessions);
        case AVG_DURATION -> avgDuration;
        case AVG_SCROLL -> avgScroll;
        case ENGAGEMENT -> sessions == 0 ? 0 : engagement(avgScroll, avgDuration);
        case CONVERSIONS -> count(r, "conversions");
        case CONVERSION_RATE -> percent(count(r, "converters"), count(r, "visitors"));
        case TOTAL_REVENUE -> money(r.apply("revenue_sum"));
        case AVERAGE_REVENUE -> count(r, "revenue_n") == 0 ? null : BigDecimal.valueOf(number(r.apply("revenue_sum")))
            .divide(BigDecimal.valueOf(count(r, "revenue_n")), 2, RoundingMode.HALF_UP).doubleValue();
        case ENTRANCES -> count(r, "entrances");
        case EXITS -> count(r, "exits");
        case TIME_ON_PAGE -> count(r, "top_n") == 0 ? null : Math.round(number(r.apply("top_sum")) / count(r, "top_n"));
        case NEW_VISITOR_SESSIONS -> count(r, "new_sessions");
        case BOUNCES -> count(r, "bounces");
        case TOTAL_DURATION -> Math.round(number(r.apply("duration_sum")));
        case TOTAL_TIME_ON_PAGE -> Math.round(number(r.apply("top_sum")));
        case TIMED_PAGEVIEWS -> count(r, "top_n");
        case FORM_SUBMISSIONS -> count(r, "forms");
        case CONTACTS -> count(r, "contacts");
        case LEADS -> count(r, "leads");
        case CUSTOMERS -> count(r, "customers");
      });
    }
    return row;
  }

  /** A share as a percentage with two decimals (0 when the base is 0). */
  private static double percent(long part, long base) {
    return base == 0 ? 0 : BigDecimal.valueOf(100L * part).divide(BigDecimal.valueOf(base), 2, RoundingMode.HALF_UP).doubleValue();
  }

  private static Double money(Object sum) {
    return sum == null ? null : new BigDecimal(sum.toString()).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  private static List<Map<String, Object>> order(List<Map<String, Object>> rows, QuerySpec q) {
    if (q.dimensions().isEmpty()) {
      return rows;
    }
    Dimension d = q.dimensions().get(0);
    boolean time = d.kind() == Dimension.Kind.TIME;
    String key = q.orderBy() != null ? q.orderBy() : time ? d.id() : q.metrics().get(0).id();
    Comparator<Map<String, Object>> byKey = (a, b) -> compare(a.get(key), b.get(key));
    Comparator<Map<String, Object>> primary = q.descending() ? byKey.reversed() : byKey;
    Comparator<Map<String, Object>> tieBreak = (a, b) -> compare(a.get(q.label(d)), b.get(q.label(d)));
    List<Map<String, Object>> sorted = new ArrayList<>(rows);
    sorted.sort(primary.thenComparing(tieBreak));
    return sorted;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1; // missing values last
    }
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    return ((Comparable) a).compareTo(b);
  }

  private static List<Map<String, Object>> page(List<Map<String, Object>> rows, QuerySpec q) {
    int from = Math.min(q.offset(), rows.size());
    int to = (int) Math.min((long) from + q.limit(), rows.size());
    return rows.subList(from, to);
  }

  private static Object label(Dimension d, Object value) {
    if (!(value instanceof LocalDateTime t)) {
      return value;
    }
    return switch (d) {
      case HOUR -> HOUR.format(t);
      case MONTH -> MONTH.format(t);
      default -> DAY.format(t);
    };
  }

  /**
   * The 0-100 engagement score: half from scroll depth (the average deepest scroll), half from
   * time (the average session duration, full marks at 3 minutes). No scroll data counts as 0.
   */
  static long engagement(Long avgScroll, long avgDurationSeconds) {
    double scrollPart = avgScroll == null ? 0 : avgScroll / 2.0;
    double timePart = 50.0 * Math.min(avgDurationSeconds / 180.0, 1.0);
    return Math.round(scrollPart + timePart);
  }

  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : 0;
  }
}
