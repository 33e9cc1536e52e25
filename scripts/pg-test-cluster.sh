#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: trust auth, 127.0.0.1 only, fsync off, in /tmp.
#
#   scripts/pg-test-cluster.sh start [port]   prints PGTEST_DIR=… and DATABASE_URL=… (port: free one if omitted)
#   scripts/pg-test-cluster.sh stop <dir>     stops the cluster and removes its directory
#
# Uses the newest /usr/lib/postgresql/*/bin (or $PG_BIN). As root it runs the server as the
# `postgres` user (PostgreSQL refuses to run as root); otherwise as the current user.
set -euo pipefail

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "pg-test-cluster: PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)" >&2
    exit 2
  fi
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  # stdout.write, not console.log: FORCE_COLOR (set by Playwright for its web servers) colours a logged number.
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(s.address().port+"\n");s.close()})'
}

cmd=${1:-}
case "$cmd" in
  start)
    bin=$(find_bin)
    port=${2:-$(free_port)}
    dir=$(mktemp -d /tmp/pgtest-XXXXXX)
    if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null ||
      { cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }
    echo "PGTEST_DIR=$dir"
    echo "DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?usage: pg-test-cluster.sh stop <dir>}
    case "$dir" in /tmp/pgtest-*) ;; *) echo "pg-test-cluster: refusing to remove $dir" >&2; exit 2 ;; esac
    if [ -d "$dir/data" ]; then
      bin=$(find_bin)
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start [port] | stop <dir>" >&2
    exit 2
    ;;
esac
