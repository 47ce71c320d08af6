package io.sightline.ingest.idempotency;

/** SQL of the client event ids the node remembers ({@code event_keys}; the writer inserts them with their events). */
final class EventIdSql {
  /** The newest ids received since $1, at most $2. */
  static final String NEWEST = "select key, session_id, page_visit_id from event_keys where received_at >= $1 "
      + "order by received_at desc limit $2";
  /** Ids received before $1: out of the window in which a copy is recognised. */
  static final String EXPIRE = "delete from event_keys where received_at < $1";

  private EventIdSql() {
  }
}
