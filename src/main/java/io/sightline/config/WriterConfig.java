package io.sightline.config;

import java.time.Duration;

/**
 * The batching event writer (group commit): a batch closes at {@code batchSize} events or after
 * {@code flushInterval}; at most {@code queueEvents} wait, beyond that senders get 503; a sender
 * waits at most {@code ackTimeout} for its commit; up to {@code concurrentCommits} batches commit at once.
 * The default is 1: concurrent batches that touch the same sessions wait on each other's row
 * locks, which measured slower (1.0k vs 7.6k beacons/s) than one growing batch at a time.
 * {@code rollups}: keep the rollup tables in the batches' transactions (README, "Rollups"); then
 * one batch commits at a time whatever {@code concurrentCommits} says.
 */
public record WriterConfig(int batchSize, Duration flushInterval, int queueEvents, Duration ackTimeout, int concurrentCommits,
                           boolean rollups) {
  public WriterConfig(int batchSize, Duration flushInterval, int queueEvents, Duration ackTimeout, int concurrentCommits) {
    this(batchSize, flushInterval, queueEvents, ackTimeout, concurrentCommits, true);
  }
}
