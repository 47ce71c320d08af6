-- Identity stitching (docs/ingestion.md, "Identified users"). An event with both user_id and
-- visitor_id counts under the visitor's id and links the user to that visitor; an event with only
-- user_id then counts under the visitor the user was last linked to. One row per user: its latest
-- link (by event time), upserted in the batch statement of the first event that relies on it, so a
-- stored event's link is stored too. Loaded into memory at start.
create table identity_links (
  site_id     integer      not null references sites (id) on delete cascade,
  user_key    bigint       not null,   -- the visitor id the user_id alone gives (io.sightline.ingest.session.VisitorIds#stable)
  visitor_id  bigint       not null,   -- the visitor id of the sender visitor_id it was last sent with
  linked_at   timestamptz  not null,   -- that event's time: a link only moves to a later one
  primary key (site_id, user_key)
);
