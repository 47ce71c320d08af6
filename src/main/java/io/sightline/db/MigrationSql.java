package io.sightline.db;

/** SQL of the migration runner. */
final class MigrationSql {
  static final long LOCK_KEY = 0x5167_6874_6c69_6e65L; // "Sightline": one runner at a time across nodes

  static final String LOCK = "select pg_advisory_lock($1)";
  static final String UNLOCK = "select pg_advisory_unlock($1)";
  static final String CREATE_HISTORY = """
      create table if not exists schema_migrations (
        version       integer     primary key,
        description   text        not null,
        checksum      text        not null,
        applied_at    timestamptz not null default now(),
        execution_ms  integer     not null
      )""";
  static final String APPLIED = "select version, description, checksum from schema_migrations order by version";
  static final String RECORD = "insert into schema_migrations (version, description, checksum, execution_ms) values ($1, $2, $3, $4)";

  private MigrationSql() {
  }
}
