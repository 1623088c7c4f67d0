#!/bin/sh
# Run once by the postgres image when it creates the database (docker-entrypoint-initdb.d): the login role
# the app connects as. It gets data access only (SELECT/INSERT/UPDATE/DELETE, sequence USAGE), and those
# grants are made by the migration runner (DATABASE_APP_ROLE) each time it runs, as the owner role.
# An existing data volume is not initialised again: then create the role by hand, the same way.
set -eu
: "${APP_DB_USER:?set APP_DB_USER}"
: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="$APP_DB_USER" -v password="$APP_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
-- PostgreSQL 15+ already refuses CREATE in schema public to other roles; say so for older ones too.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
