#!/usr/bin/env bash
# `make test`: everything, on throwaway services.
#   1. Debian packages, debug build with tests
#   2. PostgreSQL + Redis in a fresh /tmp/pomopomo-test.XXXXXX (fast, non-durable), migrations
#   3. swift test (unit and integration tests; they read POMOPOMO_DATABASE_URL and POMOPOMO_REDIS)
#   4. two responders (a, b) behind one nginx on 127.0.0.1:18080, then the HTTP and browser tests:
#      /usr/bin/python3 -m pytest -q Tests/http Tests/browser
# The pytest tests get POMOPOMO_TEST_URL, POMOPOMO_TEST_DATA_DIR, POMOPOMO_TEST_SOCKETS ("a b") and the
# services' env, and may stop and start Redis or a responder through scripts/services.sh and
# scripts/responder.sh (their working directory is the project root).
#
# KEEP=1 keeps the data dir (logs, database) and prints where it is. POMOPOMO_TEST_LISTEN changes the port.
# Exits non-zero if any step failed; later steps still run after a failed test step.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$POMOPOMO_ROOT"

LISTEN=${POMOPOMO_TEST_LISTEN:-127.0.0.1:18080}
RESPONDERS=(a b)
export POMOPOMO_BIN=$POMOPOMO_ROOT/.build/debug/pomopomo
# The app builds absolute links (share URLs, Origin checks) from it; responders restarted by the
# tests inherit it too.
export POMOPOMO_BASE_URL=http://$LISTEN

bash scripts/deps.sh
command -v swift >/dev/null 2>&1 || die "the Swift toolchain (swift) is not on PATH"
say "building (swift build --build-tests)"
swift build --build-tests

DATA_DIR=$(mktemp -d /tmp/pomopomo-test.XXXXXX)
chmod 755 "$DATA_DIR"
failed=()

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
. "$DATA_DIR/env"
set +a
say "migrating the test database"
"$POMOPOMO_BIN" migrate

say "running swift test"
swift test --skip-build || failed+=("swift test (exit $?)")

# The tests run clean-rooms themselves and check its summary: the responders' own periodic run
# would take rooms from under them.
export POMOPOMO_CLEAN_SECONDS=86400
sockets=()
for name in "${RESPONDERS[@]}"; do
  bash scripts/responder.sh start "$DATA_DIR" "$name"
  sockets+=("$DATA_DIR/run/$name.sock")
done
bash scripts/nginx.sh start "$DATA_DIR" "$LISTEN" "${sockets[@]}"

say "running the HTTP and browser tests against http://$LISTEN"
pytest_rc=0
POMOPOMO_TEST_URL=http://$LISTEN \
POMOPOMO_TEST_DATA_DIR=$DATA_DIR \
POMOPOMO_TEST_SOCKETS="${RESPONDERS[*]}" \
PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 -m pytest -q Tests/http Tests/browser || pytest_rc=$?
case $pytest_rc in
  0) ;;
  5) failed+=("pytest collected no tests (exit 5)") ;;
  *) failed+=("pytest (exit $pytest_rc)") ;;
esac
