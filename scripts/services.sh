#!/usr/bin/env bash
# A private PostgreSQL cluster and a private Redis under one data dir, reachable through unix sockets
# only, for development, tests and benchmarks.
#
#   scripts/services.sh start DATA_DIR        start both (creating the cluster on first use), write DATA_DIR/env
#   scripts/services.sh stop DATA_DIR         stop both; fine if they are not running
#   scripts/services.sh status DATA_DIR       print what runs under DATA_DIR
#   scripts/services.sh redis-stop DATA_DIR   stop Redis only (fault drills)
#   scripts/services.sh redis-start DATA_DIR  start Redis only, empty (fault drills)
#   scripts/services.sh pg-stop DATA_DIR      stop PostgreSQL only (fault drills)
#   scripts/services.sh pg-start DATA_DIR     start PostgreSQL again (fault drills)
#
# Layout:  DATA_DIR/pg (cluster)  DATA_DIR/redis (Redis dir and config)  DATA_DIR/run (sockets, pids)
#          DATA_DIR/log (logs)    DATA_DIR/secret (session secret, kept across restarts)  DATA_DIR/env
#
# POMOPOMO_FAST_PG=1 turns off fsync and synchronous commit: only for throwaway test clusters.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the 'postgres' system user.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
umask 022

usage() {
  echo "usage: $0 start|stop|status|redis-start|redis-stop|pg-start|pg-stop DATA_DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
command=$1
DATA_DIR=$(abs_path "$2")
check_data_dir_name "$DATA_DIR"

PG_DIR=$DATA_DIR/pg
RUN_DIR=$DATA_DIR/run
LOG_DIR=$DATA_DIR/log
REDIS_DIR=$DATA_DIR/redis
PG_LOG=$LOG_DIR/postgres.log
REDIS_LOG=$LOG_DIR/redis.log
REDIS_SOCK=$RUN_DIR/redis.sock
REDIS_PID=$RUN_DIR/redis.pid
PG_SOCK=$RUN_DIR/.s.PGSQL.5432
START_TIMEOUT=${POMOPOMO_SERVICE_TIMEOUT:-30}

if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
else
  PG_USER=$(id -un)
fi

# ---------------------------------------------------------------- PostgreSQL

# The bin dir of the installed PostgreSQL: the cluster's own major version when it exists, else the newest.
pg_bin_dir() {
  local version dir
  if [ -n "${POMOPOMO_PG_BIN:-}" ]; then
    printf '%s\n' "$POMOPOMO_PG_BIN"
    return
  fi
  if [ -f "$PG_DIR/PG_VERSION" ]; then
    version=$(cat "$PG_DIR/PG_VERSION")
    dir=/usr/lib/postgresql/$version/bin
    [ -x "$dir/postgres" ] || die "the cluster in $PG_DIR is PostgreSQL $version but $dir/postgres is not installed"
    printf '%s\n' "$dir"
    return
  fi
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)  # the newest installed
  [ -x "$dir/initdb" ] ||
    die "no PostgreSQL server found under /usr/lib/postgresql; run scripts/deps.sh (package 'postgresql')"
  printf '%s\n' "$dir"
}

# Runs a command as the cluster owner, from / so that an unreadable working directory does not matter.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$PG_USER" -- env LC_ALL=C "$@")
  else
    (cd / && env LC_ALL=C "$@")
  fi
}

# As root, the 'postgres' user must be able to walk down to DATA_DIR.
check_pg_user_can_reach_data_dir() {
  [ "$(id -u)" -eq 0 ] || return 0
  id "$PG_USER" >/dev/null 2>&1 ||
    die "running as root but there is no '$PG_USER' system user; install the 'postgresql' package (scripts/deps.sh)"
  local dir=$DATA_DIR ancestors=()
  while [ "$dir" != / ]; do
    dir=$(dirname "$dir")
    ancestors=("$dir" "${ancestors[@]}")
  done
  for dir in "${ancestors[@]}"; do
    [ -d "$dir" ] || break # the rest is created below with mode 755
    if ! runuser -u "$PG_USER" -- test -x "$dir"; then
      die "PostgreSQL refuses to run as root, so it runs as the '$PG_USER' user here, and '$PG_USER' cannot enter $dir ($(stat -c '%A owner %U' "$dir")). Either allow it (chmod o+x $dir) or use a data dir under /tmp, e.g. POMOPOMO_DATA_DIR=/tmp/pomopomo-data"
    fi
  done
}

