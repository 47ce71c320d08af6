-- First-occurrence flags on each event (io.sightline.rollup.FirstFlags), written by the event writer
-- from the rollups' dedupe state: raw drill-downs count visitors with count(*) filter (...) instead
-- of count(distinct visitor_id). Two bits per key; 0 for stable (sender-supplied) visitor ids and for
-- events written before the writer kept flags.
alter table events add column first_mask integer not null default 0;

-- From when every event of the site carries its flags: a new site from the start, a site with
-- events from the next UTC midnight after a writer with flags first ran (its dedupe state is then
-- restored from raw events), every event after `sightline rollups rebuild`. Null: no flags yet.
alter table rollup_coverage add column flags_since timestamptz;
