#!/usr/bin/env bash
# The cost of one password hash: Argon2id with the parameters Pomopomo uses (bench/argon2id.c,
# the same libsodium call), N runs each (default 20). Usage: bench/password_hash.sh [N]
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
read -r -a sodium <<<"$(pkg-config --cflags --libs libsodium)"
gcc -O2 -o "$out/argon2id" argon2id.c "${sodium[@]}"
"$out/argon2id" "${1:-20}"
