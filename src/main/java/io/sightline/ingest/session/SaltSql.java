package io.sightline.ingest.session;

/** SQL of the daily visitor-id salts. */
final class SaltSql {
  static final String ENSURE = "insert into visitor_salts (day, salt) select * from unnest($1::date[], $2::bytea[]) "
      + "on conflict (day) do nothing";
  static final String LOAD = "select day, salt from visitor_salts where day = any($1::date[])";
  static final String FORGET_OLD = "delete from visitor_salts where day < $1";

  private SaltSql() {
  }
}
