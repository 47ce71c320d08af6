package io.sightline.dashboard;

import io.sightline.account.AccountService;
import io.sightline.account.Passwords;
import io.sightline.account.Role;
import io.sightline.account.SharedLinks;
import io.sightline.account.SiteAccess;
import io.sightline.api.clickport.ClickportRealtimeRoutes;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's data, under {@code /dashboard/api} (a login session; 401 without one, 403 for a
 * site the account may not see): {@code GET me} (the account, its sites, the CSRF token),
 * {@code POST sites/{id}/query} (a Clickport query body, {@link DashboardQueries}), {@code POST sites/{id}/funnel}
 * (the site's funnel over the body's period, {@link DashboardFunnels}),
 * {@code GET sites/{id}/realtime} (the realtime server-sent events), {@code GET overview} (every
 * site of the account for a period), and an owner's shared links: {@code GET}, {@code POST} and
 * {@code DELETE sites/{id}/shares[/{link}]} (writes carry {@code X-CSRF-Token}).
 */
final class DashboardApi {
  static final String PREFIX = "/dashboard/api";
  private final Vertx vertx;
  private final DashboardAuth auth;
  private final AccountService accounts;
  private final DashboardQueries queries;
  private final ClickportRealtimeRoutes realtime;
  private final SharedLinks links;
  private final DashboardFunnels funnels;

  DashboardApi(Vertx vertx, DashboardAuth auth, AccountService accounts, DashboardQueries queries, ClickportRealtimeRoutes realtime,
               SharedLinks links, DashboardFunnels funnels) {
    this.funnels = funnels;
    this.vertx = vertx;
    this.auth = auth;
    this.accounts = accounts;
    this.queries = queries;
    this.realtime = realtime;
    this.links = links;
  }

  void mount(Router router) {
    router.route(PREFIX + "/*").handler(BodyHandler.create(false).setBodyLimit(65_536)).handler(auth::sameOrigin).handler(auth::requireSession);
    router.get(PREFIX + "/me").handler(this::me);
    router.get(PREFIX + "/overview").handler(this::overview);
    router.post(PREFIX + "/sites/:site/query").handler(auth.requireSite(Role.VIEWER)).handler(this::query);
    router.post(PREFIX + "/sites/:site/funnel").handler(auth.requireSite(Role.VIEWER)).handler(this::funnel);
    router.get(PREFIX + "/sites/:site/realtime").handler(auth.requireSite(Role.VIEWER))
        .handler(ctx -> realtime.stream(ctx, vertx, DashboardAuth.site(ctx).siteId()));
    router.get(PREFIX + "/sites/:site/shares").handler(auth.requireSite(Role.OWNER)).handler(this::listShares);
    router.post(PREFIX + "/sites/:site/shares").handler(auth::requireCsrfHeader).handler(auth.requireSite(Role.OWNER)).handler(this::createShare);
    router.delete(PREFIX + "/sites/:site/shares/:link").handler(auth::requireCsrfHeader).handler(auth.requireSite(Role.OWNER))
        .handler(this::revokeShare);
  }

  private void me(RoutingContext ctx) {
    var session = DashboardAuth.of(ctx);
    accounts.sites(session.account().id()).onSuccess(sites -> JsonResponses.send(ctx, 200, new JsonObject()
        .put("email", session.account().email()).put("csrf", session.csrfToken())
        .put("sites", new JsonArray(sites.stream().map(DashboardApi::siteJson).toList())))).onFailure(ctx::fail);
  }

  static JsonObject siteJson(SiteAccess s) {
    return new JsonObject().put("id", s.siteId()).put("domain", s.domain()).put("name", s.name()).put("timezone", s.timezone())
        .put("role", s.role() == null ? null : s.role().id());
  }

  private void query(RoutingContext ctx) {
    SiteAccess site = DashboardAuth.site(ctx);
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : JsonResponses.bodyObject(ctx);
    queries.answer(body, site.siteId(), site.timezone()).onSuccess(out -> JsonResponses.send(ctx, 200, out)).onFailure(ctx::fail);
  }

