#!/usr/bin/env bash
# Runs a command with TESSERA_TEST_DATABASE_URL set to a throwaway PostgreSQL cluster: Debian's
# `postgresql` package (installed with apt-get when missing), a cluster in a temp dir on a free loopback
# port with a random password, made and run as the package's `postgres` user when we are root (initdb
# refuses root), stopped and deleted when the command ends. A TESSERA_TEST_DATABASE_URL given from
# outside is used as it is.
set -euo pipefail
if [ -n "${TESSERA_TEST_DATABASE_URL:-}" ]; then exec "$@"; fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ]; then
  echo "Installing PostgreSQL for the tests (apt-get install postgresql)…"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi
bin=$(pg_bin)

dir=$(mktemp -d "${TMPDIR:-/tmp}/tessera-pg.XXXXXX")
password=$(node -e "process.stdout.write(require('node:crypto').randomBytes(18).toString('base64url'))")
port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
printf '%s\n' "$password" >"$dir/pwfile"
chmod 600 "$dir/pwfile"; [ ${#as_pg[@]} -gt 0 ] && chown postgres "$dir/pwfile"

stop() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U tessera --pwfile="$dir/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log"; exit 1; }
rm -f "$dir/pwfile"
# Tests make many short-lived processes and pools: room for connections; durability is not the point here.
# pg_stat_statements: the bench counts round trips and statements per delivery with it.
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" \
  start >/dev/null || { cat "$dir/server.log"; exit 1; }
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port (throwaway cluster in $dir)"

export TESSERA_TEST_DATABASE_URL="postgres://tessera:$password@127.0.0.1:$port/postgres"
set +e
"$@"
status=$?
set -e
exit $status
