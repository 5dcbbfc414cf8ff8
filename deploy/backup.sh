#!/usr/bin/env bash
# Backs up Sigap's database into DIR (default $SIGAP_BACKUP_DIR, else /var/lib/sigap-backups) and
# prints the file's name: PostgreSQL with `pg_dump --format=custom` (sigap-STAMP.dump), SQLite with
# its online backup API (sigap-STAMP.sqlite). Safe while Sigap runs. Files are mode 0600: they hold
# reports' personal data (sealed with SIGAP_DATA_KEYS, which is NOT in the backup: keep it apart).
#
#   deploy/backup.sh [DIR]
#
# Reads the environment `sigap run` has: SIGAP_DATABASE_URL, or SIGAP_DATABASE__SQLITE_PATH.
# SIGAP_BACKUP_KEEP_DAYS (default 14; 0 keeps all): older sigap-* files in DIR are deleted.
set -euo pipefail
umask 077
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=database.sh
. "$here/database.sh"

dir="${1:-${SIGAP_BACKUP_DIR:-/var/lib/sigap-backups}}"
keep="${SIGAP_BACKUP_KEEP_DAYS:-14}"
mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

if postgres_url; then
    pg_environment
    target="$dir/sigap-$stamp.dump"
    pg_dump --format=custom --file="$target.partial"
else
    target="$dir/sigap-$stamp.sqlite"
    source_file="$(sqlite_file)"
    if [ ! -f "$source_file" ]; then
        echo "no SQLite database at $source_file" >&2
        exit 2
    fi
    sqlite_copy "$source_file" "$target.partial"
fi
# Named only once complete: a half-written backup never looks like a good one.
chmod 600 "$target.partial"
mv "$target.partial" "$target"

if [ "$keep" -gt 0 ]; then
    find "$dir" -maxdepth 1 -type f -name 'sigap-*' -mtime +"$keep" -delete
fi
echo "$target"
