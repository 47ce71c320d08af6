package io.sightline.admin;

import io.sightline.account.Account;
import io.sightline.account.AccountService;
import io.sightline.account.Passwords;
import io.sightline.account.Role;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's accounts in the admin API: {@code GET /users}, {@code POST /users}
 * ({@code {"email", "password"?, "sites": {"<domain or id>": "owner"|"viewer"}}}; without a password
 * one is generated and answered once), {@code PUT /users/{email}/sites/{site}} ({@code {"role"}}),
 * {@code DELETE /users/{email}/sites/{site}}, {@code DELETE /users/{email}}. Passwords are hashed
 * off the event loop.
 */
public final class AccountAdminRoutes {
  private final Vertx vertx;
  private final AccountService accounts;
  private final SiteService sites;

  public AccountAdminRoutes(Vertx vertx, AccountService accounts, SiteService sites) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.sites = sites;
  }

  public void mount(Router admin) {
    admin.get("/users").handler(this::list);
    admin.post("/users").handler(this::create);
    admin.put("/users/:email/sites/:site").handler(this::grant);
    admin.delete("/users/:email/sites/:site").handler(this::revoke);
    admin.delete("/users/:email").handler(this::remove);
  }

  private void list(RoutingContext ctx) {
    accounts.list().onSuccess(list -> JsonResponses.send(ctx, 200, new JsonObject().put("users", new JsonArray(list.stream()
        .map(l -> new JsonObject().put("id", l.account().id()).put("email", l.account().email()).put("sites", new JsonArray(l.sites())))
        .toList())))).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx);
    String email = AccountService.email(JsonResponses.string(body, "email"));
    String given = JsonResponses.string(body, "password");
    if (given != null && Passwords.problem(given) != null) {
      throw ApiException.badRequest(Passwords.problem(given));
    }
    Object rawSites = body.getValue("sites");
    if (rawSites != null && !(rawSites instanceof JsonObject)) {
      throw ApiException.badRequest("sites must be an object of site (domain or id) to role (owner or viewer)");
    }
    Map<String, Object> wanted = rawSites == null ? Map.of() : ((JsonObject) rawSites).getMap();
    List<Future<Site>> found = new ArrayList<>();
    List<Role> roles = new ArrayList<>();
    for (Map.Entry<String, Object> e : wanted.entrySet()) {
      Role role = e.getValue() instanceof String s ? Role.parse(s) : null;
      if (role == null) {
        throw ApiException.badRequest("the role of " + e.getKey() + " must be owner or viewer");
      }
      roles.add(role);
      found.add(site(e.getKey()));
    }
    String password = given == null ? Passwords.generate() : given;
    Future.all(found)
        .compose(ok -> vertx.executeBlocking(() -> Passwords.hash(password), false))
        .compose(hash -> accounts.create(email, hash))
        .compose(account -> grantAll(account, found, roles).map(account))
        .onSuccess(account -> {
          JsonObject out = new JsonObject().put("id", account.id()).put("email", account.email());
          if (given == null) {
            out.put("password", password);
          }
          JsonResponses.send(ctx, 201, out);
        }).onFailure(ctx::fail);
  }

  private Future<Void> grantAll(Account account, List<Future<Site>> found, List<Role> roles) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < found.size(); i++) {
      Site s = found.get(i).result();
      Role role = roles.get(i);
      chain = chain.compose(v -> accounts.grant(account.id(), s.id(), role));
    }
    return chain;
  }

  private void grant(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx);
    Role role = Role.parse(JsonResponses.string(body, "role"));
    if (role == null) {
      throw ApiException.badRequest("role must be owner or viewer");
    }
    account(ctx).compose(a -> site(ctx.pathParam("site")).compose(s -> accounts.grant(a.id(), s.id(), role)))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    account(ctx).compose(a -> site(ctx.pathParam("site")).compose(s -> accounts.revoke(a.id(), s.id())))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void remove(RoutingContext ctx) {
    account(ctx).compose(a -> accounts.remove(a.id()))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private Future<Account> account(RoutingContext ctx) {
    String email = ctx.pathParam("email");
    return accounts.find(email).compose(a -> a.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no account " + email))));
  }

  private Future<Site> site(String ref) {
    return sites.resolve(ref).compose(s -> s.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + ref))));
  }
}
