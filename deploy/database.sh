# shellcheck shell=bash
# Sourced by backup.sh and restore.sh: which database Sigap uses, read from the same environment
# as `sigap run` (SIGAP_DATABASE_URL, else the SQLite file SIGAP_DATABASE__SQLITE_PATH).

# True when SIGAP_DATABASE_URL names PostgreSQL.
postgres_url() {
    case "${SIGAP_DATABASE_URL:-}" in
        postgresql:* | postgresql+*:* | postgres:*) return 0 ;;
        "") return 1 ;;
        *) echo "SIGAP_DATABASE_URL is neither PostgreSQL nor empty (SQLite)" >&2; exit 2 ;;
    esac
}

# Exports PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE) from SIGAP_DATABASE_URL,
# so the password never appears on a command line (where `ps` would show it).
pg_environment() {
    local exports
    exports="$(python3 - <<'PY'
import os, shlex
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(os.environ["SIGAP_DATABASE_URL"])
query = parse_qs(url.query)
values = {
    "PGHOST": query.get("host", [url.hostname or ""])[0],
    "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
    # asyncpg spells it ssl=require, libpq sslmode=require
    "PGSSLMODE": (query.get("sslmode") or query.get("ssl") or [""])[0],
}
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
PY
)"
    eval "$exports"
    if [ -z "${PGDATABASE:-}" ]; then
        echo "SIGAP_DATABASE_URL names no database" >&2
        exit 2
    fi
}

# The SQLite file `sigap run` uses.
sqlite_file() {
    if [ -z "${SIGAP_DATABASE__SQLITE_PATH:-}" ]; then
        echo "set SIGAP_DATABASE_URL (PostgreSQL) or SIGAP_DATABASE__SQLITE_PATH (the SQLite file)" >&2
        exit 2
    fi
    printf '%s\n' "$SIGAP_DATABASE__SQLITE_PATH"
}

# sqlite_copy FROM TO: SQLite's online backup API (consistent while Sigap writes; WAL included).
sqlite_copy() {
    python3 - "$1" "$2" <<'PY'
import pathlib, sqlite3, sys

source = sqlite3.connect(pathlib.Path(sys.argv[1]).resolve().as_uri(), uri=True)
target = sqlite3.connect(sys.argv[2])
source.backup(target)
target.close()
source.close()
PY
}
