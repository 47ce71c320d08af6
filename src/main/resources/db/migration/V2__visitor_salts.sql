-- Daily random salts for visitor ids: keyed hash(salt of the UTC day, site, IP, User-Agent).
-- Kept here so every node shares them; the previous day's salt is kept one more day so that a
-- session can cross midnight. Older salts are deleted, which makes old visitor ids unlinkable.
create table visitor_salts (
  day         date        primary key,
  salt        bytea       not null,
  created_at  timestamptz not null default now(),
  constraint visitor_salts_length check (length(salt) between 16 and 64)
);
