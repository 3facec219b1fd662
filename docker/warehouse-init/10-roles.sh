#!/usr/bin/env bash
# Runs once, when the warehouse volume is new (the postgres image's /docker-entrypoint-initdb.d).
# The superuser stays with the image (POSTGRES_USER); the pipeline and dbt connect as the owner
# role, which owns the socialkpi database and nothing else. BI tools get bi_reader.
# Nobody else may connect: PUBLIC loses CONNECT and TEMPORARY on every database, and CREATE on
# the public schema.
set -euo pipefail

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner="$SOCIALKPI_WAREHOUSE_USER" \
    -v owner_password="$SOCIALKPI_WAREHOUSE_PASSWORD" \
    -v database="$SOCIALKPI_WAREHOUSE_DB" \
    -v bi_password="$SOCIALKPI_BI_READER_PASSWORD" <<'SQL'
create role :"owner" login nosuperuser nocreatedb nocreaterole noreplication nobypassrls
    password :'owner_password';
create role bi_reader login nosuperuser nocreatedb nocreaterole noreplication nobypassrls
    password :'bi_password';
create database :"database" owner :"owner";
revoke all on database :"database" from public;
revoke all on database postgres from public;
revoke all on database template1 from public;
grant connect on database :"database" to bi_reader;
\connect :"database"
revoke all on schema public from public;
SQL
