#!/bin/bash
# Run once by the official image when the primary's data directory is created (compose.cluster.yaml):
# the role the replica streams with, and the pg_hba line that lets it.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-SQL
  create role replicator with replication login password 'replicator';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
