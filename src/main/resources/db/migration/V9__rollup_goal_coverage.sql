-- From when the rollups count a goal (rollup_dim rows of dim 19, value = goal key: type ':' pattern,
-- io.sightline.rollup.GoalRule): the event writer evaluates each site's goals at ingest and reloads
-- them every 10 s. A goal it starts counting gets since = the next UTC midnight ('-infinity' when its
-- site had no stored event); a goal it stops counting (deleted) loses its row; `sightline rollups
-- rebuild` sets '-infinity' for the site's current goals; starting with rollups off forgets all rows.
-- A goals query reads the rollups only when every goal asked for has a row with since <= its range's
-- start less one day (the visitors carried over midnight).
create table rollup_goal_coverage (
  site_id   integer     not null,
  goal_key  text        not null,
  since     timestamptz not null,
  primary key (site_id, goal_key)
);
