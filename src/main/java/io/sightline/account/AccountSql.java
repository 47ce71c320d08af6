package io.sightline.account;

/** Every statement on accounts, their site access, their login sessions and shared links. */
final class AccountSql {
  private AccountSql() {
  }

  static final String INSERT = "insert into accounts (email, password_hash) values ($1, $2) returning id, email";
  static final String BY_EMAIL = "select id, email, password_hash from accounts where email = $1";
  static final String BY_ID = "select id, email from accounts where id = $1";
  static final String LIST = """
      select a.id, a.email, coalesce(string_agg(s.domain || ':' || x.role, ',' order by s.domain), '') as sites
      from accounts a left join account_sites x on x.account_id = a.id left join sites s on s.id = x.site_id
      group by a.id, a.email order by a.id""";
  static final String SET_PASSWORD = "update accounts set password_hash = $2 where id = $1";
  static final String DELETE = "delete from accounts where id = $1";
  static final String GRANT = """
      insert into account_sites (account_id, site_id, role) values ($1, $2, $3)
      on conflict (account_id, site_id) do update set role = excluded.role""";
  static final String REVOKE = "delete from account_sites where account_id = $1 and site_id = $2";
  static final String SITES = """
      select s.id, s.domain, s.name, s.timezone, x.role from account_sites x join sites s on s.id = x.site_id
      where x.account_id = $1 order by s.domain""";
  static final String ACCESS = """
      select s.id, s.domain, s.name, s.timezone, x.role from account_sites x join sites s on s.id = x.site_id
      where x.account_id = $1 and x.site_id = $2""";

  static final String SESSION_INSERT = "insert into account_sessions (token_hash, account_id, csrf_token, expires_at) values ($1, $2, $3, $4)";
  static final String SESSION_GET = """
      select s.account_id, s.csrf_token, s.expires_at, a.email from account_sessions s join accounts a on a.id = s.account_id
      where s.token_hash = $1 and s.expires_at > now()""";
  static final String SESSION_DELETE = "delete from account_sessions where token_hash = $1";
  static final String SESSIONS_PURGE = "delete from account_sessions where expires_at <= now()";
  static final String SESSIONS_OF = "delete from account_sessions where account_id = $1";

  static final String LINK_INSERT = """
      insert into shared_links (site_id, token_hash, name, password_hash, created_by) values ($1, $2, $3, $4, $5)
      returning id, site_id, name, password_hash is not null as protected, created_at, revoked_at""";
  static final String LINKS_OF_SITE = """
      select id, site_id, name, password_hash is not null as protected, created_at, revoked_at from shared_links
      where site_id = $1 and revoked_at is null order by id""";
  static final String LINK_REVOKE = "update shared_links set revoked_at = now() where id = $1 and site_id = $2 and revoked_at is null";
  static final String LINK_BY_TOKEN = """
      select l.id, l.site_id, l.name, l.password_hash, s.domain, s.name as site_name, s.timezone from shared_links l
      join sites s on s.id = l.site_id where l.token_hash = $1 and l.revoked_at is null""";
}
