package io.sightline.config;

import java.time.Duration;

/**
 * The batching event writer (group commit): a batch closes at {@code batchSize} events or after
 * {@code flushInterval}; at most {@code queueEvents} wait, beyond that senders get 503; a sender
 * waits at most {@code ackTimeout} for its commit; up to {@code concurrentCommits} batches commit at once.
 * The default is 1: concurrent batches that touch the same sessions wait on each other's row
 * locks, which measured slower (1.0k vs 7.6k beacons/s) than one growing batch at a time.
 * {@code rollups}: keep the rollup tables in the batches' transactions (docs/ingestion.md, "Rollups"); then
 * one batch commits at a time whatever {@code concurrentCommits} says. Each batch stores its
 * rollup delta as pending, and the writer folds the sum of the pending deltas into the rollup tables
 * every {@code rollupFoldInterval} (so dashboards trail ingestion by about that much), or as soon as
 * the sum holds {@code rollupFoldRows} rows (the bound on that part of the writer's memory).
 * {@code partitions}: how many writers share the events, each owning the visitors that hash to it
 * ({@code io.sightline.event.WriterPartitions}) and committing its own batches, so that many commits
 * run at once; 0 = one per core. The batch size, queue and commit slots above apply to each.
 * {@code rollupStateEntries}: the bound on the rollup dedupe state (visitor ids plus (visitor, value) pairs, about 50
 * bytes each, and the remembered sessions at 8 entries each), shared evenly by the partitions; beyond it the largest (site, UTC day) is no longer tracked and queries
 * touching it read raw events (docs/ingestion.md, "Rollups"); 0 = a quarter of the maximum heap.
 */
public record WriterConfig(int batchSize, Duration flushInterval, int queueEvents, Duration ackTimeout, int concurrentCommits,
                           boolean rollups, Duration rollupFoldInterval, int rollupFoldRows, int partitions, int rollupStateEntries) {
  /** Heap bytes an entry of the rollup dedupe state takes, as measured (the bound {@code 0} derives from it). */
  public static final int STATE_ENTRY_BYTES = 50;
  public static final Duration DEFAULT_FOLD_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_FOLD_ROWS = 200_000;

  public WriterConfig(int batchSize, Duration flushInterval, int queueEvents, Duration ackTimeout, int concurrentCommits) {
    this(batchSize, flushInterval, queueEvents, ackTimeout, concurrentCommits, true, DEFAULT_FOLD_INTERVAL, DEFAULT_FOLD_ROWS, 1, 0);
  }

  /** The bound on each partition's rollup dedupe state, in entries ({@code rollupStateEntries} shared by the partitions). */
  public long stateEntriesPerPartition() {
    long total = rollupStateEntries > 0 ? rollupStateEntries : Runtime.getRuntime().maxMemory() / 4 / STATE_ENTRY_BYTES;
    return Math.max(1, total / partitionCount());
  }

  /** The number of writer partitions: {@code partitions}, or one per core when it is 0. */
  public int partitionCount() {
    return partitions > 0 ? partitions : Runtime.getRuntime().availableProcessors();
  }
}
