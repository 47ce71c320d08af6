package io.sightline.ingest.pipeline;

/** One named step of the ingestion pipeline: enriches the draft, or throws {@link Dropped}. No Vert.x types. */
@FunctionalInterface
public interface PipelineStep {
  void apply(EventDraft draft);
}
