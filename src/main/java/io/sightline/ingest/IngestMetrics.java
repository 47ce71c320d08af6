package io.sightline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.ingest.enrich.UserAgents;
import io.sightline.ingest.pipeline.DropReason;

import java.util.concurrent.ConcurrentHashMap;

/** Accepted and dropped events by site and reason, and the User-Agent cache's hit ratio. */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<Integer, Counter> accepted = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry, UserAgents userAgents) {
    this.registry = registry;
    Gauge.builder("sightline_ingest_useragent_cache_hit_ratio", userAgents, UserAgents::hitRatio)
        .description("Share of User-Agent lookups answered from the cache").register(registry);
    for (DropReason r : DropReason.values()) {
      dropCounter(r, "none"); // every reason is visible at 0 before it happens
    }
  }

  public void accepted(int siteId, int n) {
    accepted.computeIfAbsent(siteId, id -> Counter.builder("sightline_ingest_events_accepted")
        .description("Events accepted for writing").tag("site", Integer.toString(id)).register(registry)).increment(n);
  }

  public void dropped(DropReason reason, Integer siteId) {
    dropCounter(reason, siteId == null ? "none" : siteId.toString()).increment();
  }

  private Counter dropCounter(DropReason reason, String site) {
    return dropped.computeIfAbsent(reason.id() + "/" + site, k -> Counter.builder("sightline_ingest_events_dropped")
        .description("Events dropped by the ingestion pipeline, by reason").tag("reason", reason.id()).tag("site", site)
        .register(registry));
  }
}
