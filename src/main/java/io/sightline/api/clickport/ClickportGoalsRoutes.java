package io.sightline.api.clickport;

import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.goal.Goal;
import io.sightline.goal.GoalService;
import io.sightline.goal.GoalType;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.http.ReasonPhraseErrorRenderer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Clickport's {@code GET /api/goals} (api-specs.md §5.6): every goal of the key's site, in id order,
 * with its converting visitors and its completions under the type's name ({@code submissions} for
 * forms, {@code events} for custom events, {@code clicks}, {@code pageviews}), plus
 * {@code total_revenue} when its completions carried revenue. The numbers are the engine's goal
 * breakdown ({@code visitors}, {@code conversions}, {@code total_revenue}); goals without
 * completions in the range report 0. Parameters as the breakdown GETs: {@code start_date},
 * {@code end_date} (exclusive; default the last 30 days), {@code timezone}.
 */
public final class ClickportGoalsRoutes {
  private final ClickportQueryRoutes queries;
  private final GoalService goals;

  public ClickportGoalsRoutes(ClickportQueryRoutes queries, GoalService goals) {
    this.queries = queries;
    this.goals = goals;
  }

  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    router.route("/api/goals").handler(new ReasonPhraseErrorRenderer().install());
    router.get("/api/goals").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(this::goals);
  }

  static String countField(GoalType type) {
    return switch (type) {
      case FORM -> "submissions";
      case CUSTOM -> "events";
      case CLICK -> "clicks";
      case PAGEVIEW -> "pageviews";
    };
  }

  private void goals(RoutingContext ctx) {
    JsonObject body = new JsonObject().put("metrics", new JsonArray(List.of("visitors", "conversions", "total_revenue")))
        .put("dimensions", new JsonArray().add("goal")).put("limit", ClickportQueryParser.MAX_LIMIT);
    try {
      ClickportBreakdownRoutes.putRange(ctx.request().params(), body);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    int site = ApiPrincipal.of(ctx).siteId();
    Future<List<Goal>> defined = goals.list(site);
    defined.compose(list -> queries.run(body, site)).onSuccess(result -> {
      Map<Object, Map<String, Object>> byName = new HashMap<>();
      result.rows().forEach(row -> byName.put(row.get("goal"), row));
      JsonArray out = new JsonArray();
      for (Goal g : defined.result()) {
        Map<String, Object> row = byName.getOrDefault(g.name(), Map.of());
        JsonObject json = new JsonObject().put("id", g.id()).put("name", g.name()).put("type", g.type().id())
            .put("visitors", row.getOrDefault("visitors", 0L)).put(countField(g.type()), row.getOrDefault("conversions", 0L));
        if (row.get("total_revenue") != null) {
          json.put("total_revenue", row.get("total_revenue"));
        }
        out.add(json);
      }
      JsonResponses.send(ctx, 200, new JsonObject().put("goals", out));
    }).onFailure(ctx::fail);
  }
}
