package io.sightline.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.json.JsonObject;

/** Clickport's error shape: {@code {"error": "<HTTP reason phrase>", "message": "..."}}. */
public final class ReasonPhraseErrorRenderer implements ErrorRenderer {
  @Override
  public JsonObject render(int status, String code, String message) {
    return new JsonObject().put("error", HttpResponseStatus.valueOf(status).reasonPhrase()).put("message", message);
  }
}
