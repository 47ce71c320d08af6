package io.sightline.store;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.vertx.core.Promise;

import java.util.List;
import java.util.Map;

/**
 * Events of one HTTP request (one or a batch) and their sessions' states, handed to the writer by reference.
 *
 * @param keys    the client event ids among the events ({@link EventKey}), written with them
 * @param links   user-visitor links the events rely on that are not known stored yet ({@link IdentityLink}), written with them
 * @param settled with keys: what became of the events, told even after the sender stopped waiting for the reply. Completed once
 *                they are committed, with the events the database already held under their id (by index in {@code events}: not
 *                stored again, answered with the stored event's ids); failed if none of them was stored. Null without keys
 */
public record WriteRequest(List<EventRecord> events, List<SessionRow> sessions, List<EventKey> keys, List<IdentityLink> links,
                           Promise<Map<Integer, StoredIds>> settled) {
  public WriteRequest(List<EventRecord> events, List<SessionRow> sessions) {
    this(events, sessions, List.of(), List.of(), null);
  }

  /** Tells {@link #settled} that nothing of this request was stored (no-op without keys, or if already told). */
  public void notStored(String why) {
    if (settled != null) {
      settled.tryFail(why);
    }
  }
}
