-- More drill-down rows in rollup_drill (io.sightline.rollup.RollupAccumulator: VISITOR_DRILL, CROSS): pages among the
-- events with one value of region, city, device, browser or OS; and source, channel, country, device and goal rows among
-- the events with one value of a visitor-level attribute (country, region, city, device, browser, OS). filter_dim is
-- io.sightline.rollup.RollupDim.drillCode: the attribute's id for pages, else attribute id * 32 + the row dimension's id,
-- and `page` then holds that dimension's value, which may be absent (no source).
alter table rollup_drill alter column page drop not null;

-- From when those rows are kept (as drill_since for the first ones): a new site from the start, a site with events from
-- the next UTC midnight after a writer keeping them first ran, everything after `sightline rollups rebuild`.
alter table rollup_coverage add column cross_since timestamptz;
