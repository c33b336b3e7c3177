#!/usr/bin/env bash
# `make drills`: brings the simulated cluster up (scripts/cluster.sh up), runs the fault drills
# (Tests/drills) inside its web host against nginx, prints what each measured, and takes the
# cluster down again unless KEEP=1. POMOPOMO_DRILLS_REUSE=1 runs them on a cluster already up.
#
# POMOPOMO_DRILLS_SUITE="Tests/http/test_x.py ..." then runs those HTTP test files against the same
# cluster (through nginx, with every statement through PgBouncer). The HTTP tests need what
# scripts/test.sh gives them: a debug build (their test clock; used here when the suite is asked
# for), an SMTP catcher (aiosmtpd on the web host, writing CLUSTER_DIR/mail; the responders are
# restarted to send to it) and no periodic clean-rooms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DIR=${POMOPOMO_CLUSTER_DIR:-/tmp/pomopomo-cluster}
SUITE=${POMOPOMO_DRILLS_SUITE:-}
export POMOPOMO_CLUSTER_DIR=$DIR
[ -z "$SUITE" ] || export POMOPOMO_BIN=${POMOPOMO_BIN:-$POMOPOMO_ROOT/.build/debug/pomopomo}
[ "${POMOPOMO_DRILLS_REUSE:-0}" = 1 ] || bash "$POMOPOMO_ROOT/scripts/cluster.sh" up
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { [ "${KEEP:-0}" = 1 ] || bash "$POMOPOMO_ROOT/scripts/cluster.sh" down; }
trap cleanup EXIT

cd "$POMOPOMO_ROOT"
# What Tests/conftest.py reads: nginx's URL and a data dir whose env names the database (PgBouncer).
export POMOPOMO_TEST_URL=http://127.0.0.1:8080 POMOPOMO_TEST_DATA_DIR=$DIR POMOPOMO_TEST_SOCKETS="r1 r2"
rc=0
ip netns exec ppc-web python3 -m pytest -q -s -p no:cacheprovider Tests/drills || rc=$?

if [ -n "$SUITE" ]; then
  SMTP=10.77.0.20:2525
  mkdir -p "$DIR/mail/cur" "$DIR/mail/new" "$DIR/mail/tmp"
  ip netns exec ppc-web setsid /usr/bin/python3 -m aiosmtpd -n -l "$SMTP" -c aiosmtpd.handlers.Mailbox "$DIR/mail" \
    </dev/null >"$DIR/log/smtp.log" 2>&1 &
  cat >>"$DIR/responder.env" <<ENV
export POMOPOMO_SMTP_HOST='${SMTP%:*}'
export POMOPOMO_SMTP_PORT='${SMTP##*:}'
export POMOPOMO_SMTP_STARTTLS='off'
export POMOPOMO_MAIL_FROM='pomopomo@localhost'
export POMOPOMO_MAIL_LOG='0'
export POMOPOMO_CLEAN_SECONDS='86400'
ENV
  for host in r1 r2; do
    bash scripts/cluster.sh responder-stop "$host"
    bash scripts/cluster.sh responder-start "$host"
  done
  # shellcheck disable=SC2086 # a list of test files and pytest options
  POMOPOMO_TEST_MAILDIR=$DIR/mail ip netns exec ppc-web python3 -m pytest -q -p no:cacheprovider $SUITE || rc=$?
fi
exit "$rc"
