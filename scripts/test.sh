#!/usr/bin/env bash
# `make test`: everything, on throwaway services.
#   0. scripts/lint.sh (ruff, shellcheck); a finding fails the run, but the tests still run
#   1. Debian packages, debug build with tests
#   2. the pytest files (Tests/http, Tests/browser) split into POMOPOMO_TEST_SHARDS shards (default 2)
#      by the measured durations in Tests/durations.txt (scripts/test_shards.py). Each shard runs on
#      a whole test stack of its own, started by start_stack below, all shards at the same time:
#      - PostgreSQL + Redis in a fresh /tmp/pomopomo-test.XXXXXX (fast, non-durable), migrations
#      - an SMTP catcher (aiosmtpd, 127.0.0.1:18025, writing the Maildir DATA_DIR/mail), the fake
#        GitHub/Google (Tests/fakes/oauth_provider.py, 127.0.0.1:18097) and the fake Piped instance of
#        the music catalogue (Tests/fakes/piped.py, 127.0.0.1:18098) the responders are pointed at
#      - two responders (a, b) behind one nginx on 127.0.0.1:18080, then its files through
#        .build/pyenv/bin/python -m pytest -q FILE... (scripts/pydeps.sh makes the venv)
#      Shard i's ports are those plus 100 * i. Its output goes to DATA_DIR/pytest.log and is shown,
#      each line prefixed "[shard i]", when it finishes.
#   3. swift test (unit and integration tests; they read POMOPOMO_DATABASE_URL and POMOPOMO_REDIS),
#      meanwhile, on PostgreSQL and Redis of its own (with one shard: before its pytest, on its stack)
# The pytest tests get POMOPOMO_TEST_URL, POMOPOMO_TEST_DATA_DIR, POMOPOMO_TEST_SOCKETS ("a b"),
# POMOPOMO_TEST_MAILDIR, POMOPOMO_TEST_OAUTH_URL and the services' env of their shard, and may stop and
# start Redis or a responder through scripts/services.sh and scripts/responder.sh (their working
# directory is the project root). Nothing a test starts may use a fixed port or path outside its
# shard's data dir: derive it from that environment.
#
# For a quick loop while developing: POMOPOMO_TEST_ONLY="Tests/http/test_x.py -k name" runs just those
# pytest arguments on one stack instead of every suite, and POMOPOMO_TEST_SKIP_SWIFT=1 skips
# `swift test`. POMOPOMO_TEST_SHARDS=1 runs everything on one stack, in order, as one pytest session.
# KEEP=1 keeps the data dirs (logs, database, mail) and prints where they are. POMOPOMO_TEST_LISTEN,
# POMOPOMO_TEST_SMTP_LISTEN, POMOPOMO_TEST_OAUTH_LISTEN and POMOPOMO_TEST_PIPED_LISTEN change the
# ports (HOST:PORT) of shard 0.
# POMOPOMO_TEST_DURATIONS=1 rewrites Tests/durations.txt from a full run where every shard passed.
# POMOPOMO_TEST_SCRATCH=DIR builds and tests in DIR instead of .build (swift build --scratch-path), so a
# quick loop can run while a full run uses .build.
# Exits non-zero if any step failed; later steps still run after a failed test step.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$POMOPOMO_ROOT"

LISTEN=${POMOPOMO_TEST_LISTEN:-127.0.0.1:18080}
SMTP_LISTEN=${POMOPOMO_TEST_SMTP_LISTEN:-127.0.0.1:18025}
OAUTH_LISTEN=${POMOPOMO_TEST_OAUTH_LISTEN:-127.0.0.1:18097}
PIPED_LISTEN=${POMOPOMO_TEST_PIPED_LISTEN:-127.0.0.1:18098}
SHARDS=${POMOPOMO_TEST_SHARDS:-2}
SHARD_PORT_STEP=100
DURATIONS=Tests/durations.txt
RESPONDERS=(a b)
SCRATCH=${POMOPOMO_TEST_SCRATCH:-.build}
export POMOPOMO_BIN=$POMOPOMO_ROOT/$SCRATCH/debug/pomopomo

