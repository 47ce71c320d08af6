-- The (site, salt day) pairs whose daily visitor ids the rollup writer stopped tracking to keep its dedupe
-- state within writer.rollupStateEntries (io.sightline.rollup.DedupeState): the rollup rows and the events'
-- first-occurrence flags of that UTC day and the next (where those ids' sessions carry over midnight) may
-- then miss distinct visitors, so the planner answers any range touching them from raw events. Written in
-- the statement of the batch that first counts an event without the state; read again at start (those
-- days stay untracked).
create table rollup_gaps (
  site_id   integer not null,
  salt_day  date    not null,
  primary key (site_id, salt_day)
);
