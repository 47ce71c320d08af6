package io.sightline.ingest.session;

/** SQL of the identity links (the writer upserts them with the events that rely on them). */
final class IdentitySql {
  static final String ALL = "select site_id, user_key, visitor_id, linked_at from identity_links";

  private IdentitySql() {
  }
}
