#!/usr/bin/env bash
# nginx in front of one or more responders, with its pid, logs and temp files under DATA_DIR/nginx.
#
#   scripts/nginx.sh start DATA_DIR LISTEN SOCKET [SOCKET...]
#       LISTEN: 127.0.0.1:8080 (or a bare port, meaning 127.0.0.1)
#       SOCKET: a responder's unix socket path (or unix:PATH, or HOST:PORT for a TCP responder)
#   scripts/nginx.sh stop DATA_DIR
#
# Renders nginx/nginx.conf.in and nginx/pomopomo.conf into DATA_DIR/nginx, checks them with nginx -t,
# starts nginx as a daemon and waits until LISTEN accepts connections.
# POMOPOMO_NGINX_BALANCE=least_conn sends each request to the responder with the fewest open
# requests instead of taking turns (scripts/cluster.sh: hosts of unequal speed); parked long-polls
# count as open requests too, which is why the shipped configs keep round-robin.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
umask 022
shopt -u patsub_replacement 2>/dev/null || true # keep '&' literal in ${var//pattern/replacement}

usage() {
  echo "usage: $0 start DATA_DIR LISTEN SOCKET [SOCKET...] | stop DATA_DIR" >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
DATA_DIR=$(abs_path "$2")
check_data_dir_name "$DATA_DIR"
shift 2

PREFIX=$DATA_DIR/nginx
PIDFILE=$PREFIX/nginx.pid
ERROR_LOG=$PREFIX/error.log
CONF=$PREFIX/nginx.conf
PUBLIC_PLACEHOLDER=/srv/pomopomo/Public
UPLOADS_PLACEHOLDER=/srv/pomopomo/uploads

nginx_bin() {
  if command -v nginx >/dev/null 2>&1; then
    command -v nginx
  elif [ -x /usr/sbin/nginx ]; then
    echo /usr/sbin/nginx
  else
    die "nginx not found; run scripts/deps.sh"
  fi
}

# The live nginx master's pid, if any.
master_pid() {
  local pid
  pid=$(read_pid "$PIDFILE") || return 1
  pid_alive "$pid" || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = nginx ] || return 1
  printf '%s\n' "$pid"
}

# host and port to probe for LISTEN.
probe_address() {
  local listen=$1 host port
  case $listen in
    *:*) host=${listen%:*} port=${listen##*:} ;;
    *) host=127.0.0.1 port=$listen ;;
  esac
  host=${host#[}
  host=${host%]}
  case $host in 0.0.0.0 | '*' | '') host=127.0.0.1 ;; :: ) host=::1 ;; esac
  printf '%s %s\n' "$host" "$port"
}

