package io.sightline.auth;

import io.sightline.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.web.RoutingContext;

/** Lets a request through only if its key has the scope; otherwise 403. Goes after {@link ApiKeyAuthHandler}. */
public final class RequireScope implements Handler<RoutingContext> {
  private final Scope scope;
  private final PermissionBasedAuthorization authorization;

  private RequireScope(Scope scope) {
    this.scope = scope;
    this.authorization = PermissionBasedAuthorization.create(scope.id());
  }

  public static RequireScope of(Scope scope) {
    return new RequireScope(scope);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.user() != null && authorization.match(ctx.user())) {
      ctx.next();
    } else {
      ctx.fail(ApiException.forbidden("This API key does not have the '" + scope.id() + "' scope"));
    }
  }

  /** Fails with 403 unless the caller's key belongs to {@code siteId}. For routes that name a site. */
  public static void requireSite(RoutingContext ctx, int siteId) {
    if (ApiPrincipal.of(ctx).siteId() != siteId) {
      throw ApiException.forbidden("This API key belongs to another site");
    }
  }
}
