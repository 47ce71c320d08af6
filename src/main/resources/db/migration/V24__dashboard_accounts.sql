-- The dashboard's people: accounts with a password (an Argon2id PHC string), their access to
-- sites (owner or viewer), their login sessions (only the SHA-256 of the cookie's token is kept),
-- and the read-only links a site's owner shares (only the SHA-256 of the link's token is kept).

create table accounts (
  id             integer generated always as identity primary key,
  email          text        not null,
  password_hash  text        not null,
  created_at     timestamptz not null default now(),
  constraint accounts_email_unique unique (email),
  constraint accounts_email_format check (email = lower(email) and length(email) between 3 and 254)
);

create table account_sites (
  account_id  integer not null references accounts (id) on delete cascade,
  site_id     integer not null references sites (id) on delete cascade,
  role        text    not null,
  primary key (account_id, site_id),
  constraint account_sites_role check (role in ('owner', 'viewer'))
);

create index account_sites_site on account_sites (site_id);

create table account_sessions (
  token_hash  bytea       primary key,
  account_id  integer     not null references accounts (id) on delete cascade,
  csrf_token  text        not null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  constraint account_sessions_hash_length check (length(token_hash) = 32)
);

create index account_sessions_expiry on account_sessions (expires_at);

create table shared_links (
  id             integer generated always as identity primary key,
  site_id        integer     not null references sites (id) on delete cascade,
  token_hash     bytea       not null,
  name           text        not null,
  password_hash  text,
  created_by     integer     references accounts (id) on delete set null,
  created_at     timestamptz not null default now(),
  revoked_at     timestamptz,
  constraint shared_links_token_unique unique (token_hash),
  constraint shared_links_hash_length check (length(token_hash) = 32),
  constraint shared_links_name_length check (length(name) between 1 and 200)
);

create index shared_links_site on shared_links (site_id);