port_answers() {
  local host=$1 port=$2
  # shellcheck disable=SC2016 # $0 and $1 are the inner bash's arguments, expanded there
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

upstream_line() {
  local socket=$1
  case $socket in
    unix:*) socket=${socket#unix:} ;;
    /* | ./* | ../* | *.sock) ;;
    *:*) printf '        server %s;\n' "$socket"; return ;;
  esac
  socket=$(abs_path "$socket")
  check_socket_path "$socket"
  case $socket in *[!A-Za-z0-9._/+@-]*) die "socket path '$socket' has characters nginx or libfcgi would misread" ;; esac
  printf '        server unix:%s;\n' "$socket"
}

render() {
  local public uploads upstreams='' user_line='' template snippet socket
  [ -f "$POMOPOMO_ROOT/nginx/nginx.conf.in" ] || die "missing $POMOPOMO_ROOT/nginx/nginx.conf.in"
  public=$(cd "$POMOPOMO_ROOT/Public" 2>/dev/null && pwd) || die "missing $POMOPOMO_ROOT/Public"
  case $public in *[!A-Za-z0-9._/+@-]*) die "Public/ path '$public' has characters the nginx config cannot take unquoted" ;; esac
  # Where the responders keep uploads (DATA_DIR/env sets it; the same default as scripts/services.sh):
  # nginx sends voice notes from its journal/ directory itself.
  uploads=$(abs_path "${POMOPOMO_UPLOADS:-$DATA_DIR/uploads}")
  case $uploads in *[!A-Za-z0-9._/+@-]*) die "uploads path '$uploads' has characters the nginx config cannot take unquoted" ;; esac
  for socket in "$@"; do
    upstreams+=$(upstream_line "$socket")$'\n'
  done
  upstreams=${upstreams%$'\n'}
  case ${POMOPOMO_NGINX_BALANCE:-round-robin} in
    round-robin) ;;
    least_conn) upstreams=$'        least_conn;\n'$upstreams ;;
    *) die "POMOPOMO_NGINX_BALANCE must be round-robin or least_conn, not '$POMOPOMO_NGINX_BALANCE'" ;;
  esac
  [ "$(id -u)" -ne 0 ] || user_line='user root;'

  # Workers cannot go past the hard open-files limit unless allowed to raise it (CAP_SYS_RESOURCE);
  # ask for no more than they can get, rather than an [alert] in the log at every start.
  local want hard
  want=$(sed -n 's/^worker_rlimit_nofile \([0-9]*\);.*/\1/p' "$POMOPOMO_ROOT/nginx/nginx.conf.in")
  hard=$(ulimit -Hn)
  if [ -n "$want" ] && [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ] && ! (ulimit -Hn "$want") 2>/dev/null; then
    say "open-files hard limit is $hard, below $want: using worker_rlimit_nofile $hard"
    NOFILE_OVERRIDE=$hard
  fi

  snippet=$(<"$POMOPOMO_ROOT/nginx/pomopomo.conf")
  snippet=${snippet//$PUBLIC_PLACEHOLDER/$public}
  snippet=${snippet//$UPLOADS_PLACEHOLDER/$uploads}
  if [ "${POMOPOMO_NGINX_ACCESS_LOG:-on}" = off ]; then
    snippet=${snippet//access_log \/var\/log\/nginx\/pomopomo.access.log pomopomo_private buffer=64k flush=1s;/access_log off;}
  else
    snippet=${snippet//\/var\/log\/nginx\/pomopomo.access.log/$PREFIX\/access.log}
  fi
  printf '%s\n' "$snippet" >"$PREFIX/pomopomo.conf"
  # The snippet says `include fastcgi_params;`, which nginx resolves next to the main config file.
  [ -f /etc/nginx/fastcgi_params ] || die "missing /etc/nginx/fastcgi_params; run scripts/deps.sh"
  cp /etc/nginx/fastcgi_params "$PREFIX/fastcgi_params"

  template=$(<"$POMOPOMO_ROOT/nginx/nginx.conf.in")
  template=${template//@PREFIX@/$PREFIX}
  template=${template//@PUBLIC@/$public}
  template=${template//@LISTEN@/$LISTEN}
  template=${template//@UPSTREAMS@/$upstreams}
  template=${template//@USER_LINE@/$user_line}
  [ -z "${NOFILE_OVERRIDE:-}" ] || template=${template//worker_rlimit_nofile $want;/worker_rlimit_nofile $NOFILE_OVERRIDE;}
  case $template in *@[A-Z_]*@*) die "unreplaced placeholder left in the rendered $CONF" ;; esac
  printf '%s\n' "$template" >"$CONF"
}

start() {
  [ $# -ge 2 ] || usage
  LISTEN=$1
  shift
  case $LISTEN in *[!A-Za-z0-9.:\[\]*-]*) die "LISTEN '$LISTEN' does not look like ADDRESS:PORT" ;; esac
  local nginx host port pid waited=0
  nginx=$(nginx_bin)
  read -r host port < <(probe_address "$LISTEN")

  if pid=$(master_pid); then
    say "nginx already running (pid $pid) for $DATA_DIR; restarting it with the new configuration"
    stop
  fi
  if port_answers "$host" "$port"; then
    die "something already listens on $host:$port; stop it or choose another address (nginx would share the port through reuseport)"
  fi

  mkdir -p "$PREFIX/tmp"
  render "$@"

  # Workers cannot raise their open-files limit beyond the hard limit; start from the hard limit.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  local args=(-p "$PREFIX/" -e "$ERROR_LOG" -c "$CONF")
  if ! "$nginx" -t -q "${args[@]}"; then
    die "nginx rejected the rendered configuration $CONF (see the messages above)"
  fi
  say "starting nginx on $LISTEN -> $*"
  if ! "$nginx" "${args[@]}"; then
    show_log_tail "$ERROR_LOG" 20
    die "nginx failed to start"
  fi
  until port_answers "$host" "$port"; do
    if [ "$waited" -ge 100 ]; then
      show_log_tail "$ERROR_LOG" 20
      die "nginx does not answer on $host:$port after 10s (log: $ERROR_LOG)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

stop() {
  local pid child
  if ! pid=$(master_pid); then
    say "nginx is not running"
    rm -f "$PIDFILE"
    return 0
  fi
  say "stopping nginx (pid $pid)"
  # TERM is nginx's fast shutdown: parked long-polls are cut rather than waited for.
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_pid_gone "$pid" 10; then
    warn "nginx (pid $pid) did not stop within 10s; sending SIGKILL"
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
      kill -KILL "$child" 2>/dev/null || true
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" 5 || die "could not stop nginx (pid $pid)"
  fi
  rm -f "$PIDFILE"
}

case $command in
  start) start "$@" ;;
  stop) [ $# -eq 0 ] || usage; stop ;;
  *) usage ;;
esac
