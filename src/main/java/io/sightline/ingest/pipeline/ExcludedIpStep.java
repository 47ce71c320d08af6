package io.sightline.ingest.pipeline;

import io.sightline.net.CidrSet;

/** Drops visitors whose address is in {@code ingest.excludedIps}. */
public final class ExcludedIpStep implements PipelineStep {
  private final CidrSet excluded;

  public ExcludedIpStep(CidrSet excluded) {
    this.excluded = excluded;
  }

  @Override
  public void apply(EventDraft d) {
    if (!excluded.isEmpty() && excluded.contains(d.facts.clientIp())) {
      throw new Dropped(DropReason.EXCLUDED_IP, "excluded address");
    }
  }
}
