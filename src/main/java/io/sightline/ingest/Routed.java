package io.sightline.ingest;

import io.sightline.ingest.pipeline.DropReason;
import io.sightline.store.StoredIds;

/**
 * What became of one event its owner processed: stored (or a copy of one stored: {@link DropReason#DUPLICATE}) with the ids the
 * sender is answered with, or dropped for {@code dropped} ({@code message} says why).
 */
public record Routed(StoredIds ids, DropReason dropped, String message) {
  public static Routed stored(StoredIds ids) {
    return new Routed(ids, null, null);
  }

  public static Routed copy(StoredIds ids) {
    return new Routed(ids, DropReason.DUPLICATE, null);
  }

  public static Routed dropped(DropReason reason, String message) {
    return new Routed(null, reason, message);
  }

  /** Stored, or a copy answered with the stored event's ids. */
  public boolean answered() {
    return ids != null;
  }
}
