package io.sightline.mail;

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

/**
 * The admin API's routes for e-mail reports, added to the {@code /admin/v1} router (behind its
 * admin-scope check): {@code GET|POST /sites/{site}/mail-reports} ({@code {"recipient",
 * "frequency": "weekly"|"monthly"}}) and {@code DELETE /sites/{site}/mail-reports/{id}}.
 */
public final class MailAdminRoutes {
  private final SiteService sites;
  private final MailSubscriptions subscriptions;

  public MailAdminRoutes(Pool pool) {
    this.sites = new SiteService(pool);
    this.subscriptions = new MailSubscriptions(pool);
  }

  public void mount(Router admin) {
    admin.get("/sites/:site/mail-reports").handler(ctx -> site(ctx).compose(s -> subscriptions.list(s.id()))
        .onSuccess(list -> JsonResponses.send(ctx, 200, new JsonObject().put("subscriptions",
            new JsonArray(list.stream().map(x -> (Object) x.toJson()).toList()))))
        .onFailure(ctx::fail));
    admin.post("/sites/:site/mail-reports").handler(ctx -> {
      JsonObject body = JsonResponses.bodyObject(ctx);
      String recipient = JsonResponses.string(body, "recipient");
      String frequency = JsonResponses.string(body, "frequency");
      site(ctx).compose(s -> subscriptions.create(s.id(), recipient, frequency))
          .onSuccess(x -> JsonResponses.send(ctx, 201, x.toJson())).onFailure(ctx::fail);
    });
    admin.delete("/sites/:site/mail-reports/:id").handler(ctx -> {
      String ref = ctx.pathParam("id");
      site(ctx).compose(s -> ref.matches("\\d{1,9}") ? subscriptions.delete(s.id(), Integer.parseInt(ref)) : Future.succeededFuture(false))
          .onSuccess(deleted -> {
            if (deleted) {
              ctx.response().setStatusCode(204).end();
            } else {
              ctx.fail(ApiException.notFound("no e-mail report subscription " + ref + " on this site"));
            }
          }).onFailure(ctx::fail);
    });
  }

  private Future<Site> site(RoutingContext ctx) {
    String ref = ctx.pathParam("site");
    return sites.resolve(ref).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + ref))));
  }
}
