package io.sightline.config;

import java.time.Duration;

/** Everything Sightline is configured with, loaded once and validated (see {@link ConfigLoader}). */
public record SightlineConfig(HttpConfig http, OpsConfig ops, DatabaseConfig database, BootstrapConfig bootstrap,
                              AuthConfig auth, IngestConfig ingest, WriterConfig writer, StorageConfig storage,
                              Duration shutdownGrace, ClusterConfig cluster, MailConfig mail, DashboardConfig dashboard) {
}