prepare_dirs() {
  check_socket_path "$PG_SOCK"
  check_socket_path "$REDIS_SOCK"
  check_pg_user_can_reach_data_dir
  mkdir -p "$DATA_DIR" "$RUN_DIR" "$LOG_DIR" "$REDIS_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    # postgres needs to traverse DATA_DIR and write its socket and lock file into run/.
    chmod go+x "$DATA_DIR"
    chown "$PG_USER" "$RUN_DIR"
    chmod 0755 "$RUN_DIR"
    touch "$PG_LOG"
    chown "$PG_USER" "$PG_LOG"
    runuser -u "$PG_USER" -- test -w "$RUN_DIR" ||
      die "'$PG_USER' cannot write to $RUN_DIR"
  fi
}

pg_running() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1
}

pg_init() {
  [ -f "$PG_DIR/PG_VERSION" ] && return 0
  say "creating PostgreSQL cluster in $PG_DIR"
  mkdir -p "$PG_DIR"
  chmod 0700 "$PG_DIR"
  [ "$(id -u)" -ne 0 ] || chown "$PG_USER" "$PG_DIR"
  if ! as_pg_user "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth=trust --encoding=UTF8 --no-locale \
      >"$LOG_DIR/initdb.log" 2>&1; then
    show_log_tail "$LOG_DIR/initdb.log" 40
    die "initdb failed (full output in $LOG_DIR/initdb.log)"
  fi
  # Settings live in pomopomo.conf, rewritten at every start so POMOPOMO_FAST_PG can change.
  echo "include_if_exists = 'pomopomo.conf'" | as_pg_user tee -a "$PG_DIR/postgresql.conf" >/dev/null
  printf '# Generated by scripts/services.sh: unix socket only, no password.\nlocal all all trust\n' |
    as_pg_user tee "$PG_DIR/pg_hba.conf" >/dev/null
}

pg_write_config() {
  local fast
  if [ "${POMOPOMO_FAST_PG:-0}" = 1 ]; then
    fast="# POMOPOMO_FAST_PG=1: a crash may lose or corrupt data. Tests only.
fsync = off
synchronous_commit = off
full_page_writes = off"
  else
    fast="# Durable settings (set POMOPOMO_FAST_PG=1 for throwaway test clusters)."
  fi
  as_pg_user tee "$PG_DIR/pomopomo.conf" >/dev/null <<CONF
# Generated by scripts/services.sh at every start; edits are lost.
listen_addresses = ''
unix_socket_directories = '$RUN_DIR'
max_connections = 200
timezone = 'UTC'
log_timezone = 'UTC'
log_min_messages = warning
log_min_error_statement = error
$fast
CONF
}

pg_create_app_role_and_db() {
  local psql=("$PG_BIN/psql" -h "$RUN_DIR" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAX)
  if [ "$("${psql[@]}" -c "select 1 from pg_roles where rolname = 'pomopomo'")" != 1 ]; then
    say "creating role pomopomo"
    "${psql[@]}" -c "create role pomopomo login createdb"
  fi
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname = 'pomopomo'")" != 1 ]; then
    say "creating database pomopomo"
    "${psql[@]}" -c "create database pomopomo owner pomopomo"
  fi
}

