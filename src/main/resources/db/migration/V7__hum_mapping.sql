-- Hum's Analytics Sessions API (/analytics/sessions) reads Sightline's sessions and events through
-- per-site mapping rules. A site without a hum_settings row uses the defaults below; a site
-- without funnel steps reports no furthest_step and an empty cart_progression.
--   order_event        custom event that places an order (its first occurrence in a session)
--   order_number_prop  the order event's property holding the order number; an installed event
--                      carrying the same property value marks the order installed
--   installed_event    custom event that confirms an installation (any session, at or after the order)
--   commission_prop    whole cents, from the installed event's properties, else the order event's
--   *_prop (address)   properties, set by any event of the session (the latest value wins)
create table hum_settings (
  site_id            integer     primary key references sites (id) on delete cascade,
  order_event        text        not null default 'Order',
  order_number_prop  text        not null default 'order_number',
  installed_event    text        not null default 'Installed',
  commission_prop    text        not null default 'commission_cents',
  street1_prop       text        not null default 'street1',
  street2_prop       text        not null default 'street2',
  city_prop          text        not null default 'city',
  state_prop         text        not null default 'state',
  zip_prop           text        not null default 'zip',
  updated_at         timestamptz not null default now()
);

-- The funnel behind furthest_step and cart_progression: numbered, named steps, each reached when
-- the session completes the step's goal (goals.type/match). Removing a goal removes its step.
create table hum_funnel_steps (
  site_id  integer  not null references sites (id) on delete cascade,
  step     integer  not null,
  name     text     not null,
  goal_id  integer  not null references goals (id) on delete cascade,
  primary key (site_id, step),
  constraint hum_funnel_steps_step_range check (step between 1 and 1000),
  constraint hum_funnel_steps_name_length check (length(name) between 1 and 120)
);

create index hum_funnel_steps_goal on hum_funnel_steps (goal_id);
