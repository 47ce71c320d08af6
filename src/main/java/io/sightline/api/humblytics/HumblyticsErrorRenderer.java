package io.sightline.api.humblytics;

import io.sightline.http.ErrorRenderer;
import io.vertx.core.json.JsonObject;

/**
 * Humblytics' error shape (api-specs.md §1.11): {@code {"error": "<code>", "message": "..."}} with the
 * vendor's codes: {@code invalid_request} (400), {@code unauthorized} (401), {@code forbidden} (403),
 * {@code rate_limited} (429), {@code internal_error} (5xx). Other 4xx keep Sightline's code
 * ({@code not_found}, {@code method_not_allowed}).
 */
final class HumblyticsErrorRenderer implements ErrorRenderer {
  @Override
  public JsonObject render(int status, String code, String message) {
    String vendorCode = switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 429 -> "rate_limited";
      default -> status >= 500 ? "internal_error" : code;
    };
    return new JsonObject().put("error", vendorCode).put("message", message);
  }
}
