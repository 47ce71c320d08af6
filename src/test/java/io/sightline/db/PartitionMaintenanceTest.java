package io.sightline.db;

import io.sightline.config.StorageConfig;
import io.sightline.support.PgTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("integration")
class PartitionMaintenanceTest extends PgTestBase {
  private final Clock clock = Clock.fixed(Instant.parse("2026-03-10T15:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void migrate() {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
  }

  @Test
  void createsDailyEventAndSessionPartitionsAroundTodayOnce() {
    PartitionMaintenance maintenance = new PartitionMaintenance(pool, new StorageConfig(3, 2), clock);
    assertEquals(2 * 6, await(maintenance.ensure()), "days 03-08 .. 03-13 for two tables");
    assertEquals(0, await(maintenance.ensure()), "idempotent");
    assertEquals(6L, count("events_p2026%"));
    assertEquals(6L, count("sessions_p2026%"));
  }

  @Test
  void anEventLandsInThePartitionOfItsUtcDay() {
    await(new PartitionMaintenance(pool, new StorageConfig(1, 1), clock).ensure());
    sql("""
        insert into events (site_id, ts, event_id, session_id, visitor_id, salt_day, type, name, hostname, pathname)
        values (1, '2026-03-10 23:59:59.999+00', 1, 1, 1, '2026-03-10', 'pageview', 'pageview', 'a.example', '/'),
               (1, '2026-03-11 00:00:00+00',     2, 1, 1, '2026-03-10', 'pageview', 'pageview', 'a.example', '/x')""");
    assertEquals(1L, sql("select count(*) as n from events_p20260310").iterator().next().getLong("n"));
    assertEquals(1L, sql("select count(*) as n from events_p20260311").iterator().next().getLong("n"));
  }

  private long count(String pattern) {
    return sql("select count(*) as n from pg_class where relkind = 'r' and relname like '" + pattern + "'").iterator().next().getLong("n");
  }

  @Test
  void retentionDropsOldRawPartitionsAndKeepsTheRollups() {
    await(new PartitionMaintenance(pool, new StorageConfig(1, 30), clock).ensure());
    sql("""
        insert into events (site_id, ts, event_id, session_id, visitor_id, salt_day, type, name, hostname, pathname)
        values (1, '2026-02-20 12:00+00', 1, 1, 1, '2026-02-20', 'pageview', 'pageview', 'a.example', '/'),
               (1, '2026-03-09 12:00+00', 2, 2, 2, '2026-03-09', 'pageview', 'pageview', 'a.example', '/')""");
    sql("insert into rollup_total (site_id, bucket, pageviews) values (1, '2026-02-20 12:00+00', 1), (1, '2026-01-01 00:00+00', 5)");
    await(new PartitionMaintenance(pool, new StorageConfig(1, 30, 10, 60), clock).ensure());
    assertEquals(0L, count("events_p20260220"), "raw events of 02-20 (older than 10 days) dropped with their partition");
    assertEquals(1L, count("events_p20260309"));
    assertEquals(1L, sql("select count(*) as n from events").iterator().next().getLong("n"));
    assertEquals(1L, sql("select count(*) as n from rollup_total").iterator().next().getLong("n"),
        "the rollup of 02-20 stays (rollups keep 60 days); the one of 01-01 is older and deleted");
  }
}
