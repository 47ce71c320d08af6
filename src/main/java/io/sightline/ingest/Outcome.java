package io.sightline.ingest;

import io.sightline.ingest.pipeline.DropReason;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.store.StoredIds;
import io.vertx.core.Future;

/**
 * What the pipeline made of one event: a draft ready to store, or a drop with its reason. A copy of an event sent before with the
 * same {@code event_id} is a drop ({@link DropReason#DUPLICATE}) with {@code original}: the first copy's ids, once it is stored.
 */
public record Outcome(EventDraft draft, DropReason dropReason, String message, Future<StoredIds> original) {
  public static Outcome accepted(EventDraft draft) {
    return new Outcome(draft, null, null, null);
  }

  public static Outcome dropped(DropReason reason, String message) {
    return new Outcome(null, reason, message, null);
  }

  public static Outcome duplicate(Future<StoredIds> original) {
    return new Outcome(null, DropReason.DUPLICATE, "a copy of an event already stored", original);
  }

  public boolean isAccepted() {
    return draft != null;
  }

  public boolean isDuplicate() {
    return original != null;
  }
}
