package io.sightline.auth;

import io.sightline.http.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.impl.UserContextInternal;

/**
 * Authenticates a request by its API key, sent as {@code Authorization: Bearer <key>} or
 * {@code x-api-key: <key>} (every dialect accepts both). Missing or invalid keys fail with 401.
 */
public final class ApiKeyAuthHandler implements AuthenticationHandler {
  public static final String API_KEY_HEADER = "x-api-key";
  private static final String BEARER = "bearer ";

  private final ApiKeyAuthenticator authenticator;

  private ApiKeyAuthHandler(ApiKeyAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  public static ApiKeyAuthHandler create(ApiKeyAuthenticator authenticator) {
    return new ApiKeyAuthHandler(authenticator);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = keyFrom(ctx.request());
    if (key == null) {
      ctx.fail(ApiException.unauthorized("Missing API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'"));
      return;
    }
    authenticator.resolve(key).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ApiPrincipal principal = ar.result();
      ctx.put(ApiPrincipal.CONTEXT_KEY, principal);
      // vertx-web's own authentication handlers set the user the same way
      ((UserContextInternal) ctx.userContext()).setUser(principal.toUser());
      ctx.next();
    });
  }

  /** The key from {@code x-api-key} or {@code Authorization: Bearer}, or null. */
  public static String keyFrom(HttpServerRequest request) {
    String header = request.getHeader(API_KEY_HEADER);
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null && authorization.length() > BEARER.length()
        && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return authorization.substring(BEARER.length()).trim();
    }
    return null;
  }
}
