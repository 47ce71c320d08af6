package io.sightline.support;

import io.sightline.event.Addresses;
import io.sightline.lifecycle.SightlineServer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sightline server on a fresh test database, with the admin key it printed at first start,
 * and a plain HTTP client for requests. Close it to stop the server.
 */
public final class RunningServer implements AutoCloseable {
  private static final Pattern ADMIN_KEY = Pattern.compile("admin key \\([^)]*\\):\\s+(sl_\\S+)");
  private static final Pattern SITE_KEY = Pattern.compile("site key\\s+\\([^)]*\\):\\s+(sl_\\S+)");
  private static final Pattern DASHBOARD_PASSWORD = Pattern.compile("password \\(shown once\\): (\\S+)");

  public final TestDatabase db;
  public final SightlineServer server;
  public final String banner;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningServer(TestDatabase db, SightlineServer server, String banner) {
    this.db = db;
    this.server = server;
    this.banner = banner;
  }

  public static RunningServer start(String... settings) {
    TestDatabase db = TestPostgres.newDatabase();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SightlineServer server = SightlineServer.start(TestConfig.forDatabase(db, settings), new PrintStream(out, true, StandardCharsets.UTF_8));
    return new RunningServer(db, server, out.toString(StandardCharsets.UTF_8));
  }

  /** A server whose e-mail report job reads "now" from {@code reportClock}. */
  public static RunningServer start(java.time.Clock reportClock, String... settings) {
    TestDatabase db = TestPostgres.newDatabase();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SightlineServer server = SightlineServer.start(TestConfig.forDatabase(db, settings), new PrintStream(out, true, StandardCharsets.UTF_8),
        reportClock);
    return new RunningServer(db, server, out.toString(StandardCharsets.UTF_8));
  }

  /** A restart whose e-mail report job reads "now" from {@code reportClock}. */
  public static RunningServer restart(TestDatabase db, String banner, java.time.Clock reportClock, String... settings) {
    SightlineServer server = SightlineServer.start(TestConfig.forDatabase(db, settings), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), reportClock);
    return new RunningServer(db, server, banner);
  }

  /** Another server on the same database (a restart); keeps the first server's banner for its keys. */
  public static RunningServer restart(TestDatabase db, String banner, String... settings) {
    SightlineServer server = SightlineServer.start(TestConfig.forDatabase(db, settings), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
    return new RunningServer(db, server, banner);
  }

  /** Waits up to a minute for {@code future} from the test thread. */
  public static <T> T await(io.vertx.core.Future<T> future) {
    return io.sightline.lifecycle.Await.result(future, Duration.ofMinutes(1));
  }

  public String adminKey() {
    return group(ADMIN_KEY);
  }

  public String siteKey() {
    return group(SITE_KEY);
  }

  /** The first dashboard account's password (its e-mail is {@code bootstrap.email}, admin@localhost by default). */
  public String dashboardPassword() {
    return group(DASHBOARD_PASSWORD);
  }

  private String group(Pattern p) {
    Matcher m = p.matcher(banner);
    if (!m.find()) {
      throw new AssertionError("no key in first-start banner:\n" + banner);
    }
    return m.group(1);
  }

  public String base() {
    return "http://127.0.0.1:" + server.httpPort();
  }

  /**
   * A request to this server. Before every request that may read analytics (anything but ingestion,
   * metrics, health and the tracker script) the writer folds its pending rollup deltas, so that a test
   * reads what it sent; in production dashboards trail ingestion by up to {@code writer.rollupFoldMillis}.
   */
  public HttpResponse<String> send(String method, String path, String body, String... headers) {
    if (!(path.startsWith("/api/event") || path.startsWith("/metrics") || path.startsWith("/health") || path.startsWith("/js/"))) {
      foldRollups();
    }
    return sendTo(base() + path, method, body, headers);
  }

  /** Folds the writer's pending rollup deltas now (nothing when the writer keeps no rollups). */
  public void foldRollups() {
    try {
      await(server.vertx().eventBus().request(Addresses.FOLD_ROLLUPS, null, new DeliveryOptions().setSendTimeout(20_000)));
    } catch (RuntimeException e) {
      if (!(rootCause(e) instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS)) {
        throw e;
      }
    }
  }

  private static Throwable rootCause(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    return e;
  }

  /** A request to an absolute URL (for example the separate operations port). */
  public HttpResponse<String> sendTo(String url, String method, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  /** Runs SQL on the server's own database (reads for assertions), after folding the pending rollup deltas. */
  public io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> sql(String sql, Object... args) {
    foldRollups();
    return await(server.database().pool().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.from(args)));
  }

  /** The value of one Prometheus sample (0 when absent), e.g. {@code metric("sightline_ingest_events_dropped_total", "reason=\"bot\"")}. */
  public double metric(String name, String... labelParts) {
    double total = 0;
    for (String line : get("/metrics").body().split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String part : labelParts) {
        all &= line.contains(part);
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  @Override
  public void close() {
    server.stop();
  }
}
