#!/usr/bin/env bash
# `make test`: everything, on throwaway services.
#   0. scripts/lint.sh (ruff, shellcheck); a finding fails the run, but the tests still run
#   1. Debian packages, debug build with tests
#   2. PostgreSQL + Redis in a fresh /tmp/pomopomo-test.XXXXXX (fast, non-durable), migrations
#   3. swift test (unit and integration tests; they read POMOPOMO_DATABASE_URL and POMOPOMO_REDIS)
#   4. an SMTP catcher (aiosmtpd, 127.0.0.1:18025, writing the Maildir DATA_DIR/mail), the fake
#      GitHub/Google (Tests/fakes/oauth_provider.py, 127.0.0.1:18097) and the fake Piped instance of the
#      music catalogue (Tests/fakes/piped.py, 127.0.0.1:18098) the responders are pointed at
#   5. two responders (a, b) behind one nginx on 127.0.0.1:18080, then the HTTP and browser tests:
#      .build/pyenv/bin/python -m pytest -q Tests/http Tests/browser (scripts/pydeps.sh makes the venv)
# The pytest tests get POMOPOMO_TEST_URL, POMOPOMO_TEST_DATA_DIR, POMOPOMO_TEST_SOCKETS ("a b"),
# POMOPOMO_TEST_MAILDIR, POMOPOMO_TEST_OAUTH_URL and the services' env, and may stop and start Redis or a
# responder through scripts/services.sh and scripts/responder.sh (their working directory is the project root).
#
# For a quick loop while developing: POMOPOMO_TEST_ONLY="Tests/http/test_x.py -k name" runs just those
# pytest arguments instead of every suite, and POMOPOMO_TEST_SKIP_SWIFT=1 skips `swift test`.
# KEEP=1 keeps the data dir (logs, database, mail) and prints where it is. POMOPOMO_TEST_LISTEN,
# POMOPOMO_TEST_SMTP_LISTEN, POMOPOMO_TEST_OAUTH_LISTEN and POMOPOMO_TEST_PIPED_LISTEN change the ports (HOST:PORT).
# Exits non-zero if any step failed; later steps still run after a failed test step.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$POMOPOMO_ROOT"

LISTEN=${POMOPOMO_TEST_LISTEN:-127.0.0.1:18080}
SMTP_LISTEN=${POMOPOMO_TEST_SMTP_LISTEN:-127.0.0.1:18025}
OAUTH_LISTEN=${POMOPOMO_TEST_OAUTH_LISTEN:-127.0.0.1:18097}
RESPONDERS=(a b)
export POMOPOMO_BIN=$POMOPOMO_ROOT/.build/debug/pomopomo
# The app builds absolute links (share URLs, Origin checks) from it; responders restarted by the
# tests inherit it too.
export POMOPOMO_BASE_URL=http://$LISTEN

bash scripts/deps.sh
# pytest runs in a venv over Debian's python3 with the PyPI-only packages (axe-selenium-python, ruff).
PY=$(bash scripts/pydeps.sh)
failed=()
say "linting (scripts/lint.sh)"
bash scripts/lint.sh || failed+=("lint (scripts/lint.sh)")
command -v swift >/dev/null 2>&1 || die "the Swift toolchain (swift) is not on PATH"
say "building (swift build --build-tests)"
swift build --build-tests

DATA_DIR=$(mktemp -d /tmp/pomopomo-test.XXXXXX)
chmod 755 "$DATA_DIR"
# Pid files of the SMTP catcher and the fake provider; not in DATA_DIR/run, where every *.pid but
# Redis's is taken for a responder's.
HELPERS_DIR=$DATA_DIR/helpers

