-- A public UUID per API key: an id a client may store and send where a vendor's schema wants a UUID
-- (Hum's token_ids[]); shown by `keys list` and the admin API, never a secret. Existing keys get one too.
alter table api_keys add column public_id uuid not null default gen_random_uuid();
alter table api_keys add constraint api_keys_public_id_unique unique (public_id);
