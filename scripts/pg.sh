#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the explorer's store tests (Debian packages; see
# scripts/ci-deps.sh).  scripts/pg.sh start  → prints the DSN;  scripts/pg.sh stop
# Data lives under ${PDL_PG_DIR:-/tmp/pdledger-pg}; port ${PDL_PG_PORT:-55432}.
set -euo pipefail
dir=${PDL_PG_DIR:-/tmp/pdledger-pg}
port=${PDL_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n $bin ]] || { echo "pg.sh: PostgreSQL is not installed (scripts/ci-deps.sh installs it)" >&2; exit 1; }
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
dsn="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
case "${1:-start}" in
start)
  if as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then echo "$dsn"; exit 0; fi
  rm -rf "$dir"; mkdir -p "$dir"
  [[ $(id -u) == 0 ]] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" -l "$dir/log" -w start >/dev/null
  echo "$dsn" ;;
stop)
  as_pg "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir" ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
