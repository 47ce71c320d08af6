package io.sightline.config;

/**
 * Operational endpoints ({@code /metrics}, {@code /health/*}): on the public port by default, or on
 * a port of their own when {@code separatePort} is set.
 */
public record OpsConfig(boolean separatePort, String host, int port) {
}
