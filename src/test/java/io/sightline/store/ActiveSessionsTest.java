package io.sightline.store;

import io.sightline.db.MigrationRunner;
import io.sightline.ingest.session.ActiveSessions;
import io.sightline.ingest.session.IdGenerator;
import io.sightline.ingest.session.SessionTracker;
import io.sightline.support.PgTestBase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("integration")
class ActiveSessionsTest extends PgTestBase {

  @Test
  void aSessionWithAnIdAbove2To53IsNotContinuedAfterARestart() {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
    sql("select sightline_ensure_partitions(current_date - 1, current_date + 1)");
    long legacy = 255_740_359_923_306_497L; // a session id as the 63-bit layout made them
    long safe = 4_503_599_627_370_497L;
    for (long id : new long[] {legacy, safe}) {
      sql("insert into sessions (site_id, session_id, started_at, last_seen_at, visitor_id, salt_day, pageviews) "
          + "values (1, " + id + ", now() - interval '5 minutes', now() - interval '1 minute', " + id + ", current_date, 1)");
    }
    SessionTracker tracker = new SessionTracker(IdGenerator.sessions(System::currentTimeMillis));
    assertEquals(1, await(ActiveSessions.restore(pool, tracker, Instant.now())));
    assertEquals(1, tracker.size());
  }
}
