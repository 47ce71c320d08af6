package io.sightline.api.datalyr;

import io.sightline.event.Dimension;
import io.sightline.ingest.enrich.Referrers;
import io.sightline.query.Filter;
import io.sightline.query.Metric;
import io.sightline.query.Operator;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine-backed reports: {@code /overview}, {@code /traffic}, {@code /devices},
 * {@code /locations}, {@code /tags}. Each is a fixed engine query, renamed; {@code count} is the
 * engine's {@code visitors} (tags: its {@code events}) and {@code percentage} its share of the
 * range's total, 0-100 with one decimal. Referrers are the engine's sources named by domain
 * ({@link DatalyrSources}).
 */
public final class DatalyrReports {
  static final List<String> AGGREGATIONS = List.of("auto", "hour", "day", "week", "month");
  /** Custom event names that get their own column in the overview's time series (the most frequent). */
  static final int SERIES_EVENT_NAMES = 10;
  static final int MAX_ROWS = 10_000;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00");
  private static final List<Filter> CUSTOM = List.of(new Filter(Dimension.EVENT_NAME, Operator.IS_NOT, List.of("pageview")));

  private final QueryEngine engine;
  private final DatalyrSources sources;

  /** @param referrers the referrer list ingestion names sources by, for naming them by domain */
  public DatalyrReports(QueryEngine engine, Referrers referrers) {
    this.engine = engine;
    this.sources = new DatalyrSources(referrers);
  }

  static ZoneId zone(Site site) {
    return io.sightline.ingest.quota.MonthlyQuota.zone(site);
  }

  static QuerySpec spec(Site site, DatalyrParams.Range r, List<Metric> metrics, List<Dimension> dimensions, List<Filter> filters,
                        int limit) {
    boolean time = !dimensions.isEmpty() && dimensions.get(0).kind() == Dimension.Kind.TIME;
    return new QuerySpec(site.id(), r.start(), r.end(), r.zone(), metrics, dimensions, filters, null, !time, limit, 0);
  }

  // ---------------------------------------------------------------- overview

