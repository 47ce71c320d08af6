package io.sightline.query;

import io.sightline.event.Dimension;
import io.sightline.goal.GoalMatch;

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
 * The general plan. Two sides, each read from where it is cheapest and each attributed the way
 * the rollups attribute it:
 * <ul>
 *   <li>{@code ss}, the sessions in scope: rows of {@code sessions} that started in [start, end)
 *   and pass the filters, with their whole-session values (pageviews, bounce, duration, clicks,
 *   entry and exit page, attributes) read from the row the writer keeps. An event-level filter
 *   keeps the sessions with at least one matching event in range;</li>
 *   <li>{@code fe}, the counted events: the events in [start, end) that match every event-level
 *   filter and whose session passes the session-attribute filters (an event carries its
 *   session's acquisition and device attributes; entry page, exit page and screen come from its
 *   {@code sessions} row, joined). A session that started before the range still contributes its
 *   in-range events here. {@code ev} = the site's events in range, with the goal flag and the
 *   pageview order where asked for.</li>
 * </ul>
 * Session metrics ({@link #SESSION_COLUMNS}) come from {@code ss}; visitors and event metrics
 * ({@link #EVENT_COLUMNS}) from {@code fe}. Grouped by session attributes, a row exists if either
 * side the metrics read has it. Rows of an event attribute keep their own rule: visitors with a member event (a
 * pageview of the page, a click on the target...), and the session metrics of the sessions in
 * scope with a member event. {@link QueryEngine} derives the metrics from the columns.
 *
 * <p>Parameters: $1 site, $2 start, $3 end, $4 zone, then (when goals are used) $5-$7 the goals'
 * names, types and patterns, then property keys and filter values as they come.
 */
final class SessionPlan {
  static final List<String> SESSION_COLUMNS = List.of("sessions", "pv_sum", "bounces", "duration_sum", "clickers", "converters",
      "new_sessions", "contacts", "leads", "customers");
  static final List<String> EVENT_COLUMNS = List.of("visitors", "pageviews", "events", "scroll_avg", "conversions", "revenue_sum",
      "revenue_n", "entrances", "exits", "top_sum", "top_n", "forms");
  private static final Set<String> NULLABLE = Set.of("scroll_avg", "revenue_sum");
  /** Metrics read from the sessions in scope. */
  private static final Set<Metric> SESSION_SIDE = EnumSet.of(Metric.SESSIONS, Metric.VIEWS_PER_VISIT, Metric.BOUNCE_RATE,
      Metric.AVG_DURATION, Metric.CLICKERS, Metric.ENGAGEMENT, Metric.CONVERSION_RATE, Metric.NEW_VISITOR_SESSIONS, Metric.BOUNCES,
      Metric.TOTAL_DURATION, Metric.CONTACTS, Metric.LEADS, Metric.CUSTOMERS);
  /** Metrics read from the counted events. */
  private static final Set<Metric> EVENT_SIDE = EnumSet.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.EVENTS, Metric.AVG_SCROLL,
      Metric.ENGAGEMENT, Metric.CONVERSIONS, Metric.CONVERSION_RATE, Metric.TOTAL_REVENUE, Metric.AVERAGE_REVENUE, Metric.ENTRANCES,
      Metric.EXITS, Metric.TIME_ON_PAGE, Metric.TOTAL_TIME_ON_PAGE, Metric.TIMED_PAGEVIEWS, Metric.FORM_SUBMISSIONS);
  /**
   * Whether metrics read the sessions in scope (started in range). A session attribute's row then exists where such
   * a session has the value; with {@link #readsEvents} too, also where a counted event has it (the rollup path
   * applies the same rule).
   */
  static boolean readsSessions(java.util.Collection<Metric> metrics) {
    return metrics.stream().anyMatch(SESSION_SIDE::contains);
  }

  /** Whether metrics read the counted events in range. */
  static boolean readsEvents(java.util.Collection<Metric> metrics) {
    return metrics.stream().anyMatch(EVENT_SIDE::contains);
  }

  /** Session attributes an event row does not carry: read from its session's row. */
  private static final Set<Dimension> FROM_SESSION_ROW = EnumSet.of(Dimension.ENTRY_PAGE, Dimension.EXIT_PAGE, Dimension.SCREEN);
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
  /** Whether the sessions in scope carry whether they won a contact, and whether its user paid in the range. */
  private final boolean contacts;
  private final boolean visitors;
  private final boolean sessionSide;
  private final boolean eventSide;
  /** Whether the sessions in scope carry the converted flag (time buckets count converters by event time instead). */
  private final boolean converters;
  private final Dimension first;
  /** Visitors from first-occurrence flags (null: count(distinct)), with the placeholders of its days. */
  private final FlagVisitors flags;
  private String flagFirstDay;
  private String flagLastDay;
  /** Planner settings the statement needs (null: none). */
  private String settings;
  /**
   * For the session metrics of an event attribute's rows: hash joins. The sessions in scope are joined on session id to
   * the (value, session) pairs and the rows to their sessions' aggregates; on fresh partitions without statistics the
   * planner estimates one row for each side and nests loops, which for 3,000 pages and 5,000 pageviews rescans the
   * sessions 5,000 times (9 s instead of 0.2 s).
   */
  private static final String HASH_JOINS = "set local enable_nestloop = off";

  SessionPlan(QuerySpec q) {
    this(q, null);
  }

  SessionPlan(QuerySpec q, FlagVisitors flags) {
    this.q = q;
    this.flags = flags;
    this.first = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    this.goals = q.needsGoals();
    this.scroll = q.metrics().contains(Metric.AVG_SCROLL) || q.metrics().contains(Metric.ENGAGEMENT);
    this.pageOrder = q.metrics().stream().anyMatch(m -> m == Metric.ENTRANCES || m == Metric.EXITS || m == Metric.TIME_ON_PAGE
        || m == Metric.TOTAL_TIME_ON_PAGE || m == Metric.TIMED_PAGEVIEWS);
    this.revenue = q.metrics().contains(Metric.TOTAL_REVENUE) || q.metrics().contains(Metric.AVERAGE_REVENUE);
    this.newVisitors = q.metrics().contains(Metric.NEW_VISITOR_SESSIONS);
    this.contacts = q.metrics().stream().anyMatch(m -> m == Metric.CONTACTS || m == Metric.LEADS || m == Metric.CUSTOMERS);
    this.visitors = q.metrics().contains(Metric.VISITORS) || q.metrics().contains(Metric.CONVERSION_RATE);
    this.sessionSide = readsSessions(q.metrics());
    // rows of an event attribute exist where their member events are, so those always read the counted events
    this.eventSide = readsEvents(q.metrics()) || first != null && first.kind() == Dimension.Kind.EVENT;
    this.converters = q.metrics().contains(Metric.CONVERSION_RATE) && (first == null || first.kind() != Dimension.Kind.TIME);
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
      String exists = "exists (select 1 from " + GOALS + " where " + goalMatches("g", "e") + " and "
          + QuerySql.condition(positive(f.operator()), "g.name", values) + ")";
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

  /** A session attribute's column name (in {@code ss} and in {@code ev}). */
  private static String name(Dimension u) {
    return u.sql().substring(2);
  }

  /** A session attribute read from a {@code sessions} row (alias {@code a}). */
  private static String sessionAttribute(Dimension u, String a) {
    if (u == Dimension.SCREEN) {
      return "case when " + a + ".screen_width is null then null when " + a + ".screen_width < 576 then 'Mobile' "
          + "when " + a + ".screen_width < 992 then 'Tablet' when " + a + ".screen_width < 1440 then 'Laptop' else 'Desktop' end";
    }
    return a + "." + name(u);
  }

  /** The event columns {@code ev} reads besides the always-needed ones. */
  private Set<String> eventColumns(Set<Dimension> sessionAttributes, Set<Dimension> eventDimensions) {
    Set<String> columns = new LinkedHashSet<>();
    if (scroll) {
      columns.add("e.page_visit_id");
      columns.add("e.scroll_depth");
    }
    if (revenue) {
      columns.add("e.revenue_amount");
    }
    for (Dimension u : sessionAttributes) {
      columns.add(FROM_SESSION_ROW.contains(u) ? sessionAttribute(u, "sj") + " as " + name(u) : "e." + name(u));
    }
    for (Dimension d : eventDimensions) {
      switch (d) {
        case HOSTNAME -> columns.add("e.hostname");
        case EVENT_NAME -> columns.add("e.name");
        case CLICK_TARGET -> columns.add("e.target_label");
        case FORM_TARGET -> columns.addAll(List.of("e.target_label", "e.target_secondary"));
        case PROPS -> columns.add("e.props");
        case GOAL -> columns.addAll(List.of("e.name", "e.target_label", "e.target_secondary"));
        case TAG -> columns.add("e.tags");
        case TARGET_SECONDARY -> columns.add("e.target_secondary");
        default -> { }
      }
    }
    return columns;
  }

  QuerySql.Plan build() {
    if (flags != null && !flags.params(first != null && first.kind() == Dimension.Kind.TIME ? first.sql() : null).isEmpty()) {
      flagFirstDay = bind(flags.first(), "date");
      flagLastDay = bind(flags.last(), "date");
    }
    List<String> sessionConditions = new ArrayList<>();
    List<String> eventSessionConditions = new ArrayList<>();
    List<String> eventConditions = new ArrayList<>();
    Set<Dimension> eventFilterDimensions = new LinkedHashSet<>();
    for (Filter f : q.filters()) {
      if (f.dimension().kind() == Dimension.Kind.EVENT) {
        eventConditions.add(eventCondition(f));
        eventFilterDimensions.add(f.dimension());
      } else {
        String values = bind(f.values().toArray(String[]::new), "text[]");
        sessionConditions.add(QuerySql.condition(f.operator(), sessionAttribute(f.dimension(), "s"), values));
        eventSessionConditions.add(QuerySql.condition(f.operator(), "e." + name(f.dimension()), values));
      }
    }
    String eventMatch = eventConditions.isEmpty() ? "true" : String.join(" and ", eventConditions);
    // the session attributes this query groups or filters by
    Set<Dimension> used = new LinkedHashSet<>();
    q.dimensions().stream().filter(x -> x.kind() == Dimension.Kind.SESSION).forEach(used::add);
    q.filters().stream().map(Filter::dimension).filter(x -> x.kind() == Dimension.Kind.SESSION).forEach(used::add);
    Set<Dimension> eventDimensions = new LinkedHashSet<>(eventFilterDimensions);
    q.dimensions().stream().filter(x -> x.kind() == Dimension.Kind.EVENT).forEach(eventDimensions::add);
    boolean needEvents = eventSide || !eventConditions.isEmpty() || converters;
    boolean joinSession = eventSide && used.stream().anyMatch(FROM_SESSION_ROW::contains);

    StringBuilder sql = new StringBuilder("with ").append(goals ? GOALS_CTE : "");
    if (needEvents) {
      sql.append("ev as (select e.event_id, e.session_id, e.visitor_id, e.ts, e.type, e.pathname")
          .append(flags != null ? ", e.first_mask, e.salt_day" : "");
      for (String c : eventColumns(eventSide ? used : Set.of(), eventDimensions)) {
        sql.append(", ").append(c);
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
      sql.append(" from events e");
      if (joinSession) {
        // the session may have started before the range; two days back bounds the partitions read
        sql.append(" left join sessions sj on sj.site_id = $1 and sj.session_id = e.session_id ")
            .append("and sj.started_at >= $2::timestamptz - interval '2 days' and sj.started_at < $3");
      }
      sql.append(" where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and $4::text is not null), "); // $4 (zone) is used by time buckets
      // the sessions with a matching event and the converted ones, each computed once: a membership test reads a small set,
      // never the events again (a plan that tests per session must not rescan them, whatever the statistics say)
      if (!eventConditions.isEmpty()) {
        sql.append("fm as materialized (select distinct e.session_id from ev e where ").append(membership(eventFilterDimensions, "e"))
            .append(" and ").append(eventMatch).append("), ");
      }
      if (converters) {
        sql.append("cv as materialized (select distinct e.session_id from ev e where e.conv), ");
      }
    }
    if (contacts) {
      // the identified users who paid in the range (a session of theirs that started in it carried revenue)
      sql.append("rv as materialized (select distinct r.user_id from sessions r where r.site_id = $1 and r.started_at >= $2 ")
          .append("and r.started_at < $3 and r.user_id is not null and r.revenue_amount is not null), ");
    }
    sql.append("ss as (select s.session_id, s.started_at, s.pageviews as pv, (s.pageviews = 1 and not s.interactive) as bounce, ")
        .append("case when s.pageviews = 1 and not s.interactive then 0 else extract(epoch from s.last_seen_at - s.started_at) end as duration, ")
        .append("s.clicks > 0 as clicked");
    if (converters) {
      sql.append(", s.visitor_id, s.session_id in (select session_id from cv) as converted");
    }
    if (newVisitors) {
      sql.append(", not exists (select 1 from sessions p where p.site_id = $1 and p.visitor_id = s.visitor_id ")
          .append("and p.started_at < s.started_at and p.session_id <> s.session_id) as new_session");
    }
    if (contacts) {
      // the session that holds its user's first identified event (users.first_seen) won that contact: 2 with an
      // e-mail address, 1 without, null for every other session
      sql.append(", (select case when u.email is null then 1 else 2 end from users u where u.site_id = $1 and u.user_id = s.user_id ")
          .append("and u.first_seen >= s.started_at and u.first_seen <= s.last_seen_at and s.session_id = (select e.session_id from events e ")
          .append("where e.site_id = $1 and e.ts = u.first_seen and e.user_id = u.user_id order by e.event_id limit 1)) as contact, ")
          .append("s.user_id in (select user_id from rv) as paid");
    }
    for (Dimension u : used) {
      sql.append(", ").append(sessionAttribute(u, "s")).append(" as ").append(name(u));
    }
    sql.append(" from sessions s where s.site_id = $1 and s.started_at >= $2 and s.started_at < $3 and $4::text is not null");
    for (String c : sessionConditions) {
      sql.append(" and ").append(c);
    }
    if (!eventConditions.isEmpty()) {
      sql.append(" and s.session_id in (select session_id from fm)");
    }
    sql.append(")");
    if (eventSide) {
      List<String> counted = new ArrayList<>(eventSessionConditions);
      if (!eventConditions.isEmpty()) {
        counted.add(eventMatch);
      }
      sql.append(", fe as (select * from ev e").append(counted.isEmpty() ? "" : " where " + String.join(" and ", counted)).append(")");
      if (scroll) {
        sql.append(", sc as (select e.page_visit_id, max(e.scroll_depth) as sd from ev e where e.type = 'engagement' ")
            .append("and e.scroll_depth is not null and e.page_visit_id is not null group by 1)");
      }
    }
    sql.append(" ");
    // with event-level filters, a visitor is one with a counted event the filters select sessions by (a pageview for a page filter)
    String visitorEvent = eventConditions.isEmpty() ? null : membership(eventFilterDimensions, "fe");
    if (first == null) {
      totals(sql, visitorEvent);
    } else if (first.kind() == Dimension.Kind.SESSION) {
      bySessionAttributes(sql, visitorEvent);
    } else if (first.kind() == Dimension.Kind.EVENT) {
      byEventAttribute(sql);
    } else {
      byTime(sql, visitorEvent);
    }
    return new QuerySql.Plan(sql.toString(), params, settings);
  }

  /** Which events an event-level filter looks at: pageviews for page and hostname filters alone, else any but engagement beacons. */
  private static String membership(Set<Dimension> filtered, String a) {
    boolean pagesOnly = filtered.stream().allMatch(d -> d == Dimension.PAGE || d == Dimension.HOSTNAME);
    if (pagesOnly) {
      return a + ".type = 'pageview'";
    }
    return filtered.stream().filter(d -> d != Dimension.PAGE && d != Dimension.HOSTNAME).map(d -> d.membership(a))
        .distinct().collect(Collectors.joining(" and "));
  }

  /** The session columns over the sessions in scope (alias {@code ss}). */
  private String sessionAggregates() {
    if (!sessionSide) {
      return sessionZeros();
    }
    return "count(*) as sessions, coalesce(sum(ss.pv), 0) as pv_sum, count(*) filter (where ss.bounce) as bounces, "
        + "coalesce(sum(ss.duration), 0) as duration_sum, count(*) filter (where ss.clicked) as clickers, "
        + (converters ? "count(distinct ss.visitor_id) filter (where ss.converted)" : "0") + " as converters, "
        + (newVisitors ? "count(*) filter (where ss.new_session)" : "0") + " as new_sessions, "
        + (contacts ? "count(*) filter (where ss.contact is not null)" : "0") + " as contacts, "
        + (contacts ? "count(*) filter (where ss.contact = 2 and not ss.paid)" : "0") + " as leads, "
        + (contacts ? "count(*) filter (where ss.contact is not null and ss.paid)" : "0") + " as customers";
  }

  private static String sessionZeros() {
    return SESSION_COLUMNS.stream().map(c -> "0 as " + c).collect(Collectors.joining(", "));
  }

  /**
   * The event columns over counted events (alias {@code a}, joined with {@code sc} when scroll is asked for).
   *
   * @param visitorEvent the condition an event must meet to make its visitor count (null: every counted event)
   */
  private String eventAggregates(String a, String visitorEvent) {
    if (!q.metrics().stream().anyMatch(EVENT_SIDE::contains)) {
      return eventZeros();
    }
    String distinctVisitors = flags != null ? flags.visitors(a, flagFirstDay, flagLastDay, first != null && first.kind() == Dimension.Kind.TIME
        ? first.sql() : null) : "count(distinct " + a + ".visitor_id)" + (visitorEvent == null ? "" : " filter (where " + visitorEvent + ")");
    return (visitors ? distinctVisitors : "0") + " as visitors, "
        + "count(*) filter (where " + a + ".type = 'pageview') as pageviews, count(*) filter (where " + a + ".type <> 'engagement') as events, "
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

  private static String eventZeros() {
    return EVENT_COLUMNS.stream().map(c -> NULLABLE.contains(c) ? "null::numeric as " + c : "0 as " + c).collect(Collectors.joining(", "));
  }

  private String withScroll(String a) {
    return scroll ? " left join sc on sc.page_visit_id = " + a + ".event_id" : "";
  }

  private static String selectColumns(String alias, List<String> columns) {
    return columns.stream().map(c -> NULLABLE.contains(c) ? alias + "." + c : "coalesce(" + alias + "." + c + ", 0) as " + c)
        .collect(Collectors.joining(", "));
  }

  private void totals(StringBuilder sql, String visitorEvent) {
    sql.append("select s.*, c.* from (select ").append(sessionSide ? sessionAggregates() + " from ss" : sessionZeros()).append(") s, (");
    if (eventSide) {
      sql.append("select ").append(eventAggregates("fe", visitorEvent)).append(" from fe").append(withScroll("fe"));
    } else {
      sql.append("select ").append(eventZeros());
    }
    sql.append(") c");
  }

  /**
   * Rows of one to three session attributes: the session columns of the sessions in scope grouped
   * by their attributes, and the event columns of the counted events grouped by their session's
   * attributes. Each side has at most one row per value; a row exists if either side the metrics
   * read has it (sessions only: the values of the sessions in scope).
   */
  private void bySessionAttributes(StringBuilder sql, String visitorEvent) {
    List<String> ss = new ArrayList<>();
    List<String> fe = new ArrayList<>();
    List<String> ds = new ArrayList<>();
    for (int i = 0; i < q.dimensions().size(); i++) {
      String n = name(q.dimensions().get(i));
      ss.add("ss." + n + " as d" + i);
      fe.add("fe." + n + " as d" + i);
      ds.add("d" + i);
    }
    String groupBy = IntStream.rangeClosed(1, ds.size()).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    String events = "select " + String.join(", ", fe) + ", " + sessionZeros() + ", " + eventAggregates("fe", visitorEvent)
        + " from fe" + withScroll("fe") + " group by " + groupBy;
    String sessions = "select " + String.join(", ", ss) + ", " + sessionAggregates() + ", " + eventZeros() + " from ss group by " + groupBy;
    if (!sessionSide || !eventSide) {
      sql.append(sessionSide ? sessions : events);
      return;
    }
    // union and sum rather than a full join: a missing value (null) is a value here, and full joins need an equality
    sql.append("select ").append(String.join(", ", ds)).append(", ")
        .append(SESSION_COLUMNS.stream().map(c -> "sum(u." + c + ") as " + c).collect(Collectors.joining(", "))).append(", ")
        .append(EVENT_COLUMNS.stream().map(c -> (NULLABLE.contains(c) ? "max" : "sum") + "(u." + c + ") as " + c)
            .collect(Collectors.joining(", ")))
        .append(" from (").append(sessions).append(" union all ").append(events).append(") u group by ").append(groupBy);
  }

  /**
   * Rows of an event attribute: a row's visitors are those with a member event (a pageview of the
   * page, a click on the target, an event completing the goal...); its session metrics are over
   * the sessions in scope with a member event; its event metrics count the counted events that
   * carry the value.
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
    sql.append("), g as (select fd.dv as d0, ").append(eventAggregates("fd", "fd.member"))
        .append(" from fd").append(withScroll("fd")).append(" where fd.dv is not null group by 1 ")
        .append("having count(*) filter (where fd.member) > 0)");
    if (!sessionSide) {
      // only event metrics: the sessions in scope are never read (nor computed: an unreferenced CTE is skipped)
      sql.append(" select g.*, ").append(sessionZeros()).append(" from g");
      return;
    }
    settings = HASH_JOINS;
    sql.append(", m as materialized (select p.dv, ").append(sessionAggregates())
        .append(" from (select distinct fd.dv, fd.session_id from fd where fd.member and fd.dv is not null) p ")
        .append("join ss on ss.session_id = p.session_id group by 1) ")
        .append("select g.*, ").append(selectColumns("m", SESSION_COLUMNS)).append(" from g left join m on m.dv = g.d0");
  }

  /** Zero-filled buckets: visitors and event metrics by event time, session metrics by the bucket of the session's start. */
  private void byTime(StringBuilder sql, String visitorEvent) {
    String unit = first.sql();
    sql.append(", buckets as (select generate_series(date_trunc('").append(unit).append("', $2 at time zone $4), ")
        .append("($3 at time zone $4) - interval '1 microsecond', interval '1 ").append(unit).append("') as b)");
    if (eventSide) {
      String converter = "fe.conv" + (visitorEvent == null ? "" : " and " + visitorEvent);
      sql.append(", ge as (select date_trunc('").append(unit).append("', fe.ts at time zone $4) as b, ")
          .append(q.metrics().contains(Metric.CONVERSION_RATE) ? "count(distinct fe.visitor_id) filter (where " + converter + ")" : "0").append(" as converters, ")
          .append(eventAggregates("fe", visitorEvent)).append(" from fe").append(withScroll("fe")).append(" group by 1)");
    }
    if (sessionSide) {
      sql.append(", gs as (select date_trunc('").append(unit).append("', ss.started_at at time zone $4) as b, ")
          .append(sessionAggregates()).append(" from ss group by 1)");
    }
    List<String> sessionColumns = SESSION_COLUMNS.stream().filter(c -> !c.equals("converters")).toList();
    sql.append(" select buckets.b as d0, ")
        .append(eventSide ? "coalesce(ge.converters, 0) as converters, " + selectColumns("ge", EVENT_COLUMNS)
            : "0 as converters, " + eventZeros()).append(", ")
        .append(sessionSide ? selectColumns("gs", sessionColumns) : sessionColumns.stream().map(c -> "0 as " + c).collect(Collectors.joining(", ")))
        .append(" from buckets")
        .append(eventSide ? " left join ge on ge.b = buckets.b" : "")
        .append(sessionSide ? " left join gs on gs.b = buckets.b" : "")
        .append(" order by buckets.b");
  }
}
