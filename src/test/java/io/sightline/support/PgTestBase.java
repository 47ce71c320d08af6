package io.sightline.support;

import io.sightline.lifecycle.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

/** A fresh database and a reactive pool on it for each test; {@link #await} waits from the test thread. */
public abstract class PgTestBase {
  protected Vertx vertx;
  protected TestDatabase db;
  protected Pool pool;

  @BeforeEach
  void openDatabase() {
    vertx = Vertx.vertx();
    db = TestPostgres.newDatabase();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(db.options()).using(vertx).build();
  }

  @AfterEach
  void closeDatabase() {
    await(pool.close());
    await(vertx.close());
  }

  protected static <T> T await(Future<T> future) {
    return Await.result(future, Duration.ofSeconds(60));
  }

  protected RowSet<Row> sql(String sql) {
    return await(pool.query(sql).execute());
  }
}