# Starts a test double in the background (log DATA_DIR/log/NAME.log) and waits until it accepts
# connections on HOST:PORT. Own session, like the responders: Ctrl-C reaches only this script.
start_helper() {
  local name=$1 listen=$2 pid waited=0
  shift 2
  ! port_open "$listen" || die "something already listens on $listen (a dev stack?); stop it or pick another port for $name (see the top of $0)"
  mkdir -p "$HELPERS_DIR" "$DATA_DIR/log"
  say "starting $name on $listen, log $DATA_DIR/log/$name.log"
  # shellcheck disable=SC2016 # $$, $0 and $@ are the inner shell's, expanded there
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$HELPERS_DIR/$name.pid" "$@" </dev/null >>"$DATA_DIR/log/$name.log" 2>&1 &
  until port_open "$listen"; do
    pid=$(read_pid "$HELPERS_DIR/$name.pid" || true)
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

stop_helpers() {
  local pidfile pid
  for pidfile in "$HELPERS_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    if pid=$(read_pid "$pidfile") && pid_alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      wait_pid_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

cleanup() {
  local rc=$?
  trap '' INT TERM
  [ "$rc" -eq 0 ] || [ "${#failed[@]}" -gt 0 ] || failed+=("test harness (exit $rc)")
  if [ "${#failed[@]}" -gt 0 ]; then
    for log in "$DATA_DIR"/log/*.log; do
      case $(basename "$log") in postgres.log | redis.log | initdb.log) continue ;; esac
      [ -e "$log" ] && show_log_tail "$log" 50
    done
    show_log_tail "$DATA_DIR/nginx/error.log" 50
  fi
  bash scripts/nginx.sh stop "$DATA_DIR" || true
  bash scripts/responder.sh stop-all "$DATA_DIR" || true
  bash scripts/services.sh stop "$DATA_DIR" || true
  stop_helpers
  if [ "${KEEP:-0}" = 1 ]; then
    say "kept the test data dir: $DATA_DIR"
  else
    rm -rf "$DATA_DIR"
  fi
  if [ "${#failed[@]}" -gt 0 ]; then
    say "FAILED: ${failed[*]}"
    [ "$rc" -ne 0 ] || rc=1
  else
    say "all tests passed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

POMOPOMO_FAST_PG=1 bash scripts/services.sh start "$DATA_DIR"
set -a
# shellcheck source=/dev/null # DATA/env is written by scripts/services.sh when it starts
. "$DATA_DIR/env"
set +a
say "migrating the test database"
"$POMOPOMO_BIN" migrate

if [ "${POMOPOMO_TEST_SKIP_SWIFT:-0}" = 1 ]; then
  say "skipping swift test (POMOPOMO_TEST_SKIP_SWIFT=1)"
else
  say "running swift test"
  # Asked for, the integration suites fail without PostgreSQL and Redis instead of skipping.
  POMOPOMO_TEST_REQUIRE_SERVICES=1 swift test --skip-build || failed+=("swift test (exit $?)")
fi

# The tests run clean-rooms themselves and check its summary: the responders' own periodic run
# would take rooms from under them.
export POMOPOMO_CLEAN_SECONDS=86400
# Every test comes from 127.0.0.1, and a poll a test gave up on stays parked until its hold ends:
# the per-address poll cap (64 per responder in production) would answer some test's live poll
# 429. Tests of the cap start a responder of their own with a small one. The other per-address
# limits keep their defaults: their Redis counters are emptied before every test.
export POMOPOMO_POLLS_PER_ADDRESS=${POMOPOMO_POLLS_PER_ADDRESS:-100000}

# Mail and OAuth go to the test doubles; the responders read these at start-up (and so do those the
# tests restart, which inherit this environment).
export POMOPOMO_SMTP_HOST=${SMTP_LISTEN%:*} POMOPOMO_SMTP_PORT=${SMTP_LISTEN##*:} POMOPOMO_SMTP_STARTTLS=off
export POMOPOMO_MAIL_FROM=pomopomo@localhost
OAUTH_URL=http://$OAUTH_LISTEN
export POMOPOMO_GITHUB_CLIENT_ID=gh-client POMOPOMO_GITHUB_CLIENT_SECRET=gh-secret
export POMOPOMO_GITHUB_AUTHORIZE_URL=$OAUTH_URL/github/login/oauth/authorize
export POMOPOMO_GITHUB_TOKEN_URL=$OAUTH_URL/github/login/oauth/access_token
export POMOPOMO_GITHUB_API_URL=$OAUTH_URL/github/api
export POMOPOMO_GOOGLE_CLIENT_ID=google-client POMOPOMO_GOOGLE_CLIENT_SECRET=google-secret
export POMOPOMO_GOOGLE_AUTHORIZE_URL=$OAUTH_URL/google/o/oauth2/v2/auth
export POMOPOMO_GOOGLE_TOKEN_URL=$OAUTH_URL/google/token
export POMOPOMO_GOOGLE_USERINFO_URL=$OAUTH_URL/google/v1/userinfo
start_helper smtp "$SMTP_LISTEN" \
  /usr/bin/python3 -m aiosmtpd -n -l "$SMTP_LISTEN" -c aiosmtpd.handlers.Mailbox "$DATA_DIR/mail"
start_helper oauth "$OAUTH_LISTEN" /usr/bin/python3 Tests/fakes/oauth_provider.py "$OAUTH_LISTEN"
# The music catalogue asks a fake Piped instance (real JSON shapes, real audio made with ffmpeg, faults
# switched by the tests); the tests find it through POMOPOMO_PIPED_URL too.
PIPED_LISTEN=${POMOPOMO_TEST_PIPED_LISTEN:-127.0.0.1:18098}
export POMOPOMO_PIPED_URL=http://$PIPED_LISTEN
start_helper piped "$PIPED_LISTEN" /usr/bin/python3 Tests/fakes/piped.py "$PIPED_LISTEN" "$DATA_DIR/piped"

sockets=()
for name in "${RESPONDERS[@]}"; do
  bash scripts/responder.sh start "$DATA_DIR" "$name"
  sockets+=("$DATA_DIR/run/$name.sock")
done
bash scripts/nginx.sh start "$DATA_DIR" "$LISTEN" "${sockets[@]}"

say "running the HTTP and browser tests against http://$LISTEN"
pytest_rc=0
# POMOPOMO_TEST_ONLY is read as shell words, so quoted -k expressions stay one argument.
pytest_args=(Tests/http Tests/browser)
[ -z "${POMOPOMO_TEST_ONLY:-}" ] || eval "pytest_args=($POMOPOMO_TEST_ONLY)"
POMOPOMO_TEST_URL=http://$LISTEN \
POMOPOMO_TEST_DATA_DIR=$DATA_DIR \
POMOPOMO_TEST_SOCKETS="${RESPONDERS[*]}" \
POMOPOMO_TEST_MAILDIR=$DATA_DIR/mail \
POMOPOMO_TEST_OAUTH_URL=$OAUTH_URL \
PYTHONDONTWRITEBYTECODE=1 \
  "$PY" -m pytest -q "${pytest_args[@]}" || pytest_rc=$?
case $pytest_rc in
  0) ;;
  5) failed+=("pytest collected no tests (exit 5)") ;;
  *) failed+=("pytest (exit $pytest_rc)") ;;
esac
