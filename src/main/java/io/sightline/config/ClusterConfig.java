package io.sightline.config;

import java.time.Duration;
import java.util.List;

/**
 * Cluster mode (docs/cluster.md): several Sightline processes joined over Vert.x's clustered event bus with the Hazelcast
 * cluster manager. Off by default; a single node starts exactly as without it.
 *
 * @param host                    the address this member binds and announces for Hazelcast and the event bus
 * @param port                    Hazelcast's member port (no auto-increment: the members list names it)
 * @param busPort                 the clustered event bus's port (0: any free port, announced through Hazelcast)
 * @param members                 {@code host:port} of the members to join (TCP-IP discovery; multicast is off)
 * @param partitions              visitor partitions spread over the members (each one a writer partition on its owner)
 * @param failureDetectionSeconds how long a silent member stays a member (Hazelcast's heartbeat timeout)
 */
public record ClusterConfig(boolean enabled, String host, int port, int busPort, List<String> members, int partitions,
                            int failureDetectionSeconds) {
  public Duration failureDetection() {
    return Duration.ofSeconds(failureDetectionSeconds);
  }
}
