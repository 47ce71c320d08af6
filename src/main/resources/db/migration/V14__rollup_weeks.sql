-- Weekly blocks of closed days (UTC weeks from Monday): the sums of rollup_dim's rows over the week, so
-- that a 30-day breakdown reads about 4 rows per value for the whole weeks instead of 28. Visitors add
-- up over days (Σ visitors + carry of the range's first day, which stays in rollup_dim), so a block
-- keeps no carry. Counters are integers like rollup_dim's (sum() of bigint is numeric, slower to
-- aggregate). Written once a week can no longer change (older than the backfill window), by the
-- maintenance task (io.sightline.rollup.WeekBlocks); a site's blocks are recomputed by its rebuild.
create table rollup_dim_week (
  site_id            integer  not null,
  dim                smallint not null,
  week               date     not null,
  value              text,
  visitors           integer  not null,
  pageviews          integer  not null,
  events             integer  not null,
  sessions           integer  not null,
  bounces            integer  not null,
  duration_us        bigint   not null,
  session_pageviews  integer  not null,
  clickers           integer  not null,
  constraint rollup_dim_week_key unique nulls not distinct (site_id, dim, week, value)
);

-- The weeks compacted so far (every site's rows at once, in order: the blocks cover every week up to the latest).
create table rollup_weeks_done (
  week  date primary key
);
