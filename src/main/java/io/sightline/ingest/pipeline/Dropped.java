package io.sightline.ingest.pipeline;

import io.sightline.ingest.enrich.BotLayer;

/** Thrown by a step to drop the event; carries the reason (for a bot, the deciding layer) and a message for a keyed sender. */
public final class Dropped extends RuntimeException {
  private final DropReason reason;
  private final BotLayer layer;

  public Dropped(DropReason reason, String message) {
    this(reason, null, message);
  }

  public Dropped(DropReason reason, BotLayer layer, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.layer = layer;
  }

  public DropReason reason() {
    return reason;
  }

  /** Which bot-detection layer decided a {@link DropReason#BOT} drop; null for other reasons. */
  public BotLayer layer() {
    return layer;
  }
}
