package io.sightline.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.web.RoutingContext;

import java.util.EnumSet;
import java.util.Set;

/**
 * The authenticated caller of a request: which key, for which site, with which scopes. Stored
 * as a vertx-auth {@link User} whose authorizations are the scopes.
 */
public record ApiPrincipal(int apiKeyId, String keyId, int siteId, Set<Scope> scopes, Integer rateLimitPerMinute) {
  static final String PROVIDER = "sightline-api-key";
  static final String CONTEXT_KEY = "sightline.principal";

  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }

  User toUser() {
    JsonObject principal = new JsonObject()
        .put("api_key_id", apiKeyId)
        .put("key_id", keyId)
        .put("site_id", siteId)
        .put("scopes", new JsonArray(java.util.List.of(Scope.ids(scopes))))
        .put("rate_limit_per_minute", rateLimitPerMinute);
    User user = User.create(principal);
    // one put with every scope: put(provider, ...) replaces the provider's set, so a put per scope kept only the last
    user.authorizations().put(PROVIDER, scopes.stream().map(s -> PermissionBasedAuthorization.create(s.id())).toArray(Authorization[]::new));
    return user;
  }

  static ApiPrincipal fromUser(User user) {
    JsonObject p = user.principal();
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    p.getJsonArray("scopes").forEach(s -> scopes.add(Scope.parse((String) s)));
    return new ApiPrincipal(p.getInteger("api_key_id"), p.getString("key_id"), p.getInteger("site_id"), scopes,
        p.getInteger("rate_limit_per_minute"));
  }

  /** The caller of an authenticated request; fails if the route was not behind {@link ApiKeyAuthHandler}. */
  public static ApiPrincipal of(RoutingContext ctx) {
    ApiPrincipal cached = ctx.get(CONTEXT_KEY);
    if (cached != null) {
      return cached;
    }
    User user = ctx.user();
    if (user == null || !user.principal().containsKey("api_key_id")) {
      throw new IllegalStateException("route is not behind ApiKeyAuthHandler");
    }
    return fromUser(user);
  }
}
