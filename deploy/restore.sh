#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh, REPLACING the database Sigap uses.
# Stop every `sigap run` first (systemctl stop sigap; docker compose stop sigap-1 sigap-2).
#
#   deploy/restore.sh FILE [--yes]
#
# FILE.dump: PostgreSQL (SIGAP_DATABASE_URL). The database is created if it is gone (that needs
# the CREATEDB right: else create it empty as the postgres user first); everything in its public
# schema is dropped, then the dump is restored in one transaction, so a failure leaves it empty
# rather than half-restored (restore again). Tables belong to the user restoring.
# FILE.sqlite: the SQLite file SIGAP_DATABASE__SQLITE_PATH is overwritten through SQLite's backup
# API (its -wal journal included), keeping mode 0600.
# Then start Sigap: it migrates an older backup forward by itself (or run `sigap migrate`).
set -euo pipefail
umask 077
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=database.sh
. "$here/database.sh"

file="${1:?usage: restore.sh FILE [--yes]}"
if [ ! -f "$file" ]; then
    echo "no such backup: $file" >&2
    exit 2
fi
if [ "${2:-}" != "--yes" ]; then
    read -r -p "This REPLACES Sigap's database with $file. Type yes to go on: " answer
    [ "$answer" = "yes" ] || { echo "nothing changed"; exit 1; }
fi

case "$file" in
    *.dump)
        postgres_url || { echo "$file is a PostgreSQL dump: set SIGAP_DATABASE_URL" >&2; exit 2; }
        pg_environment
        if ! psql -X -q -c 'SELECT 1' >/dev/null 2>&1; then
            createdb "$PGDATABASE"
        fi
        psql -X -q -v ON_ERROR_STOP=1 -c 'DROP SCHEMA IF EXISTS public CASCADE' -c 'CREATE SCHEMA public'
        pg_restore --no-owner --no-privileges --single-transaction --exit-on-error \
            --dbname="$PGDATABASE" "$file"
        ;;
    *.sqlite)
        if postgres_url; then
            echo "$file is a SQLite backup but SIGAP_DATABASE_URL names PostgreSQL" >&2
            exit 2
        fi
        target="$(sqlite_file)"
        sqlite_copy "$file" "$target"
        chmod 600 "$target"
        ;;
    *)
        echo "$file: expected a .dump (PostgreSQL) or .sqlite backup from deploy/backup.sh" >&2
        exit 2
        ;;
esac
echo "restored $file"
