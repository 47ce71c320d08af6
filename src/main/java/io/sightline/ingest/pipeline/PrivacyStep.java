package io.sightline.ingest.pipeline;

/** Honours {@code DNT: 1} always, and {@code Sec-GPC: 1} when {@code ingest.respectGpc} is on. */
public final class PrivacyStep implements PipelineStep {
  private final boolean respectGpc;

  public PrivacyStep(boolean respectGpc) {
    this.respectGpc = respectGpc;
  }

  @Override
  public void apply(EventDraft d) {
    if (d.facts.doNotTrack()) {
      throw new Dropped(DropReason.DNT, "DNT: 1");
    }
    if (respectGpc && d.facts.globalPrivacyControl()) {
      throw new Dropped(DropReason.GPC, "Sec-GPC: 1");
    }
  }
}
