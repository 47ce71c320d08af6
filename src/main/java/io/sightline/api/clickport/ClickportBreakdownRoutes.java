package io.sightline.api.clickport;

import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.http.ReasonPhraseErrorRenderer;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Clickport's breakdown GETs (api-specs.md §5.7), each a fixed {@code /api/query}: the same engine,
 * renamed. Query parameters: {@code start_date} and {@code end_date} ({@code YYYY-MM-DD}, end
 * exclusive like {@code date_range}; default the last 30 days), {@code timezone} (UTC),
 * {@code limit} (100). Rows are ordered by their first metric, descending. Rows without a value
 * are left out where the value is the point of the report (UTM, campaign and referrer reports).
 */
public final class ClickportBreakdownRoutes {
  record Report(List<String> dimensions, List<String> metrics, boolean skipMissing) {
  }

  static final Map<String, Report> REPORTS = Map.ofEntries(
      Map.entry("/api/pages", new Report(List.of("page"), List.of("visitors", "pageviews", "avg_scroll", "avg_duration"), false)),
      Map.entry("/api/sources", new Report(List.of("source", "channel"), List.of("visitors", "bounce_rate", "engagement"), false)),
      Map.entry("/api/referrers", new Report(List.of("referrer_url"), List.of("visitors", "bounce_rate"), true)),
      Map.entry("/api/countries", new Report(List.of("country"), List.of("visitors"), false)),
      Map.entry("/api/campaigns", new Report(List.of("utm_campaign", "utm_source", "utm_medium"), List.of("visitors"), true)),
      Map.entry("/api/utm-sources", new Report(List.of("utm_source"), List.of("visitors"), true)),
      Map.entry("/api/utm-mediums", new Report(List.of("utm_medium"), List.of("visitors"), true)),
      Map.entry("/api/utm-content", new Report(List.of("utm_content"), List.of("visitors"), true)),
      Map.entry("/api/utm-term", new Report(List.of("utm_term"), List.of("visitors"), true)),
      Map.entry("/api/entry-pages", new Report(List.of("entry_page"), List.of("sessions"), true)),
      Map.entry("/api/exit-pages", new Report(List.of("exit_page"), List.of("sessions"), true)));
  private static final Set<String> TECH = Set.of("device", "browser", "os");

  private final ClickportQueryRoutes queries;

  public ClickportBreakdownRoutes(ClickportQueryRoutes queries) {
    this.queries = queries;
  }

  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    var renderer = new ReasonPhraseErrorRenderer().install();
    for (Map.Entry<String, Report> r : REPORTS.entrySet()) {
      router.route(r.getKey()).handler(renderer);
      router.get(r.getKey()).handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(ctx -> report(ctx, r.getValue()));
    }
    router.route("/api/tech").handler(renderer);
    router.get("/api/tech").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(ctx -> {
      String type = ctx.request().getParam("type", "device");
      if (!TECH.contains(type)) {
        ctx.fail(ApiException.badRequest("type must be device, browser or os"));
        return;
      }
      report(ctx, new Report(List.of(type), List.of("visitors"), false));
    });
  }

  /** {@code start_date}/{@code end_date} (both or neither; default the last 30 days) and {@code timezone} into a query body. */
  static void putRange(MultiMap p, JsonObject body) {
    String start = p.get("start_date");
    String end = p.get("end_date");
    if (start != null || end != null) {
      if (start == null || end == null) {
        throw ApiException.badRequest("start_date and end_date go together (YYYY-MM-DD, end exclusive)");
      }
      body.put("date_range", new JsonObject().put("start", start).put("end", end));
    } else {
      body.put("period", "30d");
    }
    if (p.get("timezone") != null) {
      body.put("timezone", p.get("timezone"));
    }
  }

  private void report(RoutingContext ctx, Report report) {
    MultiMap p = ctx.request().params();
    JsonObject body = new JsonObject().put("metrics", new JsonArray(List.copyOf(report.metrics())))
        .put("dimensions", new JsonArray(List.copyOf(report.dimensions())));
    try {
      putRange(p, body);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    int limit = 100;
    if (p.get("limit") != null) {
      try {
        limit = Integer.parseInt(p.get("limit"));
      } catch (NumberFormatException e) {
        ctx.fail(ApiException.badRequest("limit must be a whole number from 1 to " + ClickportQueryParser.MAX_LIMIT));
        return;
      }
    }
    // missing values are dropped after the engine's paging, so fetch one page more than asked and cut
    body.put("limit", Math.max(1, Math.min(ClickportQueryParser.MAX_LIMIT, report.skipMissing() ? limit + 1 : limit)));
    int finalLimit = limit;
    queries.run(body, ApiPrincipal.of(ctx).siteId()).onSuccess(result -> {
      JsonArray rows = new JsonArray();
      for (Map<String, Object> row : result.rows()) {
        if (report.skipMissing() && row.get(report.dimensions().get(0)) == null) {
          continue;
        }
        if (rows.size() < finalLimit) {
          rows.add(new JsonObject(row));
        }
      }
      JsonResponses.send(ctx, 200, new JsonObject().put("results", rows));
    }).onFailure(ctx::fail);
  }
}
