-- Identified users and imported ad-platform performance (DATALYR Public API).

-- A user is a sender-supplied user_id on a site. Events carrying it (with optional traits) upsert
-- the profile after they are committed. visitor_ids holds the internal visitor ids seen with the
-- user (the user's own stable id, and the stable id of any sender visitor_id sent together with the
-- user_id), so that a visitor's anonymous history joins the profile once it identifies;
-- anonymous_ids holds those sender visitor ids as sent.
create table users (
  site_id        integer      not null references sites (id) on delete cascade,
  user_id        text         not null,
  email          text,
  traits         jsonb        not null default '{}',
  first_seen     timestamptz  not null,
  last_seen      timestamptz  not null,
  visitor_ids    bigint[]     not null default '{}',
  anonymous_ids  text[]       not null default '{}',
  primary key (site_id, user_id),
  constraint users_email_length check (email is null or length(email) <= 320)
);

create index users_site_email on users (site_id, lower(email));
create index users_visitor_ids on users using gin (visitor_ids);

-- Visitor ids a sender supplied itself (visitor_id without user_id), so that attribution can tell
-- a stable visitor (credited to its first touch) from a daily-rotating anonymous one.
create table stable_visitors (
  site_id       integer      not null references sites (id) on delete cascade,
  visitor_id    bigint       not null,
  anonymous_id  text         not null,
  first_seen    timestamptz  not null,
  primary key (site_id, visitor_id)
);

-- Ad-platform performance rows imported by the operator (admin API or CLI): one row per
-- platform, level, entity (the campaign, ad set or ad id) and day. Re-importing a row replaces it.
create table ad_performance (
  site_id        integer        not null references sites (id) on delete cascade,
  platform       text           not null,
  level          text           not null,
  entity_id      text           not null,   -- campaign_id, adset_id or ad_id, by level
  campaign_id    text           not null,
  campaign_name  text,
  adset_id       text,
  adset_name     text,
  ad_id          text,
  ad_name        text,
  status         text,
  day            date           not null,
  spend          numeric(18, 2) not null default 0,
  impressions    bigint         not null default 0,
  clicks         bigint         not null default 0,
  imported_at    timestamptz    not null default now(),
  primary key (site_id, platform, level, entity_id, day),
  constraint ad_performance_platform_known check (platform in ('meta', 'google', 'tiktok')),
  constraint ad_performance_level_known check (level in ('campaign', 'adset', 'ad')),
  constraint ad_performance_non_negative check (spend >= 0 and impressions >= 0 and clicks >= 0)
);
