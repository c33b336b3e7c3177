#!/usr/bin/env bash
# A simulated cluster on this machine: five "hosts", each a network namespace with its own address
# on a private bridge, running what a multi-host deployment runs (ARCHITECTURE.md, "Running on
# several hosts"). Needs root (ip netns) and installs its Debian packages itself when missing.
#
#   scripts/cluster.sh up             create the namespaces and start everything (removes a previous one first)
#   scripts/cluster.sh down           remove every namespace, link, process and file `up` made (safe to repeat)
#   scripts/cluster.sh status         what runs where
#   scripts/cluster.sh exec HOST CMD  run CMD on HOST (r1 r2 web db redis)
#   scripts/cluster.sh responder-start|responder-stop|responder-kill HOST   (r1 or r2; kill is SIGKILL)
#   scripts/cluster.sh pgbouncer-restart | pg-restart   down for POMOPOMO_CLUSTER_DOWN_SECONDS (2), then up
#   scripts/cluster.sh web-restart least_conn|round-robin   nginx again with that balancing (up uses
#                     POMOPOMO_CLUSTER_BALANCE, default least_conn)
#   scripts/cluster.sh redis-kill-primary   SIGKILL the Redis primary (Sentinel promotes the replica)
#   scripts/cluster.sh redis-restart-old    start the killed instance again (Sentinel makes it a replica)
#   scripts/cluster.sh partition HOST | heal HOST   cut HOST off from the Redis host, or reconnect it
#   scripts/cluster.sh cpu-limit HOST CPUS   give responder host HOST (r1 or r2) that many CPUs (e.g. 0.5,
#                     a cgroup v1 CFS quota, kept across its restarts; bench/cluster.sh uses it)
#
# Hosts and addresses (bridge ppc-br, 10.77.0.0/24; this namespace is 10.77.0.1):
#   r1 10.77.0.11, r2 10.77.0.12  a `pomopomo serve` responder each, FastCGI on :9000 over TCP
#   web 10.77.0.20                nginx on :8080, upstream r1:9000 and r2:9000 (least_conn)
#   db 10.77.0.30                 PostgreSQL :5432 (user postgres), PgBouncer :6432 (transaction pooling)
#   redis 10.77.0.40              Redis primary :6379, replica :6380, Sentinel :26379 (master name pomopomo)
# Responders reach PostgreSQL only through PgBouncer and find the Redis primary through Sentinel.
# Clients (tests, wrk) run inside the web host and use http://127.0.0.1:8080: nginx's per-address
# limits exempt loopback there, as on one machine.
#
# Files live in POMOPOMO_CLUSTER_DIR (default /tmp/pomopomo-cluster); CLUSTER_DIR/env holds what the
# test kit reads (POMOPOMO_DATABASE_URL through PgBouncer, POMOPOMO_TEST_URL). Binary: POMOPOMO_BIN,
# default .build/release/pomopomo (built when missing).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
umask 022

DIR=${POMOPOMO_CLUSTER_DIR:-/tmp/pomopomo-cluster}
check_data_dir_name "$DIR"
BIN=$(abs_path "${POMOPOMO_BIN:-$POMOPOMO_ROOT/.build/release/pomopomo}")
NET=10.77.0
BRIDGE=ppc-br
HOSTS=(r1 r2 web db redis)
declare -A ADDR=([r1]=$NET.11 [r2]=$NET.12 [web]=$NET.20 [db]=$NET.30 [redis]=$NET.40)
FCGI_PORT=9000
WEB_PORT=8080
PG_PORT=5432
BOUNCER_PORT=6432
SENTINEL_PORT=26379
MASTER_NAME=pomopomo
# How long pgbouncer-restart and pg-restart leave the service down.
DOWN_SECONDS=${POMOPOMO_CLUSTER_DOWN_SECONDS:-2}
DB_PASSWORD=pomopomo-cluster-only
PACKAGES=(iproute2 postgresql pgbouncer redis-server redis-sentinel nginx wrk)

usage() {
  sed -n '2,21p' "$0" >&2
  exit 2
}

[ "$(id -u)" -eq 0 ] || die "the cluster needs root (ip netns, veth pairs)"

