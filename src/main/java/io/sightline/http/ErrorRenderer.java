package io.sightline.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Shapes an error body in a dialect's own format. A dialect's routes install theirs with
 * {@link #install}; {@link FailureHandler} finds it on the context, so one error handler
 * serves every dialect.
 */
@FunctionalInterface
public interface ErrorRenderer {
  String CONTEXT_KEY = "sightline.errorRenderer";

  /** Sightline's own shape: {@code {"error": "<code>", "message": "..."}}. */
  ErrorRenderer DEFAULT = (status, code, message) -> new JsonObject().put("error", code).put("message", message);

  JsonObject render(int status, String code, String message);

  /** A handler that selects this renderer for the rest of the route; put it first on a dialect's router. */
  default io.vertx.core.Handler<RoutingContext> install() {
    ErrorRenderer self = this;
    return ctx -> {
      ctx.put(CONTEXT_KEY, self);
      ctx.next();
    };
  }

  static ErrorRenderer of(RoutingContext ctx) {
    ErrorRenderer renderer = ctx.get(CONTEXT_KEY);
    return renderer == null ? DEFAULT : renderer;
  }
}
