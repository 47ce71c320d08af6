package io.sightline.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.config.HttpConfig;
import io.sightline.net.CidrSet;
import io.sightline.net.IpAddresses;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What a client may cost the HTTP servers, shared by all their instances: how long it may take to
 * send a request's headers ({@code http.headerTimeoutSeconds}) and its body
 * ({@code http.bodyTimeoutSeconds}), enforced per connection by {@link ConnectionWatch}, and how
 * many connections one address may hold open ({@code http.maxConnectionsPerAddress}). Trusted
 * proxies ({@code ingest.trustedProxies}) carry many clients and are not limited in number; a
 * reverse proxy limits its own clients. Connections closed for any of these reasons are counted in
 * {@code sightline_http_connections_closed_total{reason}}: {@code header_timeout} (no complete request
 * yet), {@code keep_alive_timeout} (no next request within the header timeout of an answer; mostly idle
 * kept-alive connections), {@code body_timeout}, {@code connections_per_address}.
 */
public final class ClientLimits {
  final long headerTimeoutNanos;
  final long bodyTimeoutNanos;
  private final int maxPerAddress;
  private final CidrSet unlimited;
  private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();
  final Counter headerTimeouts;
  final Counter keepAliveTimeouts;
  final Counter bodyTimeouts;
  private final Counter refused;

  private ClientLimits(Duration headerTimeout, Duration bodyTimeout, int maxPerAddress, CidrSet unlimited, MeterRegistry registry) {
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.bodyTimeoutNanos = bodyTimeout.toNanos();
    this.maxPerAddress = maxPerAddress;
    this.unlimited = unlimited;
    this.headerTimeouts = closed(registry, "header_timeout");
    this.keepAliveTimeouts = closed(registry, "keep_alive_timeout");
    this.bodyTimeouts = closed(registry, "body_timeout");
    this.refused = closed(registry, "connections_per_address");
  }

  public static ClientLimits of(HttpConfig http, CidrSet trustedProxies, MeterRegistry registry) {
    return new ClientLimits(http.headerTimeout(), http.bodyTimeout(), http.maxConnectionsPerAddress(), trustedProxies, registry);
  }

  private static Counter closed(MeterRegistry registry, String reason) {
    return Counter.builder("sightline_http_connections_closed").tag("reason", reason)
        .description("Client connections the server closed: too slow to send a request's headers or body, or over the connections of one address")
        .register(registry);
  }

  /** Counts a new connection from {@code address}; false (and nothing counted) if that address already holds its maximum. */
  boolean admit(String address) {
    if (maxPerAddress == 0 || address == null || isUnlimited(address)) {
      return true;
    }
    boolean[] admitted = new boolean[1];
    open.compute(address, (a, n) -> {
      int count = n == null ? 0 : n;
      if (count >= maxPerAddress) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (!admitted[0]) {
      refused.increment();
    }
    return admitted[0];
  }

  /** A connection admitted by {@link #admit} closed. */
  void release(String address) {
    if (maxPerAddress != 0 && address != null) {
      open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
  }

  private boolean isUnlimited(String address) {
    byte[] bytes = IpAddresses.literal(address);
    return bytes != null && unlimited.contains(bytes);
  }
}
