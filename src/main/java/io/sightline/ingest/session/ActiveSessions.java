package io.sightline.ingest.session;

import io.sightline.event.SessionRow;
import io.sightline.event.StoredRows;
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
  /** The sessions still open, with the event id of each one's last pageview. */
  private static final String ACTIVE_SESSIONS = "select s.*, (select max(e.event_id) from events e where e.site_id = s.site_id "
      + "and e.session_id = s.session_id and e.type = 'pageview' and e.ts >= s.started_at) as page_visit_id "
      + "from sessions s where s.last_seen_at > $1 and s.started_at > $2";

  private ActiveSessions() {
  }

  public static Future<Integer> restore(Pool pool, SessionTracker tracker, Instant now) {
    return restore(pool, tracker, now, row -> true);
  }

  /** Restores only the active sessions {@code which} accepts (a cluster member taking some visitor partitions: their sessions). */
  public static Future<Integer> restore(Pool pool, SessionTracker tracker, Instant now, java.util.function.Predicate<SessionRow> which) {
    Instant idleCutoff = now.minus(SessionTracker.IDLE);
    Instant startCutoff = now.minus(java.time.Duration.ofDays(2));
    return pool.preparedQuery(ACTIVE_SESSIONS)
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
