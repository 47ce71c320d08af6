-- Sketches of stable (sender-supplied) visitor ids, whose daily counts cannot be added across days:
-- one Apache DataSketches CPC sketch (lgK 12, serialized) per site, UTC day, dimension and value, and
-- per site and day for all of its stable visitors (dim 0). The writer replaces a row whole with the
-- sketch it keeps in memory, in the statement that stores the events; queries merge them in Java
-- (io.sightline.rollup.StableSketches, io.sightline.query.StableVisitors).
create table rollup_sketch (
  site_id  integer  not null,
  dim      smallint not null,
  day      date     not null,
  value    text,
  sketch   bytea    not null,
  constraint rollup_sketch_key unique nulls not distinct (site_id, dim, day, value)
);
