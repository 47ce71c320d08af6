package io.sightline.api.hum;

import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.Optional;

/**
 * Hum's Analytics Sessions API (api-specs.md §3): {@code GET /analytics/sessions} (50 sessions a
 * page, newest first) and {@code GET /analytics/sessions/{id}}. Key with the {@code read} scope
 * (Bearer or {@code x-api-key}); the key's site. Fields come from the site's sessions and events
 * through its {@link HumMapping}. Errors use Hum's envelope ({@link HumErrorRenderer}): 401, 403
 * (no read scope, a token id that is not the site's), 404 (unknown session), 422 (bad parameters), 429.
 */
public final class HumSessionsRoutes {
  public static final String PATH = "/analytics/sessions";

  private final HumSessionsQuery query;
  private final HumMappingService mappings;
  private final Clock clock;

  public HumSessionsRoutes(Pool pool, Clock clock) {
    this.query = new HumSessionsQuery(pool);
    this.mappings = new HumMappingService(pool);
    this.clock = clock;
  }

  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    HumErrorRenderer renderer = new HumErrorRenderer(clock);
    router.route(PATH).handler(renderer.install());
    router.route(PATH + "/*").handler(renderer.install());
    router.get(PATH).handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(this::list);
    router.get(PATH + "/:id").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(this::detail);
  }

  private void list(RoutingContext ctx) {
    HumListParams params = HumListParams.parse(ctx.request().params());
    int site = ApiPrincipal.of(ctx).siteId();
    Future<Integer[]> keys = params.tokens().isEmpty() ? Future.succeededFuture(null)
        : query.resolveTokens(site, params.tokens()).compose(found -> found.map(Future::succeededFuture).orElseGet(() ->
            Future.failedFuture(ApiException.forbidden("token_ids[] may only name API keys of this site"))));
    keys.compose(keyIds -> mappings.get(site).compose(mapping -> query.list(site, mapping, params, keyIds)))
        .onSuccess(page -> {
          JsonArray data = new JsonArray();
          page.sessions().forEach(s -> data.add(HumSessionJson.listItem(s)));
          long pages = Math.max(1, (page.count() + HumListParams.PAGE_SIZE - 1) / HumListParams.PAGE_SIZE);
          JsonResponses.send(ctx, 200, new JsonObject().put("message", "Analytics sessions").put("request_status", "ok").put("data", data)
              .put("meta", new JsonObject().put("responded_at", HumSessionJson.respondedAt(clock)).put("page", params.page())
                  .put("pages", pages).put("count", page.count())));
        })
        .onFailure(ctx::fail);
  }

  private void detail(RoutingContext ctx) {
    int site = ApiPrincipal.of(ctx).siteId();
    Optional<HumSessionId.Key> key = HumSessionId.decode(ctx.pathParam("id")).filter(k -> k.siteId() == site);
    if (key.isEmpty()) {
      ctx.fail(ApiException.notFound("Session not found"));
      return;
    }
    mappings.get(site).compose(mapping -> query.detail(site, key.get().sessionId(), mapping).map(found -> found.map(s ->
            HumSessionJson.detail(s, mapping))))
        .onSuccess(found -> {
          if (found.isEmpty()) {
            ctx.fail(ApiException.notFound("Session not found"));
          } else {
            JsonResponses.send(ctx, 200, new JsonObject().put("message", "Analytics session").put("request_status", "ok")
                .put("data", found.get()).put("meta", new JsonObject().put("responded_at", HumSessionJson.respondedAt(clock))));
          }
        })
        .onFailure(ctx::fail);
  }
}
