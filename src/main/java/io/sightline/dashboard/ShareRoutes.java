package io.sightline.dashboard;

import io.sightline.account.Passwords;
import io.sightline.account.SharedLinks;
import io.sightline.api.clickport.ClickportRealtimeRoutes;
import io.sightline.auth.RateLimiter;
import io.sightline.config.DashboardConfig;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * A site's dashboard through a shared link, without an account: {@code GET /share/{token}} (the
 * page read-only, or the link's password form), {@code POST /share/{token}} (the password; attempts
 * limited like logins), and its data under {@code /share/{token}/api}: {@code me},
 * {@code sites/{id}/query}, {@code sites/{id}/realtime} (the link's own site only). A revoked or unknown link is a 404. A password-protected link
 * remembers its visitor in a cookie holding an HMAC of the link's id keyed by the password's hash,
 * so a new password or a revocation shuts it out.
 */
final class ShareRoutes {
  private static final String LINK = "sightline.dashboard.link";
  private final Vertx vertx;
  private final DashboardAuth auth;
  private final SharedLinks links;
  private final Pages pages;
  private final DashboardQueries queries;
  private final ClickportRealtimeRoutes realtime;
  private final RateLimiter limiter;
  private final DashboardConfig config;
  private final Function<HttpServerRequest, String> clientAddress;

  ShareRoutes(Vertx vertx, DashboardAuth auth, SharedLinks links, Pages pages, DashboardQueries queries, ClickportRealtimeRoutes realtime,
              RateLimiter limiter, DashboardConfig config, Function<HttpServerRequest, String> clientAddress) {
    this.vertx = vertx;
    this.auth = auth;
    this.links = links;
    this.pages = pages;
    this.queries = queries;
    this.realtime = realtime;
    this.limiter = limiter;
    this.config = config;
    this.clientAddress = clientAddress;
  }

  void mount(Router router) {
    router.get("/share/:token").handler(this::page);
    router.route("/share/:token").method(HttpMethod.POST).handler(BodyHandler.create(false).setBodyLimit(16_384)).handler(auth::sameOrigin)
        .handler(this::password);
    router.route("/share/:token/api/*").handler(BodyHandler.create(false).setBodyLimit(65_536)).handler(auth::sameOrigin)
        .handler(this::requireLink);
    router.get("/share/:token/api/me").handler(ctx -> {
      SharedLinks.Resolved link = ctx.get(LINK);
      JsonResponses.send(ctx, 200, new JsonObject().put("shared", true).put("sites", new io.vertx.core.json.JsonArray().add(new JsonObject()
          .put("id", link.siteId()).put("domain", link.domain()).put("name", link.siteName()).put("timezone", link.timezone()))));
    });
    router.post("/share/:token/api/sites/:site/query").handler(this::requireLinkSite).handler(ctx -> {
      SharedLinks.Resolved link = ctx.get(LINK);
      JsonObject body = ctx.body().length() == 0 ? new JsonObject() : JsonResponses.bodyObject(ctx);
      queries.answer(body, link.siteId(), link.timezone()).onSuccess(out -> JsonResponses.send(ctx, 200, out)).onFailure(ctx::fail);
    });
    router.get("/share/:token/api/sites/:site/realtime").handler(this::requireLinkSite).handler(ctx -> realtime.stream(ctx, vertx, ((SharedLinks.Resolved) ctx.get(LINK)).siteId()));
  }

  private Future<Optional<SharedLinks.Resolved>> link(RoutingContext ctx) {
    return links.find(ctx.pathParam("token"));
  }

  private boolean admitted(RoutingContext ctx, SharedLinks.Resolved link) {
    if (link.passwordHash() == null) {
      return true;
    }
    Cookie c = ctx.request().getCookie(cookieName(link));
    return c != null && MessageDigest.isEqual(c.getValue().getBytes(StandardCharsets.UTF_8), grant(link).getBytes(StandardCharsets.UTF_8));
  }

  private void page(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    link(ctx).onSuccess(found -> {
      if (found.isEmpty()) {
        Pages.send(ctx, 404, "<!doctype html><meta charset=\"utf-8\"><title>Sightline</title><p id=\"gone\">This shared link does not work: "
            + "it was revoked, or it is mistyped. Ask the site's owner for a new one.</p>");
      } else if (!admitted(ctx, found.get())) {
        Pages.send(ctx, 200, pages.sharePassword("../", token, found.get().siteName(), ""));
      } else {
        Pages.send(ctx, 200, pages.shell("../", token + "/api/", "share", found.get().siteName(), null));
      }
    }).onFailure(ctx::fail);
  }

  private void password(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    String password = ctx.request().getFormAttribute("password");
    link(ctx).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(ApiException.notFound("No such shared link"));
        return;
      }
      SharedLinks.Resolved link = found.get();
      if (link.passwordHash() == null) {
        LoginRoutes.redirect(ctx, token);
        return;
      }
      RateLimiter.Decision d = limiter.acquire("dashboard-login-address:" + clientAddress.apply(ctx.request()), config.loginAttemptsPerAddress());
      RateLimiter.Decision l = limiter.acquire("dashboard-share:" + link.id(), config.loginAttemptsPerAccount());
      if (!d.allowed() || !l.allowed()) {
        ctx.response().putHeader("Retry-After", Long.toString(Math.max(d.retryAfterSeconds(), l.retryAfterSeconds())));
        Pages.send(ctx, 429, pages.sharePassword("../", token, link.siteName(), "Too many attempts; try again in a minute."));
        return;
      }
      String given = password == null || password.length() > 1000 ? "" : password;
      vertx.executeBlocking(() -> Passwords.verify(given, link.passwordHash()), false).onSuccess(ok -> {
        if (ok) {
          ctx.response().addCookie(auth.cookie(ctx, cookieName(link), grant(link), auth.sessions().lifetime().toSeconds()));
          LoginRoutes.redirect(ctx, token);
        } else {
          Pages.send(ctx, 401, pages.sharePassword("../", token, link.siteName(), "Wrong password."));
        }
      }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void requireLink(RoutingContext ctx) {
    link(ctx).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(ApiException.notFound("This shared link was revoked or never existed"));
      } else if (!admitted(ctx, found.get())) {
        ctx.fail(ApiException.unauthorized("This shared link needs its password"));
      } else {
        ctx.put(LINK, found.get());
        ctx.next();
      }
    }).onFailure(ctx::fail);
  }

  /** The data paths name the site as the account's do; a shared link answers for its own site only (403). */
  private void requireLinkSite(RoutingContext ctx) {
    SharedLinks.Resolved link = ctx.get(LINK);
    if (!String.valueOf(link.siteId()).equals(ctx.pathParam("site"))) {
      ctx.fail(ApiException.forbidden("This shared link shows another site"));
      return;
    }
    ctx.next();
  }

  private static String cookieName(SharedLinks.Resolved link) {
    return "sl_share_" + link.id();
  }

  /** What the cookie of an admitted visitor holds: HMAC-SHA256(key = the password's hash, "share:" + id). */
  private static String grant(SharedLinks.Resolved link) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(link.passwordHash().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(("share:" + link.id()).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
