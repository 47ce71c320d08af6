package io.sightline.query;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the SQL of one query over raw events. Column names come from {@link Dimension} (an
 * allow-list); every value is a bound parameter ($1 site, $2 start, $3 end, $4 time zone, then one
 * text[] per filter).
 *
 * <p>Shape: {@code ev} = the site's events in [start, end); {@code ses} = one row per session with
 * its in-range aggregates and attributes; {@code s} = the sessions that pass the filters (a page
 * filter keeps sessions with a matching pageview); {@code fe} = the counted events (the selected
 * sessions' events, only those on matching pages when a page filter is given). Each result row
 * carries: visitors, sessions, pageviews, events, pv_sum (whole in-range pageviews of the
 * sessions), bounces, duration_sum, clickers; {@link QueryEngine} derives the ratios.
 */
final class QuerySql {
  private QuerySql() {
  }

  record Plan(String sql, List<Object> params) {
  }

  private static final java.util.Set<Metric> EVENT_ONLY = java.util.EnumSet.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.EVENTS);
  private static final java.util.Set<Dimension> NOT_ON_EVENTS = java.util.EnumSet.of(Dimension.ENTRY_PAGE, Dimension.EXIT_PAGE,
      Dimension.SCREEN);

  /**
   * Whether the query can be answered from events alone, without the per-session pass: only
   * visitors, pageviews and events (and sessions, unless grouped by time), no page filter, and
   * only attributes every event carries. The answer is the same by definition (an event carries its
   * session's attributes); the oracle test checks both paths.
   */
  static boolean eventsOnly(QuerySpec q) {
    boolean time = !q.dimensions().isEmpty() && q.dimensions().get(0).kind() == Dimension.Kind.TIME;
    return q.metrics().stream().allMatch(m -> EVENT_ONLY.contains(m) || m == Metric.SESSIONS && !time)
        && q.filters().stream().allMatch(f -> f.dimension().kind() == Dimension.Kind.SESSION && !NOT_ON_EVENTS.contains(f.dimension()))
        && q.dimensions().stream().noneMatch(NOT_ON_EVENTS::contains);
  }

  static Plan plan(QuerySpec q) {
    return eventsOnly(q) ? eventPlan(q) : sessionPlan(q);
  }

  /** One pass over the events, grouped directly: no per-session aggregation, no materialised intermediate. */
  private static Plan eventPlan(QuerySpec q) {
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
    // a count(distinct) costs a sort per group: only the ones asked for
    String aggregates = (q.metrics().contains(Metric.VISITORS) ? "count(distinct e.visitor_id)" : "0") + " as visitors, "
        + (q.metrics().contains(Metric.SESSIONS) ? "count(distinct e.session_id)" : "0") + " as sessions, "
        + "count(*) filter (where e.type = 'pageview') as pageviews, count(*) filter (where e.type <> 'engagement') as events, "
        + "0 as pv_sum, 0 as bounces, 0 as duration_sum, 0 as clickers, null::numeric as scroll_avg";
    String from = " from events e where " + String.join(" and ", where);
    Dimension d = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
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
      // a page's visitors and sessions are those with a pageview of it; its events, the non-engagement events on it
      sql.append("select e.pathname as d0, count(distinct e.visitor_id) filter (where e.type = 'pageview') as visitors, ")
          .append("count(distinct e.session_id) filter (where e.type = 'pageview') as sessions, ")
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

  private static Plan sessionPlan(QuerySpec q) {
    List<Object> params = new ArrayList<>();
    params.add(q.siteId());
    params.add(OffsetDateTime.ofInstant(q.start(), ZoneOffset.UTC));
    params.add(OffsetDateTime.ofInstant(q.end(), ZoneOffset.UTC));
    params.add(q.zone().getId());
    List<String> sessionConditions = new ArrayList<>();
    List<String> pageConditions = new ArrayList<>();
    for (Filter f : q.filters()) {
      params.add(f.values().toArray(String[]::new));
      String placeholder = "$" + params.size() + "::text[]";
      if (f.dimension().kind() == Dimension.Kind.EVENT) {
        pageConditions.add(condition(f.operator(), "e.pathname", placeholder));
      } else {
        sessionConditions.add(condition(f.operator(), f.dimension().sql(), placeholder));
      }
    }
    String pageMatch = pageConditions.isEmpty() ? "true" : String.join(" and ", pageConditions);
    // only the session attributes this query groups or filters by are aggregated (each costs a pass over the events)
    java.util.Set<Dimension> used = new java.util.LinkedHashSet<>();
    q.dimensions().stream().filter(x -> x.kind() == Dimension.Kind.SESSION).forEach(used::add);
    q.filters().stream().map(Filter::dimension).filter(x -> x.kind() == Dimension.Kind.SESSION).forEach(used::add);
    List<String> attributes = new ArrayList<>();
    List<String> sessionColumns = new ArrayList<>();
    for (Dimension u : used) {
      switch (u) {
        case ENTRY_PAGE -> sessionColumns.add("(array_agg(e.pathname order by e.ts, e.event_id) filter (where e.type = 'pageview'))[1] as entry_page");
        case EXIT_PAGE -> sessionColumns.add("(array_agg(e.pathname order by e.ts desc, e.event_id desc) filter (where e.type = 'pageview'))[1] as exit_page");
        case SCREEN -> {
          attributes.add("screen_width");
          sessionColumns.add("min(e.screen_width) as screen_width");
        }
        default -> {
          String column = u.sql().substring(2);
          attributes.add(column);
          sessionColumns.add("min(e." + column + ") as " + column);
        }
      }
    }
    boolean scroll = q.metrics().contains(Metric.AVG_SCROLL) || q.metrics().contains(Metric.ENGAGEMENT);
    boolean filtered = !sessionConditions.isEmpty() || !pageConditions.isEmpty();
    StringBuilder sql = new StringBuilder();
    sql.append("with ev as (select e.event_id, e.session_id, e.visitor_id, e.ts, e.type, e.pathname, e.interactive")
        .append(scroll ? ", e.page_visit_id, e.scroll_depth" : "")
        .append(attributes.isEmpty() ? "" : ", " + prefixed("e.", String.join(", ", attributes)))
        .append(" from events e where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and $4::text is not null), ") // $4 (zone) is used by time buckets
        .append("ses as (select e.session_id, min(e.visitor_id) as visitor_id, min(e.ts) as first_ts, max(e.ts) as last_ts, ")
        .append("count(*) filter (where e.type = 'pageview') as pv, ")
        .append("coalesce(bool_or(e.interactive and e.type in ('custom', 'click', 'form')), false) as inter, ")
        .append("bool_or(e.type = 'click') as clicked, count(*) filter (where e.type <> 'engagement') as evc")
        .append(sessionColumns.isEmpty() ? "" : ", " + String.join(", ", sessionColumns))
        .append(" from ev e group by e.session_id), ")
        .append("s as (select x.*, ")
        .append(used.contains(Dimension.SCREEN) ? "case when x.screen_width is null then null when x.screen_width < 576 then 'Mobile' "
            + "when x.screen_width < 992 then 'Tablet' when x.screen_width < 1440 then 'Laptop' else 'Desktop' end as screen, " : "")
        .append("(x.pv = 1 and not x.inter) as bounce, ")
        .append("case when x.pv = 1 and not x.inter then 0 else extract(epoch from x.last_ts - x.first_ts) end as duration ")
        .append("from ses x) , ")
        .append("fs as (select * from s where ")
        .append(sessionConditions.isEmpty() ? "true" : String.join(" and ", sessionConditions));
    if (!pageConditions.isEmpty()) {
      sql.append(" and s.session_id in (select e.session_id from ev e where e.type = 'pageview' and ").append(pageMatch).append(")");
    }
    Dimension first = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    // without a page filter, scroll or event-level grouping, the counted events are the selected sessions' events, so
    // pageviews and events are sums over sessions: the events are then read once, not materialised and read again
    boolean sessionsOnly = pageConditions.isEmpty() && !scroll && (first == null || first.kind() == Dimension.Kind.SESSION);
    sql.append(")");
    if (!sessionsOnly) {
      sql.append(", fe as (")
          .append(filtered ? "select e.* from ev e join fs on fs.session_id = e.session_id where " + pageMatch : "select * from ev")
          .append("), sc as (")
          .append(scroll ? "select e.page_visit_id, max(e.scroll_depth) as sd from ev e where e.type = 'engagement' "
              + "and e.scroll_depth is not null and e.page_visit_id is not null group by 1"
              : "select null::bigint as page_visit_id, null::integer as sd where false")
          .append(")");
    }
    sql.append(" ");

    Dimension d = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    String sessionAggregates = "count(distinct fs.visitor_id) as visitors, count(*) as sessions, coalesce(sum(fs.pv), 0) as pv_sum, "
        + "count(*) filter (where fs.bounce) as bounces, coalesce(sum(fs.duration), 0) as duration_sum, "
        + "count(*) filter (where fs.clicked) as clickers";
    String eventAggregates = "count(*) filter (where fe.type = 'pageview') as pageviews, count(*) filter (where fe.type <> 'engagement') as events, "
        + "avg(sc.sd) filter (where fe.type = 'pageview') as scroll_avg";
    String withScroll = " left join sc on sc.page_visit_id = fe.event_id";
    String fromSessions = ", coalesce(sum(fs.pv), 0) as pageviews, coalesce(sum(fs.evc), 0) as events, null::numeric as scroll_avg";
    if (d == null && sessionsOnly) {
      sql.append("select ").append(sessionAggregates).append(fromSessions).append(" from fs");
    } else if (d == null) {
      sql.append("select g.*, c.pageviews, c.events, c.scroll_avg from (select ").append(sessionAggregates).append(" from fs) g, (select ")
          .append(eventAggregates).append(" from fe").append(withScroll).append(") c");
    } else if (d.kind() == Dimension.Kind.SESSION && sessionsOnly) {
      List<String> cols = new ArrayList<>();
      for (int i = 0; i < q.dimensions().size(); i++) {
        cols.add(q.dimensions().get(i).sql().replace("s.", "fs.") + " as d" + i);
      }
      String groupBy = String.join(", ", java.util.stream.IntStream.rangeClosed(1, cols.size()).mapToObj(Integer::toString).toList());
      sql.append("select ").append(String.join(", ", cols)).append(", ").append(sessionAggregates).append(fromSessions)
          .append(" from fs group by ").append(groupBy);
    } else if (d.kind() == Dimension.Kind.SESSION) {
      List<String> cols = new ArrayList<>();
      List<String> ds = new ArrayList<>();
      List<String> on = new ArrayList<>();
      for (int i = 0; i < q.dimensions().size(); i++) {
        cols.add(q.dimensions().get(i).sql().replace("s.", "fs.") + " as d" + i);
        ds.add("g.d" + i);
        on.add("c.d" + i + " is not distinct from g.d" + i);
      }
      String groupBy = String.join(", ", java.util.stream.IntStream.rangeClosed(1, cols.size()).mapToObj(Integer::toString).toList());
      sql.append("select ").append(String.join(", ", ds)).append(", g.visitors, g.sessions, g.pv_sum, g.bounces, g.duration_sum, g.clickers, ")
          .append("coalesce(c.pageviews, 0) as pageviews, coalesce(c.events, 0) as events, c.scroll_avg from (select ")
          .append(String.join(", ", cols)).append(", ").append(sessionAggregates).append(" from fs group by ").append(groupBy)
          .append(") g left join (select ").append(String.join(", ", cols)).append(", ").append(eventAggregates)
          .append(" from fe join fs on fs.session_id = fe.session_id").append(withScroll).append(" group by ").append(groupBy)
          .append(") c on ").append(String.join(" and ", on));
    } else if (d.kind() == Dimension.Kind.EVENT) {
      sql.append("select g.d as d0, g.visitors, g.sessions, m.pv_sum, m.bounces, m.duration_sum, m.clickers, g.pageviews, ")
          .append("coalesce(c.events, 0) as events, c.scroll_avg ")
          .append("from (select fe.pathname as d, count(*) as pageviews, count(distinct fe.visitor_id) as visitors, ")
          .append("count(distinct fe.session_id) as sessions from fe where fe.type = 'pageview' group by 1) g ")
          .append("join (select p.d, coalesce(sum(fs.pv), 0) as pv_sum, count(*) filter (where fs.bounce) as bounces, ")
          .append("coalesce(sum(fs.duration), 0) as duration_sum, count(*) filter (where fs.clicked) as clickers ")
          .append("from (select distinct fe.pathname as d, fe.session_id from fe where fe.type = 'pageview') p ")
          .append("join fs on fs.session_id = p.session_id group by 1) m on m.d = g.d ")
          .append("left join (select fe.pathname as d, count(*) filter (where fe.type <> 'engagement') as events, ")
          .append("avg(sc.sd) filter (where fe.type = 'pageview') as scroll_avg from fe").append(withScroll).append(" group by 1) c on c.d = g.d");
    } else {
      String unit = d.sql();
      String step = "interval '1 " + unit + "'";
      sql.append(", buckets as (select generate_series(date_trunc('").append(unit).append("', $2 at time zone $4), ")
          .append("($3 at time zone $4) - interval '1 microsecond', ").append(step).append(") as b), ")
          .append("ge as (select date_trunc('").append(unit).append("', fe.ts at time zone $4) as b, count(distinct fe.visitor_id) as visitors, ")
          .append(eventAggregates).append(" from fe").append(withScroll).append(" group by 1), ")
          .append("gs as (select date_trunc('").append(unit).append("', fs.first_ts at time zone $4) as b, count(*) as sessions, ")
          .append("coalesce(sum(fs.pv), 0) as pv_sum, count(*) filter (where fs.bounce) as bounces, ")
          .append("coalesce(sum(fs.duration), 0) as duration_sum, count(*) filter (where fs.clicked) as clickers from fs group by 1) ")
          .append("select buckets.b as d0, coalesce(ge.visitors, 0) as visitors, coalesce(gs.sessions, 0) as sessions, ge.scroll_avg, ")
          .append("coalesce(gs.pv_sum, 0) as pv_sum, coalesce(gs.bounces, 0) as bounces, coalesce(gs.duration_sum, 0) as duration_sum, ")
          .append("coalesce(gs.clickers, 0) as clickers, coalesce(ge.pageviews, 0) as pageviews, coalesce(ge.events, 0) as events ")
          .append("from buckets left join ge on ge.b = buckets.b left join gs on gs.b = buckets.b order by buckets.b");
    }
    return new Plan(sql.toString(), params);
  }

  /** A filter on a column; null values never match a value (so negations keep them). */
  private static String condition(Operator op, String column, String values) {
    String any = switch (op) {
      case IS, IS_NOT -> column + " = any(" + values + ")";
      case CONTAINS, NOT_CONTAINS -> "exists (select 1 from unnest(" + values + ") v where strpos(lower(" + column + "), lower(v)) > 0)";
      case STARTS_WITH -> "exists (select 1 from unnest(" + values + ") v where left(" + column + ", length(v)) = v)";
      case ENDS_WITH -> "exists (select 1 from unnest(" + values + ") v where right(" + column + ", length(v)) = v)";
    };
    return op.negated() ? "(" + column + " is null or not coalesce(" + any + ", false))" : "coalesce(" + any + ", false)";
  }

  private static String prefixed(String prefix, String columns) {
    return String.join(", ", java.util.Arrays.stream(columns.split(",\\s*")).map(c -> prefix + c).toList());
  }

}