pg_start() {
  PG_BIN=$(pg_bin_dir)
  pg_init
  pg_write_config
  if pg_running; then
    say "PostgreSQL already running in $PG_DIR"
  else
    local mode=durable
    [ "${POMOPOMO_FAST_PG:-0}" != 1 ] || mode="fast, non-durable"
    say "starting PostgreSQL ($PG_BIN, $mode) with socket in $RUN_DIR"
    if ! as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t "$START_TIMEOUT" start >/dev/null 2>&1; then
      show_log_tail "$PG_LOG" 40
      die "PostgreSQL did not start within ${START_TIMEOUT}s (log: $PG_LOG)"
    fi
  fi
  local waited=0
  until "$PG_BIN/pg_isready" -q -h "$RUN_DIR" -d postgres -U postgres; do
    if [ "$waited" -ge $((START_TIMEOUT * 10)) ]; then
      show_log_tail "$PG_LOG" 40
      die "PostgreSQL does not accept connections on $RUN_DIR after ${START_TIMEOUT}s (log: $PG_LOG)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  pg_create_app_role_and_db
}

pg_stop() {
  [ -f "$PG_DIR/PG_VERSION" ] || { say "no PostgreSQL cluster in $PG_DIR"; return 0; }
  PG_BIN=$(pg_bin_dir)
  if pg_running; then
    say "stopping PostgreSQL"
    if ! as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w -t "$START_TIMEOUT" stop >/dev/null; then
      show_log_tail "$PG_LOG" 20
      warn "fast shutdown timed out; trying immediate shutdown"
      as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate -w stop >/dev/null || die "could not stop PostgreSQL in $PG_DIR"
    fi
  else
    say "PostgreSQL is not running"
  fi
}

# ---------------------------------------------------------------- Redis

redis_ping() {
  [ -S "$REDIS_SOCK" ] && [ "$(timeout 5 redis-cli -s "$REDIS_SOCK" ping 2>/dev/null)" = PONG ]
}

