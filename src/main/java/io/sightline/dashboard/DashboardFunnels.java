package io.sightline.dashboard;

import io.sightline.api.hum.HumMapping;
import io.sightline.api.hum.HumMappingService;
import io.sightline.http.ApiException;
import io.sightline.query.FunnelQuery;
import io.sightline.query.Periods;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The funnel panel's answer: the site's funnel (the steps of its Hum mapping, each reached by completing a goal,
 * docs/admin.md) over the page's period, each step's visitors and conversion from the engine's {@link FunnelQuery}
 * (sequential: steps in order within a session). A site without a funnel answers no steps; the panel then stays
 * hidden. The page's filters do not apply (the funnel query has none).
 */
final class DashboardFunnels {
  private final HumMappingService mappings;
  private final FunnelQuery funnels;
  private final Clock clock;

  DashboardFunnels(HumMappingService mappings, FunnelQuery funnels, Clock clock) {
    this.mappings = mappings;
    this.funnels = funnels;
    this.clock = clock;
  }

  /** {@code body}: the page's period as in its query bodies ({@code period} or {@code date_range}). */
  Future<JsonObject> answer(JsonObject body, int siteId, String timezone) {
    Periods.Range range;
    try {
      range = range(DashboardQueries.prepare(body, timezone, clock), clock);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return mappings.get(siteId).compose(mapping -> {
      List<HumMapping.Step> defined = new ArrayList<>(mapping.funnel());
      defined.sort(Comparator.comparingInt(HumMapping.Step::step));
      List<HumMapping.Step> shown = defined.subList(0, Math.min(defined.size(), FunnelQuery.MAX_STEPS));
      if (shown.isEmpty()) {
        return Future.succeededFuture(new JsonObject().put("steps", new JsonArray()).put("defined_steps", 0));
      }
      List<FunnelQuery.Step> steps = shown.stream()
          .map(s -> new FunnelQuery.Step(FunnelQuery.StepKind.GOAL, s.goal().name(), s.goal().toMatch())).toList();
      return funnels.run(siteId, range.start(), range.end(), steps, FunnelQuery.Mode.SEQUENTIAL).map(visitors -> {
        List<Double> rates = FunnelQuery.conversionRates(visitors);
        JsonArray out = new JsonArray();
        for (int i = 0; i < shown.size(); i++) {
          out.add(new JsonObject().put("step", shown.get(i).step()).put("name", shown.get(i).name()).put("goal", shown.get(i).goal().name())
              .put("visitors", visitors.get(i)).put("conversion_rate", rates.get(i)));
        }
        return new JsonObject().put("steps", out).put("defined_steps", defined.size());
      });
    });
  }

  /** The range of a prepared body: a {@code date_range} of local dates (end exclusive) or a named period. */
  static Periods.Range range(JsonObject q, Clock clock) {
    ZoneId zone = ZoneId.of(q.getString("timezone"));
    Object dates = q.getValue("date_range");
    if (dates != null) {
      if (!(dates instanceof JsonObject d) || !(d.getValue("start") instanceof String start) || !(d.getValue("end") instanceof String end)) {
        throw ApiException.badRequest("date_range must be {\"start\": \"YYYY-MM-DD\", \"end\": \"YYYY-MM-DD\"}");
      }
      try {
        return Periods.dates(LocalDate.parse(start), LocalDate.parse(end), zone);
      } catch (DateTimeException e) {
        throw ApiException.badRequest("date_range dates must be YYYY-MM-DD");
      }
    }
    Object period = q.getValue("period", "30d");
    if (!(period instanceof String p) || p.equals("all") || p.equals("realtime")) {
      throw ApiException.badRequest("period must be today, yesterday, 7d, 14d, 30d, 90d, 12m, month or last_month");
    }
    return Periods.resolve(p, zone, clock, null);
  }
}
