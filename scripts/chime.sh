#!/usr/bin/env bash
# Regenerates Public/audio/chime.wav, the sound the room page plays when a segment ends: a soft
# two-tone bell ("ding" E6, then "dong" C6), about 1 s, mono 16 kHz 16-bit (~32 kB).
#
#   scripts/chime.sh [OUTPUT]      default OUTPUT: Public/audio/chime.wav
#
# Needs sox (scripts/deps.sh installs it). The file is committed, so this only runs when the sound
# should change; the output is deterministic (pure sines, no dither), so reruns do not churn git.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$(abs_path "${1:-$POMOPOMO_ROOT/Public/audio/chime.wav}")
command -v sox >/dev/null 2>&1 || die "sox not found; run scripts/deps.sh"
mkdir -p "$(dirname "$OUT")"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# -D: no dither anywhere, so the same sox writes the same bytes on every run.
SOX=(sox -D)
FMT=(-r 16000 -c 1 -b 16)

# One bell strike: the fundamental plus a quieter octave and a faint inharmonic partial (x2.76,
# what makes it a bell rather than a beep): a 5 ms attack so it does not click, then a quadratic
# decay (two linear fades) over the whole length, which rings like a small bell; sox's
# logarithmic fade dies within 0.2 s and sounds like a tick.
strike() { # name frequency seconds
  local name=$1 f=$2 len=$3
  "${SOX[@]}" -n "${FMT[@]}" "$TMP/$name-1.wav" synth "$len" sine "$f" vol 0.6
  "${SOX[@]}" -n "${FMT[@]}" "$TMP/$name-2.wav" synth "$len" sine "$(awk "BEGIN{print $f*2}")" vol 0.2
  "${SOX[@]}" -n "${FMT[@]}" "$TMP/$name-3.wav" synth "$len" sine "$(awk "BEGIN{print $f*2.76}")" vol 0.06
  "${SOX[@]}" -m "$TMP/$name-1.wav" "$TMP/$name-2.wav" "$TMP/$name-3.wav" "$TMP/$name.wav" \
    fade t 0.005 "$len" "$(awk "BEGIN{print $len-0.005}")" fade t 0 "$len" "$len"
}

strike ding 1318.51 0.55
strike dong 1046.50 0.70

# "dong" starts 0.3 s after "ding" and rings out: 1.0 s in all. Normalised to -4 dBFS: audible
# without being startling at ordinary volume.
"${SOX[@]}" "$TMP/dong.wav" "$TMP/dong-late.wav" pad 0.3 0
"${SOX[@]}" -m "$TMP/ding.wav" "$TMP/dong-late.wav" "${FMT[@]}" -e signed-integer "$OUT" trim 0 1.0 gain -n -4

say "wrote $OUT ($(wc -c <"$OUT") bytes, $(soxi -D "$OUT") s)"
