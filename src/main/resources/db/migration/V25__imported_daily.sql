-- Daily aggregates imported from Plausible CE's CSV export (its imported_* tables), one row per table, day and dimension
-- value, tagged with the import that stored them (io.sightline.imports.PlausibleReader writes, io.sightline.query.ImportedDaily
-- reads). The query engine adds them to its answers for the dimensions and metrics each table carries (docs/import-export.md).
-- `day` is the site's local day as the export dates it. Dimension columns a table does not carry are null.
create table imported_daily (
  site_id          integer  not null references sites (id) on delete cascade,
  import_id        integer  not null references imports (id) on delete cascade,
  tbl              text     not null,  -- visitors | sources | pages | entry_pages | exit_pages | locations | devices | browsers
                                       -- | operating_systems | custom_events
  day              date     not null,
  source           text,
  referrer         text,
  utm_source       text,
  utm_medium       text,
  utm_campaign     text,
  utm_content      text,
  utm_term         text,
  hostname         text,
  page             text,
  entry_page       text,
  exit_page        text,
  country          text,
  region           text,
  city             text,
  device           text,
  browser          text,
  browser_version  text,
  os               text,
  os_version       text,
  event_name       text,
  link_url         text,
  path             text,
  visitors         bigint   not null default 0,
  visits           bigint   not null default 0,
  pageviews        bigint   not null default 0,
  bounces          bigint   not null default 0,
  visit_duration   bigint   not null default 0,  -- seconds, summed over the visits
  entrances        bigint   not null default 0,
  exits            bigint   not null default 0,
  events           bigint   not null default 0
);

create index imported_daily_site on imported_daily (site_id, tbl, day);
create index imported_daily_import on imported_daily (import_id);