  Future<JsonObject> overview(RoutingContext ctx, Site site) {
    return DatalyrRoutes.guarded(() -> {
      MultiMap p = ctx.request().params();
      DatalyrParams.Range r = DatalyrParams.range(p, zone(site));
      String asked = DatalyrParams.choice(p, "aggregation", "auto", AGGREGATIONS);
      String level = asked.equals("auto") ? DatalyrParams.autoAggregation(r) : asked;
      Dimension bucket = switch (level) {
        case "hour" -> Dimension.HOUR;
        case "day" -> Dimension.DATE;
        case "week" -> Dimension.WEEK;
        default -> Dimension.MONTH;
      };
      long buckets = switch (level) {
        case "hour" -> java.time.Duration.between(r.start(), r.end()).toHours();
        case "day" -> java.time.Duration.between(r.start(), r.end()).toDays();
        case "week" -> java.time.Duration.between(r.start(), r.end()).toDays() / 7;
        default -> java.time.Duration.between(r.start(), r.end()).toDays() / 28;
      };
      if (buckets > QueryEngine.MAX_BUCKETS) {
        throw io.sightline.http.ApiException.badRequest("aggregation=" + level + " gives more than " + QueryEngine.MAX_BUCKETS
            + " points over this range; use a coarser one");
      }
      List<Metric> basic = List.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.SESSIONS);
      Future<QueryEngine.Result> totals = engine.run(spec(site, r, basic, List.of(), List.of(), 1));
      Future<QueryEngine.Result> customTotal = engine.run(spec(site, r, List.of(Metric.EVENTS), List.of(), CUSTOM, 1));
      Future<QueryEngine.Result> names = engine.run(spec(site, r, List.of(Metric.EVENTS), List.of(Dimension.EVENT_NAME), CUSTOM, MAX_ROWS));
      Future<QueryEngine.Result> series = engine.run(spec(site, r, basic, List.of(bucket), List.of(), MAX_ROWS));
      Future<QueryEngine.Result> customSeries = engine.run(spec(site, r, List.of(Metric.EVENTS), List.of(bucket), CUSTOM, MAX_ROWS));
      Future<List<QueryEngine.Result>> perName = names.compose(n -> {
        List<Future<QueryEngine.Result>> each = new ArrayList<>();
        n.rows().stream().limit(SERIES_EVENT_NAMES).forEach(row -> each.add(engine.run(spec(site, r, List.of(Metric.EVENTS), List.of(bucket),
            List.of(new Filter(Dimension.EVENT_NAME, Operator.IS, List.of((String) row.get("event_name")))), MAX_ROWS))));
        return Future.all(each).map(all -> each.stream().map(Future::result).toList());
      });
      return Future.all(List.of(totals, customTotal, series, customSeries, perName)).map(all -> {
        Map<String, Object> t = totals.result().rows().get(0);
        JsonObject counts = new JsonObject();
        names.result().rows().forEach(row -> counts.put((String) row.get("event_name"), row.get("events")));
        JsonArray points = new JsonArray();
        List<Map<String, Object>> rows = series.result().rows();
        for (int i = 0; i < rows.size(); i++) {
          Map<String, Object> row = rows.get(i);
          JsonObject point = new JsonObject().put("timestamp", bucketStart(bucket, (String) row.get(bucket.id()), r.zone()))
              .put("visitors", row.get("visitors")).put("pageviews", row.get("pageviews")).put("sessions", row.get("sessions"))
              .put("custom_events", customSeries.result().rows().get(i).get("events"));
          List<QueryEngine.Result> each = perName.result();
          for (int n = 0; n < each.size(); n++) {
            point.put((String) names.result().rows().get(n).get("event_name"), each.get(n).rows().get(i).get("events"));
          }
          points.add(point);
        }
        return new JsonObject().put("visitors_total", t.get("visitors")).put("pageviews_total", t.get("pageviews"))
            .put("sessions_total", t.get("sessions")).put("custom_events_total", customTotal.result().rows().get(0).get("events"))
            .put("custom_event_counts", counts).put("time_series", points).put("aggregation_level", level)
            .put("timezone", r.zone().getId());
      });
    });
  }

  /** A bucket's label from the engine (local time in the site's zone) as the UTC instant it starts at. */
  static String bucketStart(Dimension bucket, String label, ZoneId zone) {
    LocalDateTime local = switch (bucket) {
      case HOUR -> LocalDateTime.parse(label, HOUR);
      case MONTH -> YearMonth.parse(label).atDay(1).atStartOfDay();
      default -> LocalDate.parse(label).atStartOfDay();
    };
    return local.atZone(zone).toInstant().toString();
  }

  // ---------------------------------------------------------------- breakdowns

  /** A breakdown's query: dimensions (the first is the row's name), what to call a missing value (null: leave the row out). */
  record Breakdown(List<Dimension> dimensions, String missing) {
  }

  static final Map<String, Breakdown> TRAFFIC = Map.of(
      "referrer", new Breakdown(List.of(Dimension.SOURCE), DatalyrSources.DIRECT),
      "campaign", new Breakdown(List.of(Dimension.UTM_CAMPAIGN), null),
      "page", new Breakdown(List.of(Dimension.PAGE), null));
  static final Map<String, Breakdown> DEVICES = Map.of(
      "browser", new Breakdown(List.of(Dimension.BROWSER), "Unknown"),
      "os", new Breakdown(List.of(Dimension.OS), "Unknown"),
      "deviceType", new Breakdown(List.of(Dimension.DEVICE), "Unknown"));
  static final Map<String, Breakdown> LOCATIONS = Map.of(
      "country", new Breakdown(List.of(Dimension.COUNTRY), "Unknown"),
      "region", new Breakdown(List.of(Dimension.REGION, Dimension.COUNTRY), "Unknown"),
      "city", new Breakdown(List.of(Dimension.CITY, Dimension.COUNTRY), "Unknown"));

  Future<JsonObject> traffic(RoutingContext ctx, Site site) {
    return breakdown(ctx, site, TRAFFIC, "referrer", List.of("referrer", "campaign", "page"), 20, false);
  }

  Future<JsonObject> devices(RoutingContext ctx, Site site) {
    return breakdown(ctx, site, DEVICES, "browser", List.of("browser", "os", "deviceType"), 15, false);
  }

  Future<JsonObject> locations(RoutingContext ctx, Site site) {
    return breakdown(ctx, site, LOCATIONS, "country", List.of("country", "region", "city"), 15, true);
  }

  private Future<JsonObject> breakdown(RoutingContext ctx, Site site, Map<String, Breakdown> types, String fallback,
                                       List<String> order, int defaultLimit, boolean codes) {
    return DatalyrRoutes.guarded(() -> {
      MultiMap p = ctx.request().params();
      DatalyrParams.Range r = DatalyrParams.range(p, zone(site));
      String type = DatalyrParams.choice(p, "type", fallback, order);
      int limit = DatalyrParams.integer(p, "limit", defaultLimit, 1, 100);
      Breakdown b = types.get(type);
      Future<QueryEngine.Result> total = engine.run(spec(site, r, List.of(Metric.VISITORS), List.of(), List.of(), 1));
      // rows without a value may be left out after the engine's paging: ask for one more
      Future<QueryEngine.Result> rows = engine.run(spec(site, r, List.of(Metric.VISITORS), b.dimensions(), List.of(), limit + 1));
      return Future.all(total, rows).map(all -> {
        long visitors = (Long) total.result().rows().get(0).get("visitors");
        JsonArray data = new JsonArray();
        String id = b.dimensions().get(0).id();
        for (Map<String, Object> row : rows.result().rows()) {
          Object value = row.get(id);
          if (value == null && b.missing() == null || data.size() == limit) {
            continue;
          }
          long count = (Long) row.get("visitors");
          JsonObject out = new JsonObject().put("name", name(type, value, b.missing())).put("count", count)
              .put("percentage", percentage(count, visitors));
          if (codes) {
            out.put("code", code(type, value, (String) row.get("country")));
          }
          data.add(out);
        }
        return new JsonObject().put("data", data).put("total", visitors).put("type", type);
      });
    });
  }

  private Object name(String type, Object value, String missing) {
    if (type.equals("referrer")) {
      return sources.name((String) value);
    }
    if (value == null) {
      return missing;
    }
    return type.equals("country") ? countryName((String) value) : value;
  }

  /** ISO codes: a country's alpha-2; a region's ISO 3166-2 code when stored as one (else the country's); a city's country. */
  private static String code(String type, Object value, String country) {
    return switch (type) {
      case "country" -> (String) value;
      case "region" -> value instanceof String s && s.matches("[A-Z]{2}-[A-Z0-9]{1,3}") ? s : country;
      default -> country;
    };
  }

  static String countryName(String code) {
    if (code == null) {
      return null;
    }
    String name = new Locale("", code).getDisplayCountry(Locale.ENGLISH);
    return name.isEmpty() ? code : name;
  }

  /** {@code part} as a percentage of {@code whole}, one decimal (0 when the whole is 0). */
  static double percentage(long part, long whole) {
    return whole == 0 ? 0 : BigDecimal.valueOf(part * 100L).divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_UP).doubleValue();
  }

  // ---------------------------------------------------------------- tags

  /**
   * Tags: the engine's {@code tag} breakdown of counted events; {@code total} is the number of tag
   * uses over all tags (so the shares of all tags add up to 100). Tags arrive only on keyed
   * (server-side) events, hence {@code source: "server"}.
   */
  Future<JsonObject> tags(RoutingContext ctx, Site site) {
    return DatalyrRoutes.guarded(() -> {
      MultiMap p = ctx.request().params();
      DatalyrParams.Range r = DatalyrParams.range(p, zone(site));
      int limit = DatalyrParams.integer(p, "limit", 20, 1, 100);
      return engine.run(spec(site, r, List.of(Metric.EVENTS), List.of(Dimension.TAG), List.of(), MAX_ROWS)).map(result -> {
        long total = result.rows().stream().mapToLong(row -> (Long) row.get("events")).sum();
        JsonArray data = new JsonArray();
        result.rows().stream().limit(limit).forEach(row -> data.add(new JsonObject().put("tag", row.get("tag"))
            .put("count", row.get("events")).put("percentage", percentage((Long) row.get("events"), total)).put("source", "server")));
        return new JsonObject().put("data", data).put("total", total);
      });
    });
  }

  static Map<String, Object> ordered(Map<String, Object> m) {
    return new LinkedHashMap<>(m);
  }
}
