#!/usr/bin/env bash
# `make lint`: the checks that need no build and no services, each run to the end so one run shows
# every finding:
#   - swift format lint --strict on the Swift in Sources/, Tests/, Package.swift and the bench peer's own
#     package (bench/peer/Package.swift and bench/peer/Sources/PomopomoPeer; style in
#     .swift-format; swift-format ships with the toolchain). `swift format -i -r Sources Tests
#     Package.swift` fixes nearly everything it reports.
#   - ruff check on the Python in Tests/, bench/ and scripts/ (rules in ruff.toml; ruff is pinned in
#     Tests/requirements.txt and lives in the venv scripts/pydeps.sh makes)
#   - shellcheck on scripts/*.sh, bench/*.sh and .ci/run (options in .shellcheckrc)
# Exits non-zero if any check found something. scripts/test.sh runs it first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$POMOPOMO_ROOT"

failed=()

command -v swift >/dev/null 2>&1 || die "the Swift toolchain (swift) is not on PATH"
PEER_SWIFT=(bench/peer/Package.swift bench/peer/Sources/PomopomoPeer)
say "swift format lint --strict Sources Tests Package.swift ${PEER_SWIFT[*]}"
swift format lint --strict --recursive --parallel Sources Tests Package.swift "${PEER_SWIFT[@]}" ||
  failed+=("swift format lint (style in .swift-format; swift format -i -r Sources Tests Package.swift fixes most)")

PY=$(bash scripts/pydeps.sh)
RUFF=$(dirname "$PY")/ruff
say "ruff check Tests bench scripts"
"$RUFF" check --output-format concise --quiet Tests bench scripts || failed+=("ruff check (rules in ruff.toml)")

command -v shellcheck >/dev/null 2>&1 || die "shellcheck is not installed; run scripts/deps.sh"
say "shellcheck scripts/*.sh bench/*.sh .ci/run"
shellcheck scripts/*.sh bench/*.sh .ci/run || failed+=("shellcheck")

if [ "${#failed[@]}" -gt 0 ]; then
  say "FAILED: ${failed[*]}; see the findings above"
  exit 1
fi
say "no findings"
