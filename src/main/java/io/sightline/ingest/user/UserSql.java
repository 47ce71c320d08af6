package io.sightline.ingest.user;

/** SQL of the identified users' profiles. */
final class UserSql {
  private UserSql() {
  }

  /** $1 site, $2 user id, $3 email, $4 traits (jsonb text), $5 first seen, $6 last seen, $7 visitor ids, $8 anonymous ids. */
  static final String UPSERT = """
      insert into users (site_id, user_id, email, traits, first_seen, last_seen, visitor_ids, anonymous_ids)
      values ($1, $2, $3, coalesce($4::jsonb, '{}'::jsonb), $5, $6, $7::bigint[], $8::text[])
      on conflict (site_id, user_id) do update set
        email = coalesce(excluded.email, users.email),
        traits = users.traits || excluded.traits,
        first_seen = least(users.first_seen, excluded.first_seen),
        last_seen = greatest(users.last_seen, excluded.last_seen),
        visitor_ids = array(select distinct v from unnest(users.visitor_ids || excluded.visitor_ids) v order by v),
        anonymous_ids = array(select distinct v from unnest(users.anonymous_ids || excluded.anonymous_ids) v order by v)""";

  /** $1 sites, $2 visitor ids, $3 the sender's ids, $4 first seen. */
  static final String STABLE_VISITORS = """
      insert into stable_visitors (site_id, visitor_id, anonymous_id, first_seen)
      select * from unnest($1::integer[], $2::bigint[], $3::text[], $4::timestamptz[])
      on conflict (site_id, visitor_id) do nothing""";
}
