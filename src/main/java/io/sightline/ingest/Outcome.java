package io.sightline.ingest;

import io.sightline.ingest.pipeline.DropReason;
import io.sightline.ingest.pipeline.EventDraft;

/** What the pipeline made of one event: a draft ready to store, or a drop with its reason. */
public record Outcome(EventDraft draft, DropReason dropReason, String message) {
  public static Outcome accepted(EventDraft draft) {
    return new Outcome(draft, null, null);
  }

  public static Outcome dropped(DropReason reason, String message) {
    return new Outcome(null, reason, message);
  }

  public boolean isAccepted() {
    return draft != null;
  }
}
