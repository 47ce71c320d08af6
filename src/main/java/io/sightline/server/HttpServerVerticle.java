package io.sightline.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One HTTP server instance on an event loop. Several instances share the port. On undeploy it
 * stops accepting connections and gives in-flight requests up to the grace period to finish.
 */
public final class HttpServerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServerVerticle.class);

  private final String name;
  private final String host;
  private final int port;
  private final Function<Vertx, Router> routes;
  private final Duration grace;
  private final AtomicInteger boundPort;
  private final ConnectionWatch connections;
  private HttpServer server;

  /** Without limits on clients (tests of the server's own lifecycle). */
  public HttpServerVerticle(String name, String host, int port, Function<Vertx, Router> routes, Duration grace, AtomicInteger boundPort) {
    this(name, host, port, routes, grace, boundPort, null);
  }

  /** @param limits slow clients and connections per address ({@link ClientLimits}, shared by the instances), or null for none */
  public HttpServerVerticle(String name, String host, int port, Function<Vertx, Router> routes, Duration grace, AtomicInteger boundPort,
                            ClientLimits limits) {
    this.name = name;
    this.host = host;
    this.port = port;
    this.routes = routes;
    this.grace = grace;
    this.boundPort = boundPort;
    this.connections = limits == null ? null : new ConnectionWatch(limits);
  }

  /**
   * A request the HTTP decoder refused (request line or headers over the limits, malformed
   * syntax): a JSON error like every other, then the connection closes.
   */
  static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    int status = cause instanceof io.netty.handler.codec.TooLongFrameException
        ? (cause.getClass().getSimpleName().contains("Header") ? 431 : 414) : 400;
    String message = switch (status) {
      case 414 -> "The request line (path and query string) is longer than 16 KiB";
      case 431 -> "The request headers are larger than 16 KiB";
      default -> "Malformed HTTP request";
    };
    String code = switch (status) {
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      default -> "invalid_request";
    };
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Connection", "close")
        .end(new io.vertx.core.json.JsonObject().put("error", code).put("message", message).encode());
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        // No cleartext HTTP/2 upgrade: browsers never use it, and a connection upgraded from
        // HTTP/1.1 loses its in-flight request to GOAWAY on a graceful stop (clients such as the
        // JDK's HttpClient try the upgrade by default). HTTP/2 belongs on the TLS proxy in front.
        .setHttp2ClearTextEnabled(false)
        .setCompressionSupported(true)
        .setDecompressionSupported(true)
        .setMaxInitialLineLength(16384)
        .setMaxHeaderSize(16384)
        .setIdleTimeout(120)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    Router router = routes.apply(vertx);
    server = vertx.createHttpServer(options).invalidRequestHandler(HttpServerVerticle::invalidRequest);
    if (connections == null) {
      server.requestHandler(router);
    } else {
      // each byte resets the idle timeout: a client trickling bytes is bounded by the header and body timeouts instead
      server.connectionHandler(connections).requestHandler(connections.requests(router));
      connections.start(vertx);
    }
    return server.listen().recover(err -> Future.failedFuture(new StartupException("Cannot listen on " + host + ":" + port
        + " for the " + name.toLowerCase(java.util.Locale.ROOT) + " HTTP server: " + err.getMessage()
        + (name.equals("Operations") ? " (set ops.port)" : " (set http.port or --port)"), err))).onSuccess(s -> {
      if (boundPort.compareAndSet(0, s.actualPort())) {
        LOG.info("{} HTTP server listening on {}:{}", name, host, s.actualPort());
      }
    });
  }

  @Override
  public Future<?> stop() {
    if (connections != null) {
      connections.stop(vertx);
    }
    return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }
}
