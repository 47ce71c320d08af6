-- Goals: per-site conversions the query engine counts. What `match` means depends on `type`:
--   pageview  a path pattern starting with '/' ('*' matches any run of characters), or '*' for any page
--   custom    the exact event name
--   click     the exact click target: the click's label, or its href or element id
--   form      the exact form name, id or action, or '*' for any form submission
-- A site's goals go with it.
create table goals (
  id          integer generated always as identity primary key,
  site_id     integer     not null references sites (id) on delete cascade,
  name        text        not null,
  type        text        not null,
  match       text        not null,
  created_at  timestamptz not null default now(),
  constraint goals_name_unique unique (site_id, name),
  constraint goals_type_known check (type in ('pageview', 'custom', 'click', 'form')),
  constraint goals_name_length check (length(name) between 1 and 120),
  constraint goals_match_length check (length(match) between 1 and 500)
);

create index goals_site on goals (site_id);
