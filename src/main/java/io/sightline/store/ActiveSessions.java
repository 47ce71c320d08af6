package io.sightline.store;

import io.sightline.ingest.session.SessionTracker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;

/** Restores the sessions active in the last 30 minutes into memory at start, so a restart does not split them. */
public final class ActiveSessions {
  private ActiveSessions() {
  }

  public static Future<Integer> restore(Pool pool, SessionTracker tracker, Instant now) {
    Instant idleCutoff = now.minus(SessionTracker.IDLE);
    Instant startCutoff = now.minus(java.time.Duration.ofDays(2));
    return pool.preparedQuery(EventSql.ACTIVE_SESSIONS)
        .execute(Tuple.of(idleCutoff.atOffset(ZoneOffset.UTC), startCutoff.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          int n = 0;
          for (Row r : rows) {
            Long pageVisit = r.getLong("page_visit_id");
            tracker.restore(toRow(r), pageVisit == null ? 0 : pageVisit);
            n++;
          }
          return n;
        });
  }

  private static SessionRow toRow(Row r) {
    return new SessionRow(r.getInteger("site_id"), r.getLong("session_id"), r.getOffsetDateTime("started_at").toInstant(),
        r.getOffsetDateTime("last_seen_at").toInstant(), r.getLong("visitor_id"), r.getString("user_id"), r.getLocalDate("salt_day"),
        r.getString("entry_page"), r.getString("exit_page"), r.getString("hostname"), r.getString("referrer"),
        r.getString("referrer_host"), r.getString("source"), r.getString("channel"), r.getString("click_id_param"),
        r.getString("utm_source"), r.getString("utm_medium"), r.getString("utm_campaign"), r.getString("utm_content"),
        r.getString("utm_term"), r.getString("country"), r.getString("region"), r.getString("city"), r.getString("device"),
        r.getString("browser"), r.getString("browser_version"), r.getString("os"), r.getString("os_version"),
        r.getInteger("screen_width"), r.getInteger("pageviews"), r.getInteger("events"), r.getBoolean("interactive"),
        r.getInteger("clicks"), r.getInteger("forms"), r.getInteger("max_scroll"), r.getLong("engagement_ms"),
        r.getBigDecimal("revenue_amount"), r.getString("revenue_currency"), r.getArrayOfIntegers("key_ids"));
  }
}
