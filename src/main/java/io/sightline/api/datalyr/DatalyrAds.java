package io.sightline.api.datalyr;

import io.sightline.ads.AdRow;
import io.sightline.ads.AdService;
import io.sightline.event.Dimension;
import io.sightline.goal.GoalService;
import io.sightline.query.Metric;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /ads}: imported ad-platform rows of the level asked for, summed over the range's local
 * days ({@code platform} one of them, or {@code all}, the default), joined with Sightline's own
 * {@code conversions} (completions of the conversion goals, {@link DatalyrConversions}) and {@code total_revenue}
 * from the engine: a campaign row with the sessions whose {@code utm_campaign} is its id or name, an
 * ad set or ad row with those whose {@code utm_content} is its id or name (the id wins when both
 * match). roas = revenue / spend, ctr = clicks / impressions × 100, cpc = spend / clicks, cpm =
 * spend / impressions × 1000, two decimals, null when the divisor is 0. Ordered by spend descending.
 * Totals are over every row of the level and platform, not only the page.
 */
public final class DatalyrAds {
  /** {@code platform}'s documented default: every platform. */
  static final String ALL = "all";
  static final List<String> PLATFORMS = java.util.stream.Stream.concat(AdRow.PLATFORMS.stream(), java.util.stream.Stream.of(ALL)).toList();
  private final AdService ads;
  private final QueryEngine engine;
  private final GoalService goals;

  public DatalyrAds(AdService ads, QueryEngine engine, GoalService goals) {
    this.ads = ads;
    this.engine = engine;
    this.goals = goals;
  }

  Future<JsonObject> ads(RoutingContext ctx, Site site) {
    return DatalyrRoutes.guarded(() -> {
      MultiMap p = ctx.request().params();
      DatalyrParams.Range r = DatalyrParams.range(p, DatalyrReports.zone(site));
      String asked = DatalyrParams.choice(p, "platform", ALL, PLATFORMS);
      String platform = asked.equals(ALL) ? null : asked;
      String level = DatalyrParams.choice(p, "level", "campaign", AdRow.LEVELS);
      int limit = DatalyrParams.integer(p, "limit", 50, 1, 200);
      LocalDate from = LocalDate.ofInstant(r.start(), r.zone());
      LocalDate to = LocalDate.ofInstant(r.inclusiveEnd(), r.zone());
      Dimension by = level.equals("campaign") ? Dimension.UTM_CAMPAIGN : Dimension.UTM_CONTENT;
      Future<List<AdService.Performance>> rows = ads.performance(site.id(), from, to, platform, level);
      Future<QueryEngine.Result> own = goals.list(site.id()).compose(list -> engine.run(DatalyrReports.spec(site, r,
          List.of(Metric.CONVERSIONS, Metric.TOTAL_REVENUE), List.of(by), List.of(), DatalyrReports.MAX_ROWS)
          .withGoals(DatalyrConversions.matches(list))));
      Future<List<String>> platforms = ads.platforms(site.id());
      return Future.all(rows, own, platforms).map(all -> {
        Map<String, Map<String, Object>> byValue = new HashMap<>();
        own.result().rows().forEach(row -> {
          if (row.get(by.id()) != null) {
            byValue.put((String) row.get(by.id()), row);
          }
        });
        List<JsonObject> out = new ArrayList<>();
        BigDecimal totalSpend = BigDecimal.ZERO;
        BigDecimal totalRevenue = BigDecimal.ZERO;
        for (AdService.Performance a : rows.result()) {
          String name = switch (level) {
            case "adset" -> a.adsetName();
            case "ad" -> a.adName();
            default -> a.campaignName();
          };
          Map<String, Object> mine = byValue.getOrDefault(a.entityId(), name == null ? Map.of() : byValue.getOrDefault(name, Map.of()));
          long conversions = (Long) mine.getOrDefault("conversions", 0L);
          BigDecimal revenue = mine.get("total_revenue") == null ? BigDecimal.ZERO : BigDecimal.valueOf((Double) mine.get("total_revenue"));
          totalSpend = totalSpend.add(a.spend());
          totalRevenue = totalRevenue.add(revenue);
          JsonObject row = new JsonObject().put("platform", a.platform()).put("level", level).put("campaign_id", a.campaignId())
              .put("campaign_name", a.campaignName());
          if (!level.equals("campaign")) {
            row.put("adset_id", a.adsetId()).put("adset_name", a.adsetName());
          }
          if (level.equals("ad")) {
            row.put("ad_id", a.adId()).put("ad_name", a.adName());
          }
          out.add(row.put("status", a.status()).put("spend", a.spend().doubleValue()).put("impressions", a.impressions())
              .put("clicks", a.clicks()).put("conversions", conversions).put("revenue", revenue.setScale(2, RoundingMode.HALF_UP).doubleValue())
              .put("roas", ratio(revenue, a.spend(), 1)).put("ctr", ratio(BigDecimal.valueOf(a.clicks()), BigDecimal.valueOf(a.impressions()), 100))
              .put("cpc", ratio(a.spend(), BigDecimal.valueOf(a.clicks()), 1))
              .put("cpm", ratio(a.spend(), BigDecimal.valueOf(a.impressions()), 1000)));
        }
        out.sort(Comparator.<JsonObject>comparingDouble(o -> -o.getDouble("spend")).thenComparing(o -> o.getString("platform"))
            .thenComparing(o -> o.getString("campaign_id")).thenComparing(o -> String.valueOf(o.getString("adset_id")))
            .thenComparing(o -> String.valueOf(o.getString("ad_id"))));
        return new JsonObject().put("data", new JsonArray(new ArrayList<Object>(out.subList(0, Math.min(limit, out.size())))))
            .put("platforms_connected", new JsonArray(new ArrayList<Object>(platforms.result())))
            .put("total_spend", totalSpend.setScale(2, RoundingMode.HALF_UP).doubleValue())
            .put("total_revenue", totalRevenue.setScale(2, RoundingMode.HALF_UP).doubleValue())
            .put("overall_roas", ratio(totalRevenue, totalSpend, 1));
      });
    });
  }

  /** {@code a / b × scale}, two decimals; null when {@code b} is 0. */
  static Double ratio(BigDecimal a, BigDecimal b, int scale) {
    return b.signum() == 0 ? null : a.multiply(BigDecimal.valueOf(scale)).divide(b, 2, RoundingMode.HALF_UP).doubleValue();
  }
}
