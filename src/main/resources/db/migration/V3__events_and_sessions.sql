-- Raw events and sessions, partitioned by UTC day so that retention is a partition drop and
-- time-bounded queries prune. Partitions are created ahead by sightline_ensure_partitions().
-- Derived metrics (bounce, duration, ...) are not stored: the query engine defines them once.

create table events (
  site_id           integer      not null,
  ts                timestamptz  not null,
  event_id          bigint       not null,   -- assigned by the ingesting node (time-ordered)
  session_id        bigint       not null,
  visitor_id        bigint       not null,   -- keyed hash with the daily salt, or of the sender's own id
  user_id           text,                    -- a sender-supplied stable user id (identified users)
  salt_day          date         not null,   -- UTC day of the salt behind visitor_id
  page_visit_id     bigint,                  -- the pageview this event belongs to (clicks, forms, engagement)
  type              text         not null,
  name              text         not null,   -- 'pageview' for pageviews, the event name otherwise
  hostname          text         not null,
  pathname          text         not null,
  query             text,                    -- kept query string, without click ids and utm_*
  referrer          text,
  referrer_host     text,
  source            text,
  channel           text,
  click_id_param    text,                    -- name of a stripped click-id parameter (gclid, fbclid, ...)
  utm_source        text,
  utm_medium        text,
  utm_campaign      text,
  utm_content       text,
  utm_term          text,
  country           char(2),                 -- ISO 3166-1 alpha-2
  region            text,                    -- ISO 3166-2 code where known, else the region name
  city              text,
  device            text,                    -- desktop | mobile | tablet
  browser           text,
  browser_version   text,
  os                text,
  os_version        text,
  screen_width      integer,
  target_label      text,                    -- clicks and forms: visible label, aria-label, id or form name
  target_secondary  text,                    -- clicks and forms: href, element id or form action
  props             jsonb,                   -- custom properties (meta_keys/meta_values, Plausible props)
  tags              text[],
  revenue_amount    numeric(18, 6),
  revenue_currency  char(3),
  scroll_depth      smallint,                -- 0-100, max of the page seen
  engagement_ms     integer,                 -- visible, focused time on the page
  interactive       boolean      not null default true,
  key_id            integer,                 -- api_keys.id of the ingesting key, null for keyless beacons
  constraint events_type_known check (type in ('pageview', 'custom', 'click', 'form', 'engagement')),
  constraint events_scroll_range check (scroll_depth is null or scroll_depth between 0 and 100),
  constraint events_engagement_positive check (engagement_ms is null or engagement_ms >= 0),
  constraint events_device_known check (device is null or device in ('desktop', 'mobile', 'tablet'))
) partition by range (ts);

create index events_site_ts on events (site_id, ts);
create index events_site_session on events (site_id, session_id);

create table sessions (
  site_id           integer      not null,
  session_id        bigint       not null,
  started_at        timestamptz  not null,
  last_seen_at      timestamptz  not null,
  visitor_id        bigint       not null,
  user_id           text,
  salt_day          date         not null,
  entry_page        text,
  exit_page         text,
  hostname          text,
  referrer          text,
  referrer_host     text,
  source            text,
  channel           text,
  click_id_param    text,
  utm_source        text,
  utm_medium        text,
  utm_campaign      text,
  utm_content       text,
  utm_term          text,
  country           char(2),
  region            text,
  city              text,
  device            text,
  browser           text,
  browser_version   text,
  os                text,
  os_version        text,
  screen_width      integer,
  pageviews         integer      not null default 0,
  events            integer      not null default 0,
  interactive       boolean      not null default false,
  clicks            integer      not null default 0,
  forms             integer      not null default 0,
  max_scroll        smallint,
  engagement_ms     bigint       not null default 0,
  revenue_amount    numeric(18, 6),
  revenue_currency  char(3),
  key_ids           integer[]    not null default '{}',  -- ingest keys that sent this session's events
  primary key (site_id, session_id, started_at),
  constraint sessions_time_order check (last_seen_at >= started_at)
) partition by range (started_at);

create index sessions_site_started on sessions (site_id, started_at);

-- Creates the missing daily partitions of events and sessions for [p_from, p_to] (UTC days) and
-- returns how many it created. Safe to call concurrently from several nodes.
create function sightline_ensure_partitions(p_from date, p_to date) returns integer
language plpgsql as $$
declare
  d       date;
  tbl     text;
  created integer := 0;
  part    text;
begin
  perform pg_advisory_xact_lock(hashtext('sightline_ensure_partitions'));
  for d in select generate_series(p_from, p_to, interval '1 day')::date loop
    foreach tbl in array array['events', 'sessions'] loop
      part := tbl || '_p' || to_char(d, 'YYYYMMDD');
      if to_regclass(part) is null then
        execute format('create table %I partition of %I for values from (%L) to (%L)',
                       part, tbl, d::text || ' 00:00:00+00', (d + 1)::text || ' 00:00:00+00');
        created := created + 1;
      end if;
    end loop;
  end loop;
  return created;
end
$$;
