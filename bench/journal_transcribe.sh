#!/usr/bin/env bash
# Issue 15: how long a 30-second voice note takes to transcribe on this machine, and how well.
#
#   bash bench/journal_transcribe.sh
#
# Eight known sentences about focus and interruptions (Tests/journal_transcripts_kit.py's) spoken by
# flite (voice rms) and by espeak-ng (voice en-us+klatt4), each encoded by ffmpeg as Ogg/Opus 32 kb/s
# the way a phone sends a note, then `pomopomo journal transcribe` on each, BENCH_RUNS times: the
# very pipeline the transcription job runs (ffmpeg to 16 kHz mono WAV, then pocketsphinx with the
# en-us model, both at niceness 10; POMOPOMO_TRANSCRIBE_COMMAND is honoured). No services needed.
# Reported per voice: the note's length, wall time (median and max of the runs), its ratio to the
# note's length (real-time factor), CPU seconds (user + system of the children), and the word error
# rate (word-level Levenshtein distance over the reference's words).
#
# The Swift around the engine is a few milliseconds, so the debug binary is measured when there is no
# release one. Knobs: BENCH_BIN, BENCH_RUNS (3). Run it on a quiet machine: the engine is one core's work.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/journal_transcribe.sh
RUNS=${BENCH_RUNS:-3}
if [ -z "${BENCH_BIN:-}" ] && [ ! -x "$ROOT/.build/release/pomopomo" ]; then
  BENCH_BIN=$ROOT/.build/debug/pomopomo
fi
use_bench_binary
require_tools ffmpeg ffprobe flite espeak-ng python3

WORK=$(mktemp -d /tmp/pomopomo-transcribe-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

TEXT=$(cd "$ROOT/Tests" && python3 -c 'import journal_transcripts_kit as k; print(" ".join(k.SENTENCES))')

speak() { # name voice
  if [ "$2" = espeak ]; then
    espeak-ng -v en-us+klatt4 -s 160 -w "$WORK/$1.wav" "$TEXT"
  else
    flite -voice "$2" -t "$TEXT" -o "$WORK/$1.wav"
  fi
  ffmpeg -hide_banner -loglevel error -y -i "$WORK/$1.wav" -c:a libopus -b:a 32k "$WORK/$1.ogg"
}

printf '%-26s %7s %9s %9s %6s %7s %6s\n' voice note_s wall_p50 wall_max rtf cpu_s wer
for voice in flite:rms espeak-ng:espeak; do
  name=${voice%%:*}
  speak "$name" "${voice#*:}"
  seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$WORK/$name.ogg")
  walls=()
  cpu=0
  for _ in $(seq "$RUNS"); do
    before=$(awk '{print $16 + $17}' /proc/$$/stat)
    started=$(date +%s%N)
    "$POMOPOMO_BIN" journal transcribe "$WORK/$name.ogg" >"$WORK/$name.txt"
    walls+=($((($(date +%s%N) - started) / 1000000)))
    # cutime + cstime of this shell: the children's CPU, in clock ticks.
    after=$(awk '{print $16 + $17}' /proc/$$/stat)
    cpu=$((cpu + after - before))
  done
  read -r p50 max < <(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)], a[NR]}')
  wer=$(cd "$ROOT/Tests" && python3 -c 'import sys, journal_transcripts_kit as k
print(f"{k.word_error_rate(sys.argv[1], open(sys.argv[2]).read()):.3f}")' "$TEXT" "$WORK/$name.txt")
  ticks=$(getconf CLK_TCK)
  awk -v v="$voice" -v s="$seconds" -v p="$p50" -v m="$max" -v c="$cpu" -v t="$ticks" -v n="$RUNS" -v w="$wer" \
    'BEGIN { printf "%-26s %7.1f %8.1fs %8.1fs %6.2f %7.1f %6s\n", v, s, p / 1000, m / 1000, p / 1000 / s, c / t / n, w }'
  say "$voice heard: $(cat "$WORK/$name.txt")"
done
say "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)"
