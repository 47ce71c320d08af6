package io.sightline.auth;

/** SQL of API keys. */
final class ApiKeySql {
  private static final String INFO = "id, site_id, key_id, public_id, name, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at";

  static final String INSERT = "insert into api_keys (site_id, key_id, secret_hash, name, scopes, rate_limit_per_minute) "
      + "values ($1, $2, $3, $4, $5, $6) returning " + INFO;
  static final String LIST_ACTIVE = "select " + INFO + " from api_keys where site_id = $1 and revoked_at is null order by id";
  static final String LIST_ALL = "select " + INFO + " from api_keys where site_id = $1 order by id";
  static final String REVOKE = "update api_keys set revoked_at = now() where site_id = $1 and (key_id = $2 or id::text = $2 or public_id::text = $2) "
      + "and revoked_at is null returning " + INFO;
  static final String FOR_AUTH = "select id, site_id, key_id, secret_hash, scopes, rate_limit_per_minute, revoked_at is not null as revoked "
      + "from api_keys where key_id = $1";
  static final String TOUCH = "update api_keys set last_used_at = now() where id = $1";

  private ApiKeySql() {
  }
}