ns() { printf 'ppc-%s\n' "$1"; }
on() {
  local host=$1
  shift
  ip netns exec "$(ns "$host")" "$@"
}
as_postgres() { (cd / && runuser -u postgres -- env LC_ALL=C "$@"); }
pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# Waits up to $3 seconds until HOST:PORT accepts a TCP connection (from this namespace, over the bridge).
wait_port() {
  local host=$1 port=$2 limit=${3:-30} waited=0
  # shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
  until timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; do
    [ "$waited" -lt $((limit * 10)) ] || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null ||
    { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null; }
}

# ---------------------------------------------------------------- network

net_up() {
  local host i=0
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for host in "${HOSTS[@]}"; do
    ip netns add "$(ns "$host")"
    ip link add "ppc-$host-h" type veth peer name eth0 netns "$(ns "$host")"
    ip link set "ppc-$host-h" master "$BRIDGE" up
    on "$host" ip addr add "${ADDR[$host]}/24" dev eth0
    on "$host" ip link set lo up
    on "$host" ip link set eth0 up
    i=$((i + 1))
  done
}

# ---------------------------------------------------------------- PostgreSQL and PgBouncer

pg_up() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$DIR/pg" "$DIR/run/db" "$DIR/pgbouncer" "$DIR/log/db"
  chown postgres: "$DIR/pg" "$DIR/run/db" "$DIR/pgbouncer" "$DIR/log/db"
  chmod 700 "$DIR/pg"
  as_postgres "$bin/initdb" -D "$DIR/pg" -A trust -U postgres -E UTF8 --no-instructions >"$DIR/log/db/initdb.log"
  cat >>"$DIR/pg/postgresql.conf" <<EOF
listen_addresses = '${ADDR[db]}'
port = $PG_PORT
unix_socket_directories = '$DIR/run/db'
max_connections = 100
fsync = off
EOF
  # Only local superuser access and the application's role over the network, with a password.
  cat >"$DIR/pg/pg_hba.conf" <<EOF
local all postgres trust
host pomopomo pomopomo $NET.0/24 scram-sha-256
EOF
  pg_start
  as_postgres "$bin/psql" -X -q -h "$DIR/run/db" -U postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE pomopomo LOGIN PASSWORD '$DB_PASSWORD'" -c "CREATE DATABASE pomopomo OWNER pomopomo" >/dev/null

  cat >"$DIR/pgbouncer/pgbouncer.ini" <<EOF
[databases]
pomopomo = host=${ADDR[db]} port=$PG_PORT dbname=pomopomo

