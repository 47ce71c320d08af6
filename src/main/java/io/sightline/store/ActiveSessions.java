package io.sightline.store;

import io.sightline.ingest.session.IdGenerator;
import io.sightline.ingest.session.SessionTracker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Restores the sessions active in the last 30 minutes into memory at start, so a restart does not split them.
 * A session whose id is above 2^53 - 1 (made before session ids fit in 53 bits, {@link IdGenerator}) is not
 * continued: its visitor's next event starts a session with an id that every client reads exactly.
 */
public final class ActiveSessions {
  private ActiveSessions() {
  }

  public static Future<Integer> restore(Pool pool, SessionTracker tracker, Instant now) {
    return restore(pool, tracker, now, row -> true);
  }

  /** Restores only the active sessions {@code which} accepts (a cluster member taking some visitor partitions: their sessions). */
  public static Future<Integer> restore(Pool pool, SessionTracker tracker, Instant now, java.util.function.Predicate<SessionRow> which) {
    Instant idleCutoff = now.minus(SessionTracker.IDLE);
    Instant startCutoff = now.minus(java.time.Duration.ofDays(2));
    return pool.preparedQuery(EventSql.ACTIVE_SESSIONS)
        .execute(Tuple.of(idleCutoff.atOffset(ZoneOffset.UTC), startCutoff.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          int n = 0;
          for (Row r : rows) {
            if (r.getLong("session_id") > IdGenerator.MAX_SAFE_INTEGER) {
              continue;
            }
            SessionRow row = StoredRows.session(r);
            if (!which.test(row)) {
              continue;
            }
            Long pageVisit = r.getLong("page_visit_id");
            tracker.restore(row, pageVisit == null ? 0 : pageVisit);
            n++;
          }
          return n;
        });
  }
}
