package io.sightline.query;

import io.sightline.event.Dimension;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the SQL of one query over raw events and sessions. Column names come from {@link Dimension}
 * (an allow-list); every value is a bound parameter ($1 site, $2 start, $3 end, $4 time zone, then
 * one text[] per filter).
 *
 * <p>Two plans, one set of definitions (see {@link QueryEngine}): {@link SessionPlan}, the general
 * one (sessions in scope from {@code sessions}, counted events from {@code events}), and
 * {@link #eventsOnly one pass over the events} for the queries that need nothing else. Each
 * result row carries the columns of {@link SessionPlan#SESSION_COLUMNS} and
 * {@link SessionPlan#EVENT_COLUMNS}; {@link QueryEngine} derives the metrics.
 */
final class QuerySql {
  private QuerySql() {
  }

  /** A statement, its parameters and the planner settings it runs with (null: none; see {@link BoundedSql}). */
  record Plan(String sql, List<Object> params, String settings) {
    Plan(String sql, List<Object> params) {
      this(sql, params, null);
    }
  }

  private static final java.util.Set<Metric> EVENT_ONLY = java.util.EnumSet.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.EVENTS);
  private static final java.util.Set<Dimension> NOT_ON_EVENTS = java.util.EnumSet.of(Dimension.ENTRY_PAGE, Dimension.EXIT_PAGE,
      Dimension.SCREEN);

  /**
   * Whether the query can be answered from events alone, without reading sessions: only visitors,
   * pageviews and events (all by event time), no event-level filter, and only attributes every
   * event carries (an event carries its session's acquisition and device attributes, so a session
   * attribute's filter or row is the same on the event). Sessions are counted by their start from
   * {@code sessions}, so a query asking for them takes the general plan. The oracle test checks
   * both paths.
   */
  static boolean eventsOnly(QuerySpec q) {
    return q.metrics().stream().allMatch(EVENT_ONLY::contains)
        && q.filters().stream().allMatch(f -> f.dimension().kind() == Dimension.Kind.SESSION && !NOT_ON_EVENTS.contains(f.dimension()))
        && q.dimensions().stream().noneMatch(NOT_ON_EVENTS::contains)
        && q.dimensions().stream().allMatch(d -> d.kind() != Dimension.Kind.EVENT || d == Dimension.PAGE);
  }

  static Plan plan(QuerySpec q) {
    return plan(q, null);
  }

  /** @param flags when not null, visitors are counted from first-occurrence flags ({@link FlagVisitors}) */
  static Plan plan(QuerySpec q, FlagVisitors flags) {
    return eventsOnly(q) ? eventPlan(q, flags) : new SessionPlan(q, flags).build();
  }

  /** One pass over the events, grouped directly: no per-session aggregation, no materialised intermediate. */
  private static Plan eventPlan(QuerySpec q, FlagVisitors flags) {
    List<Object> params = new ArrayList<>();
    params.add(q.siteId());
    params.add(OffsetDateTime.ofInstant(q.start(), ZoneOffset.UTC));
    params.add(OffsetDateTime.ofInstant(q.end(), ZoneOffset.UTC));
    params.add(q.zone().getId());
    List<String> where = new ArrayList<>(List.of("e.site_id = $1", "e.ts >= $2", "e.ts < $3", "$4::text is not null"));
    for (Filter f : q.filters()) {
      params.add(f.values().toArray(String[]::new));
      where.add(condition(f.operator(), f.dimension().sql().replace("s.", "e."), "$" + params.size() + "::text[]"));
    }
    Dimension d = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    String visitors = "count(distinct e.visitor_id)";
    if (flags != null) {
      String unit = d != null && d.kind() == Dimension.Kind.TIME ? d.sql() : null;
      params.addAll(flags.params(unit));
      visitors = flags.visitors("e", "$" + (params.size() - 1) + "::date", "$" + params.size() + "::date", unit);
    }
    // a count(distinct) costs a sort per group: only the ones asked for
    String aggregates = (q.metrics().contains(Metric.VISITORS) ? visitors : "0") + " as visitors, 0 as sessions, "
        + "count(*) filter (where e.type = 'pageview') as pageviews, count(*) filter (where e.type <> 'engagement') as events, "
        + "0 as pv_sum, 0 as bounces, 0 as duration_sum, 0 as clickers, null::numeric as scroll_avg";
    String from = " from events e where " + String.join(" and ", where);
    StringBuilder sql = new StringBuilder();
    if (d == null) {
      sql.append("select ").append(aggregates).append(from);
    } else if (d.kind() == Dimension.Kind.TIME) {
      String unit = d.sql();
      sql.append("with buckets as (select generate_series(date_trunc('").append(unit).append("', $2 at time zone $4), ")
          .append("($3 at time zone $4) - interval '1 microsecond', interval '1 ").append(unit).append("') as b), ")
          .append("g as (select date_trunc('").append(unit).append("', e.ts at time zone $4) as b, ").append(aggregates).append(from)
          .append(" group by 1) select buckets.b as d0, coalesce(g.visitors, 0) as visitors, 0 as sessions, ")
          .append("coalesce(g.pageviews, 0) as pageviews, coalesce(g.events, 0) as events, 0 as pv_sum, 0 as bounces, ")
          .append("0 as duration_sum, 0 as clickers, null::numeric as scroll_avg from buckets left join g on g.b = buckets.b order by buckets.b");
    } else if (d.kind() == Dimension.Kind.EVENT) {
      // a page's visitors are those with a pageview of it; its events, the non-engagement events on it
      sql.append("select e.pathname as d0, ").append(!q.metrics().contains(Metric.VISITORS) ? "0"
              : flags != null ? visitors : "count(distinct e.visitor_id) filter (where e.type = 'pageview')").append(" as visitors, 0 as sessions, ")
          .append("count(*) filter (where e.type = 'pageview') as pageviews, count(*) filter (where e.type <> 'engagement') as events, ")
          .append("0 as pv_sum, 0 as bounces, 0 as duration_sum, 0 as clickers, null::numeric as scroll_avg").append(from)
          .append(" group by 1 having count(*) filter (where e.type = 'pageview') > 0");
    } else {
      List<String> cols = new ArrayList<>();
      for (int i = 0; i < q.dimensions().size(); i++) {
        cols.add(q.dimensions().get(i).sql().replace("s.", "e.") + " as d" + i);
      }
      String groupBy = String.join(", ", java.util.stream.IntStream.rangeClosed(1, cols.size()).mapToObj(Integer::toString).toList());
      sql.append("select ").append(String.join(", ", cols)).append(", ").append(aggregates).append(from).append(" group by ").append(groupBy);
    }
    return new Plan(sql.toString(), params);
  }

  /** A filter on a column; null values never match a value (so negations keep them). */
  static String condition(Operator op, String column, String values) {
    String any = switch (op) {
      case IS, IS_NOT -> column + " = any(" + values + ")";
      case CONTAINS, NOT_CONTAINS -> "exists (select 1 from unnest(" + values + ") v where strpos(lower(" + column + "), lower(v)) > 0)";
      case STARTS_WITH -> "exists (select 1 from unnest(" + values + ") v where left(" + column + ", length(v)) = v)";
      case ENDS_WITH -> "exists (select 1 from unnest(" + values + ") v where right(" + column + ", length(v)) = v)";
    };
    return op.negated() ? "(" + column + " is null or not coalesce(" + any + ", false))" : "coalesce(" + any + ", false)";
  }


}