# The pid from Redis's pidfile, if that process is alive and is a redis-server.
redis_live_pid() {
  local pid
  pid=$(read_pid "$REDIS_PID") || return 1
  pid_alive "$pid" || return 1
  grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

redis_write_config() {
  cat >"$REDIS_DIR/redis.conf" <<CONF
# Generated by scripts/services.sh at every start; edits are lost.
# Unix socket only, no persistence: a restart starts empty (the app rebuilds Redis from PostgreSQL).
port 0
unixsocket $REDIS_SOCK
unixsocketperm 700
dir $REDIS_DIR
daemonize yes
pidfile $REDIS_PID
logfile $REDIS_LOG
save ""
appendonly no
CONF
}

redis_start() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found; run scripts/deps.sh"
  check_socket_path "$REDIS_SOCK"
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$REDIS_DIR"
  if redis_ping; then
    say "Redis already running on $REDIS_SOCK"
    return 0
  fi
  if redis_live_pid >/dev/null; then
    die "a redis-server (pid $(redis_live_pid)) owns $REDIS_PID but does not answer on $REDIS_SOCK (stopped with SIGSTOP?); run '$0 redis-stop $DATA_DIR' first"
  fi
  rm -f "$REDIS_SOCK" "$REDIS_PID"
  redis_write_config
  say "starting Redis on $REDIS_SOCK"
  if ! redis-server "$REDIS_DIR/redis.conf" >>"$REDIS_LOG" 2>&1; then
    show_log_tail "$REDIS_LOG" 30
    die "redis-server failed to start (log: $REDIS_LOG)"
  fi
  local waited=0
  until redis_ping; do
    if [ "$waited" -ge $((START_TIMEOUT * 10)) ]; then
      show_log_tail "$REDIS_LOG" 30
      die "Redis does not answer on $REDIS_SOCK after ${START_TIMEOUT}s (log: $REDIS_LOG)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

redis_stop() {
  local pid
  pid=$(redis_live_pid || true)
  if [ -z "$pid" ] && ! redis_ping; then
    say "Redis is not running"
    rm -f "$REDIS_SOCK" "$REDIS_PID"
    return 0
  fi
  say "stopping Redis"
  # A drill may have left it stopped with SIGSTOP: wake it so it can shut down.
  [ -z "$pid" ] || kill -CONT "$pid" 2>/dev/null || true
  timeout 5 redis-cli -s "$REDIS_SOCK" shutdown nosave >/dev/null 2>&1 || true
  if [ -n "$pid" ] && ! wait_pid_gone "$pid" 10; then
    warn "Redis (pid $pid) ignored SHUTDOWN; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" 5 || die "could not stop Redis (pid $pid)"
  fi
  rm -f "$REDIS_SOCK" "$REDIS_PID"
}

# ---------------------------------------------------------------- env file

write_env() {
  local secret_file=$DATA_DIR/secret
  if [ ! -s "$secret_file" ]; then
    (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$secret_file")
  fi
  # The key admins' two-factor secrets are sealed with (POMOPOMO_TOTP_KEY): 32 random bytes as hex.
  local totp_key_file=$DATA_DIR/totp_key
  if [ ! -s "$totp_key_file" ]; then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$totp_key_file")
  fi
  local tmp=$DATA_DIR/env.tmp.$$
  (
    umask 077
    cat >"$tmp" <<ENV
# Generated by scripts/services.sh; source it: . $DATA_DIR/env
export POMOPOMO_DATA_DIR='$DATA_DIR'
export POMOPOMO_DATABASE_URL='host=$RUN_DIR dbname=pomopomo user=pomopomo'
export POMOPOMO_REDIS='unix:$REDIS_SOCK'
export POMOPOMO_SECRET='$(cat "$secret_file")'
# A key already in the environment wins, even an empty one (a test's responder without a key).
export POMOPOMO_TOTP_KEY="\${POMOPOMO_TOTP_KEY-$(cat "$totp_key_file")}"
export POMOPOMO_UPLOADS='$DATA_DIR/uploads'
ENV
  )
  mv "$tmp" "$DATA_DIR/env"
}

# ---------------------------------------------------------------- status

status() {
  local pid name
  if [ -f "$PG_DIR/PG_VERSION" ]; then
    PG_BIN=$(pg_bin_dir)
    if pg_running; then
      echo "postgres: running (pid $(head -n 1 "$PG_DIR/postmaster.pid")), socket dir $RUN_DIR"
    else
      echo "postgres: stopped"
    fi
  else
    echo "postgres: no cluster in $PG_DIR"
  fi
  if redis_ping; then
    echo "redis:    running (pid $(redis_live_pid || echo '?')), socket $REDIS_SOCK"
  elif pid=$(redis_live_pid); then
    echo "redis:    NOT ANSWERING (pid $pid; stopped with SIGSTOP?)"
  else
    echo "redis:    stopped"
  fi
  for pidfile in "$RUN_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    [ "$name" != redis ] || continue
    pid=$(read_pid "$pidfile" || true)
    if pid_alive "$pid"; then
      echo "responder $name: running (pid $pid), socket $RUN_DIR/$name.sock"
    else
      echo "responder $name: not running (stale pid file)"
    fi
  done
  if pid=$(read_pid "$DATA_DIR/nginx/nginx.pid") && pid_alive "$pid"; then
    echo "nginx:    running (pid $pid)"
  else
    echo "nginx:    stopped"
  fi
  [ ! -f "$DATA_DIR/env" ] || echo "env file: $DATA_DIR/env"
}

case $command in
  start)
    prepare_dirs
    pg_start
    redis_start
    write_env
    say "services are up; env file: $DATA_DIR/env"
    ;;
  stop)
    [ -d "$DATA_DIR" ] || { say "$DATA_DIR does not exist; nothing to stop"; exit 0; }
    redis_stop
    pg_stop
    ;;
  status)
    status
    ;;
  redis-start)
    redis_start
    ;;
  redis-stop)
    redis_stop
    ;;
  pg-start)
    pg_start
    ;;
  pg-stop)
    pg_stop
    ;;
  *)
    usage
    ;;
esac
