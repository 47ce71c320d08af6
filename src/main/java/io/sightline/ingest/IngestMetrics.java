package io.sightline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.ingest.enrich.BotLayer;
import io.sightline.ingest.enrich.UserAgents;
import io.sightline.ingest.pipeline.DropReason;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepted and dropped events by site and reason ({@code layer}: which bot-detection layer decided a
 * {@code bot} drop, {@code none} for other reasons), and the User-Agent cache's hit ratio.
 */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<Integer, Counter> accepted = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry, UserAgents userAgents) {
    this.registry = registry;
    Gauge.builder("sightline_ingest_useragent_cache_hit_ratio", userAgents, UserAgents::hitRatio)
        .description("Share of User-Agent lookups answered from the cache").register(registry);
    for (DropReason r : DropReason.values()) { // every reason (and bot layer) is visible at 0 before it happens
      if (r == DropReason.BOT) {
        for (BotLayer layer : BotLayer.values()) {
          dropCounter(r, layer, "none");
        }
      } else {
        dropCounter(r, null, "none");
      }
    }
  }

  public void accepted(int siteId, int n) {
    accepted.computeIfAbsent(siteId, id -> Counter.builder("sightline_ingest_events_accepted")
        .description("Events accepted for writing").tag("site", Integer.toString(id)).register(registry)).increment(n);
  }

  public void dropped(DropReason reason, Integer siteId) {
    dropped(reason, null, siteId);
  }

  /** A drop; {@code layer} says which bot-detection layer decided a {@link DropReason#BOT} drop. */
  public void dropped(DropReason reason, BotLayer layer, Integer siteId) {
    dropCounter(reason, layer, siteId == null ? "none" : siteId.toString()).increment();
  }

  private Counter dropCounter(DropReason reason, BotLayer layer, String site) {
    String layerId = layer == null ? "none" : layer.id();
    return dropped.computeIfAbsent(reason.id() + "/" + layerId + "/" + site, k -> Counter.builder("sightline_ingest_events_dropped")
        .description("Events dropped by the ingestion pipeline, by reason (and bot-detection layer)").tag("reason", reason.id())
        .tag("layer", layerId).tag("site", site).register(registry));
  }
}
