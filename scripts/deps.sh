#!/usr/bin/env bash
# Installs the Debian packages that building, running and testing Pomopomo need.
# Quick and silent-ish when everything is present; runs apt-get only when something is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
  # C libraries the Swift package links through pkg-config
  libfcgi-dev libhiredis-dev libmarkdown2-dev libsodium-dev libpq-dev libcurl4-openssl-dev libqrencode-dev pkg-config
  # data the app reads at run time: the common-password list (/usr/share/john/password.lst)
  john-data
  # the journal's voice notes: ffprobe (duration), ffmpeg (16 kHz mono for speech-to-text) and the
  # offline speech-to-text engine with its English model
  ffmpeg pocketsphinx pocketsphinx-en-us
  # services
  nginx redis-server postgresql
  # tests and benchmarks
  chromium chromium-driver wrk python3-selenium python3-pytest python3-requests sox
  # the spoken sentences the transcription tests recognise (flite's voices are the ones
  # pocketsphinx's model hears best; espeak-ng's are measured too)
  espeak-ng flite
  # the venv scripts/pydeps.sh makes for PyPI-only test tools, and the shell linter
  python3-venv python3-pip shellcheck
  # the SMTP catcher the account tests read mail from (python3 -m aiosmtpd)
  python3-aiosmtpd
  # an independent TOTP implementation the admin two-factor tests compute codes with, and a QR
  # reader that checks the enrolment page's code says what an authenticator app must read
  oathtool zbar-tools
  # the scripts themselves
  make
  # deploy/systemd's checks: systemd-analyze verify/security, systemd-sysusers, systemd-tmpfiles
  systemd
)

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "all ${#PACKAGES[@]} Debian packages are installed"
  exit 0
fi

say "installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
say "done"
