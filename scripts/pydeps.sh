#!/usr/bin/env bash
# Makes .build/pyenv: a venv over Debian's python3 (it sees the python3-* packages deps.sh
# installs) with Tests/requirements.txt from PyPI. Quiet and quick when it is up to date.
# Prints nothing on stdout but the venv's python path, so callers can do PY=$(bash scripts/pydeps.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$POMOPOMO_ROOT"

VENV=$POMOPOMO_ROOT/.build/pyenv
REQUIREMENTS=Tests/requirements.txt
STAMP=$VENV/requirements.installed

if [ ! -x "$VENV/bin/python" ]; then
  say "making the Python venv $VENV" >&2
  mkdir -p "$(dirname "$VENV")"
  /usr/bin/python3 -m venv --system-site-packages "$VENV" >&2 ||
    die "python3 -m venv failed: is python3-venv installed (bash scripts/deps.sh)?"
fi
if ! cmp -s "$REQUIREMENTS" "$STAMP"; then
  say "installing $REQUIREMENTS into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS" >&2 ||
    die "pip could not install $REQUIREMENTS (PyPI must be reachable)"
  cp "$REQUIREMENTS" "$STAMP"
fi
printf '%s\n' "$VENV/bin/python"
