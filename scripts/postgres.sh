#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1:55432 for tests, installing it from
# Debian's packages where it is missing. Source this file, then call
# postgres_start; postgres_stop removes it again. Exports DATABASE_URL.
PG_PORT=${PG_PORT:-55432}
PG_DIR=${PG_DIR:-/tmp/innominatus-pg-$$}

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

postgres_start() {
  local bin
  if ! bin=$(pg_bindir); then
    echo "› installing PostgreSQL (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null || { echo "could not install PostgreSQL" >&2; return 1; }
    bin=$(pg_bindir) || { echo "PostgreSQL installed but initdb not found" >&2; return 1; }
  fi
  local runas=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
    runas=(su postgres -s /bin/bash -c)
  else
    runas=(bash -c)
  fi
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
  "${runas[@]}" "$bin/initdb -D $PG_DIR/data -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >$PG_DIR/initdb.log 2>&1" \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${runas[@]}" "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w -t 30 -o '-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c max_connections=200' start >/dev/null" \
    || { cat "$PG_DIR/log" >&2; return 1; }
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_BIN="$bin"
  echo "› PostgreSQL running at $DATABASE_URL"
}

postgres_stop() {
  [ -n "${PG_BIN:-}" ] || return 0
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/bash -c "$PG_BIN/pg_ctl -D $PG_DIR/data -m immediate stop" >/dev/null 2>&1
  else
    "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
  fi
  rm -rf "$PG_DIR"
}
