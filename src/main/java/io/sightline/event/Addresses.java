package io.sightline.event;

/** Event-bus addresses: {@code send}/{@code request} for work, {@code publish} for facts. */
public final class Addresses {
  /** Request: a {@link WriteRequest}; the reply (empty) means committed; failure 503 means not accepted. */
  public static final String WRITE_EVENTS = "sightline.store.write-events";
  /** Publish: {@link CommittedEvents} after each commit. */
  public static final String EVENTS_COMMITTED = "sightline.store.events-committed";
  /** Asks the writer to fold its pending rollup deltas now; the reply comes once the batches committed before the request are folded. */
  public static final String FOLD_ROLLUPS = "sightline.store.fold-rollups";

  private Addresses() {
  }
}
