package io.sightline.config;

import java.time.Duration;

/**
 * The batching event writer (group commit): a batch closes at {@code batchSize} events or after
 * {@code flushInterval}; at most {@code queueEvents} wait, beyond that senders get 503; a sender
 * waits at most {@code ackTimeout} for its commit.
 */
public record WriterConfig(int batchSize, Duration flushInterval, int queueEvents, Duration ackTimeout) {
}
