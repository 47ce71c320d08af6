package io.sightline.db;

/** SQL of partition maintenance. */
final class PartitionSql {
  static final String ENSURE = "select sightline_ensure_partitions($1::date, $2::date) as created";

  private PartitionSql() {
  }
}
