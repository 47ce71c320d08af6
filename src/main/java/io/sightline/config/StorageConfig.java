package io.sightline.config;

/** Daily event and session partitions kept ready before and after today (UTC). */
public record StorageConfig(int partitionDaysAhead, int partitionDaysBehind) {
}
