package io.sightline.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.sightline.config.ClusterConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * How this process joins the cluster: Hazelcast configured from {@code cluster.*} alone (no XML file, no multicast: the members
 * are found by the TCP-IP list), and Vert.x's clustered event bus bound to the same host.
 */
public final class ClusterNode {
  private ClusterNode() {
  }

  /** The cluster manager for {@code config}: Vert.x's own Hazelcast defaults (its maps' backups), with the network from config. */
  public static HazelcastClusterManager manager(ClusterConfig config) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("sightline");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // Sightline leaves the cluster itself on SIGTERM (after draining its partitions), not Hazelcast's own hook
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.local.localAddress", config.host());
    // a member killed without a word is removed after this long without a heartbeat (its partitions then move)
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(config.failureDetectionSeconds()));
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // members started at the same moment find each other quickly, and two that formed separate clusters merge within seconds
    hz.setProperty("hazelcast.wait.seconds.before.join", "1");
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    hz.setProperty("hazelcast.partition.count", "71");
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.port()).setPortAutoIncrement(false);
    network.setPublicAddress(config.host() + ":" + config.port());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(config.members());
    return new HazelcastClusterManager(hz);
  }

  /** The event bus between members: bound to {@code cluster.host} on {@code cluster.busPort} (0: any free port, announced). */
  public static VertxOptions withEventBus(VertxOptions options, ClusterConfig config) {
    return options.setEventBusOptions(new EventBusOptions().setHost(config.host()).setPort(config.busPort())
        .setClusterPublicHost(config.host()));
  }
}
