package io.sightline.dashboard;

import io.sightline.account.AccountService;
import io.sightline.account.LoginSessions;
import io.sightline.account.Passwords;
import io.sightline.auth.RateLimiter;
import io.sightline.config.DashboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * The dashboard page at {@code /} and its login: {@code GET /} (the page, or a redirect to the
 * login), {@code GET /login}, {@code POST /login} (form; attempts limited per client address and
 * per account in 60-second windows; 429 beyond), {@code POST /logout} (form with the session's
 * CSRF token). Passwords are verified off the event loop. Redirects are relative, for reverse proxies.
 */
final class LoginRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(LoginRoutes.class);
  private final Vertx vertx;
  private final DashboardAuth auth;
  private final AccountService accounts;
  private final Pages pages;
  private final RateLimiter limiter;
  private final DashboardConfig config;
  private final Function<HttpServerRequest, String> clientAddress;

  LoginRoutes(Vertx vertx, DashboardAuth auth, AccountService accounts, Pages pages, RateLimiter limiter, DashboardConfig config,
              Function<HttpServerRequest, String> clientAddress) {
    this.vertx = vertx;
    this.auth = auth;
    this.accounts = accounts;
    this.pages = pages;
    this.limiter = limiter;
    this.config = config;
    this.clientAddress = clientAddress;
  }

  void mount(Router router) {
    router.get("/").handler(this::page);
    router.get("/login").handler(this::loginPage);
    router.route("/login").method(io.vertx.core.http.HttpMethod.POST).handler(BodyHandler.create(false).setBodyLimit(16_384))
        .handler(auth::sameOrigin).handler(this::login);
    router.route("/logout").method(io.vertx.core.http.HttpMethod.POST).handler(BodyHandler.create(false).setBodyLimit(16_384))
        .handler(auth::sameOrigin).handler(this::logout);
  }

  private void page(RoutingContext ctx) {
    auth.session(ctx).onSuccess(s -> {
      if (s.isEmpty()) {
        String query = ctx.request().query();
        redirect(ctx, "login" + (query == null || query.isEmpty() ? "" : "?next=" + URLEncoder.encode("./?" + query, StandardCharsets.UTF_8)));
      } else {
        Pages.send(ctx, 200, pages.shell("./", "dashboard/api/", "account", "Dashboard", s.get().csrfToken()));
      }
    }).onFailure(ctx::fail);
  }

  private void loginPage(RoutingContext ctx) {
    auth.session(ctx).onSuccess(s -> {
      String next = safeNext(ctx.request().getParam("next"));
      if (s.isPresent()) {
        redirect(ctx, next);
      } else {
        Pages.send(ctx, 200, pages.loginForm("./", "login", "", "", next));
      }
    }).onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    String email = ctx.request().getFormAttribute("email");
    String password = ctx.request().getFormAttribute("password");
    String next = safeNext(ctx.request().getFormAttribute("next"));
    String shownEmail = email == null ? "" : email.trim();
    if (email == null || password == null || email.isBlank() || password.isEmpty() || password.length() > 1000) {
      Pages.send(ctx, 400, pages.loginForm("./", "login", "Enter your e-mail address and password.", shownEmail, next));
      return;
    }
    RateLimiter.Decision byAddress = limiter.acquire("dashboard-login-address:" + clientAddress.apply(ctx.request()), config.loginAttemptsPerAddress());
    RateLimiter.Decision byAccount = limiter.acquire("dashboard-login-account:" + email.trim().toLowerCase(java.util.Locale.ROOT),
        config.loginAttemptsPerAccount());
    if (!byAddress.allowed() || !byAccount.allowed()) {
      long retry = Math.max(byAddress.allowed() ? 0 : byAddress.retryAfterSeconds(), byAccount.allowed() ? 0 : byAccount.retryAfterSeconds());
      ctx.response().putHeader("Retry-After", Long.toString(retry));
      Pages.send(ctx, 429, pages.loginForm("./", "login", "Too many login attempts; try again in " + retry + " seconds.", shownEmail, next));
      return;
    }
    accounts.credentials(email)
        .compose(found -> vertx.executeBlocking(() -> Passwords.verify(password, found.map(AccountService.Credentials::passwordHash).orElse(null)), false)
            .map(ok -> ok ? found : Optional.<AccountService.Credentials>empty()))
        .compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<LoginSessions.Started>empty())
            : auth.sessions().start(found.get().account()).map(Optional::of))
        .onSuccess(started -> {
          if (started.isEmpty()) {
            Pages.send(ctx, 401, pages.loginForm("./", "login", "Wrong e-mail address or password.", shownEmail, next));
          } else {
            LOG.info("Dashboard login of account {}", started.get().session().account().id());
            auth.issue(ctx, started.get().token());
            redirect(ctx, next);
          }
        }).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(DashboardAuth.COOKIE);
    auth.session(ctx).compose(s -> {
      if (s.isPresent() && !s.get().csrfToken().equals(ctx.request().getFormAttribute("csrf"))) {
        return Future.failedFuture(io.sightline.http.ApiException.forbidden("The logout form lacks the session's CSRF token"));
      }
      return s.isPresent() ? auth.sessions().end(c.getValue()) : Future.succeededFuture();
    }).onSuccess(v -> {
      auth.clear(ctx);
      redirect(ctx, "login");
    }).onFailure(ctx::fail);
  }

  /** Only a link to the dashboard itself ({@code ./} with a query): never another site. */
  static String safeNext(String next) {
    if (next != null && next.startsWith("./") && !next.contains("\\") && !next.startsWith(".//") && next.length() < 4000
        && (next.length() == 2 || next.charAt(2) == '?') && next.chars().noneMatch(c -> c < 0x21 || c == 0x7f)) {
      return next;
    }
    return "./";
  }

  static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }
}
