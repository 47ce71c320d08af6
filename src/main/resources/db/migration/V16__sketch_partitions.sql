-- Writer partitions (io.sightline.store.WriterPartitions): each partition keeps the stable-visitor
-- sketches of its own visitors and replaces its own rows whole; the query side unions every row of
-- a (site, dimension, day, value), whatever partition wrote it. Rows written before partitions are
-- partition 0's.
alter table rollup_sketch add column part smallint not null default 0;
alter table rollup_sketch drop constraint rollup_sketch_key;
alter table rollup_sketch add constraint rollup_sketch_key unique nulls not distinct (site_id, dim, day, value, part);
