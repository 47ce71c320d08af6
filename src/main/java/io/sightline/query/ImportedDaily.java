package io.sightline.query;

import io.sightline.event.Dimension;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The daily aggregates imported from Plausible CE ({@code imported_daily}, V25) as the engine adds them to a query: the plan
 * columns ({@code visitors, sessions, pageviews, pv_sum, bounces, duration_sum, entrances, exits, events}) of the imported
 * rows by the query's dimension values, for {@link QueryEngine} to add to its own before it derives the metrics (so each
 * metric stays defined once). Plausible's rule: a query takes imported rows when one imported table carries every dimension
 * it groups or filters by and every metric it asks for, at day granularity over whole local days; otherwise the imported
 * rows are left out and, when the site has some in the range, the answer says why ({@link Part#warning}).
 */
final class ImportedDaily {
  private ImportedDaily() {
  }

  private static final Set<Metric> VISIT_METRICS = EnumSet.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS,
      Metric.VIEWS_PER_VISIT, Metric.BOUNCE_RATE, Metric.AVG_DURATION, Metric.BOUNCES, Metric.TOTAL_DURATION);

  /** One imported_* table: the dimensions it carries (by column) and the metrics it has. */
  enum Table {
    VISITORS("visitors", Map.of(), VISIT_METRICS),
    SOURCES("sources", Map.of(Dimension.SOURCE, "source", Dimension.REFERRER_URL, "referrer", Dimension.UTM_SOURCE, "utm_source",
        Dimension.UTM_MEDIUM, "utm_medium", Dimension.UTM_CAMPAIGN, "utm_campaign", Dimension.UTM_CONTENT, "utm_content",
        Dimension.UTM_TERM, "utm_term"), VISIT_METRICS),
    PAGES("pages", Map.of(Dimension.PAGE, "page", Dimension.HOSTNAME, "hostname"),
        EnumSet.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS)),
    ENTRY_PAGES("entry_pages", Map.of(Dimension.ENTRY_PAGE, "entry_page"), with(VISIT_METRICS, Metric.ENTRANCES)),
    EXIT_PAGES("exit_pages", Map.of(Dimension.EXIT_PAGE, "exit_page"), with(VISIT_METRICS, Metric.EXITS)),
    LOCATIONS("locations", Map.of(Dimension.COUNTRY, "country", Dimension.REGION, "region"), VISIT_METRICS),
    DEVICES("devices", Map.of(Dimension.DEVICE, "device"), VISIT_METRICS),
    BROWSERS("browsers", Map.of(Dimension.BROWSER, "browser", Dimension.BROWSER_VERSION, "browser_version"), VISIT_METRICS),
    OPERATING_SYSTEMS("operating_systems", Map.of(Dimension.OS, "os", Dimension.OS_VERSION, "os_version"), VISIT_METRICS),
    CUSTOM_EVENTS("custom_events", Map.of(Dimension.EVENT_NAME, "event_name"), EnumSet.of(Metric.VISITORS, Metric.EVENTS));

    private final String id;
    private final Map<Dimension, String> columns;
    private final Set<Metric> metrics;

    Table(String id, Map<Dimension, String> columns, Set<Metric> metrics) {
      this.id = id;
      this.columns = new EnumMap<>(Dimension.class);
      this.columns.putAll(columns);
      this.metrics = metrics;
    }

    /** The {@code tbl} value of its rows. */
    String id() {
      return id;
    }

    private static Set<Metric> with(Set<Metric> base, Metric extra) {
      Set<Metric> s = EnumSet.copyOf(base);
      s.add(extra);
      return s;
    }

    /** The plan columns from its stored ones: a page row's visits are its sessions, an entry (exit) page's its entrances (exits). */
    String aggregates() {
      String sessions = switch (this) {
        case ENTRY_PAGES -> "entrances";
        case EXIT_PAGES -> "exits";
        default -> "visits";
      };
      return "sum(visitors)::bigint as visitors, sum(" + sessions + ")::bigint as sessions, sum(pageviews)::bigint as pageviews, "
          + "sum(pageviews)::bigint as pv_sum, sum(bounces)::bigint as bounces, sum(visit_duration)::bigint as duration_sum, "
          + "sum(entrances)::bigint as entrances, sum(exits)::bigint as exits, sum(events)::bigint as events";
    }
  }

  /** The plan columns the imported rows add. */
  static final List<String> COLUMNS = List.of("visitors", "sessions", "pageviews", "pv_sum", "bounces", "duration_sum", "entrances",
      "exits", "events");

  /**
   * What the imported rows give a query.
   *
   * @param rows    plan columns by the dimension values (in the query's order; time buckets as their start), absent for none
   * @param warning why the site's imported rows in the range are not in the answer, null when they are (or there are none)
   */
  record Part(Map<List<Object>, Map<String, Long>> rows, String warning) {
    static final Part NONE = new Part(Map.of(), null);
  }

  /** The imported rows for the query, or the reason they cannot take part when the site has some in its range. */
  static Future<Part> fetch(Pool pool, QuerySpec q, int timeoutMs) {
    LocalDate from = LocalDate.ofInstant(q.start(), q.zone());
    LocalDate to = LocalDate.ofInstant(q.end(), q.zone());
    boolean wholeDays = from.atStartOfDay(q.zone()).toInstant().equals(q.start()) && to.atStartOfDay(q.zone()).toInstant().equals(q.end());
    String reason = wholeDays ? null : "imported data is daily: it is left out of ranges that do not start and end at midnight";
    Table table = null;
    if (reason == null) {
      reason = unsupported(q);
    }
    if (reason == null) {
      table = table(q);
      if (table == null) {
        reason = "imported data has no breakdown by " + String.join(" with ", dimensions(q).stream().map(Dimension::id).toList());
      } else {
        Set<Metric> missing = EnumSet.noneOf(Metric.class);
        for (Metric m : q.metrics()) {
          if (!table.metrics.contains(m)) {
            missing.add(m);
          }
        }
        if (!missing.isEmpty()) {
          reason = "imported data has no " + String.join(", ", missing.stream().map(Metric::id).toList())
              + (table == Table.VISITORS ? "" : " by " + String.join(", ", dimensions(q).stream().map(Dimension::id).toList()));
        }
      }
    }
    LocalDate last = wholeDays ? to : to.plusDays(1);
    if (reason != null) {
      String why = reason;
      return BoundedSql.execute(pool, "select exists (select 1 from imported_daily where site_id = $1 and day >= $2 and day < $3) as some",
              Tuple.of(q.siteId(), from, last), timeoutMs)
          .map(rows -> rows.iterator().next().getBoolean("some") ? new Part(Map.of(), why) : Part.NONE);
    }
    return query(pool, q, table, from, to, timeoutMs);
  }

  private static Future<Part> query(Pool pool, QuerySpec q, Table table, LocalDate from, LocalDate to, int timeoutMs) {
    List<Object> params = new ArrayList<>(List.of(q.siteId(), table.id(), from, to));
    List<String> where = new ArrayList<>(List.of("site_id = $1", "tbl = $2", "day >= $3", "day < $4"));
    for (Filter f : q.filters()) {
      params.add(f.values().toArray(String[]::new));
      where.add(QuerySql.condition(f.operator(), table.columns.get(f.dimension()), "$" + params.size() + "::text[]"));
    }
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < q.dimensions().size(); i++) {
      Dimension d = q.dimensions().get(i);
      groups.add((d.kind() == Dimension.Kind.TIME ? "date_trunc('" + d.sql() + "', day::timestamp)" : table.columns.get(d)) + " as d" + i);
    }
    String sql = "select " + (groups.isEmpty() ? "" : String.join(", ", groups) + ", ") + table.aggregates()
        + " from imported_daily where " + String.join(" and ", where)
        + (groups.isEmpty() ? "" : " group by " + String.join(", ", java.util.stream.IntStream.rangeClosed(1, groups.size())
        .mapToObj(Integer::toString).toList()));
    return BoundedSql.execute(pool, sql, Tuple.from(params), timeoutMs).map(rows -> {
      Map<List<Object>, Map<String, Long>> out = new HashMap<>();
      for (Row r : rows) {
        if (groups.isEmpty() && r.getValue("visitors") == null) {
          continue; // no imported row in range: the sums are null
        }
        List<Object> key = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
          Object v = r.getValue("d" + i);
          key.add(v instanceof LocalDateTime t ? t : v);
        }
        Map<String, Long> columns = new HashMap<>();
        for (String c : COLUMNS) {
          Long v = r.getLong(c);
          columns.put(c, v == null ? 0L : v);
        }
        out.put(key, columns);
      }
      return new Part(out, null);
    });
  }

  /** Why no imported table can answer the query's shape (before looking at its dimensions together), or null. */
  private static String unsupported(QuerySpec q) {
    for (Dimension d : q.dimensions()) {
      if (d == Dimension.HOUR) {
        return "imported data is daily: it is left out of hourly intervals";
      }
    }
    return null;
  }

  /** The non-time dimensions the query groups or filters by. */
  private static Set<Dimension> dimensions(QuerySpec q) {
    Set<Dimension> dims = new LinkedHashSet<>();
    q.dimensions().stream().filter(d -> d.kind() != Dimension.Kind.TIME).forEach(dims::add);
    q.filters().forEach(f -> dims.add(f.dimension()));
    return dims;
  }

  /** The table that carries every dimension the query groups or filters by (the visitors table for none), or null. */
  static Table table(QuerySpec q) {
    Set<Dimension> dims = dimensions(q);
    if (dims.isEmpty()) {
      return Table.VISITORS;
    }
    for (Table t : Table.values()) {
      if (t.columns.keySet().containsAll(dims)) {
        return t;
      }
    }
    return null;
  }
}
