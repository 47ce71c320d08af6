-- Idempotent ingestion (docs/ingestion.md, "Client event ids"). A sender may give each event its own
-- id (event_id); the event's row here is written by the event writer in the batch statement that
-- inserts the event, so it exists exactly when the event does. The primary key makes a second copy
-- of an id fail that statement: the writer then answers the copy with the ids of the stored event
-- (session_id, page_visit_id: what the first sender was answered) and stores it no more. A plain
-- table, not partitioned by time like events, so the key spans the whole window; rows older than
-- the backfill window (received_at) are deleted by a periodic task. No foreign key: the hot path
-- pays no lookup of sites, and a deleted site's rows expire with the window.
create table event_keys (
  site_id        integer      not null,
  key            bigint       not null,   -- 63 bits of SHA-256 over (site, the sender's event_id)
  received_at    timestamptz  not null,
  session_id     bigint       not null,
  page_visit_id  bigint,                  -- the answer's page_visit_id (pageviews), else null
  primary key (site_id, key)
);
-- expiry, and the newest ids the server loads into memory at start
create index event_keys_received on event_keys (received_at);
