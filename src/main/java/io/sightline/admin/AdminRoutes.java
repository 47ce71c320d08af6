package io.sightline.admin;

import io.sightline.api.hum.HumMapping;
import io.sightline.api.hum.HumMappingService;
import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiKeyInfo;
import io.sightline.auth.ApiKeyService;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.ads.AdRow;
import io.sightline.ads.AdService;
import io.sightline.goal.Goal;
import io.sightline.goal.GoalService;
import io.sightline.goal.GoalType;
import io.sightline.goal.GoalValidation;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.site.Site;
import io.sightline.site.SiteJson;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The HTTP admin API under {@code /admin/v1}: sites, their keys and their goals. Needs a key with the
 * {@code admin} scope. An admin key is an operator key: it administers every site of the
 * instance, not only the one it belongs to.
 */
public final class AdminRoutes {
  public static final String PREFIX = "/admin/v1";

  private final SiteService sites;
  private final ApiKeyService keys;
  private final GoalService goals;
  private final HumMappingService hum;
  private final AdService ads;

  public AdminRoutes(SiteService sites, ApiKeyService keys, GoalService goals, HumMappingService hum, AdService ads) {
    this.sites = sites;
    this.keys = keys;
    this.goals = goals;
    this.hum = hum;
    this.ads = ads;
  }