[pgbouncer]
listen_addr = ${ADDR[db]}
listen_port = $BOUNCER_PORT
unix_socket_dir =
pool_mode = transaction
auth_type = scram-sha-256
auth_file = $DIR/pgbouncer/userlist.txt
max_client_conn = 2000
default_pool_size = 40
; While PostgreSQL is away a client waits at most 2 s for a server connection (the responder then
; answers its 503 page), and PgBouncer tries to log in again every second, not every 15.
query_wait_timeout = 2
server_login_retry = 1
logfile = $DIR/log/db/pgbouncer.log
pidfile = $DIR/run/db/pgbouncer.pid
EOF
  printf '"pomopomo" "%s"\n' "$DB_PASSWORD" >"$DIR/pgbouncer/userlist.txt"
  chown postgres: "$DIR/pgbouncer"/*
  chmod 600 "$DIR/pgbouncer/userlist.txt"
  bouncer_start
}

pg_start() {
  on db runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$DIR/pg" -l "$DIR/log/db/postgres.log" -w -t 30 start >/dev/null
}

pg_restart() {
  say "restarting PostgreSQL (fast shutdown, ${DOWN_SECONDS}s down)"
  on db runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$DIR/pg" -m fast -w -t 30 stop >/dev/null
  sleep "$DOWN_SECONDS"
  pg_start
}

bouncer_start() {
  # PgBouncer refuses to run as root; it runs as PostgreSQL's user.
  (cd / && on db runuser -u postgres -- pgbouncer -d -q "$DIR/pgbouncer/pgbouncer.ini")
  wait_port "${ADDR[db]}" "$BOUNCER_PORT" 10 || die "PgBouncer does not answer (log: $DIR/log/db/pgbouncer.log)"
}

bouncer_stop() {
  local pid
  pid=$(read_pid "$DIR/run/db/pgbouncer.pid") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- Redis and Sentinel

redis_instance() {
  local name=$1 port=$2 extra=${3:-}
  mkdir -p "$DIR/redis/$name"
  cat >"$DIR/redis/$name/redis.conf" <<EOF
bind ${ADDR[redis]}
port $port
protected-mode no
daemonize yes
pidfile $DIR/run/redis-$name.pid
logfile $DIR/log/redis-$name.log
dir $DIR/redis/$name
save ""
appendonly no
$extra
EOF
}

redis_start() {
  local name=$1 port
  port=$(sed -n 's/^port //p' "$DIR/redis/$name/redis.conf")
  on redis redis-server "$DIR/redis/$name/redis.conf"
  wait_port "${ADDR[redis]}" "$port" 10 || die "Redis $name does not answer (log: $DIR/log/redis-$name.log)"
}

redis_up() {
  redis_instance a 6379
  redis_instance b 6380 "replicaof ${ADDR[redis]} 6379"
  redis_start a
  redis_start b
  mkdir -p "$DIR/redis/sentinel"
  # Sentinel rewrites its own file (the current primary, known replicas), so it gets a fresh one.
  cat >"$DIR/redis/sentinel/sentinel.conf" <<EOF
bind ${ADDR[redis]}
port $SENTINEL_PORT
protected-mode no
daemonize yes
pidfile $DIR/run/redis-sentinel.pid
logfile $DIR/log/redis-sentinel.log
dir $DIR/redis/sentinel
sentinel monitor $MASTER_NAME ${ADDR[redis]} 6379 1
sentinel down-after-milliseconds $MASTER_NAME 1000
sentinel failover-timeout $MASTER_NAME 10000
sentinel parallel-syncs $MASTER_NAME 1
EOF
  on redis redis-sentinel "$DIR/redis/sentinel/sentinel.conf"
  wait_port "${ADDR[redis]}" "$SENTINEL_PORT" 10 || die "Sentinel does not answer (log: $DIR/log/redis-sentinel.log)"
}

# The instance (a or b) Sentinel names as primary now.
redis_primary() {
  local port
  port=$(redis-cli -h "${ADDR[redis]}" -p "$SENTINEL_PORT" --raw SENTINEL get-master-addr-by-name "$MASTER_NAME" | sed -n 2p)
  case $port in 6379) echo a ;; 6380) echo b ;; *) die "Sentinel names no primary (got port '$port')" ;; esac
}

redis_kill_primary() {
  local name pid
  name=$(redis_primary)
  pid=$(read_pid "$DIR/run/redis-$name.pid") || die "no pid for Redis $name"
  say "killing the Redis primary ($name, pid $pid)"
  kill -KILL "$pid"
  rm -f "$DIR/run/redis-$name.pid"
  printf '%s\n' "$name" >"$DIR/run/redis-killed"
}

redis_restart_old() {
  local name
  name=$(cat "$DIR/run/redis-killed" 2>/dev/null) || die "no killed Redis instance to start"
  redis_start "$name"
  rm -f "$DIR/run/redis-killed"
}

# ---------------------------------------------------------------- responders and nginx

write_env() {
  local secret
  secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$DIR/uploads"
  cat >"$DIR/responder.env" <<EOF
export POMOPOMO_DATABASE_URL='host=${ADDR[db]} port=$BOUNCER_PORT dbname=pomopomo user=pomopomo password=$DB_PASSWORD'
export POMOPOMO_REDIS_SENTINELS='${ADDR[redis]}:$SENTINEL_PORT'
export POMOPOMO_REDIS_MASTER='$MASTER_NAME'
export POMOPOMO_SECRET='$secret'
export POMOPOMO_BASE_URL='http://127.0.0.1:$WEB_PORT'
export POMOPOMO_TEMPLATES='$POMOPOMO_ROOT/Templates'
export POMOPOMO_PUBLIC='$POMOPOMO_ROOT/Public'
export POMOPOMO_UPLOADS='$DIR/uploads'
export POMOPOMO_MAIL_LOG='1'
export POMOPOMO_POLLS_PER_ADDRESS='100000'
export LIBFCGI_OS_CLOSE_POLL_TIMEOUT='0'
export FCGI_WEB_SERVER_ADDRS='${ADDR[web]},$NET.1'
EOF
  # What the test kit and the drills read (Tests/pomopomo_testkit.py: DATA_DIR/env): the responders'
  # settings (the tests run `pomopomo` commands with them), and where the cluster's parts are.
  cp "$DIR/responder.env" "$DIR/env"
  cat >>"$DIR/env" <<EOF
export POMOPOMO_CLUSTER_PG_DIRECT='host=${ADDR[db]} port=$PG_PORT dbname=pomopomo user=pomopomo password=$DB_PASSWORD'
export POMOPOMO_REDIS_SENTINELS='${ADDR[redis]}:$SENTINEL_PORT'
export POMOPOMO_REDIS_MASTER='$MASTER_NAME'
export POMOPOMO_TEST_URL='http://127.0.0.1:$WEB_PORT'
export POMOPOMO_CLUSTER_RESPONDERS='${ADDR[r1]}:$FCGI_PORT ${ADDR[r2]}:$FCGI_PORT'
EOF
}

responder_start() {
  local host=$1 pidfile=$DIR/run/$1.pid
  [ -f "$pidfile" ] && pid_alive "$(cat "$pidfile")" && return 0
  (
    set -a
    # shellcheck source=/dev/null # written by write_env
    . "$DIR/responder.env"
    set +a
    export POMOPOMO_SOCKET=${ADDR[$host]}:$FCGI_PORT
    ulimit -n 20000
    cd "$POMOPOMO_ROOT"
    # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner shell
    exec ip netns exec "$(ns "$host")" setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$BIN" serve \
      </dev/null >>"$DIR/log/$host.log" 2>&1
  ) &
  disown $!
  wait_port "${ADDR[$host]}" "$FCGI_PORT" 30 || {
    show_log_tail "$DIR/log/$host.log" 30
    die "responder $host does not listen on ${ADDR[$host]}:$FCGI_PORT"
  }
  apply_cpu_limit "$host"
}

CPU_CGROUPS=/sys/fs/cgroup/cpu

# Puts the responder of HOST under its host's CPU quota when one was set (cpu-limit).
apply_cpu_limit() {
  local host=$1 cpus pid period=100000 group=$CPU_CGROUPS/ppc-$1
  cpus=$(cat "$DIR/run/$host.cpus" 2>/dev/null) || return 0
  [ -d "$CPU_CGROUPS" ] || die "no cgroup v1 cpu controller at $CPU_CGROUPS: cannot limit $host's CPUs"
  mkdir -p "$group"
  echo "$period" >"$group/cpu.cfs_period_us"
  awk -v c="$cpus" -v p="$period" 'BEGIN { printf "%d\n", c * p }' >"$group/cpu.cfs_quota_us"
  pid=$(read_pid "$DIR/run/$host.pid") || return 0
  echo "$pid" >"$group/cgroup.procs"
}

responder_stop() {
  local host=$1 signal=${2:-TERM} pid
  pid=$(read_pid "$DIR/run/$host.pid") || return 0
  kill -"$signal" "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$DIR/run/$host.pid"
}

migrate() {
  (
    set -a
    # shellcheck source=/dev/null # written by write_env
    . "$DIR/responder.env"
    set +a
    on r1 "$BIN" migrate >"$DIR/log/migrate.log" 2>&1
  ) || {
    show_log_tail "$DIR/log/migrate.log" 20
    die "migrations through PgBouncer failed"
  }
}

# least_conn by default: with hosts of unequal speed (bench/cluster.sh holds each to a CPU quota),
# taking turns makes the fast host wait for the slow one; each host takes what it can finish. The
# shipped nginx/ configs keep round-robin (see ARCHITECTURE.md, "Running on several hosts").
web_up() {
  local balance=${1:-${POMOPOMO_CLUSTER_BALANCE:-least_conn}}
  POMOPOMO_NGINX_BALANCE=$balance POMOPOMO_UPLOADS=$DIR/uploads on web bash "$POMOPOMO_ROOT/scripts/nginx.sh" start \
    "$DIR/web" "0.0.0.0:$WEB_PORT" "${ADDR[r1]}:$FCGI_PORT" "${ADDR[r2]}:$FCGI_PORT" >/dev/null
}

# ---------------------------------------------------------------- up, down, status

up() {
  install_packages
  if [ ! -x "$BIN" ]; then
    say "building $BIN"
    (cd "$POMOPOMO_ROOT" && swift build -c release --product pomopomo)
  fi
  down quiet
  mkdir -p "$DIR/log" "$DIR/run"
  chmod 755 "$DIR"
  net_up
  pg_up
  redis_up
  write_env
  migrate
  responder_start r1
  responder_start r2
  web_up
  say "cluster up in $DIR: nginx at http://127.0.0.1:$WEB_PORT inside host web (scripts/cluster.sh exec web ...)"
}

down() {
  local host pid pidfile
  for pidfile in "$DIR"/run/*.pid "$DIR"/run/db/*.pid "$DIR"/web/nginx/nginx.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(read_pid "$pidfile") || continue
    if pid_alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  if [ -f "$DIR/pg/postmaster.pid" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$DIR/pg" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
  for host in "${HOSTS[@]}"; do
    ip netns list | grep -qw "$(ns "$host")" || continue
    # Whatever still runs inside one of our namespaces was started by `up` or a drill.
    for pid in $(ip netns pids "$(ns "$host")" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$(ns "$host")"
  done
  for host in "${HOSTS[@]}"; do
    ip link del "ppc-$host-h" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  for host in r1 r2; do
    [ ! -d "$CPU_CGROUPS/ppc-$host" ] || rmdir "$CPU_CGROUPS/ppc-$host" 2>/dev/null || true
  done
  rm -rf "$DIR"
  [ "${1:-}" = quiet ] || say "cluster removed"
}

status() {
  local host
  for host in "${HOSTS[@]}"; do
    if ip netns list | grep -qw "$(ns "$host")"; then
      printf '%-6s %-12s %s\n' "$host" "${ADDR[$host]}" "$(ip netns pids "$(ns "$host")" | sed 's|.*|/proc/&/comm|' | xargs -r cat | sort | uniq -c | xargs)"
    else
      printf '%-6s %-12s down\n' "$host" "${ADDR[$host]}"
    fi
  done
}

host_arg() {
  case ${1:-} in r1 | r2 | web | db | redis) ;; *) die "unknown host '${1:-}' (r1 r2 web db redis)" ;; esac
}

[ $# -ge 1 ] || usage
command=$1
shift
case $command in
  up) up ;;
  down) down ;;
  status) status ;;
  exec) host_arg "${1:-}"; host=$1; shift; on "$host" "$@" ;;
  responder-start) host_arg "${1:-}"; responder_start "$1" ;;
  responder-stop) host_arg "${1:-}"; responder_stop "$1" TERM ;;
  responder-kill) host_arg "${1:-}"; responder_stop "$1" KILL ;;
  pgbouncer-restart) say "restarting PgBouncer (${DOWN_SECONDS}s down)"; bouncer_stop; sleep "$DOWN_SECONDS"; bouncer_start ;;
  pg-restart) pg_restart ;;
  web-restart)
    case ${1:-} in round-robin | least_conn) ;; *) usage ;; esac
    say "restarting nginx on web with $1"
    web_up "$1"
    ;;
  redis-kill-primary) redis_kill_primary ;;
  redis-restart-old) redis_restart_old ;;
  partition)
    host_arg "${1:-}"
    # A blackhole route: packets to the Redis host vanish and new connections fail, as when a link is cut.
    on "$1" ip route replace blackhole "${ADDR[redis]}/32"
    ;;
  cpu-limit)
    case ${1:-} in r1 | r2) ;; *) die "cpu-limit takes r1 or r2" ;; esac
    case ${2:-} in '' | *[!0-9.]*) die "cpu-limit $1 takes a number of CPUs, e.g. 0.5" ;; esac
    printf '%s\n' "$2" >"$DIR/run/$1.cpus"
    apply_cpu_limit "$1"
    ;;
  heal) host_arg "${1:-}"; on "$1" ip route del blackhole "${ADDR[redis]}/32" 2>/dev/null || true ;;
  *) usage ;;
esac
