package io.sightline.db;

import io.sightline.config.StorageConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Keeps the daily event and session partitions created ahead of time (and behind, for backfills),
 * and applies retention: raw partitions older than {@code storage.retentionDays} are dropped, rollup
 * rows older than {@code storage.rollupRetentionDays} deleted (each 0 = keep forever).
 */
public final class PartitionMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);

  private final Pool pool;
  private final StorageConfig config;
  private final Clock clock;

  public PartitionMaintenance(Pool pool, StorageConfig config, Clock clock) {
    this.pool = pool;
    this.config = config;
    this.clock = clock;
  }

  /** Creates the missing partitions; the future holds how many were created. */
  public Future<Integer> ensure() {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    LocalDate from = today.minusDays(config.partitionDaysBehind());
    LocalDate to = today.plusDays(config.partitionDaysAhead());
    return pool.preparedQuery(PartitionSql.ENSURE).execute(Tuple.of(from, to))
        .map(rows -> rows.iterator().next().getInteger("created"))
        .onSuccess(created -> {
          if (created > 0) {
            LOG.info("Created {} daily partitions covering {} to {}", created, from, to);
          }
        })
        .compose(created -> retain(today).map(created));
  }

  private Future<Void> retain(LocalDate today) {
    Future<Void> raw = Future.succeededFuture();
    if (config.retentionDays() > 0) {
      LocalDate keepFrom = today.minusDays(config.retentionDays());
      raw = pool.preparedQuery("select sightline_drop_partitions_before($1) as dropped").execute(Tuple.of(keepFrom))
          .onSuccess(rows -> {
            int dropped = rows.iterator().next().getInteger("dropped");
            if (dropped > 0) {
              LOG.info("Retention: dropped {} daily partitions before {}", dropped, keepFrom);
            }
          }).mapEmpty();
    }
    if (config.rollupRetentionDays() <= 0) {
      return raw;
    }
    LocalDate keepRollupsFrom = today.minusDays(config.rollupRetentionDays());
    return raw.compose(v -> pool.preparedQuery("delete from rollup_total where bucket < $1").execute(
            Tuple.of(keepRollupsFrom.atStartOfDay(ZoneOffset.UTC).toOffsetDateTime())))
        .compose(v -> pool.preparedQuery("delete from rollup_dim where day < $1").execute(Tuple.of(keepRollupsFrom)))
        .compose(v -> pool.preparedQuery("delete from rollup_dim_week where week + 7 <= $1").execute(Tuple.of(keepRollupsFrom)))
        .compose(v -> pool.preparedQuery("delete from rollup_sketch where day < $1").execute(Tuple.of(keepRollupsFrom)))
        .compose(v -> pool.preparedQuery("delete from rollup_drill where day < $1").execute(Tuple.of(keepRollupsFrom))).mapEmpty();
  }
}
