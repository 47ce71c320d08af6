package io.sightline.api.datalyr;

import io.sightline.http.ErrorRenderer;
import io.vertx.core.json.JsonObject;

/**
 * DATALYR's error shape (api-specs.md §4.4, proposed there): {@code {"error": "<message>", "code": "<code>"}},
 * e.g. {@code {"error": "start_date and end_date are required", "code": "invalid_request"}}.
 */
public final class DatalyrErrorRenderer implements ErrorRenderer {
  @Override
  public JsonObject render(int status, String code, String message) {
    return new JsonObject().put("error", message).put("code", code);
  }
}
