package io.sightline.ingest.pipeline;

import java.util.List;

/**
 * The ingestion pipeline: named steps run top to bottom; each enriches the draft or drops it
 * with a typed reason. The list is the documentation:
 * <ol>
 *   <li>validate: timestamp bounds, URL, hostname belongs to the site (click ids and UTMs read out)</li>
 *   <li>privacy: DNT, optionally Sec-GPC</li>
 *   <li>excluded_ip</li>
 *   <li>rate_limit: keyless beacons per client address</li>
 *   <li>bot: missing User-Agent; the User-Agent's cached bot verdict (YAUAA, lists, automation markers, no browser token);
 *   optionally data-centre addresses</li>
 *   <li>referrer: referrer spam; external referrer only</li>
 *   <li>source: UTMs, source, channel</li>
 *   <li>geo: country, region, city (the configured database, else the bundled country one)</li>
 *   <li>visitor: visitor id (daily salt, or the sender's ids, a user id joining the visitor it was last sent with)</li>
 *   <li>quota: the site's monthly event quota</li>
 *   <li>session: event id, session, the stored row</li>
 * </ol>
 */
public final class IngestPipeline {
  public record Step(String name, PipelineStep step) {
  }

  private final List<Step> steps;

  public IngestPipeline(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  /** Runs every step; throws {@link Dropped} at the first drop. */
  public void run(EventDraft draft) {
    for (Step s : steps) {
      s.step().apply(draft);
    }
  }

  public List<String> names() {
    return steps.stream().map(Step::name).toList();
  }
}
