-- Sites and the API keys that act on them.

create table sites (
  id               integer generated always as identity primary key,
  domain           text        not null,
  name             text        not null,
  timezone         text        not null default 'UTC',
  extra_hostnames  text[]      not null default '{}',
  created_at       timestamptz not null default now(),
  constraint sites_domain_unique unique (domain),
  constraint sites_domain_format check (domain = lower(domain) and length(domain) between 1 and 253),
  constraint sites_name_length check (length(name) between 1 and 200)
);

-- A key is shown once at creation (sl_<key_id>_<secret>) and stored only as the SHA-256 of the
-- whole key. key_id is the public, listable part used to find the row; the hash is then compared
-- in constant time by the application.
create table api_keys (
  id                     integer generated always as identity primary key,
  site_id                integer     not null references sites (id) on delete cascade,
  key_id                 text        not null,
  secret_hash            bytea       not null,
  name                   text        not null,
  scopes                 text[]      not null,
  rate_limit_per_minute  integer,
  created_at             timestamptz not null default now(),
  last_used_at           timestamptz,
  revoked_at             timestamptz,
  constraint api_keys_key_id_unique unique (key_id),
  constraint api_keys_scopes_known check (cardinality(scopes) > 0 and scopes <@ array['ingest', 'read', 'admin']::text[]),
  constraint api_keys_rate_limit_positive check (rate_limit_per_minute is null or rate_limit_per_minute > 0),
  constraint api_keys_hash_length check (length(secret_hash) = 32)
);

create index api_keys_site on api_keys (site_id);
