package io.sightline.http;

import io.sightline.db.DatabaseBreaker;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.pgclient.PgException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The one place that writes error responses: it maps the failure to a status, a code and a
 * message, and lets the route's {@link ErrorRenderer} shape the JSON body. Client errors are
 * never logged with their content; unexpected failures are logged (path only) and answered 500.
 * A client that closed its connection gets nothing (and is no error); a 413 closes the connection
 * instead of reading the rest of an oversized body.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  private static final String IO_FAILURE_SEEN = "sightline.ioFailureSeen";

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof HttpClosedException || failure instanceof IOException && ctx.response().closed()) {
      // the client went away (mid-body, or before the answer): nobody to answer, nothing wrong here
      LOG.debug("Client closed the connection on {} {}", ctx.request().method(), ctx.normalizedPath());
      return;
    }
    if (failure instanceof IOException && ctx.get(IO_FAILURE_SEEN) == null) {
      // a socket error: a client's reset reaches the request before its connection is closed (a task Netty runs later
      // on this event loop); look again a moment later, when it is, so as to tell it from a failure of our own
      ctx.put(IO_FAILURE_SEEN, true);
      ctx.vertx().setTimer(10, t -> handle(ctx));
      return;
    }
    int status;
    String code;
    String message;
    if (failure instanceof ApiException api) {
      status = api.status();
      code = api.code();
      message = api.getMessage();
      if (api.retryAfterSeconds() > 0) {
        ctx.response().putHeader("Retry-After", Integer.toString(api.retryAfterSeconds()));
      }
    } else if (failure instanceof DecodeException || failure instanceof IllegalArgumentException && failure.getCause() instanceof DecodeException) {
      status = 400;
      code = "invalid_request";
      message = "Request body is not valid JSON";
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      code = codeFor(status);
      message = messageFor(status, http.getPayload());
    } else if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      // a data exception (a value out of range, a NUL byte...): the request carried a value PostgreSQL cannot take
      status = 400;
      code = "invalid_request";
      message = "A value in the request is out of range or not valid text";
    } else if (isPoolTimeout(failure)) {
      status = 503;
      code = "unavailable";
      message = "The database is busy; retry shortly";
      ctx.response().putHeader("Retry-After", "5");
    } else if (DatabaseBreaker.isUnavailable(failure)) {
      // PostgreSQL is down or unreachable: an outage, not a bug, and it says so once per request otherwise
      status = 503;
      code = "unavailable";
      message = "The database is unavailable; retry shortly";
      ctx.response().putHeader("Retry-After", Long.toString(DatabaseBreaker.OPEN.toSeconds()));
      LOG.debug("Database unavailable on {} {}: {}", ctx.request().method(), ctx.normalizedPath(), failure.toString());
    } else if (failure == null) {
      status = ctx.statusCode() <= 0 ? 500 : ctx.statusCode();
      code = codeFor(status);
      message = messageFor(status, null);
    } else {
      status = 500;
      code = "internal_error";
      message = "Internal server error";
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
    }
    boolean bodyUnread = status == 413 && !ctx.request().isEnded();
    if (bodyUnread) {
      // answered before the body was read: close rather than read the rest of it (maybe gigabytes), after a short linger
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    Future<Void> sent = ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(ErrorRenderer.of(ctx).render(status, code, message).encode());
    if (bodyUnread) {
      sent.onComplete(ar -> lingeringClose(ctx));
    }
  }

  /** How much of an oversized body is still read, and for how long, before its connection is closed. */
  private static final long LINGER_BYTES = 8L << 20;
  private static final long LINGER_MILLIS = 2_000;

  /**
   * Closes the connection of a request whose body was refused, after reading and discarding what the client is still sending
   * (at most {@link #LINGER_BYTES} or {@link #LINGER_MILLIS}): closing a socket with unread bytes resets it, and the reset can
   * destroy the 413 in the client's receive buffer before the client reads it (the "lingering close" of HTTP servers).
   */
  private static void lingeringClose(RoutingContext ctx) {
    io.vertx.core.http.HttpConnection connection = ctx.request().connection();
    long[] read = {0};
    long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> connection.close());
    Runnable close = () -> {
      ctx.vertx().cancelTimer(timer);
      connection.close();
    };
    try {
      ctx.request().handler(b -> {
        read[0] += b.length();
        if (read[0] > LINGER_BYTES) {
          close.run();
        }
      });
      ctx.request().endHandler(v -> close.run());
      ctx.request().resume();
    } catch (IllegalStateException alreadyRead) {
      close.run();
    }
  }

  /** No database connection came free in time (the pool's wait queue timed out). */
  private static boolean isPoolTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException || t.getClass().getSimpleName().contains("TimeoutException")) {
        return true;
      }
    }
    return false;
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "invalid_request";
    };
  }

  private static String messageFor(int status, String payload) {
    return switch (status) {
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 413 -> "Request body too large";
      case 415 -> "Unsupported content type";
      default -> payload != null && !payload.isBlank() && status < 500 ? payload
          : status >= 500 ? "Internal server error" : "Bad request";
    };
  }
}
