package io.sightline.api.hum;

import io.sightline.http.ErrorRenderer;
import io.vertx.core.json.JsonObject;

import java.time.Clock;

/**
 * Hum's error shape, its success envelope with {@code request_status: "error"}:
 * {@code {"message": "...", "request_status": "error", "data": null, "meta": {"responded_at": "..."}}}
 * (api-specs.md §3.5).
 */
public final class HumErrorRenderer implements ErrorRenderer {
  private final Clock clock;

  public HumErrorRenderer(Clock clock) {
    this.clock = clock;
  }

  @Override
  public JsonObject render(int status, String code, String message) {
    return new JsonObject().put("message", message).put("request_status", "error").putNull("data")
        .put("meta", new JsonObject().put("responded_at", HumSessionJson.respondedAt(clock)));
  }
}