  public Router router(Vertx vertx, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    Router router = Router.router(vertx);
    router.route().handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.ADMIN));
    router.get("/sites").handler(this::listSites);
    router.post("/sites").handler(this::addSite);
    router.get("/sites/:site").handler(this::getSite);
    router.delete("/sites/:site").handler(this::removeSite);
    router.get("/sites/:site/keys").handler(this::listKeys);
    router.post("/sites/:site/keys").handler(this::createKey);
    router.delete("/sites/:site/keys/:key").handler(this::revokeKey);
    router.get("/sites/:site/goals").handler(this::listGoals);
    router.post("/sites/:site/goals").handler(this::createGoal);
    router.delete("/sites/:site/goals/:goal").handler(this::deleteGoal);
    router.get("/sites/:site/hum").handler(this::getHum);
    router.put("/sites/:site/hum").handler(this::putHum);
    router.delete("/sites/:site/hum").handler(this::resetHum);
    router.get("/sites/:site/ads").handler(this::listAds);
    router.post("/sites/:site/ads").handler(this::importAds);
    return router;
  }

  private void listSites(RoutingContext ctx) {
    sites.list().onSuccess(list -> JsonResponses.send(ctx, 200,
        new JsonObject().put("sites", new JsonArray(list.stream().map(SiteJson::of).toList())))).onFailure(ctx::fail);
  }

  private void addSite(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx);
    sites.add(JsonResponses.string(body, "domain"), JsonResponses.string(body, "name"), JsonResponses.string(body, "timezone"))
        .onSuccess(site -> JsonResponses.send(ctx, 201, SiteJson.of(site)))
        .onFailure(ctx::fail);
  }

  private void getSite(RoutingContext ctx) {
    site(ctx).onSuccess(site -> JsonResponses.send(ctx, 200, SiteJson.of(site))).onFailure(ctx::fail);
  }

  private void removeSite(RoutingContext ctx) {
    site(ctx).compose(site -> sites.remove(site.id()))
        .onSuccess(removed -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void listKeys(RoutingContext ctx) {
    boolean all = "true".equalsIgnoreCase(ctx.request().getParam("include_revoked"));
    site(ctx).compose(site -> keys.list(site.id(), all))
        .onSuccess(list -> JsonResponses.send(ctx, 200,
            new JsonObject().put("keys", new JsonArray(list.stream().map(ApiKeyInfo::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void createKey(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx);
    String name = JsonResponses.string(body, "name");
    Set<Scope> scopes = scopes(body);
    Integer limit = JsonResponses.integer(body, "rate_limit_per_minute");
    site(ctx).compose(site -> keys.create(site.id(), name, scopes, limit))
        .onSuccess(created -> JsonResponses.send(ctx, 201, created.info().toJson().put("key", created.key())))
        .onFailure(ctx::fail);
  }

  private void revokeKey(RoutingContext ctx) {
    site(ctx).compose(site -> keys.revoke(site.id(), ctx.pathParam("key")))
        .onSuccess(revoked -> {
          if (revoked.isEmpty()) {
            ctx.fail(ApiException.notFound("no active key " + ctx.pathParam("key") + " on this site"));
          } else {
            JsonResponses.send(ctx, 200, revoked.get().toJson());
          }
        })
        .onFailure(ctx::fail);
  }

  private void listGoals(RoutingContext ctx) {
    site(ctx).compose(site -> goals.list(site.id()))
        .onSuccess(list -> JsonResponses.send(ctx, 200,
            new JsonObject().put("goals", new JsonArray(list.stream().map(Goal::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void createGoal(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx);
    String name = JsonResponses.string(body, "name");
    String rawType = JsonResponses.string(body, "type");
    String match = JsonResponses.string(body, "match");
    GoalType type = GoalValidation.type(rawType);
    site(ctx).compose(site -> goals.create(site.id(), name, type, match))
        .onSuccess(goal -> JsonResponses.send(ctx, 201, goal.toJson()))
        .onFailure(ctx::fail);
  }

  private void deleteGoal(RoutingContext ctx) {
    String ref = ctx.pathParam("goal");
    site(ctx).compose(site -> ref.matches("\\d{1,9}") ? goals.delete(site.id(), Integer.parseInt(ref)) : Future.succeededFuture(false))
        .onSuccess(deleted -> {
          if (deleted) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(ApiException.notFound("no goal " + ref + " on this site"));
          }
        })
        .onFailure(ctx::fail);
  }

  private void getHum(RoutingContext ctx) {
    site(ctx).compose(site -> hum.get(site.id()))
        .onSuccess(mapping -> JsonResponses.send(ctx, 200, mapping.toJson()))
        .onFailure(ctx::fail);
  }

  /** Replaces the site's Hum mapping: missing fields take their defaults, a missing funnel means none. */
  private void putHum(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx);
    HumMapping.Settings settings = HumMapping.settingsFromJson(body);
    var steps = HumMapping.stepsFromJson(body);
    site(ctx).compose(site -> hum.save(site.id(), settings, steps))
        .onSuccess(mapping -> JsonResponses.send(ctx, 200, mapping.toJson()))
        .onFailure(ctx::fail);
  }

  private void resetHum(RoutingContext ctx) {
    site(ctx).compose(site -> hum.reset(site.id()))
        .onSuccess(mapping -> JsonResponses.send(ctx, 200, mapping.toJson()))
        .onFailure(ctx::fail);
  }

  private void listAds(RoutingContext ctx) {
    site(ctx).compose(site -> ads.summary(site.id()))
        .onSuccess(list -> JsonResponses.send(ctx, 200, new JsonObject().put("imports", new JsonArray(new java.util.ArrayList<Object>(list)))))
        .onFailure(ctx::fail);
  }

  /** {@code {"rows": [...]}} (or a bare array): ad-platform performance rows, see {@link AdRow#parse}. */
  private void importAds(RoutingContext ctx) {
    io.vertx.core.buffer.Buffer body = ctx.body().buffer();
    List<AdRow> rows = adRows(body == null || body.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(body));
    site(ctx).compose(site -> ads.importRows(site.id(), rows))
        .onSuccess(n -> JsonResponses.send(ctx, 201, new JsonObject().put("imported", n)))
        .onFailure(ctx::fail);
  }

  /** The rows of an import body: a JSON array, or an object with {@code rows}. */
  public static List<AdRow> adRows(Object body) {
    JsonArray array = body instanceof JsonArray a ? a : body instanceof JsonObject o && o.getValue("rows") instanceof JsonArray a2 ? a2 : null;
    if (array == null || array.isEmpty() || array.size() > AdService.MAX_ROWS) {
      throw ApiException.badRequest("the body must be {\"rows\": [...]} with 1 to " + AdService.MAX_ROWS + " rows");
    }
    List<AdRow> rows = new java.util.ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject row)) {
        throw ApiException.badRequest("rows[" + i + "] must be an object");
      }
      rows.add(AdRow.parse(row, i));
    }
    return rows;
  }

  private Future<Site> site(RoutingContext ctx) {
    String ref = ctx.pathParam("site");
    return sites.resolve(ref).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + ref))));
  }

  private static Set<Scope> scopes(JsonObject body) {
    Object raw = body.getValue("scopes");
    if (!(raw instanceof JsonArray array) || array.isEmpty()) {
      throw ApiException.badRequest("scopes must be a non-empty array of ingest, read, admin");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (Object s : array) {
      if (!(s instanceof String str)) {
        throw ApiException.badRequest("scopes must be strings");
      }
      try {
        scopes.add(Scope.parse(str));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
    }
    return scopes;
  }
}
