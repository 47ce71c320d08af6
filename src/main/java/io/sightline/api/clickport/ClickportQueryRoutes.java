package io.sightline.api.clickport;

import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.event.Dimension;
import io.sightline.goal.Goal;
import io.sightline.goal.GoalService;
import io.sightline.http.JsonResponses;
import io.sightline.http.ReasonPhraseErrorRenderer;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Clickport's {@code POST /api/query} (api-specs.md §5.3): aggregate totals as
 * {@code {"results": {...}}}, a grouped query as {@code {"results": [...]}}. Key with the
 * {@code read} scope; the key's site.
 */
public final class ClickportQueryRoutes {
  private static final String FIRST_EVENT = "select min(ts) as first from events where site_id = $1";
  private final QueryEngine engine;
  private final Pool pool;
  private final GoalService goals;
  private final Clock clock;

  /** @param engine the server's engine on {@code pool}; {@code goals} likewise */
  public ClickportQueryRoutes(Pool pool, QueryEngine engine, GoalService goals, Clock clock) {
    this.engine = engine;
    this.goals = goals;
    this.pool = pool;
    this.clock = clock;
  }

  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit, long maxBodyBytes) {
    router.route("/api/query").handler(BodyHandler.create(false).setBodyLimit(Math.min(maxBodyBytes, 65_536)))
        .handler(new ReasonPhraseErrorRenderer().install());
    router.post("/api/query").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(this::query);
  }

  /** Parses a Clickport query body and runs it for the site (also used by the breakdown GETs). */
  Future<QueryEngine.Result> run(JsonObject body, int site) {
    Future<Instant> first = ClickportQueryParser.needsFirstEvent(body)
        ? pool.preparedQuery(FIRST_EVENT).execute(Tuple.of(site)).map(rows -> {
          var t = rows.iterator().next().getOffsetDateTime("first");
          return t == null ? null : t.toInstant();
        })
        : Future.succeededFuture(null);
    return first.compose(firstEvent -> {
      ClickportQueryParser.Parsed parsed = ClickportQueryParser.parse(body, site, clock, firstEvent);
      Future<QuerySpec> spec = parsed.spec().needsGoals()
          ? goals.list(site).map(list -> parsed.spec().withGoals(list.stream().map(Goal::toMatch).toList()))
          : Future.succeededFuture(parsed.spec());
      return spec.compose(q -> parsed.comparison().isPresent() ? engine.runCompared(q, parsed.comparison().get(), parsed.includeImported())
              : engine.run(q, parsed.includeImported()))
          .map(ClickportQueryRoutes::inClickportsWords);
    });
  }

  /** The engine's rows with Clickport's vocabulary: device classes capitalised ({@link ClickportDevices}). */
  private static QueryEngine.Result inClickportsWords(QueryEngine.Result result) {
    String device = Dimension.DEVICE.id();
    if (result.rows().isEmpty() || !result.rows().get(0).containsKey(device)) {
      return result;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> row : result.rows()) {
      Map<String, Object> renamed = new LinkedHashMap<>(row);
      renamed.put(device, ClickportDevices.shown(row.get(device)));
      rows.add(renamed);
    }
    return new QueryEngine.Result(rows, result.comparisonRange(), result.importsWarning());
  }

  /**
   * Totals as {@code {"results": {...}}}, groups as {@code {"results": [...]}}; with a comparison,
   * totals get top-level {@code comparison} and {@code change}, grouped rows carry their own, and
   * {@code comparison_range} gives the baseline dates (end exclusive). {@code period: all} has no
   * baseline: {@code comparison_range} is then null. {@code warning} (present only then) says why the site's imported daily
   * aggregates in the range are left out of the answer.
   */
  private static JsonObject response(JsonObject body, QueryEngine.Result result) {
    boolean grouped = body.getValue("dimensions") instanceof JsonArray a && !a.isEmpty();
    JsonObject out = new JsonObject();
    if (grouped) {
      out.put("results", new JsonArray(result.rows().stream().map(JsonObject::new).toList()));
    } else {
      JsonObject totals = new JsonObject(new java.util.LinkedHashMap<>(result.rows().get(0)));
      Object comparison = totals.remove("comparison");
      Object change = totals.remove("change");
      out.put("results", totals);
      if (comparison != null) {
        out.put("comparison", comparison).put("change", change);
      }
    }
    if (Boolean.TRUE.equals(body.getValue("include_comparison"))) {
      out.put("comparison_range", result.comparisonRange() == null ? null : new JsonObject()
          .put("start", result.comparisonRange().displayStart().toString())
          .put("end", result.comparisonRange().displayEndExclusive().toString()));
    }
    if (result.importsWarning() != null) {
      out.put("warning", result.importsWarning());
    }
    return out;
  }

  /**
   * A Clickport query body answered for the site as {@code POST /api/query} answers it: the dashboard
   * asks its questions in the same words, through the same parser and engine.
   */
  public Future<JsonObject> answer(JsonObject body, int site) {
    try {
      return run(body, site).map(result -> response(body, result));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void query(RoutingContext ctx) {
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : JsonResponses.bodyObject(ctx);
    answer(body, ApiPrincipal.of(ctx).siteId())
        .onSuccess(out -> JsonResponses.send(ctx, 200, out))
        .onFailure(ctx::fail);
  }
}
