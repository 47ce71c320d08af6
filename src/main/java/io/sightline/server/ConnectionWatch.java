package io.sightline.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The connections of one HTTP server instance (confined to its event loop), held to
 * {@link ClientLimits}: a connection is admitted if its address has room; then it must deliver a
 * request's line and headers within the header timeout of opening (or of the previous answer's
 * end), and the body within the body timeout of the headers, whatever trickle of bytes keeps it
 * from being idle. A sweep every half second closes the late ones. While the server answers
 * (the body is in, the response not yet ended) no deadline runs: slow queries and event streams
 * are the server's time, not the client's. Per request this costs one map lookup and two field
 * writes, no allocation.
 */
final class ConnectionWatch implements Handler<HttpConnection> {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatch.class);
  static final long SWEEP_MILLIS = 500;

  private final ClientLimits limits;
  private final Map<HttpConnection, Tracked> tracked = new IdentityHashMap<>();
  private long timer = -1;

  private static final class Tracked {
    final HttpConnection connection;
    final String address;
    HttpServerRequest request; // the request being received or answered; null while waiting for one
    boolean answering;
    boolean served; // an answer was sent: waiting now is a kept-alive connection's
    long deadline;

    Tracked(HttpConnection connection, String address, long deadline) {
      this.connection = connection;
      this.address = address;
      this.deadline = deadline;
    }
  }

  ConnectionWatch(ClientLimits limits) {
    this.limits = limits;
  }

  void start(Vertx vertx) {
    timer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep(System.nanoTime()));
  }

  void stop(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** A new connection: refused at once if its address holds its maximum, else watched until it closes. */
  @Override
  public void handle(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? null : connection.remoteAddress().hostAddress();
    if (!limits.admit(address)) {
      LOG.debug("Connection refused: its address holds http.maxConnectionsPerAddress connections");
      connection.close();
      return;
    }
    tracked.put(connection, new Tracked(connection, address, System.nanoTime() + limits.headerTimeoutNanos));
    connection.closeHandler(v -> { // a connection has one close handler: this one (routes use the response's)
      tracked.remove(connection);
      limits.release(address);
    });
  }

  /** The router's request handler, told first that a request's headers arrived. */
  Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return request -> {
      Tracked t = tracked.get(request.connection());
      if (t != null) {
        t.request = request;
        t.answering = false;
        t.deadline = System.nanoTime() + limits.bodyTimeoutNanos;
      }
      next.handle(request);
    };
  }

  void sweep(long now) {
    List<HttpConnection> late = null;
    for (Iterator<Tracked> it = tracked.values().iterator(); it.hasNext(); ) {
      Tracked t = it.next();
      if (t.request != null) {
        if (t.request.response().ended()) {
          t.request = null; // answered: the next request's headers are due
          t.answering = false;
          t.served = true;
          t.deadline = now + limits.headerTimeoutNanos;
          continue;
        }
        if (t.answering) {
          continue;
        }
        if (t.request.isEnded()) {
          t.answering = true;
          continue;
        }
      }
      if (now - t.deadline > 0) {
        (t.request != null ? limits.bodyTimeouts : t.served ? limits.keepAliveTimeouts : limits.headerTimeouts).increment();
        LOG.debug("Closing a connection that took too long to send its request's {}", t.request == null ? "headers" : "body");
        it.remove(); // its close handler releases the address
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(t.connection);
      }
    }
    if (late != null) {
      late.forEach(HttpConnection::close);
    }
  }
}