  /**
   * Every site of the account for one period: its visitors and pageviews with the change against the
   * previous period, and its visitors per day (the trend), sorted by visitors. One request for the
   * page; the engine answers each site from its rollups.
   */
  private void overview(RoutingContext ctx) {
    String period = ctx.request().getParam("period", "30d");
    if (!List.of("today", "yesterday", "7d", "30d", "month", "last_month", "12m").contains(period)) {
      ctx.fail(ApiException.badRequest("period must be today, yesterday, 7d, 30d, month, last_month or 12m"));
      return;
    }
    String interval = period.equals("today") || period.equals("yesterday") ? "hour" : period.equals("12m") ? "month" : "date";
    accounts.sites(DashboardAuth.of(ctx).account().id()).compose(sites -> {
      List<Future<JsonObject>> rows = new ArrayList<>();
      for (SiteAccess s : sites) {
        JsonObject totals = new JsonObject().put("metrics", new JsonArray().add("visitors").add("pageviews")).put("period", period)
            .put("include_comparison", true);
        JsonObject trend = new JsonObject().put("metrics", new JsonArray().add("visitors")).put("period", period)
            .put("dimensions", new JsonArray().add(interval));
        rows.add(queries.answer(totals, s.siteId(), s.timezone()).compose(t -> queries.answer(trend, s.siteId(), s.timezone())
            .map(tr -> siteJson(s).put("visitors", t.getJsonObject("results").getValue("visitors"))
                .put("pageviews", t.getJsonObject("results").getValue("pageviews"))
                .put("change", t.getJsonObject("change"))
                .put("trend", new JsonArray(tr.getJsonArray("results").stream().map(o -> ((JsonObject) o).getValue("visitors")).toList())))));
      }
      return Future.all(rows).map(all -> {
        List<JsonObject> list = new ArrayList<>();
        for (Future<JsonObject> f : rows) {
          list.add(f.result());
        }
        list.sort((a, b) -> Long.compare(b.getLong("visitors", 0L), a.getLong("visitors", 0L)));
        return new JsonObject().put("period", period).put("sites", new JsonArray(new ArrayList<>(list)));
      });
    }).onSuccess(out -> JsonResponses.send(ctx, 200, out)).onFailure(ctx::fail);
  }

  private void funnel(RoutingContext ctx) {
    SiteAccess site = DashboardAuth.site(ctx);
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : JsonResponses.bodyObject(ctx);
    funnels.answer(body, site.siteId(), site.timezone()).onSuccess(out -> JsonResponses.send(ctx, 200, out)).onFailure(ctx::fail);
  }

  private void listShares(RoutingContext ctx) {
    links.list(DashboardAuth.site(ctx).siteId()).onSuccess(list -> JsonResponses.send(ctx, 200,
        new JsonObject().put("links", new JsonArray(list.stream().map(SharedLinks.Link::toJson).toList())))).onFailure(ctx::fail);
  }

  private void createShare(RoutingContext ctx) {
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : JsonResponses.bodyObject(ctx);
    String name = JsonResponses.string(body, "name");
    String password = JsonResponses.string(body, "password");
    if (password != null && !password.isEmpty() && Passwords.problem(password) != null) {
      ctx.fail(ApiException.badRequest(Passwords.problem(password)));
      return;
    }
    Future<String> hash = password == null || password.isEmpty() ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> Passwords.hash(password), false);
    int site = DashboardAuth.site(ctx).siteId();
    hash.compose(h -> links.create(site, name, h, DashboardAuth.of(ctx).account().id()))
        .onSuccess(link -> JsonResponses.send(ctx, 201, link)).onFailure(ctx::fail);
  }

  private void revokeShare(RoutingContext ctx) {
    String raw = ctx.pathParam("link");
    if (!raw.matches("\\d{1,9}")) {
      ctx.fail(ApiException.badRequest("The link id must be a number"));
      return;
    }
    links.revoke(DashboardAuth.site(ctx).siteId(), Integer.parseInt(raw)).onSuccess(revoked -> {
      if (revoked) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(ApiException.notFound("No live shared link " + raw + " on this site"));
      }
    }).onFailure(ctx::fail);
  }
}