case $SHARDS in '' | *[!0-9]* | 0*) die "POMOPOMO_TEST_SHARDS must be a number from 1 (got '$SHARDS')" ;; esac
[ -z "${POMOPOMO_TEST_ONLY:-}" ] || SHARDS=1

# HOST:PORT of shard $2 for the base address $1: the port moved up by SHARD_PORT_STEP per shard.
shard_address() {
  local host=${1%:*} port=${1##*:}
  case $1 in *:*) ;; *) die "'$1' is not HOST:PORT" ;; esac
  case $port in '' | *[!0-9]*) die "'$1' is not HOST:PORT" ;; esac
  port=$((10#$port + $2 * SHARD_PORT_STEP))
  [ "$port" -le 65535 ] || die "$1 moved up for shard $2 is port $port, past 65535: use fewer shards or lower ports"
  printf '%s:%s\n' "$host" "$port"
}

# Every shard's three addresses, checked before anything starts.
SHARD_LISTEN=() SHARD_SMTP=() SHARD_OAUTH=() SHARD_PIPED=()
declare -A port_owner=()
for ((i = 0; i < SHARDS; i++)); do
  SHARD_LISTEN[i]=$(shard_address "$LISTEN" "$i")
  SHARD_SMTP[i]=$(shard_address "$SMTP_LISTEN" "$i")
  SHARD_OAUTH[i]=$(shard_address "$OAUTH_LISTEN" "$i")
  SHARD_PIPED[i]=$(shard_address "$PIPED_LISTEN" "$i")
  for what in "nginx ${SHARD_LISTEN[i]}" "SMTP ${SHARD_SMTP[i]}" "OAuth ${SHARD_OAUTH[i]}" "Piped ${SHARD_PIPED[i]}"; do
    port=${what##*:}
    [ -z "${port_owner[$port]:-}" ] ||
      die "port $port would serve both ${port_owner[$port]} and shard $i's ${what% *}: with $SHARDS shards the ports of POMOPOMO_TEST_LISTEN, _SMTP_LISTEN, _OAUTH_LISTEN and _PIPED_LISTEN must not be a multiple of $SHARD_PORT_STEP apart"
    port_owner[$port]="shard $i's ${what% *}"
  done
done

bash scripts/deps.sh
# pytest runs in a venv over Debian's python3 with the PyPI-only packages (axe-selenium-python, ruff).
PY=$(bash scripts/pydeps.sh)
failed=()
say "linting (scripts/lint.sh)"
bash scripts/lint.sh || failed+=("lint (scripts/lint.sh)")
command -v swift >/dev/null 2>&1 || die "the Swift toolchain (swift) is not on PATH"
say "building (swift build --build-tests --scratch-path $SCRATCH)"
swift build --build-tests --scratch-path "$SCRATCH"

# The tests run clean-rooms themselves and check its summary: the responders' own periodic run
# would take rooms from under them.
export POMOPOMO_CLEAN_SECONDS=86400
# Every test comes from 127.0.0.1, and a poll a test gave up on stays parked until its hold ends:
# the per-address poll cap (64 per responder in production) would answer some test's live poll
# 429. Tests of the cap start a responder of their own with a small one. The other per-address
# limits keep their defaults: their Redis counters are emptied before every test.
export POMOPOMO_POLLS_PER_ADDRESS=${POMOPOMO_POLLS_PER_ADDRESS:-100000}
export POMOPOMO_SMTP_STARTTLS=off POMOPOMO_MAIL_FROM=pomopomo@localhost
export POMOPOMO_GITHUB_CLIENT_ID=gh-client POMOPOMO_GITHUB_CLIENT_SECRET=gh-secret
export POMOPOMO_GOOGLE_CLIENT_ID=google-client POMOPOMO_GOOGLE_CLIENT_SECRET=google-secret

# ---------------------------------------------------------------- one test stack

# Data dirs, made up front so that cleanup finds whatever any of them started: one per shard, and
# one for swift test's own services when it runs beside the shards.
DATA_DIRS=()
SWIFT_DIR=
new_data_dir() {
  local dir
  dir=$(mktemp -d /tmp/pomopomo-test.XXXXXX)
  chmod 755 "$dir"
  printf '%s\n' "$dir"
}

# Makes shard $1 current: DATA_DIR, its addresses, and the environment the responders read at
# start-up (also those the tests restart, which inherit it): mail and OAuth go to its test doubles.
use_shard() {
  SHARD=$1
  DATA_DIR=${DATA_DIRS[SHARD]}
  SHARD_URL=http://${SHARD_LISTEN[SHARD]}
  OAUTH_URL=http://${SHARD_OAUTH[SHARD]}
  # The app builds absolute links (share URLs, Origin checks) from it.
  export POMOPOMO_BASE_URL=$SHARD_URL
  export POMOPOMO_SMTP_HOST=${SHARD_SMTP[SHARD]%:*} POMOPOMO_SMTP_PORT=${SHARD_SMTP[SHARD]##*:}
  export POMOPOMO_GITHUB_AUTHORIZE_URL=$OAUTH_URL/github/login/oauth/authorize
  export POMOPOMO_GITHUB_TOKEN_URL=$OAUTH_URL/github/login/oauth/access_token
  export POMOPOMO_GITHUB_API_URL=$OAUTH_URL/github/api
  export POMOPOMO_GOOGLE_AUTHORIZE_URL=$OAUTH_URL/google/o/oauth2/v2/auth
  export POMOPOMO_GOOGLE_TOKEN_URL=$OAUTH_URL/google/token
  export POMOPOMO_GOOGLE_USERINFO_URL=$OAUTH_URL/google/v1/userinfo
  # The tests find the fake Piped instance through this too.
  export POMOPOMO_PIPED_URL=http://${SHARD_PIPED[SHARD]}
}

# PostgreSQL and Redis in data dir $1, migrated; their env (DATA/env) exported.
start_services() {
  POMOPOMO_FAST_PG=1 bash scripts/services.sh start "$1"
  set -a
  # shellcheck source=/dev/null # DATA/env is written by scripts/services.sh when it starts
  . "$1/env"
  set +a
  say "migrating the test database"
  "$POMOPOMO_BIN" migrate
}

# Pid files of the SMTP catcher and the fake provider live in DATA_DIR/helpers, not in DATA_DIR/run,
# where every *.pid but Redis's is taken for a responder's.

# Starts a test double in the background (log DATA_DIR/log/NAME.log) and waits until it accepts
# connections on HOST:PORT. Own session, like the responders: Ctrl-C reaches only this script.
start_helper() {
  local name=$1 listen=$2 pid waited=0
  shift 2
  ! port_open "$listen" || die "something already listens on $listen (a dev stack?); stop it or pick another port for $name (see the top of $0)"
  mkdir -p "$DATA_DIR/helpers" "$DATA_DIR/log"
  say "starting $name on $listen, log $DATA_DIR/log/$name.log"
  # shellcheck disable=SC2016 # $$, $0 and $@ are the inner shell's, expanded there
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$DATA_DIR/helpers/$name.pid" "$@" </dev/null >>"$DATA_DIR/log/$name.log" 2>&1 &
  until port_open "$listen"; do
    pid=$(read_pid "$DATA_DIR/helpers/$name.pid" || true)
    if [ "$waited" -ge 100 ] || { [ -n "$pid" ] && ! pid_alive "$pid"; }; then
      show_log_tail "$DATA_DIR/log/$name.log" 30
      die "$name does not accept connections on $listen (log: $DATA_DIR/log/$name.log)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# True when HOST:PORT accepts a TCP connection.
port_open() {
  (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

# The rest of the current shard's stack, once its services run: the test doubles, the responders
# and nginx.
start_front() {
  local name sockets=()
  start_helper smtp "${SHARD_SMTP[SHARD]}" \
    /usr/bin/python3 -m aiosmtpd -n -l "${SHARD_SMTP[SHARD]}" -c aiosmtpd.handlers.Mailbox "$DATA_DIR/mail"
  start_helper oauth "${SHARD_OAUTH[SHARD]}" /usr/bin/python3 Tests/fakes/oauth_provider.py "${SHARD_OAUTH[SHARD]}"
  # The music catalogue asks a fake Piped instance (real JSON shapes, real audio made with ffmpeg,
  # faults switched by the tests).
  start_helper piped "${SHARD_PIPED[SHARD]}" /usr/bin/python3 Tests/fakes/piped.py "${SHARD_PIPED[SHARD]}" "$DATA_DIR/piped"
  for name in "${RESPONDERS[@]}"; do
    bash scripts/responder.sh start "$DATA_DIR" "$name"
    sockets+=("$DATA_DIR/run/$name.sock")
  done
  bash scripts/nginx.sh start "$DATA_DIR" "${SHARD_LISTEN[SHARD]}" "${sockets[@]}"
}

# Stops whatever runs in data dir $1 (nginx, responders, services, test doubles); fine if nothing does.
stop_stack() {
  local dir=$1 pidfile pid
  bash scripts/nginx.sh stop "$dir" || true
  bash scripts/responder.sh stop-all "$dir" || true
  bash scripts/services.sh stop "$dir" || true
  for pidfile in "$dir"/helpers/*.pid; do
    [ -e "$pidfile" ] || continue
    if pid=$(read_pid "$pidfile") && pid_alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      wait_pid_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

# pytest ARGS... against the current shard's stack; returns pytest's exit code. A full run also
# writes DATA_DIR/log/junit.xml, where POMOPOMO_TEST_DURATIONS=1 reads the files' durations.
run_pytest() {
  local junit=()
  [ -n "${POMOPOMO_TEST_ONLY:-}" ] || junit=(--junitxml="$DATA_DIR/log/junit.xml")
  say "running the HTTP and browser tests against $SHARD_URL"
  POMOPOMO_TEST_URL=$SHARD_URL \
  POMOPOMO_TEST_DATA_DIR=$DATA_DIR \
  POMOPOMO_TEST_SOCKETS="${RESPONDERS[*]}" \
  POMOPOMO_TEST_MAILDIR=$DATA_DIR/mail \
  POMOPOMO_TEST_OAUTH_URL=$OAUTH_URL \
  PYTHONDONTWRITEBYTECODE=1 \
    "$PY" -m pytest -q "${junit[@]}" "$@"
}

swift_test() {
  say "running swift test"
  # Asked for, the integration suites fail without PostgreSQL and Redis instead of skipping.
  POMOPOMO_TEST_REQUIRE_SERVICES=1 swift test --skip-build --scratch-path "$SCRATCH"
}

# ---------------------------------------------------------------- background jobs

# The shards and swift test run as background jobs, each in a process group of its own (set -m),
# so that a Ctrl-C reaches only this script, which then stops them and their stacks in order.
# JOB_NAME[pid], JOB_LOG[pid], JOB_SHARD[pid] (-1 for swift test), JOB_START[pid] (seconds).
declare -A JOB_NAME=() JOB_LOG=() JOB_SHARD=() JOB_START=()

# start_job NAME SHARD LOG FUNCTION ARGS...: runs FUNCTION ARGS... with its output in LOG.
start_job() {
  local name=$1 shard=$2 log=$3
  shift 3
  set -m
  ("$@") </dev/null >"$log" 2>&1 &
  set +m
  JOB_NAME[$!]=$name JOB_LOG[$!]=$log JOB_SHARD[$!]=$shard JOB_START[$!]=$SECONDS
}

# Interrupts every job still running (SIGINT to its process group: pytest tears its fixtures down),
# kills the process groups of those still there 15 s later, and shows the end of their output.
stop_jobs() {
  local pid waited=0
  [ "${#JOB_NAME[@]}" -gt 0 ] || return 0
  for pid in "${!JOB_NAME[@]}"; do
    say "interrupting ${JOB_NAME[$pid]}"
    kill -INT -- "-$pid" 2>/dev/null || true
  done
  for pid in "${!JOB_NAME[@]}"; do
    while pid_alive "$pid" && [ "$waited" -lt 150 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    say "the last lines of ${JOB_NAME[$pid]}'s output:"
    tail -n 15 "${JOB_LOG[$pid]}" | sed "s/^/[${JOB_NAME[$pid]}] /"
    unset "JOB_NAME[$pid]"
  done
}

# One shard, as a background job: its stack, then pytest over its files.
shard_job() {
  use_shard "$1"
  shift
  printf 'files: %s\n' "$*"
  start_services "$DATA_DIR"
  start_front
  run_pytest "$@"
}

# swift test as a background job, on services of its own.
swift_job() {
  start_services "$SWIFT_DIR"
  swift_test
}

# ---------------------------------------------------------------- cleanup

cleanup() {
  local rc=$? dir shard log shown=() summary=
  trap '' INT TERM
  stop_jobs
  [ "$rc" -eq 0 ] || [ "${#failed[@]}" -gt 0 ] || failed+=("test harness (exit $rc)")
  if [ "${#failed[@]}" -gt 0 ]; then
    # The responders', the test doubles' and nginx's logs of the shards that failed (of every
    # shard when what failed was no shard's).
    for shard in "${!FAILED_SHARD[@]}"; do shown+=("${DATA_DIRS[shard]}"); done
    [ "${#shown[@]}" -gt 0 ] || shown=("${DATA_DIRS[@]}")
    for dir in "${shown[@]}"; do
      for log in "$dir"/log/*.log; do
        case $(basename "$log") in postgres.log | redis.log | initdb.log) continue ;; esac
        [ -e "$log" ] && show_log_tail "$log" 50
      done
      [ ! -d "$dir/nginx" ] || show_log_tail "$dir/nginx/error.log" 50
    done
  fi
  for dir in "${DATA_DIRS[@]}" ${SWIFT_DIR:+"$SWIFT_DIR"}; do
    stop_stack "$dir"
    if [ "${KEEP:-0}" = 1 ]; then
      say "kept the test data dir: $dir"
    else
      rm -rf "$dir"
    fi
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    for log in "${failed[@]}"; do summary+="${summary:+; }$log"; done
    say "FAILED: $summary"
    [ "$rc" -ne 0 ] || rc=1
  else
    say "all tests passed"
  fi
  exit "$rc"
}
declare -A FAILED_SHARD=()
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- one stack: today's order

if [ "$SHARDS" = 1 ]; then
  DATA_DIRS=("$(new_data_dir)")
  use_shard 0
  start_services "$DATA_DIR"
  if [ "${POMOPOMO_TEST_SKIP_SWIFT:-0}" = 1 ]; then
    say "skipping swift test (POMOPOMO_TEST_SKIP_SWIFT=1)"
  else
    swift_test || failed+=("swift test (exit $?)")
  fi
  start_front
  # POMOPOMO_TEST_ONLY is read as shell words, so quoted -k expressions stay one argument.
  pytest_args=(Tests/http Tests/browser)
  [ -z "${POMOPOMO_TEST_ONLY:-}" ] || eval "pytest_args=($POMOPOMO_TEST_ONLY)"
  pytest_rc=0
  run_pytest "${pytest_args[@]}" || pytest_rc=$?
  case $pytest_rc in
    0) ;;
    5) failed+=("pytest collected no tests (exit 5)") ;;
    *) failed+=("pytest (exit $pytest_rc)") ;;
  esac
  [ "$pytest_rc" -eq 0 ] || FAILED_SHARD[0]=1
fi

# ---------------------------------------------------------------- shards

if [ "$SHARDS" -gt 1 ]; then
  mapfile -t test_files < <(find Tests/http Tests/browser -name 'test_*.py' -type f | LC_ALL=C sort)
  mapfile -t split < <("$PY" scripts/test_shards.py split "$SHARDS" "$DURATIONS" "${test_files[@]}")
  [ "${#split[@]}" -eq "$SHARDS" ] || die "scripts/test_shards.py did not split the files into $SHARDS shards"
  for ((i = 0; i < SHARDS; i++)); do
    DATA_DIRS[i]=$(new_data_dir)
  done
  if [ "${POMOPOMO_TEST_SKIP_SWIFT:-0}" = 1 ]; then
    say "skipping swift test (POMOPOMO_TEST_SKIP_SWIFT=1)"
  else
    SWIFT_DIR=$(new_data_dir)
    say "swift test: on its own services in $SWIFT_DIR, log $SWIFT_DIR/swift.log"
    start_job "swift test" -1 "$SWIFT_DIR/swift.log" swift_job
  fi
  for ((i = 0; i < SHARDS; i++)); do
    read -r -a files <<<"${split[i]}"
    if [ "${#files[@]}" -eq 0 ]; then
      say "shard $i: no files (more shards than files)"
      continue
    fi
    say "shard $i: ${#files[@]} files on ${SHARD_LISTEN[i]}, data dir ${DATA_DIRS[i]}, log ${DATA_DIRS[i]}/pytest.log"
    start_job "shard $i" "$i" "${DATA_DIRS[i]}/pytest.log" shard_job "$i" "${files[@]}"
  done
  # Each job's output, whole and prefixed, as it finishes.
  while [ "${#JOB_NAME[@]}" -gt 0 ]; do
    job_rc=0 done_pid=
    wait -n -p done_pid "${!JOB_NAME[@]}" || job_rc=$?
    [ -n "${done_pid:+${JOB_NAME[$done_pid]:-}}" ] || die "lost track of the jobs ${JOB_NAME[*]} (wait: exit $job_rc)"
    name=${JOB_NAME[$done_pid]} shard=${JOB_SHARD[$done_pid]}
    elapsed=$((SECONDS - JOB_START[$done_pid]))
    sed "s/^/[$name] /" "${JOB_LOG[$done_pid]}"
    unset "JOB_NAME[$done_pid]"
    if [ "$job_rc" -eq 0 ]; then
      say "$name passed in $((elapsed / 60))m$((elapsed % 60))s"
    else
      say "$name FAILED (exit $job_rc) in $((elapsed / 60))m$((elapsed % 60))s"
      if [ "$shard" -ge 0 ]; then
        FAILED_SHARD[$shard]=1
        failed+=("shard $shard (exit $job_rc; its output is above, each line prefixed [shard $shard])")
      else
        failed+=("swift test (exit $job_rc)")
      fi
    fi
  done
fi

if [ "${POMOPOMO_TEST_DURATIONS:-0}" = 1 ]; then
  if [ -n "${POMOPOMO_TEST_ONLY:-}" ] || [ "${#failed[@]}" -gt 0 ]; then
    warn "not rewriting $DURATIONS: POMOPOMO_TEST_DURATIONS=1 needs a full run where everything passed"
  else
    reports=()
    for dir in "${DATA_DIRS[@]}"; do
      [ ! -f "$dir/log/junit.xml" ] || reports+=("$dir/log/junit.xml")
    done
    "$PY" scripts/test_shards.py durations "${reports[@]}" >"$DURATIONS.tmp"
    mv "$DURATIONS.tmp" "$DURATIONS"
    say "wrote $DURATIONS"
  fi
fi
