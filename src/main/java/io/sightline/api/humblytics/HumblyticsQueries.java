package io.sightline.api.humblytics;

import io.sightline.api.humblytics.HumblyticsParams.Granularity;
import io.sightline.api.humblytics.HumblyticsParams.Range;
import io.sightline.event.Dimension;
import io.sightline.query.Filter;
import io.sightline.query.Metric;
import io.sightline.query.Operator;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine queries the Humblytics endpoints are made of, and the small reshaping they share:
 * shares of a total, {@code "unknown"} for missing values, 0-100 rates as 0-1 fractions, and
 * zero-filled trend buckets. No metric is computed here.
 */
final class HumblyticsQueries {
  static final String UNKNOWN = "unknown";
  private final QueryEngine engine;

  HumblyticsQueries(QueryEngine engine) {
    this.engine = engine;
  }

  /** One engine query over the request's range, ordered by its first metric (time buckets: chronologically). */
  Future<List<Map<String, Object>>> rows(int site, Range r, List<Metric> metrics, List<Dimension> dimensions, List<Filter> filters,
                                         int limit) {
    boolean time = !dimensions.isEmpty() && dimensions.get(0).kind() == Dimension.Kind.TIME;
    QuerySpec spec = new QuerySpec(site, r.start(), r.end(), r.zone(), metrics, dimensions, filters, null, !time, limit, 0);
    return engine.run(spec).map(QueryEngine.Result::rows);
  }

  /** The totals row of a query without dimensions. */
  Future<Map<String, Object>> totals(int site, Range r, List<Metric> metrics, List<Filter> filters) {
    return rows(site, r, metrics, List.of(), filters, 1).map(rows -> rows.get(0));
  }

  /**
   * A trend: one object per bucket ({@code bucket_start} in the requested zone, then each metric under
   * its Humblytics name), zero-filled, including the trailing bucket of a date-only {@code end}.
   */
  Future<JsonArray> trend(int site, Range r, Granularity g, List<LocalDateTime> buckets, List<Filter> filters, List<Metric> metrics,
                          List<String> names) {
    return rows(site, r, metrics, List.of(g.dimension), filters, Integer.MAX_VALUE).map(rows -> {
      Map<Object, Map<String, Object>> byLabel = new HashMap<>();
      rows.forEach(row -> byLabel.put(row.get(g.dimension.id()), row));
      JsonArray out = new JsonArray();
      for (LocalDateTime b : buckets) {
        Map<String, Object> row = byLabel.get(g.label(b));
        JsonObject bucket = new JsonObject().put("bucket_start", r.bucketStart(b));
        for (int i = 0; i < metrics.size(); i++) {
          bucket.put(names.get(i), row == null ? 0L : row.get(metrics.get(i).id()));
        }
        out.add(bucket);
      }
      return out;
    });
  }

  static Filter is(Dimension d, String value) {
    return new Filter(d, Operator.IS, List.of(value));
  }

  static String orUnknown(Object value) {
    return value == null ? UNKNOWN : value.toString();
  }

  static long count(Map<String, Object> row, Metric m) {
    Object v = row.get(m.id());
    return v instanceof Number n ? n.longValue() : 0L;
  }

  /** {@code part / total} as a 0-1 fraction with 3 decimals (0 when the total is 0). */
  static double share(long part, long total) {
    return total == 0 ? 0 : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(total), 3, RoundingMode.HALF_UP).doubleValue();
  }

  /** The engine's 0-100 whole-percent rate as a 0-1 fraction. */
  static double fraction(Object percent) {
    return percent instanceof Number n ? BigDecimal.valueOf(n.doubleValue()).divide(BigDecimal.valueOf(100), 4, RoundingMode.HALF_UP)
        .stripTrailingZeros().doubleValue() : 0;
  }

  /** Devices normalised: {@code desktop}, {@code mobile} (phones and tablets) or {@code unknown}. */
  static String device(Object engineDevice) {
    if (engineDevice == null) {
      return UNKNOWN;
    }
    return switch (engineDevice.toString()) {
      case "desktop" -> "desktop";
      case "mobile", "tablet" -> "mobile";
      default -> UNKNOWN;
    };
  }

  /** The rows of a one-dimension session breakdown as {@code {<name>: value, sessions, share}}. */
  static JsonArray sessionShares(List<Map<String, Object>> rows, Dimension d, String name, long totalSessions) {
    JsonArray out = new JsonArray();
    for (Map<String, Object> row : rows) {
      long sessions = count(row, Metric.SESSIONS);
      out.add(new JsonObject().put(name, orUnknown(row.get(d.id()))).put("sessions", sessions).put("share", share(sessions, totalSessions)));
    }
    return out;
  }

  /** Device rows merged into the three Humblytics classes, most sessions first, at most {@code limit}. */
  static JsonArray devices(List<Map<String, Object>> rows, long totalSessions, int limit) {
    Map<String, Long> merged = new java.util.LinkedHashMap<>();
    for (Map<String, Object> row : rows) {
      merged.merge(device(row.get(Dimension.DEVICE.id())), count(row, Metric.SESSIONS), Long::sum);
    }
    JsonArray out = new JsonArray();
    merged.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .forEach(e -> out.add(new JsonObject().put("device", e.getKey()).put("sessions", e.getValue())
            .put("share", share(e.getValue(), totalSessions))));
    return out;
  }

  /** UTM rows as {@code {source, medium, campaign, sessions, page_views, share}}. */
  static JsonArray utm(List<Map<String, Object>> rows, long totalSessions) {
    JsonArray out = new JsonArray();
    for (Map<String, Object> row : rows) {
      long sessions = count(row, Metric.SESSIONS);
      out.add(new JsonObject().put("source", orUnknown(row.get(Dimension.UTM_SOURCE.id())))
          .put("medium", orUnknown(row.get(Dimension.UTM_MEDIUM.id())))
          .put("campaign", orUnknown(row.get(Dimension.UTM_CAMPAIGN.id())))
          .put("sessions", sessions).put("page_views", count(row, Metric.PAGEVIEWS)).put("share", share(sessions, totalSessions)));
    }
    return out;
  }
}
