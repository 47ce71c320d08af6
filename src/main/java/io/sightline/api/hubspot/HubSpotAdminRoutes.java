package io.sightline.api.hubspot;

import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.function.BiFunction;

/**
 * The admin API's routes for the HubSpot dialect, added to the {@code /admin/v1} router (behind its
 * admin-scope check): a site's analytics views and content rules.
 * <ul>
 *   <li>{@code GET|POST /sites/{site}/analytics-views}, {@code DELETE /sites/{site}/analytics-views/{id}}:
 *   {@code {"title", "filters": [{"prop","op","args"}]}};</li>
 *   <li>{@code GET|POST /sites/{site}/content-rules}, {@code DELETE /sites/{site}/content-rules/{id}}:
 *   {@code {"content_type", "pattern", "name"?}}.</li>
 * </ul>
 */
public final class HubSpotAdminRoutes {
  private final SiteService sites;
  private final AnalyticsViewService views;
  private final ContentRuleService rules;

  public HubSpotAdminRoutes(Pool pool) {
    this.sites = new SiteService(pool);
    this.views = new AnalyticsViewService(pool);
    this.rules = new ContentRuleService(pool);
  }

  public void mount(Router admin) {
    admin.get("/sites/:site/analytics-views").handler(ctx -> site(ctx).compose(s -> views.list(s.id()))
        .onSuccess(list -> JsonResponses.send(ctx, 200, new JsonObject().put("views",
            new JsonArray(list.stream().map(v -> (Object) v.toJson()).toList()))))
        .onFailure(ctx::fail));
    admin.post("/sites/:site/analytics-views").handler(ctx -> {
      JsonObject body = JsonResponses.bodyObject(ctx);
      String title = JsonResponses.string(body, "title");
      site(ctx).compose(s -> views.create(s.id(), title, body.getValue("filters")))
          .onSuccess(v -> JsonResponses.send(ctx, 201, v.toJson())).onFailure(ctx::fail);
    });
    admin.delete("/sites/:site/analytics-views/:id").handler(ctx -> delete(ctx, "analytics view", views::delete));
    admin.get("/sites/:site/content-rules").handler(ctx -> site(ctx).compose(s -> rules.list(s.id()))
        .onSuccess(list -> JsonResponses.send(ctx, 200, new JsonObject().put("rules",
            new JsonArray(list.stream().map(r -> (Object) r.toJson()).toList()))))
        .onFailure(ctx::fail));
    admin.post("/sites/:site/content-rules").handler(ctx -> {
      JsonObject body = JsonResponses.bodyObject(ctx);
      String type = JsonResponses.string(body, "content_type");
      String pattern = JsonResponses.string(body, "pattern");
      String name = JsonResponses.string(body, "name");
      site(ctx).compose(s -> rules.create(s.id(), type, pattern, name))
          .onSuccess(r -> JsonResponses.send(ctx, 201, r.toJson())).onFailure(ctx::fail);
    });
    admin.delete("/sites/:site/content-rules/:id").handler(ctx -> delete(ctx, "content rule", rules::delete));
  }

  private void delete(RoutingContext ctx, String what, BiFunction<Integer, Integer, Future<Boolean>> delete) {
    String ref = ctx.pathParam("id");
    site(ctx).compose(s -> ref.matches("\\d{1,9}") ? delete.apply(s.id(), Integer.parseInt(ref)) : Future.succeededFuture(false))
        .onSuccess(deleted -> {
          if (deleted) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(ApiException.notFound("no " + what + " " + ref + " on this site"));
          }
        }).onFailure(ctx::fail);
  }

  private Future<Site> site(RoutingContext ctx) {
    String ref = ctx.pathParam("site");
    return sites.resolve(ref).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + ref))));
  }
}
