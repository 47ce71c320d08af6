-- Retention: drops the daily event and session partitions of UTC days before p_day and returns how
-- many it dropped. Rollups are separate tables and stay (they have their own retention).
create function sightline_drop_partitions_before(p_day date) returns integer
language plpgsql as $$
declare
  r       record;
  dropped integer := 0;
begin
  perform pg_advisory_xact_lock(hashtext('sightline_ensure_partitions'));
  for r in select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
           where p.relname in ('events', 'sessions') and c.relname ~ '_p[0-9]{8}$'
             and to_date(right(c.relname, 8), 'YYYYMMDD') < p_day loop
    execute format('drop table %I', r.relname);
    dropped := dropped + 1;
  end loop;
  return dropped;
end
$$;
