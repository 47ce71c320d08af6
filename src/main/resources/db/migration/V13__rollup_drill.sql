-- Drill-down rows: per page and UTC day, among the events with one value of a drill-down attribute
-- (source, channel, country: io.sightline.rollup.RollupAccumulator.DRILL), so that "top pages where
-- source = X" reads rows like a one-dimension breakdown. visitors and carry as in rollup_dim, counted
-- over (daily visitor id, page, attribute value) pairs; pageviews and events by event time.
create table rollup_drill (
  site_id       integer  not null,
  filter_dim    smallint not null,
  filter_value  text,
  day           date     not null,
  page          text     not null,
  visitors      integer  not null default 0,
  carry         integer  not null default 0,
  pageviews     integer  not null default 0,
  events        integer  not null default 0,
  constraint rollup_drill_key unique nulls not distinct (site_id, filter_dim, filter_value, day, page)
);
alter table rollup_drill set (fillfactor = 70);

-- One coverage for what the writer started keeping together: the events' first-occurrence flags and
-- the drill-down rows.
alter table rollup_coverage rename column flags_since to drill_since;
