#!/usr/bin/env bash
# Room pages through the simulated cluster's nginx (scripts/cluster.sh) with one responder host,
# then two (nginx taking turns, then least_conn, the cluster's setting), in one run: requests/s of
# each, the ratios, and the CPU each kind of process used during each run (from /proc: utime +
# stime), to show what limits it on this machine.
#
#   bash bench/cluster.sh          (brings the cluster up when it is not; leaves it up)
# Knobs: BENCH_CLUSTER_SECONDS (15), BENCH_CLUSTER_CONNECTIONS (32), BENCH_CLUSTER_THREADS (2),
# BENCH_CLUSTER_CPUS (0.25): the CPUs each responder host may use (a cgroup quota). This machine has
# 2 cores for everything, so one unlimited responder could already take both and a second one
# would have nothing to add; with a quota per host, nginx, PostgreSQL and wrk keep the rest and
# the run shows what a second host adds. BENCH_CLUSTER_CPUS=0 turns the quota off.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${POMOPOMO_CLUSTER_DIR:-/tmp/pomopomo-cluster}
SECONDS_=${BENCH_CLUSTER_SECONDS:-15}
CONNECTIONS=${BENCH_CLUSTER_CONNECTIONS:-32}
THREADS=${BENCH_CLUSTER_THREADS:-2}
OUT=$ROOT/bench/out
mkdir -p "$OUT"
cluster() { bash "$ROOT/scripts/cluster.sh" "$@"; }

if [ ! -f "$DIR/env" ] || ! ip netns list | grep -qw ppc-web; then cluster up; fi
cluster responder-start r1 >/dev/null
cluster responder-start r2 >/dev/null
CPUS=${BENCH_CLUSTER_CPUS:-0.25}
if [ "$CPUS" != 0 ]; then
  cluster cpu-limit r1 "$CPUS"
  cluster cpu-limit r2 "$CPUS"
fi

# A small room and a participant's cookie, made through nginx like a browser.
read -r CODE SID < <(cluster exec web python3 - "$ROOT" <<'PY'
import sys
sys.path.insert(0, sys.argv[1] + "/Tests")
from pomopomo_testkit import User
u = User("http://127.0.0.1:8080")
code = u.create_room("Bench Host")
print(code, u.sid)
PY
)

# CPU ticks used so far by each kind of process inside the cluster's namespaces (the machine's
# other processes are not counted), responders per host; a process that exits meanwhile drops out.
cpu() {
  local host pid comm ticks
  declare -A sum=()
  for host in r1 r2 web db redis; do
    for pid in $(ip netns pids "ppc-$host" 2>/dev/null); do
      comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
      [ "$comm" != pomopomo ] || comm=pomopomo-$host
      ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || continue
      sum[$comm]=$((${sum[$comm]:-0} + ticks))
    done
  done
  for comm in "${!sum[@]}"; do printf '%s=%s ' "$comm" "${sum[$comm]}"; done
}

run() {
  local label=$1 before after rps
  before=$(cpu)
  cluster exec web nice -n 10 wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_}s" -H "Cookie: pp_sid=$SID" \
    "http://127.0.0.1:8080/r/$CODE" >"$OUT/cluster-$label.txt"
  after=$(cpu)
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/cluster-$label.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$OUT/cluster-$label.txt")
  printf '%s: %s requests/s (non-2xx: %s); CPU seconds per second of load:' "$label" "$rps" "${non2xx:-0}"
  python3 - "$before" "$after" "$SECONDS_" <<'PY'
import os, sys
hz = os.sysconf("SC_CLK_TCK")
b = dict(kv.split("=") for kv in sys.argv[1].split())
a = dict(kv.split("=") for kv in sys.argv[2].split())
print("".join(f" {k} {(int(a[k]) - int(b.get(k, 0))) / hz / float(sys.argv[3]):.2f}" for k in sorted(a)
              if k in b or k.startswith("wrk")))
PY
  printf '%s\n' "$rps" >"$OUT/cluster-$label.rps"
}

warm() { cluster exec web wrk -t1 -c4 -d2s -H "Cookie: pp_sid=$SID" "http://127.0.0.1:8080/r/$CODE" >/dev/null; }
ratio() { python3 -c "print(f'{float(open(\"$OUT/cluster-$1.rps\").read()) / float(open(\"$OUT/cluster-one.rps\").read()):.2f}')"; }

# Two with nginx taking turns (round-robin) as well as the cluster's least_conn: with a quota per
# host, the host that is behind holds its requests longer, and taking turns makes the other wait.
cluster web-restart least_conn >/dev/null
warm
cluster responder-stop r2 >/dev/null
run one
cluster responder-start r2 >/dev/null
cluster web-restart round-robin >/dev/null
warm
run two-rr
cluster web-restart least_conn >/dev/null
warm
run two
printf 'two/one = %sx with least_conn, %sx round-robin (responder hosts of %s CPUs each; uptime: %s)\n' \
  "$(ratio two)" "$(ratio two-rr)" "$CPUS" "$(uptime | sed 's/.*load average: //')"
