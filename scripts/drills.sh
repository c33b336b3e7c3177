#!/usr/bin/env bash
# `make drills`: brings the simulated cluster up (scripts/cluster.sh up), runs the fault drills
# (Tests/drills) inside its web host against nginx, prints what each measured, and takes the
# cluster down again unless KEEP=1. POMOPOMO_DRILLS_REUSE=1 runs them on a cluster already up.
# Then, with POMOPOMO_DRILLS_SUITE="Tests/http/test_x.py ...", the named HTTP test files run
# against the same cluster (through nginx and PgBouncer).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DIR=${POMOPOMO_CLUSTER_DIR:-/tmp/pomopomo-cluster}
export POMOPOMO_CLUSTER_DIR=$DIR
[ "${POMOPOMO_DRILLS_REUSE:-0}" = 1 ] || bash "$POMOPOMO_ROOT/scripts/cluster.sh" up
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { [ "${KEEP:-0}" = 1 ] || bash "$POMOPOMO_ROOT/scripts/cluster.sh" down; }
trap cleanup EXIT

cd "$POMOPOMO_ROOT"
rc=0
# What Tests/conftest.py reads: nginx's URL and a data dir whose env names the database (PgBouncer).
export POMOPOMO_TEST_URL=http://127.0.0.1:8080 POMOPOMO_TEST_DATA_DIR=$DIR POMOPOMO_TEST_SOCKETS="r1 r2"
ip netns exec ppc-web python3 -m pytest -q -s -p no:cacheprovider Tests/drills || rc=$?
if [ -n "${POMOPOMO_DRILLS_SUITE:-}" ]; then
  # shellcheck disable=SC2086 # a list of test files and pytest options
  ip netns exec ppc-web python3 -m pytest -q -p no:cacheprovider $POMOPOMO_DRILLS_SUITE || rc=$?
fi
exit "$rc"
