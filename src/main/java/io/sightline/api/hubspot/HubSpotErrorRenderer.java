package io.sightline.api.hubspot;

import io.sightline.http.ErrorRenderer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * HubSpot's error body (api-specs.md §2.7): {@code {"status":"error","message","correlationId",
 * "category","errors":[{"message"}]}}; HubSpot's own error types (upper-case codes such as
 * {@code RESULT_POINT_LIMIT_EXCEEDED}) are also given as {@code type}.
 */
public final class HubSpotErrorRenderer implements ErrorRenderer {
  public static final String RESULT_POINT_LIMIT_EXCEEDED = "RESULT_POINT_LIMIT_EXCEEDED";

  @Override
  public JsonObject render(int status, String code, String message) {
    JsonObject body = new JsonObject().put("status", "error").put("message", message)
        .put("correlationId", UUID.randomUUID().toString()).put("category", category(status))
        .put("errors", new JsonArray().add(new JsonObject().put("message", message)));
    if (code != null && code.equals(code.toUpperCase(java.util.Locale.ROOT)) && code.contains("_")) {
      body.put("type", code);
    }
    return body;
  }

  static String category(int status) {
    return switch (status) {
      case 401 -> "INVALID_AUTHENTICATION";
      case 403 -> "MISSING_SCOPES";
      case 404 -> "OBJECT_NOT_FOUND";
      case 405 -> "METHOD_NOT_ALLOWED";
      case 429 -> "RATE_LIMITS";
      case 503 -> "SERVICE_UNAVAILABLE";
      default -> status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR";
    };
  }
}
