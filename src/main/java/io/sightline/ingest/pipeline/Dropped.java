package io.sightline.ingest.pipeline;

/** Thrown by a step to drop the event; carries the reason and a message for a keyed sender. */
public final class Dropped extends RuntimeException {
  private final DropReason reason;

  public Dropped(DropReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public DropReason reason() {
    return reason;
  }
}
