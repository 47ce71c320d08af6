package io.sightline.api.datalyr;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalService;
import io.sightline.query.BoundedSql;
import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /events}: the raw events of the range (engagement beacons left out), newest first, with
 * filters and offset paging ({@code event_name}: a comma list, {@code all} or none for every event); and {@code /event-names}: the event names of the last 30 days with a
 * category and source. Listings, not metrics: they read the {@code events} table directly.
 */
public final class DatalyrEvents {
  /** {@code event_name}'s documented default: every event. */
  static final String ALL = "all";
  static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** Filters: parameter → column (an allow-list). */
  private static final List<String[]> FILTERS = List.of(new String[] {"utm_source", "e.utm_source"},
      new String[] {"utm_medium", "e.utm_medium"}, new String[] {"utm_campaign", "e.utm_campaign"}, new String[] {"region", "e.region"},
      new String[] {"city", "e.city"}, new String[] {"page_path", "e.pathname"});

  private final Pool pool;
  private final GoalService goals;
  private final Clock clock;

  public DatalyrEvents(Pool pool, GoalService goals, Clock clock) {
    this.pool = pool;
    this.goals = goals;
    this.clock = clock;
  }

  Future<JsonObject> events(RoutingContext ctx, Site site) {
    return DatalyrRoutes.guarded(() -> {
      MultiMap p = ctx.request().params();
      DatalyrParams.Range r = DatalyrParams.range(p, DatalyrReports.zone(site));
      int limit = DatalyrParams.integer(p, "limit", 100, 1, 1000);
      int offset = DatalyrParams.integer(p, "offset", 0, 0, 10_000_000);
      List<Object> params = new ArrayList<>(List.of(site.id(), OffsetDateTime.ofInstant(r.start(), ZoneOffset.UTC),
          OffsetDateTime.ofInstant(r.end(), ZoneOffset.UTC)));
      StringBuilder where = new StringBuilder(" from events e where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and e.type <> 'engagement'");
      String names = DatalyrParams.text(p, "event_name");
      String[] list = names == null ? new String[0]
          : Arrays.stream(names.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toArray(String[]::new);
      // "all", the documented default, alone or in the list, is every event
      if (list.length > 0 && Arrays.stream(list).noneMatch(ALL::equalsIgnoreCase)) {
        params.add(list);
        where.append(" and e.name = any($").append(params.size()).append("::text[])");
      }
      String country = DatalyrParams.text(p, "country");
      if (country != null) {
        params.add(country.toUpperCase(Locale.ROOT));
        where.append(" and e.country = $").append(params.size());
      }
      for (String[] f : FILTERS) {
        String v = DatalyrParams.text(p, f[0]);
        if (v != null) {
          params.add(v);
          where.append(" and ").append(f[1]).append(" = $").append(params.size());
        }
      }
      String count = "select count(*) as n" + where;
      List<Object> pageParams = new ArrayList<>(params);
      pageParams.add(limit);
      pageParams.add(offset);
      String page = "select " + DatalyrSql.EVENT_COLUMNS + where + " order by e.ts desc, e.event_id desc limit $" + (params.size() + 1)
          + " offset $" + (params.size() + 2);
      Future<Long> total = BoundedSql.execute(pool, count, Tuple.from(params)).map(rows -> rows.iterator().next().getLong("n"));
      Future<JsonArray> events = BoundedSql.execute(pool, page, Tuple.from(pageParams)).map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(row -> out.add(event(row)));
        return out;
      });
      return Future.all(total, events).map(all -> new JsonObject().put("events", events.result()).put("total_count", total.result())
          .put("has_more", (long) offset + limit < total.result()).put("limit", limit).put("offset", offset));
    });
  }

  /** One stored event in DATALYR's shape (ids as strings; {@code source} is {@code web} for tracker beacons, {@code server} for keyed senders). */
  static JsonObject event(Row row) {
    String query = row.getString("query");
    Integer screen = row.getInteger("screen_width");
    JsonObject data = row.getValue("props") instanceof JsonObject props ? props.copy() : new JsonObject();
    Object revenue = row.getValue("revenue_amount");
    if (revenue != null) {
      data.put("revenue", money(revenue)).put("currency", row.getString("revenue_currency"));
    }
    String country = row.getString("country");
    return new JsonObject().put("id", Long.toString(row.getLong("event_id"))).put("event_name", row.getString("name"))
        .put("visitor_id", Long.toString(row.getLong("visitor_id"))).put("session_id", Long.toString(row.getLong("session_id")))
        .put("user_id", row.getString("user_id")).put("received_at", MILLIS.format(row.getOffsetDateTime("ts")))
        .put("page_path", row.getString("pathname")).put("page_title", null)
        .put("page_url", "https://" + row.getString("hostname") + row.getString("pathname") + (query == null ? "" : "?" + query))
        .put("referrer", row.getString("referrer")).put("geo_country", country).put("geo_country_code", country)
        .put("geo_region", row.getString("region")).put("geo_city", row.getString("city"))
        .put("utm_source", row.getString("utm_source")).put("utm_medium", row.getString("utm_medium"))
        .put("utm_campaign", row.getString("utm_campaign")).put("browser", row.getString("browser")).put("os", row.getString("os"))
        .put("device_type", row.getString("device")).put("screen_width", screen == null ? null : screen.toString())
        .put("screen_height", null).put("source", row.getValue("key_id") == null ? "web" : "server").put("event_data", data);
  }

  static double money(Object amount) {
    return new BigDecimal(amount.toString()).setScale(2, java.math.RoundingMode.HALF_UP).doubleValue();
  }

  /**
   * Categories: {@code web} for pageviews; {@code conversion} for names that carried revenue or are a
   * custom-event goal; {@code interaction} for clicks; {@code form} for form submissions; else
   * {@code custom}. Source: {@code web} if any came from the tracker, else {@code server}.
   * {@code integrations}: the ad platforms with imported data.
   */
  Future<JsonObject> eventNames(RoutingContext ctx, Site site) {
    Instant now = clock.instant();
    Tuple range = Tuple.of(site.id(), OffsetDateTime.ofInstant(now.minus(Duration.ofDays(30)), ZoneOffset.UTC),
        OffsetDateTime.ofInstant(now.plusMillis(1), ZoneOffset.UTC));
    Future<List<Goal>> defined = goals.list(site.id());
    Future<io.vertx.sqlclient.RowSet<Row>> names = BoundedSql.execute(pool, DatalyrSql.EVENT_NAMES, range);
    Future<io.vertx.sqlclient.RowSet<Row>> platforms = BoundedSql.execute(pool, DatalyrSql.PLATFORMS, Tuple.of(site.id()));
    return Future.all(defined, names, platforms).map(all -> {
      Set<String> customGoals = DatalyrConversions.goals(defined.result()).stream().map(Goal::match).collect(Collectors.toSet());
      JsonArray out = new JsonArray();
      for (Row row : names.result()) {
        String name = row.getString("name");
        String category = row.getBoolean("pageview") ? "web"
            : row.getBoolean("revenue") || row.getBoolean("custom") && customGoals.contains(name) ? "conversion"
            : row.getBoolean("custom") ? "custom" : row.getBoolean("click") ? "interaction" : "form";
        out.add(new JsonObject().put("name", name).put("category", category).put("source", row.getBoolean("web") ? "web" : "server"));
      }
      JsonArray integrations = new JsonArray();
      platforms.result().forEach(row -> integrations.add(row.getString("platform")));
      return new JsonObject().put("events", out).put("integrations", integrations);
    });
  }
}
