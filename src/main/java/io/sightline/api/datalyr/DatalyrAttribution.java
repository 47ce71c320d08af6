package io.sightline.api.datalyr;

import io.sightline.event.Dimension;
import io.sightline.goal.GoalService;
import io.sightline.query.Attribution;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /attribution}: per campaign (utm_source, utm_medium, utm_campaign), the engine's
 * {@code visitors} of sessions with that campaign in the range, and the conversions
 * ({@link DatalyrConversions}: orders and custom-event goals) credited to it by {@link Attribution}
 * (first touch within {@code window_days} for stable visitors, else the converting session's campaign)
 * with their revenue. {@code conversion_rate} = the campaign's converters (its visitors whose person
 * has a conversion credited to it) / visitors × 100, so at most 100; {@code avg_order_value} = revenue /
 * orders (the credited conversions that carry revenue); two decimals, 0 when the divisor is 0. Ordered
 * by revenue, then conversions, then visitors, descending.
 */
public final class DatalyrAttribution {
  private final QueryEngine engine;
  private final Attribution attribution;
  private final GoalService goals;

  public DatalyrAttribution(QueryEngine engine, Attribution attribution, GoalService goals) {
    this.engine = engine;
    this.attribution = attribution;
    this.goals = goals;
  }

  Future<JsonObject> attribution(RoutingContext ctx, Site site) {
    return DatalyrRoutes.guarded(() -> {
      MultiMap p = ctx.request().params();
      DatalyrParams.Range r = DatalyrParams.range(p, DatalyrReports.zone(site));
      int window = Integer.parseInt(DatalyrParams.choice(p, "window_days", "30", List.of("7", "30", "90")));
      Future<QueryEngine.Result> visitors = engine.run(DatalyrReports.spec(site, r, List.of(Metric.VISITORS),
          List.of(Dimension.UTM_CAMPAIGN, Dimension.UTM_SOURCE, Dimension.UTM_MEDIUM), List.of(), DatalyrReports.MAX_ROWS));
      Future<List<Attribution.Credit>> credits = goals.list(site.id())
          .compose(list -> attribution.credits(site.id(), r.start(), r.end(), DatalyrConversions.matches(list), window));
      return Future.all(visitors, credits).map(all -> {
        Map<List<String>, Long> reached = new LinkedHashMap<>();
        for (Map<String, Object> row : visitors.result().rows()) {
          if (row.get("utm_campaign") != null) {
            reached.put(key((String) row.get("utm_source"), (String) row.get("utm_medium"), (String) row.get("utm_campaign")),
                (Long) row.get("visitors"));
          }
        }
        Map<List<String>, Attribution.Credit> credited = new LinkedHashMap<>();
        credits.result().forEach(c -> credited.put(key(c.utmSource(), c.utmMedium(), c.utmCampaign()), c));
        java.util.Set<List<String>> campaigns = new java.util.LinkedHashSet<>(reached.keySet());
        campaigns.addAll(credited.keySet());
        List<JsonObject> rows = new ArrayList<>();
        for (List<String> k : campaigns) {
          long visitorCount = reached.getOrDefault(k, 0L);
          Attribution.Credit c = credited.get(k);
          long conversions = c == null ? 0 : c.conversions();
          long orders = c == null ? 0 : c.orders();
          long converters = c == null ? 0 : c.converters();
          BigDecimal money = c == null || c.revenue() == null ? BigDecimal.ZERO : c.revenue();
          rows.add(new JsonObject().put("utm_source", k.get(0)).put("utm_medium", k.get(1)).put("utm_campaign", k.get(2))
              .put("visitors", visitorCount).put("conversions", conversions).put("revenue", money.setScale(2, RoundingMode.HALF_UP).doubleValue())
              .put("conversion_rate", ratio(BigDecimal.valueOf(converters * 100), visitorCount))
              .put("avg_order_value", ratio(money, orders)));
        }
        rows.sort(Comparator.<JsonObject>comparingDouble(o -> -o.getDouble("revenue")).thenComparingLong(o -> -o.getLong("conversions"))
            .thenComparingLong(o -> -o.getLong("visitors")).thenComparing(o -> o.getString("utm_campaign"))
            .thenComparing(o -> String.valueOf(o.getString("utm_source"))).thenComparing(o -> String.valueOf(o.getString("utm_medium"))));
        return new JsonObject().put("campaigns", new JsonArray(new ArrayList<Object>(rows))).put("attribution_window_days", window)
            .put("total_campaigns", rows.size()).put("date_range", new JsonObject().put("start", r.start().toString())
                .put("end", r.inclusiveEnd().truncatedTo(ChronoUnit.SECONDS).toString()));
      });
    });
  }

  /** {@code part / whole}, two decimals; 0 when the whole is 0. */
  private static double ratio(BigDecimal part, long whole) {
    return whole == 0 ? 0.0 : part.divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP).doubleValue();
  }

  private static List<String> key(String source, String medium, String campaign) {
    return Arrays.asList(source, medium, campaign);
  }
}
