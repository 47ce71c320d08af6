package io.sightline.db;

import io.sightline.db.embedded.EmbeddedPostgres;
import io.sightline.lifecycle.Await;
import io.sightline.support.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class EmbeddedPostgresTest {
  private final Path dir = TestPostgres.tempDir("sightline-embedded-test-");
  private final Path cache = Path.of(System.getProperty("java.io.tmpdir"), "sightline-postgres");
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void cleanUp() {
    Await.result(vertx.close(), Duration.ofSeconds(10));
    TestPostgres.deleteRecursively(dir);
  }

  @Test
  void keepsDataAcrossRestartsInItsDataDirectory() {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0, cache)) {
      assertTrue(pg.owned());
      query(pg, "create table kept (v text); insert into kept values ('across restarts')");
    }
    assertFalse(Files.exists(dir.resolve("postgres/postmaster.pid")), "server stopped");
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0, cache)) {
      assertEquals("across restarts", query(pg, "select v from kept"));
    }
  }

  @Test
  void reusesTheServerAlreadyRunningOnTheDataDirectoryAndLeavesItRunning() {
    try (EmbeddedPostgres first = EmbeddedPostgres.start(dir, 0, cache)) {
      try (EmbeddedPostgres second = EmbeddedPostgres.start(dir, 0, cache)) {
        assertFalse(second.owned());
        assertEquals(first.port(), second.port());
      }
      assertEquals("1", query(first, "select 1::text"), "closing the attached handle did not stop the server");
    }
  }

  @Test
  void storesItsGeneratedPasswordReadableOnlyByTheOwner() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0, cache)) {
      Path props = dir.resolve("embedded-postgres.properties");
      assertTrue(Files.readString(props).contains("password=" + pg.password()));
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(props)));
    }
  }

  private String query(EmbeddedPostgres pg, String sql) {
    PgConnectOptions options = new PgConnectOptions().setHost(pg.host()).setPort(pg.port()).setUser(pg.user())
        .setPassword(pg.password()).setDatabase(pg.database());
    Pool pool = PgBuilder.pool().connectingTo(options).using(vertx).build();
    try {
      var rows = Await.result(pool.query(sql).execute(), Duration.ofSeconds(30));
      return rows.size() == 0 ? null : String.valueOf(rows.iterator().next().getValue(0));
    } finally {
      Await.result(pool.close(), Duration.ofSeconds(10));
    }
  }
}
