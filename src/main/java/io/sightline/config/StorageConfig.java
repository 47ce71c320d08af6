package io.sightline.config;

/**
 * Daily event and session partitions kept ready before and after today (UTC), and how long data is
 * kept: raw events and sessions {@code retentionDays}, rollups {@code rollupRetentionDays} (0 = forever).
 * {@code partitionDaysBehind} is at least {@code ingest.backfillDays} (the loader takes the larger of the two).
 */
public record StorageConfig(int partitionDaysAhead, int partitionDaysBehind, int retentionDays, int rollupRetentionDays) {
  public StorageConfig(int partitionDaysAhead, int partitionDaysBehind) {
    this(partitionDaysAhead, partitionDaysBehind, 0, 0);
  }
}
