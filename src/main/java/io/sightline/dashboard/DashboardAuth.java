package io.sightline.dashboard;

import io.sightline.account.AccountService;
import io.sightline.account.LoginSessions;
import io.sightline.account.Role;
import io.sightline.account.SiteAccess;
import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.Optional;

/**
 * Who is looking at the dashboard: the login session from its cookie (HttpOnly, SameSite=Lax,
 * Secure when the dashboard is reached over HTTPS), the site access of its account, and the
 * cross-site checks on every request that changes something (the Origin must be the dashboard's
 * own; the dashboard's JSON writes also carry the session's CSRF token in {@code X-CSRF-Token}).
 */
final class DashboardAuth {
  static final String COOKIE = "sl_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String SESSION = "sightline.dashboard.session";
  private static final String SITE = "sightline.dashboard.site";

  private final LoginSessions sessions;
  private final AccountService accounts;
  private final String publicOrigin;
  private final boolean publicHttps;
  private final String cookiePath;

  /** @param publicUrl {@code http.publicUrl}, or empty */
  DashboardAuth(LoginSessions sessions, AccountService accounts, String publicUrl) {
    this.sessions = sessions;
    this.accounts = accounts;
    if (publicUrl.isBlank()) {
      publicOrigin = null;
      publicHttps = false;
      cookiePath = "/";
    } else {
      URI uri = URI.create(publicUrl.trim());
      publicOrigin = uri.getScheme() + "://" + uri.getRawAuthority();
      publicHttps = "https".equalsIgnoreCase(uri.getScheme());
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      cookiePath = path.endsWith("/") ? path : path + "/";
    }
  }

  LoginSessions sessions() {
    return sessions;
  }

  /** The live session of the request's cookie, if any. */
  Future<Optional<LoginSessions.Session>> session(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null ? Future.succeededFuture(Optional.empty()) : sessions.find(c.getValue());
  }

  /** A handler: 401 without a live session; else the session is kept on the context. */
  void requireSession(RoutingContext ctx) {
    session(ctx).onSuccess(s -> {
      if (s.isEmpty()) {
        ctx.fail(ApiException.unauthorized("Log in to the dashboard (the session is missing or expired)"));
      } else {
        ctx.put(SESSION, s.get());
        ctx.next();
      }
    }).onFailure(ctx::fail);
  }

  static LoginSessions.Session of(RoutingContext ctx) {
    return ctx.get(SESSION);
  }

  /** A handler after {@link #requireSession}: the {@code :site} path parameter must be a site the account has {@code min} on (403). */
  io.vertx.core.Handler<RoutingContext> requireSite(Role min) {
    return ctx -> {
      int site = siteParam(ctx);
      if (site < 0) {
        return;
      }
      accounts.access(of(ctx).account().id(), site).onSuccess(access -> {
        if (access.isEmpty() || min == Role.OWNER && access.get().role() != Role.OWNER) {
          ctx.fail(ApiException.forbidden(access.isEmpty() ? "This account may not see site " + site
              : "Only an owner of site " + site + " may do this"));
        } else {
          ctx.put(SITE, access.get());
          ctx.next();
        }
      }).onFailure(ctx::fail);
    };
  }

  /** The site {@link #requireSite} admitted, with the account's role and the site's time zone. */
  static SiteAccess site(RoutingContext ctx) {
    return ctx.get(SITE);
  }

  private static int siteParam(RoutingContext ctx) {
    String raw = ctx.pathParam("site");
    if (raw == null || !raw.matches("\\d{1,9}")) {
      ctx.fail(ApiException.badRequest("The site in the path must be its numeric id"));
      return -1;
    }
    return Integer.parseInt(raw);
  }

  /** A handler after {@link #requireSession}: the session's CSRF token must come in {@value #CSRF_HEADER} (403). */
  void requireCsrfHeader(RoutingContext ctx) {
    String sent = ctx.request().getHeader(CSRF_HEADER);
    if (sent == null || !java.security.MessageDigest.isEqual(sent.getBytes(), of(ctx).csrfToken().getBytes())) {
      ctx.fail(ApiException.forbidden("The request lacks the session's CSRF token"));
      return;
    }
    ctx.next();
  }

  /**
   * A handler for every dashboard route: a request that may change something (not GET or HEAD)
   * coming from another origin is refused (403). The Origin must be {@code http.publicUrl}'s, or the
   * request's own host; without an Origin, the browser's {@code Sec-Fetch-Site} must not say cross-site.
   */
  void sameOrigin(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
      ctx.next();
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    boolean ok;
    if (origin == null) {
      String site = ctx.request().getHeader("Sec-Fetch-Site");
      ok = site == null || site.equals("same-origin") || site.equals("none");
    } else {
      String host = ctx.request().getHeader("X-Forwarded-Host") != null ? ctx.request().getHeader("X-Forwarded-Host")
          : ctx.request().authority() == null ? null : ctx.request().authority().toString();
      ok = origin.equals(publicOrigin) || host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }
    if (!ok) {
      ctx.fail(ApiException.forbidden("A cross-site request to the dashboard is refused"));
      return;
    }
    ctx.next();
  }

  /** Whether the browser reached the dashboard over HTTPS (directly, through the public URL, or a proxy saying so). */
  boolean https(RoutingContext ctx) {
    return publicHttps || ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }

  Cookie cookie(RoutingContext ctx, String name, String value, long maxAgeSeconds) {
    return Cookie.cookie(name, value).setHttpOnly(true).setSecure(https(ctx)).setSameSite(CookieSameSite.LAX)
        .setPath(cookiePath).setMaxAge(maxAgeSeconds);
  }

  void issue(RoutingContext ctx, String token) {
    ctx.response().addCookie(cookie(ctx, COOKIE, token, sessions.lifetime().toSeconds()));
  }

  void clear(RoutingContext ctx) {
    ctx.response().addCookie(cookie(ctx, COOKIE, "", 0));
  }
}
