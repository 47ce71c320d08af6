package io.sightline.api.datalyr;

import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.site.Site;
import io.sightline.site.SiteCache;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The DATALYR Public API (api-specs.md §4) under {@code /api/v1}: read-only GETs for a key with the
 * {@code read} scope, about the key's own site (DATALYR's "workspace"). Every answer carries
 * {@code X-RateLimit-*} (DATALYR's "every response"); errors are {@code {"error": "...", "code": "..."}}.
 */
public final class DatalyrRoutes {
  public static final String PREFIX = "/api/v1";

  private final SiteCache sites;
  private final Map<String, BiFunction<RoutingContext, Site, Future<JsonObject>>> endpoints = new LinkedHashMap<>();

  public DatalyrRoutes(SiteCache sites, DatalyrReports reports, DatalyrEvents events, DatalyrRealtime realtime,
                       DatalyrAccount account, DatalyrUsers users, DatalyrAttribution attribution, DatalyrAds ads) {
    this.sites = sites;
    endpoints.put("/overview", reports::overview);
    endpoints.put("/traffic", reports::traffic);
    endpoints.put("/devices", reports::devices);
    endpoints.put("/locations", reports::locations);
    endpoints.put("/tags", reports::tags);
    endpoints.put("/events", events::events);
    endpoints.put("/event-names", events::eventNames);
    endpoints.put("/realtime", realtime::realtime);
    endpoints.put("/attribution", attribution::attribution);
    endpoints.put("/users", users::list);
    endpoints.put("/users/:userId", users::profile);
    endpoints.put("/ads", ads::ads);
    endpoints.put("/workspace", account::workspace);
    endpoints.put("/usage", account::usage);
  }

  /**
   * Every request under the prefix is authenticated and counted before it is routed, so that unknown
   * paths (404) and methods (405) carry the rate-limit headers too; an answer no key was counted for
   * (401, or refused before authentication) is counted against the client's address.
   *
   * @param clientAddress the client's address, for the answers no key was counted for
   */
  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit, Function<HttpServerRequest, String> clientAddress) {
    router.route(PREFIX + "/*").handler(new DatalyrErrorRenderer().install());
    router.route(PREFIX + "/*").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ))
        .failureHandler(rateLimit.unkeyedAnswers(clientAddress));
    endpoints.forEach((path, handler) -> router.get(PREFIX + path).handler(ctx -> serve(ctx, handler)));
  }

  private void serve(RoutingContext ctx, BiFunction<RoutingContext, Site, Future<JsonObject>> handler) {
    sites.byId(ApiPrincipal.of(ctx).siteId())
        .compose(site -> site.isEmpty() ? Future.failedFuture(ApiException.forbidden("This API key's site no longer exists"))
            : handler.apply(ctx, site.get()))
        .onSuccess(body -> JsonResponses.send(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  /** Runs a handler body, turning a parameter error thrown while parsing into a failed future. */
  static Future<JsonObject> guarded(java.util.function.Supplier<Future<JsonObject>> body) {
    try {
      return body.get();
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }
}
