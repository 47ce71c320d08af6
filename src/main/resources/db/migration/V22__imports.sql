-- Imports of other tools' data (io.sightline.imports): one row per site, source and file content, so that importing the
-- same files again replaces what they stored instead of adding it twice. The raw events and sessions an import stored
-- carry its id, so that it can be undone (and replaced) exactly; native events have none.
create table imports (
  id            integer      generated always as identity primary key,
  site_id       integer      not null references sites (id) on delete cascade,
  source        text         not null,             -- umami | ga4 | plausible
  content_hash  text         not null,             -- SHA-256 over the files' bytes, in the order given
  files         text[]       not null,
  status        text         not null default 'running',  -- running | done | failed | undone
  rows_read     bigint       not null default 0,
  rows_stored   bigint       not null default 0,
  rows_skipped  bigint       not null default 0,
  skipped       jsonb        not null default '{}', -- reason -> rows
  first_ts      timestamptz,
  last_ts       timestamptz,
  error         text,
  created_at    timestamptz  not null default now(),
  finished_at   timestamptz,
  constraint imports_status_known check (status in ('running', 'done', 'failed', 'undone')),
  constraint imports_once unique (site_id, source, content_hash)
);

alter table events add column import_id integer;
alter table sessions add column import_id integer;
-- nearly every row is native (null): the partial indexes stay as small as the imports
create index events_import on events (site_id, import_id) where import_id is not null;
create index sessions_import on sessions (site_id, import_id) where import_id is not null;
