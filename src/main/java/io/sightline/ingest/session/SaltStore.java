package io.sightline.ingest.session;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * The daily salts behind visitor ids, shared by every node through PostgreSQL. {@link #refresh}
 * makes sure yesterday's, today's and tomorrow's salts exist (the first node to ask creates a
 * random one; the others read it), keeps them in memory for the hot path, and deletes older
 * ones, which makes older visitor ids unlinkable. Refreshed at start and periodically, so the
 * next day's salt is always in memory before midnight.
 */
public final class SaltStore implements Salts {
  private final Pool pool;
  private final SecureRandom random = new SecureRandom();
  private volatile Map<LocalDate, byte[]> salts = Map.of();

  public SaltStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> refresh(LocalDate today) {
    LocalDate[] days = {today.minusDays(1), today, today.plusDays(1)};
    Buffer[] offered = new Buffer[days.length];
    for (int i = 0; i < days.length; i++) {
      byte[] fresh = new byte[32];
      random.nextBytes(fresh);
      offered[i] = Buffer.buffer(fresh);
    }
    Tuple args = Tuple.of(days, (Object) offered);
    // a fresh random salt is offered for each day; each day keeps whichever salt was stored first
    return pool.withTransaction(conn -> conn.preparedQuery(SaltSql.ENSURE).execute(args)
            .compose(v -> conn.preparedQuery(SaltSql.LOAD).execute(Tuple.of((Object) days)))
            .compose(rows -> conn.preparedQuery(SaltSql.FORGET_OLD).execute(Tuple.of(today.minusDays(1))).map(rows)))
        .map(rows -> {
          Map<LocalDate, byte[]> loaded = new HashMap<>();
          rows.forEach(row -> loaded.put(row.getLocalDate("day"), row.getBuffer("salt").getBytes()));
          salts = Map.copyOf(loaded);
          return null;
        });
  }

  @Override
  public byte[] salt(LocalDate day) {
    return salts.get(day);
  }
}
