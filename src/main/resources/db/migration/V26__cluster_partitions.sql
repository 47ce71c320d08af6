-- Cluster mode (docs/cluster.md): visitor partitions move between members.
--
-- Each batch's pending rollup delta records the writer partition that wrote it, so the member that takes a
-- partition folds only what that partition's previous owner left pending (io.sightline.rollup.RollupFold.recover),
-- while the other members go on folding their own. Rows written before are partition 0's; a single node folds
-- every row at start whatever its partition.
alter table rollup_pending add column part smallint not null default 0;
create index rollup_pending_part on rollup_pending (part);

-- The fence: a member that takes a partition (holding its advisory lock) moves the partition's epoch on by one,
-- and every batch statement its writer runs carries the epoch it took the partition with. A batch of a previous
-- owner still in flight (its lock connection gone, the process paused) then fails instead of committing after
-- the new owner restored the partition's state.
create table partition_epochs (
  part   smallint primary key,
  epoch  bigint   not null
);

-- Fails the calling statement (SQLSTATE SL409) unless `e` is partition `p`'s epoch. The row is read FOR SHARE:
-- a take that moves the epoch waits for batches that already passed the check to commit, and a batch checking
-- after that take's commit sees the new epoch. Returns false, for use in a WHERE that inserts nothing.
create function partition_fence(p smallint, e bigint) returns boolean language plpgsql volatile as $$
declare
  current bigint;
begin
  select epoch into current from partition_epochs where part = p for share;
  if current is distinct from e then
    raise exception 'visitor partition % moved to another member (epoch % is not %)', p, current, e using errcode = 'SL409';
  end if;
  return false;
end $$;
