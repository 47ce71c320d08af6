package io.sightline.support;

import io.sightline.db.embedded.EmbeddedPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for the whole test run, started once: the server named by
 * {@code SIGHTLINE_TEST_DATABASE_URL} if set, else Testcontainers when a Docker engine answers,
 * else the embedded PostgreSQL (the path CI takes here). Each test gets a fresh database. Only the integration tier
 * (classes tagged {@code integration}, run by failsafe) may ask for it.
 */
public final class TestPostgres {
  public static final String URL_ENV = "SIGHTLINE_TEST_DATABASE_URL";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static PgConnectOptions admin;
  private static String kind;

  private TestPostgres() {
  }

  /** A new, empty database on the shared server. */
  public static synchronized TestDatabase newDatabase() {
    PgConnectOptions server = server();
    String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(server).using(vertx).build();
      try {
        pool.query("create database " + name).execute().await(60, TimeUnit.SECONDS);
      } finally {
        pool.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create test database on " + kind + " PostgreSQL", e);
    } finally {
      vertx.close();
    }
    PgConnectOptions db = new PgConnectOptions(server).setDatabase(name);
    return new TestDatabase(db, "postgresql://" + db.getUser() + ":" + db.getPassword() + "@" + db.getHost() + ":" + db.getPort() + "/" + name);
  }

  /** Which kind of server the tests run against: url, testcontainers or embedded. */
  public static synchronized String kind() {
    server();
    return kind;
  }

  private static PgConnectOptions server() {
    if (admin != null) {
      return admin;
    }
    if ("unit".equals(System.getProperty("sightline.test.tier"))) {
      throw new IllegalStateException("A test in the unit tier (mvn test) asked for PostgreSQL: tag its class @Tag(\"integration\") "
          + "so that it runs in the integration tier (mvn verify); see docs/testing.md");
    }
    String url = System.getenv(URL_ENV);
    if (url != null && !url.isBlank()) {
      admin = PgConnectOptions.fromUri(url);
      kind = "url";
    } else if (dockerAnswers()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17-alpine");
      container.start();
      admin = new PgConnectOptions().setHost(container.getHost()).setPort(container.getFirstMappedPort())
          .setUser(container.getUsername()).setPassword(container.getPassword()).setDatabase(container.getDatabaseName());
      kind = "testcontainers";
    } else {
      Path dir = tempDir("sightline-test-pg-");
      EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0, Path.of(System.getProperty("java.io.tmpdir"), "sightline-postgres"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        pg.close();
        deleteRecursively(dir);
      }));
      admin = new PgConnectOptions().setHost(pg.host()).setPort(pg.port()).setUser(pg.user()).setPassword(pg.password())
          .setDatabase(pg.database());
      kind = "embedded";
    }
    return admin;
  }

  private static boolean dockerAnswers() {
    boolean socket = Files.exists(Path.of("/var/run/docker.sock")) || System.getenv("DOCKER_HOST") != null;
    if (!socket) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A temp directory that any user can traverse (the embedded server may run as another uid). */
  public static Path tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort cleanup of a temp dir
    }
  }
}
