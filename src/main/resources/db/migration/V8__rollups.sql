-- Rollups kept by the event writer in the same transaction as the events they summarize (README,
-- "Rollups"). Dashboards read these instead of raw events; raw events stay the system of record.

-- Whether visitor_id is the sender's own stable id (user_id or visitor_id sent) rather than the
-- daily-rotating hash: stable ids are not additive across days, so rollups do not count them.
alter table events add column stable_visitor boolean not null default false;

-- Totals per 15-minute UTC bucket (every IANA offset is a multiple of 15 minutes).
--   vf  daily visitor ids whose first event is in the bucket
--   vl  daily visitor ids whose last event within their salt day (the UTC day of the id) is in the bucket
--   vls those counted in vl that also have events after their salt day's midnight (a session crossing it)
--   pageviews, events (no engagement beacons), stable_events: by event time
--   sessions, bounces, duration_us, session_pageviews, clickers: by the session's start, whole-session values
create table rollup_total (
  site_id            integer     not null,
  bucket             timestamptz not null,
  vf                 integer     not null default 0,
  vl                 integer     not null default 0,
  vls                integer     not null default 0,
  pageviews          integer     not null default 0,
  events             integer     not null default 0,
  stable_events      integer     not null default 0,
  sessions           integer     not null default 0,
  bounces            integer     not null default 0,
  duration_us        bigint      not null default 0,
  session_pageviews  integer     not null default 0,
  clickers           integer     not null default 0,
  primary key (site_id, bucket)
);

-- Per dimension value and UTC day (dim ids: io.sightline.rollup.RollupDim).
--   visitors  (daily visitor id, value) pairs whose first occurrence is on this day
--   carry     pairs first seen the day before and seen again on this day (a daily id lives at most
--             two UTC days: its own and the spill of a session crossing midnight), so that a range of
--             days [a, b] has sum(visitors) + carry(a) visitors, exactly
--   pageviews, events: by event time; sessions...clickers: by the session's start (whole-session values)
create table rollup_dim (
  site_id            integer     not null,
  dim                smallint    not null,
  day                date        not null,
  value              text,
  visitors           integer     not null default 0,
  carry              integer     not null default 0,
  pageviews          integer     not null default 0,
  events             integer     not null default 0,
  sessions           integer     not null default 0,
  bounces            integer     not null default 0,
  duration_us        bigint      not null default 0,
  session_pageviews  integer     not null default 0,
  clickers           integer     not null default 0,
  constraint rollup_dim_key unique nulls not distinct (site_id, dim, day, value)
);
-- No covering index: counters change with every batch, and an index that includes them would turn
-- every increment into a non-HOT update of two indexes; with free space on each page (fillfactor)
-- the increments stay heap-only. Reads go through the key's index.
alter table rollup_dim set (fillfactor = 70);
alter table rollup_total set (fillfactor = 70);

-- From when the rollups of a site hold every event: queries whose range (less one day for the
-- visitors carried over midnight) starts before `since` read raw events. A site first seen by a
-- writer with rollups on gets since = the next UTC midnight; `sightline rollups rebuild` sets
-- '-infinity'; starting with rollups off forgets all rows (rollups are then no longer current).
create table rollup_coverage (
  site_id  integer     primary key,
  since    timestamptz not null
);
