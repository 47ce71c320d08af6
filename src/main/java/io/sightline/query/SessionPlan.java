package io.sightline.query;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The general plan over raw events: {@code ev} = the site's events in [start, end) (with the goal
 * flag and the pageview order where asked for); {@code ses} = one row per session with its in-range
 * aggregates and attributes; {@code s} adds bounce, duration and new-visitor flags; {@code fs} = the
 * sessions that pass the filters; {@code fe} = the counted events (the selected sessions' events
 * that match every event-level filter).
 *
 * <p>Session-level filters (source, entry page...) keep the sessions whose attribute matches;
 * event-level filters (page, event name, goal, property...) keep the sessions with at least one
 * event that matches all of them (a pageview when only page or hostname filters are given) and
 * count only the matching events. Every row carries the columns of {@link #SESSION_COLUMNS} and
 * {@link #EVENT_COLUMNS}; {@link QueryEngine} derives the metrics from them.
 *
 * <p>Parameters: $1 site, $2 start, $3 end, $4 zone, then (when goals are used) $5-$7 the goals'
 * names, types and patterns, then property keys and filter values as they come.
 */
final class SessionPlan {
  static final List<String> SESSION_COLUMNS = List.of("visitors", "sessions", "pv_sum", "bounces", "duration_sum", "clickers",
      "converters", "new_sessions");
  static final List<String> EVENT_COLUMNS = List.of("pageviews", "events", "scroll_avg", "conversions", "revenue_sum", "revenue_n",
      "entrances", "exits", "top_sum", "top_n", "forms");
  private static final Set<String> NULLABLE = Set.of("scroll_avg", "revenue_sum");
  private static final Set<Metric> NEED_COUNTED_EVENTS = EnumSet.of(Metric.CONVERSIONS, Metric.TOTAL_REVENUE,
      Metric.AVERAGE_REVENUE, Metric.ENTRANCES, Metric.EXITS, Metric.TIME_ON_PAGE, Metric.AVG_SCROLL, Metric.ENGAGEMENT,
      Metric.TOTAL_TIME_ON_PAGE, Metric.FORM_SUBMISSIONS);
  /** The goals, read once into a CTE (an unnest per event would cost a function scan per row). */
  private static final String GOALS = "gl g";
  private static final String GOALS_CTE = "gl as materialized (select * from unnest($5::text[], $6::text[], $7::text[]) u(name, type, pattern)), ";

  private final QuerySpec q;
  private final List<Object> params = new ArrayList<>();
  private final boolean goals;
  private final boolean scroll;
  private final boolean pageOrder;
  private final boolean revenue;
  private final boolean newVisitors;
  private final Dimension first;

  SessionPlan(QuerySpec q) {
    this.q = q;
    this.first = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    this.goals = q.needsGoals();
    this.scroll = q.metrics().contains(Metric.AVG_SCROLL) || q.metrics().contains(Metric.ENGAGEMENT);
    this.pageOrder = q.metrics().stream().anyMatch(m -> m == Metric.ENTRANCES || m == Metric.EXITS || m == Metric.TIME_ON_PAGE
        || m == Metric.TOTAL_TIME_ON_PAGE);
    this.revenue = q.metrics().contains(Metric.TOTAL_REVENUE) || q.metrics().contains(Metric.AVERAGE_REVENUE);
    this.newVisitors = q.metrics().contains(Metric.NEW_VISITOR_SESSIONS);
    params.add(q.siteId());
    params.add(OffsetDateTime.ofInstant(q.start(), ZoneOffset.UTC));
    params.add(OffsetDateTime.ofInstant(q.end(), ZoneOffset.UTC));
    params.add(q.zone().getId());
    if (goals) {
      params.add(q.goals().stream().map(GoalMatch::name).toArray(String[]::new));
      params.add(q.goals().stream().map(GoalMatch::type).toArray(String[]::new));
      params.add(q.goals().stream().map(GoalMatch::pattern).toArray(String[]::new));
    }
  }

  /** Whether event {@code e} completes goal {@code g} (columns of the goals' unnest). */
  static String goalMatches(String g, String e) {
    return "(" + g + ".type = 'pageview' and " + e + ".type = 'pageview' and " + e + ".pathname like " + g + ".pattern escape '\\' "
        + "or " + g + ".type = 'custom' and " + e + ".type = 'custom' and " + e + ".name = " + g + ".pattern "
        + "or " + g + ".type = 'click' and " + e + ".type = 'click' and (" + e + ".target_label = " + g + ".pattern or "
        + e + ".target_secondary = " + g + ".pattern) "
        + "or " + g + ".type = 'form' and " + e + ".type = 'form' and (" + g + ".pattern = '*' or " + e + ".target_label = "
        + g + ".pattern or " + e + ".target_secondary = " + g + ".pattern))";
  }

  private String bind(Object value, String cast) {
    params.add(value);
    return "$" + params.size() + "::" + cast;
  }

  /** The SQL expression of an event dimension over alias {@code a}. */
  private String eventExpression(Dimension d, String key, String a) {
    if (d == Dimension.PROPS) {
      return a + ".props ->> " + bind(key, "text");
    }
    return d.sql().replaceAll("\\be\\.", a + ".");
  }

  private String eventCondition(Filter f) {
    String values = bind(f.values().toArray(String[]::new), "text[]");
    if (f.dimension() == Dimension.GOAL) {
      Operator positive = switch (f.operator()) {
        case IS_NOT -> Operator.IS;
        case NOT_CONTAINS -> Operator.CONTAINS;
        default -> f.operator();
      };
      String exists = "exists (select 1 from " + GOALS + " where " + goalMatches("g", "e") + " and "
          + QuerySql.condition(positive, "g.name", values) + ")";
      return f.operator().negated() ? "not " + exists : exists;
    }
    if (f.dimension() == Dimension.TAG) {
      String exists = "exists (select 1 from unnest(e.tags) t(tag) where " + QuerySql.condition(positive(f.operator()), "t.tag", values) + ")";
      return f.operator().negated() ? "not " + exists : exists;
    }
    return QuerySql.condition(f.operator(), eventExpression(f.dimension(), f.key(), "e"), values);
  }

  private static Operator positive(Operator op) {
    return switch (op) {
      case IS_NOT -> Operator.IS;
      case NOT_CONTAINS -> Operator.CONTAINS;
      default -> op;
    };
  }

  /** The event columns the query reads besides the always-needed ones. */
  private Set<String> eventColumns(Set<Dimension> sessionAttributes, Set<Dimension> eventDimensions) {
    Set<String> columns = new LinkedHashSet<>();
    if (scroll) {
      columns.add("page_visit_id");
      columns.add("scroll_depth");
    }
    if (revenue) {
      columns.add("revenue_amount");
    }
    for (Dimension u : sessionAttributes) {
      switch (u) {
        case ENTRY_PAGE, EXIT_PAGE -> { }
        case SCREEN -> columns.add("screen_width");
        default -> columns.add(u.sql().substring(2));
      }
    }
    for (Dimension d : eventDimensions) {
      switch (d) {
        case HOSTNAME -> columns.add("hostname");
        case EVENT_NAME -> columns.add("name");
        case CLICK_TARGET -> columns.add("target_label");
        case FORM_TARGET -> columns.addAll(List.of("target_label", "target_secondary"));
        case PROPS -> columns.add("props");
        case GOAL -> columns.addAll(List.of("name", "target_label", "target_secondary"));
        case TAG -> columns.add("tags");
        case TARGET_SECONDARY -> columns.add("target_secondary");
        default -> { }
      }
    }
    return columns;
  }

  QuerySql.Plan build() {
    List<String> sessionConditions = new ArrayList<>();
    List<String> eventConditions = new ArrayList<>();
    Set<Dimension> eventFilterDimensions = new LinkedHashSet<>();
    for (Filter f : q.filters()) {
      if (f.dimension().kind() == Dimension.Kind.EVENT) {
        eventConditions.add(eventCondition(f));
        eventFilterDimensions.add(f.dimension());
      } else {
        sessionConditions.add(QuerySql.condition(f.operator(), f.dimension().sql(), bind(f.values().toArray(String[]::new), "text[]")));
      }
    }
    String eventMatch = eventConditions.isEmpty() ? "true" : String.join(" and ", eventConditions);
    // only the session attributes this query groups or filters by are aggregated (each costs a pass over the events)
    Set<Dimension> used = new LinkedHashSet<>();
    q.dimensions().stream().filter(x -> x.kind() == Dimension.Kind.SESSION).forEach(used::add);
    q.filters().stream().map(Filter::dimension).filter(x -> x.kind() == Dimension.Kind.SESSION).forEach(used::add);
    Set<Dimension> eventDimensions = new LinkedHashSet<>(eventFilterDimensions);
    q.dimensions().stream().filter(x -> x.kind() == Dimension.Kind.EVENT).forEach(eventDimensions::add);
    List<String> sessionColumns = new ArrayList<>();
    for (Dimension u : used) {
      switch (u) {
        case ENTRY_PAGE -> sessionColumns.add("(array_agg(e.pathname order by e.ts, e.event_id) filter (where e.type = 'pageview'))[1] as entry_page");
        case EXIT_PAGE -> sessionColumns.add("(array_agg(e.pathname order by e.ts desc, e.event_id desc) filter (where e.type = 'pageview'))[1] as exit_page");
        case SCREEN -> sessionColumns.add("min(e.screen_width) as screen_width");
        default -> sessionColumns.add("min(e." + u.sql().substring(2) + ") as " + u.sql().substring(2));
      }
    }
    boolean sessionsOnly = eventConditions.isEmpty() && (first == null || first.kind() == Dimension.Kind.SESSION)
        && q.metrics().stream().noneMatch(NEED_COUNTED_EVENTS::contains);

    StringBuilder sql = new StringBuilder("with ").append(goals ? GOALS_CTE : "")
        .append("ev as (select e.event_id, e.session_id, e.visitor_id, e.ts, e.type, e.pathname, e.interactive");
    for (String c : eventColumns(used, eventDimensions)) {
      sql.append(", e.").append(c);
    }
    if (goals) {
      sql.append(", exists (select 1 from ").append(GOALS).append(" where ").append(goalMatches("g", "e")).append(") as conv");
    }
    if (pageOrder) {
      String pageviews = "count(*) filter (where e.type = 'pageview') over (partition by e.session_id";
      sql.append(", case when e.type = 'pageview' then ").append(pageviews)
          .append(" order by e.ts, e.event_id rows between unbounded preceding and current row) end as pv_rank, ")
          .append(pageviews).append(") as pv_total, case when e.type = 'pageview' then min(e.ts) filter (where e.type = 'pageview') ")
          .append("over (partition by e.session_id order by e.ts, e.event_id rows between 1 following and unbounded following) end as next_pv_ts");
    }
    sql.append(" from events e where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and $4::text is not null), ") // $4 (zone) is used by time buckets
        .append("ses as (select e.session_id, min(e.visitor_id) as visitor_id, min(e.ts) as first_ts, max(e.ts) as last_ts, ")
        .append("count(*) filter (where e.type = 'pageview') as pv, ")
        .append("coalesce(bool_or(e.interactive and e.type in ('custom', 'click', 'form')), false) as inter, ")
        .append("bool_or(e.type = 'click') as clicked, count(*) filter (where e.type <> 'engagement') as evc")
        .append(goals ? ", bool_or(e.conv) as converted" : "")
        .append(sessionColumns.isEmpty() ? "" : ", " + String.join(", ", sessionColumns))
        .append(" from ev e group by e.session_id), ")
        .append("s as (select x.*, ")
        .append(used.contains(Dimension.SCREEN) ? "case when x.screen_width is null then null when x.screen_width < 576 then 'Mobile' "
            + "when x.screen_width < 992 then 'Tablet' when x.screen_width < 1440 then 'Laptop' else 'Desktop' end as screen, " : "")
        .append(newVisitors ? "not exists (select 1 from sessions p where p.site_id = $1 and p.visitor_id = x.visitor_id "
            + "and p.started_at < x.first_ts and p.session_id <> x.session_id) as new_session, " : "")
        .append("(x.pv = 1 and not x.inter) as bounce, ")
        .append("case when x.pv = 1 and not x.inter then 0 else extract(epoch from x.last_ts - x.first_ts) end as duration ")
        .append("from ses x), ")
        .append("fs as (select * from s where ")
        .append(sessionConditions.isEmpty() ? "true" : String.join(" and ", sessionConditions));
    if (!eventConditions.isEmpty()) {
      sql.append(" and s.session_id in (select e.session_id from ev e where ").append(membership(eventFilterDimensions))
          .append(" and ").append(eventMatch).append(")");
    }
    sql.append(")");
    if (!sessionsOnly) {
      sql.append(", fe as (")
          .append(sessionConditions.isEmpty() && eventConditions.isEmpty() ? "select * from ev"
              : "select e.* from ev e join fs on fs.session_id = e.session_id where " + eventMatch)
          .append("), sc as (")
          .append(scroll ? "select e.page_visit_id, max(e.scroll_depth) as sd from ev e where e.type = 'engagement' "
              + "and e.scroll_depth is not null and e.page_visit_id is not null group by 1"
              : "select null::bigint as page_visit_id, null::integer as sd where false")
          .append(")");
    }
    sql.append(" ");
    if (first == null) {
      totals(sql, sessionsOnly);
    } else if (first.kind() == Dimension.Kind.SESSION) {
      bySessionAttributes(sql, sessionsOnly);
    } else if (first.kind() == Dimension.Kind.EVENT) {
      byEventAttribute(sql);
    } else {
      byTime(sql);
    }
    return new QuerySql.Plan(sql.toString(), params);
  }

  /** Which events an event-level filter looks at: pageviews for page and hostname filters alone, else any but engagement beacons. */
  private static String membership(Set<Dimension> filtered) {
    boolean pagesOnly = filtered.stream().allMatch(d -> d == Dimension.PAGE || d == Dimension.HOSTNAME);
    if (pagesOnly) {
      return "e.type = 'pageview'";
    }
    return filtered.stream().filter(d -> d != Dimension.PAGE && d != Dimension.HOSTNAME).map(d -> d.membership("e"))
        .distinct().collect(Collectors.joining(" and "));
  }

  private String sessionAggregates(String a, boolean withCounts) {
    return (withCounts ? "count(distinct " + a + ".visitor_id) as visitors, count(*) as sessions, " : "")
        + "coalesce(sum(" + a + ".pv), 0) as pv_sum, count(*) filter (where " + a + ".bounce) as bounces, "
        + "coalesce(sum(" + a + ".duration), 0) as duration_sum, count(*) filter (where " + a + ".clicked) as clickers, "
        + (goals ? "count(distinct " + a + ".visitor_id) filter (where " + a + ".converted)" : "0") + " as converters, "
        + (newVisitors ? "count(*) filter (where " + a + ".new_session)" : "0") + " as new_sessions";
  }

  private String eventAggregates(String a) {
    return "count(*) filter (where " + a + ".type = 'pageview') as pageviews, count(*) filter (where " + a + ".type <> 'engagement') as events, "
        + (scroll ? "avg(sc.sd) filter (where " + a + ".type = 'pageview')" : "null::numeric") + " as scroll_avg, "
        + (goals ? "count(*) filter (where " + a + ".conv)" : "0") + " as conversions, "
        + (revenue ? "sum(" + a + ".revenue_amount) filter (where " + a + ".type <> 'engagement')" : "null::numeric") + " as revenue_sum, "
        + (revenue ? "count(" + a + ".revenue_amount) filter (where " + a + ".type <> 'engagement')" : "0") + " as revenue_n, "
        + (pageOrder ? "count(*) filter (where " + a + ".pv_rank = 1)" : "0") + " as entrances, "
        + (pageOrder ? "count(*) filter (where " + a + ".pv_rank = " + a + ".pv_total)" : "0") + " as exits, "
        + (pageOrder ? "coalesce(sum(extract(epoch from " + a + ".next_pv_ts - " + a + ".ts)), 0)" : "0") + " as top_sum, "
        + (pageOrder ? "count(" + a + ".next_pv_ts)" : "0") + " as top_n, "
        + "count(*) filter (where " + a + ".type = 'form') as forms";
  }

  /** pageviews and events as sums over sessions, when every event of the selected sessions counts. */
  private static String eventColumnsFromSessions() {
    return "coalesce(sum(fs.pv), 0) as pageviews, coalesce(sum(fs.evc), 0) as events, null::numeric as scroll_avg, 0 as conversions, "
        + "null::numeric as revenue_sum, 0 as revenue_n, 0 as entrances, 0 as exits, 0 as top_sum, 0 as top_n, 0 as forms";
  }

  private static String selectColumns(String alias, List<String> columns) {
    return columns.stream().map(c -> NULLABLE.contains(c) ? alias + "." + c : "coalesce(" + alias + "." + c + ", 0) as " + c)
        .collect(Collectors.joining(", "));
  }

  private static final String WITH_SCROLL = " left join sc on sc.page_visit_id = ";

  private void totals(StringBuilder sql, boolean sessionsOnly) {
    if (sessionsOnly) {
      sql.append("select ").append(sessionAggregates("fs", true)).append(", ").append(eventColumnsFromSessions()).append(" from fs");
    } else {
      sql.append("select g.*, c.* from (select ").append(sessionAggregates("fs", true)).append(" from fs) g, (select ")
          .append(eventAggregates("fe")).append(" from fe").append(WITH_SCROLL).append("fe.event_id) c");
    }
  }

  private void bySessionAttributes(StringBuilder sql, boolean sessionsOnly) {
    List<String> cols = new ArrayList<>();
    List<String> ds = new ArrayList<>();
    List<String> on = new ArrayList<>();
    for (int i = 0; i < q.dimensions().size(); i++) {
      cols.add(q.dimensions().get(i).sql().replace("s.", "fs.") + " as d" + i);
      ds.add("g.d" + i);
      on.add("c.d" + i + " is not distinct from g.d" + i);
    }
    String groupBy = IntStream.rangeClosed(1, cols.size()).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    if (sessionsOnly) {
      sql.append("select ").append(String.join(", ", cols)).append(", ").append(sessionAggregates("fs", true)).append(", ")
          .append(eventColumnsFromSessions()).append(" from fs group by ").append(groupBy);
      return;
    }
    sql.append("select g.*, ").append(selectColumns("c", EVENT_COLUMNS)).append(" from (select ")
        .append(String.join(", ", cols)).append(", ").append(sessionAggregates("fs", true)).append(" from fs group by ").append(groupBy)
        .append(") g left join (select ").append(String.join(", ", cols)).append(", ").append(eventAggregates("fe"))
        .append(" from fe join fs on fs.session_id = fe.session_id").append(WITH_SCROLL).append("fe.event_id group by ").append(groupBy)
        .append(") c on ").append(String.join(" and ", on));
  }

  /**
   * Rows of an event attribute: a row's visitors and sessions are those with a member event (a
   * pageview of the page, a click on the target, an event completing the goal...); its session
   * metrics are over those sessions; its event metrics count the counted events that carry the value.
   */
  private void byEventAttribute(StringBuilder sql) {
    sql.append(", fd as (");
    if (first == Dimension.GOAL) {
      sql.append("select fe.*, gx.name as dv, true as member from fe cross join lateral (select g.name from ").append(GOALS)
          .append(" where ").append(goalMatches("g", "fe")).append(") gx");
    } else if (first == Dimension.TAG) {
      sql.append("select fe.*, tx.tag as dv, ").append(first.membership("fe")).append(" as member from fe cross join lateral unnest(fe.tags) tx(tag)");
    } else {
      sql.append("select fe.*, ").append(eventExpression(first, q.propertyKey(), "fe")).append(" as dv, ")
          .append(first.membership("fe")).append(" as member from fe");
    }
    sql.append("), g as (select fd.dv as d0, count(distinct fd.visitor_id) filter (where fd.member) as visitors, ")
        .append("count(distinct fd.session_id) filter (where fd.member) as sessions, ").append(eventAggregates("fd"))
        .append(" from fd").append(WITH_SCROLL).append("fd.event_id where fd.dv is not null group by 1 ")
        .append("having count(*) filter (where fd.member) > 0)");
    if (q.metrics().stream().noneMatch(SESSION_SIDE::contains)) {
      // only event metrics: the per-session aggregates are never read (nor computed: an unreferenced CTE is skipped)
      sql.append(" select g.*, 0 as pv_sum, 0 as bounces, 0 as duration_sum, 0 as clickers, 0 as converters, 0 as new_sessions from g");
      return;
    }
    sql.append(", m as (select p.dv, ").append(sessionAggregates("fs", false))
        .append(" from (select distinct fd.dv, fd.session_id from fd where fd.member and fd.dv is not null) p ")
        .append("join fs on fs.session_id = p.session_id group by 1) ")
        .append("select g.*, m.pv_sum, m.bounces, m.duration_sum, m.clickers, m.converters, m.new_sessions from g join m on m.dv = g.d0");
  }

  /** Metrics read from the per-session aggregates of an event attribute's rows (the {@code m} part). */
  private static final Set<Metric> SESSION_SIDE = EnumSet.of(Metric.VIEWS_PER_VISIT, Metric.BOUNCE_RATE, Metric.AVG_DURATION,
      Metric.CLICKERS, Metric.ENGAGEMENT, Metric.CONVERSION_RATE, Metric.NEW_VISITOR_SESSIONS, Metric.BOUNCES, Metric.TOTAL_DURATION);

  /** Zero-filled buckets: visitors and event metrics by event time, session metrics by session start. */
  private void byTime(StringBuilder sql) {
    String unit = first.sql();
    sql.append(", buckets as (select generate_series(date_trunc('").append(unit).append("', $2 at time zone $4), ")
        .append("($3 at time zone $4) - interval '1 microsecond', interval '1 ").append(unit).append("') as b), ")
        .append("ge as (select date_trunc('").append(unit).append("', fe.ts at time zone $4) as b, count(distinct fe.visitor_id) as visitors, ")
        .append(goals ? "count(distinct fe.visitor_id) filter (where fe.conv)" : "0").append(" as converters, ")
        .append(eventAggregates("fe")).append(" from fe").append(WITH_SCROLL).append("fe.event_id group by 1), ")
        .append("gs as (select date_trunc('").append(unit).append("', fs.first_ts at time zone $4) as b, count(*) as sessions, ")
        .append(sessionAggregates("fs", false)).append(" from fs group by 1) ")
        .append("select buckets.b as d0, coalesce(ge.visitors, 0) as visitors, coalesce(gs.sessions, 0) as sessions, ")
        .append("coalesce(ge.converters, 0) as converters, ")
        .append(selectColumns("gs", List.of("pv_sum", "bounces", "duration_sum", "clickers", "new_sessions"))).append(", ")
        .append(selectColumns("ge", EVENT_COLUMNS))
        .append(" from buckets left join ge on ge.b = buckets.b left join gs on gs.b = buckets.b order by buckets.b");
  }
}
