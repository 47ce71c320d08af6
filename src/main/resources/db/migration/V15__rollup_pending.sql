-- Rollup deltas between folds (README, "Rollups"). Each batch of events stores its delta here, in the
-- statement that inserts the events (one row per batch, io.sightline.rollup.DeltaCodec), and the
-- writer keeps the sum of the batches since its last fold in memory. Every writer.rollupFoldMillis it upserts
-- that sum into rollup_total, rollup_dim and rollup_drill and deletes the rows it summed, in one
-- statement (io.sightline.rollup.RollupFold). A row is therefore in exactly one place: still here, or
-- folded. A writer that starts folds what a crash left here before it takes events; a rebuild
-- subtracts what is still here from the rows it writes, since the fold will add it.
create table rollup_pending (
  id     bigserial primary key,
  delta  bytea not null
);
-- written once, read only after a crash: not worth compressing on the way in
alter table rollup_pending alter column delta set storage external;

-- The fold's guard: the rows it deletes must be all the ones it summed (deleted = expected: upsert
-- the sum), or none (0: a fold whose reply was lost already committed them: upsert nothing). Anything
-- else means a second writer or a hand edit; the statement then fails and nothing changes.
create function rollup_fold_check(deleted bigint, expected integer) returns boolean language plpgsql as $$
begin
  if deleted <> 0 and deleted <> expected then
    raise exception 'rollup fold: % of % pending deltas found', deleted, expected;
  end if;
  return deleted = expected;
end $$;
