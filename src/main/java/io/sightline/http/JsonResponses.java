package io.sightline.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing JSON answers and reading JSON request bodies with 400s for the wrong shape. */
public final class JsonResponses {
  private JsonResponses() {
  }

  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");

  public static Future<Void> send(RoutingContext ctx, int status, Object body) {
    String encoded = body instanceof JsonObject o ? o.encode() : body instanceof JsonArray a ? a.encode() : String.valueOf(body);
    return ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(encoded);
  }

  /** A body encoded already (a realtime answer rendered once per snapshot), written as it is. */
  public static Future<Void> send(RoutingContext ctx, int status, io.vertx.core.buffer.Buffer encoded) {
    return ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(encoded);
  }

  /** The request body as a JSON object, or 400. */
  public static JsonObject bodyObject(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw ApiException.badRequest("Request body must be a JSON object");
    }
    Object value;
    try {
      value = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw ApiException.badRequest("Request body is not a valid JSON object");
    }
    if (value == null) {
      throw ApiException.badRequest("Request body must be a JSON object");
    }
    return (JsonObject) value;
  }

  /** An optional string field, or 400 if it has another type. */
  public static String string(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw ApiException.badRequest(field + " must be a string");
    }
    return s;
  }

  /** An optional whole-number field, or 400 if it has another type. */
  public static Integer integer(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
      throw ApiException.badRequest(field + " must be a whole number");
    }
    return n.intValue();
  }
}
