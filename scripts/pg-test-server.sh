#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and CI: nothing assumed on the machine but the
# PostgreSQL server binaries (Debian's `postgresql` package; --install adds it when missing).
#
#   scripts/pg-test-server.sh [--install] -- COMMAND [ARGS…]
#       starts a server, runs COMMAND with DRILLBOT_TEST_DATABASE_URL set to it, then stops the
#       server, deletes it and exits with COMMAND's status (what .ci/run does around `npm test`).
#   scripts/pg-test-server.sh [--install]
#       starts a server, prints one line `DATABASE_URL=postgres://…` on stdout, and keeps it until
#       stdin closes or the script gets SIGINT/SIGTERM; then stops and deletes it. The test
#       helper (test/pgServer.ts) starts it this way, so a test run that dies takes its server
#       with it.
#   scripts/pg-test-server.sh --check
#       prints the folder of the server binaries it would use; exits 3 when there are none.
#
# The cluster lives in a new temporary folder, owned by an unprivileged user (`postgres` when
# run as root, since PostgreSQL refuses to run as root), listens on a free port on 127.0.0.1
# only, with a random password (SCRAM) for TCP and its Unix socket inside the folder. fsync is
# off: the data is thrown away at the end, so durability buys nothing here.
set -euo pipefail

install=false
check=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --install) install=true; shift ;;
    --check) check=true; shift ;;
    --) shift; break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) break ;;
  esac
done

log() { printf 'pg-test-server: %s\n' "$*" >&2; }

# The newest installed server: $PG_BIN if set, Debian's /usr/lib/postgresql/<version>/bin, or
# whatever initdb is on PATH (Homebrew, Postgres.app, other distributions).
find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" ]] && { echo "$PG_BIN"; return 0; }
    log "PG_BIN=$PG_BIN has no initdb"; return 1
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

bin=$(find_bin || true)
if [[ "$check" == true && -n "$bin" ]]; then
  echo "$bin"
  exit 0
fi
if [[ -z "$bin" ]]; then
  if [[ "$check" == false && "$install" == true && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "no PostgreSQL server found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    bin=$(find_bin || true)
  fi
  if [[ -z "$bin" ]]; then
    log "no PostgreSQL server binaries found (looked in \$PG_BIN, /usr/lib/postgresql/*/bin and PATH)."
    log "Install them (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql@15),"
    log "or run as root with --install. See docs/postgres.md."
    exit 3
  fi
fi

# As root, every server command runs as the unprivileged `postgres` user.
if [[ "$(id -u)" == 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    log "running as root, but there is no 'postgres' user to run the server as (the postgresql package creates it)"
    exit 3
  fi
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/drillbot-pg.XXXXXX")
chmod 700 "$dir"
[[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
started=false

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ "$started" == true ]]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || log "could not stop the server in $dir"
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
(umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
[[ "$(id -u)" == 0 ]] && chown postgres: "$dir/pwfile"
if ! as_server "$bin/initdb" -D "$dir/data" -U drillbot --pwfile="$dir/pwfile" --auth-host=scram-sha-256 --auth-local=trust \
  -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  log "initdb failed"
  exit 1
fi
rm -f "$dir/pwfile"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Another process may take the port between choosing it and the server binding it: try again.
port=""
for _ in 1 2 3 4 5; do
  candidate=$(free_port)
  if as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $candidate -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null 2>&1; then
    port=$candidate
    started=true
    break
  fi
  tail -n 5 "$dir/server.log" >&2 2>/dev/null || true
done
if [[ -z "$port" ]]; then
  log "the server did not start (log above)"
  exit 1
fi

as_server "$bin/createdb" -h "$dir" -p "$port" -U drillbot drillbot_test
url="postgres://drillbot:$password@127.0.0.1:$port/drillbot_test"
log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir"

if [[ $# -gt 0 ]]; then
  # Run in the background and wait, so a SIGTERM to this script is handled at once (bash runs
  # traps only between commands, and `wait` returns early for them).
  # (A background command's stdin would be /dev/null: hand it ours explicitly.)
  exec 3<&0
  DRILLBOT_TEST_DATABASE_URL="$url" "$@" <&3 3<&- &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM
  trap 'kill -INT "$child" 2>/dev/null; wait "$child"; exit 130' INT
  set +e
  wait "$child"
  status=$?
  set -e
  exit "$status"
fi

echo "DATABASE_URL=$url"
# Until whoever started us closes our stdin (or dies, which closes it too). In the background
# with an explicit stdin, so SIGINT/SIGTERM interrupt the wait at once.
exec 3<&0
cat <&3 >/dev/null &
wait $! || true
