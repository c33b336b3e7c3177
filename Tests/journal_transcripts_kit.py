"""Helpers for the transcript tests (issue 15): known sentences spoken by a speech synthesiser,
the word error rate of what came back, and a voice note's transcript as its owner reaches it.

- SENTENCES: what the notes say (focus, interruptions, breaks).
- speak(directory, name, text, voice): a recording of `text` by flite (voices "rms", "slt"…) or
  espeak-ng ("espeak:VOICE"), encoded by ffmpeg as Ogg/Opus, the way a phone would send it.
- silence(directory): three seconds of nothing, as Ogg/Opus.
- word_error_rate(reference, hypothesis): word-level Levenshtein distance over the reference's
  length, after lower-casing and dropping punctuation.
- Transcripts(voice): the note's fragment (what the live script fetches), its edit page and the
  edit itself; `wait(note)` waits until the job has answered and returns the stored row.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import requests

SENTENCES = [
    "I was interrupted by a knock at the door while I was focusing on my work.",
    "My phone rang with a work call so I stopped the timer.",
    "I lost focus and started reading the news instead of writing.",
    "I am going to make a cup of tea and take a short walk.",
    "The next session is for planning the project and writing the report.",
    "My family needed help in the kitchen so I paused the session.",
    "A notification on my phone broke my concentration.",
    "I will spend this pomodoro studying for the exam.",
]


def _ffmpeg(*args: str):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=60)


def speak(directory: Path, name: str, text: str, voice: str = "rms") -> Path:
    """`text` spoken by flite's `voice` (or espeak-ng's, as "espeak:VOICE"), as Ogg/Opus."""
    directory.mkdir(parents=True, exist_ok=True)
    wav = directory / f"{name}.wav"
    if voice.startswith("espeak:"):
        subprocess.run(["espeak-ng", "-v", voice.removeprefix("espeak:"), "-s", "160", "-w", str(wav), text],
                       check=True, timeout=60)
    else:
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(wav)], check=True, timeout=60)
    out = directory / f"{name}.ogg"
    _ffmpeg("-i", str(wav), "-c:a", "libopus", "-b:a", "32k", str(out))
    return out


def silence(directory: Path) -> Path:
    out = directory / "silence.ogg"
    _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "3", "-c:a", "libopus", "-b:a", "16k", str(out))
    return out


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words in the reference, the fewest there are."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[len(hyp)] / max(1, len(ref))


def duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True, timeout=30)
    return float(out.stdout.strip())


class Transcripts:
    """One account's transcripts, through the routes its browser uses (`voice` is a
    journal_audio_kit.Voice)."""

    def __init__(self, voice):
        self.voice = voice
        self.stack = voice.stack
        self.user = voice.user
        self.uid = voice.uid

    def edit(self, note: str, text: str, back: str = "", csrf: str | None = None) -> requests.Response:
        fields = {"csrf": self.voice.token if csrf is None else csrf, "transcript": text}
        if back:
            fields["back"] = back
        return self.user.post_form(f"/journal/audio/{note}/transcript", fields)

    def fragment(self, note: str) -> requests.Response:
        return self.user.get(f"/journal/audio/{note}/note.json", headers={"Accept": "application/json"})

    def edit_page(self, note: str) -> requests.Response:
        return self.user.get(f"/journal/audio/{note}/transcript")

    def stored(self, note: str) -> dict | None:
        out = self.stack.psql("select row_to_json(a) from (select transcript_status as status, transcript, transcript_source"
                              " as source from audio_assets where id = :'v1') a", note)
        return json.loads(out) if out else None

    def job(self, note: str) -> dict | None:
        out = self.stack.psql("select row_to_json(j) from (select attempts, last_error from transcription_jobs"
                              " where audio_id = :'v1') j", note)
        return json.loads(out) if out else None

    def events(self, kind: str) -> list[dict]:
        out = self.stack.psql("select coalesce(json_agg(payload order by id), '[]') from journal_events"
                              " where user_id = :'v1' and kind = :'v2'", self.uid, kind)
        return json.loads(out)

    def wait(self, note: str, timeout: float = 150) -> dict:
        """The note's row once its job has answered (done or failed), or fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            row = self.stored(note)
            if row and row["status"] != "pending":
                return row
            assert time.monotonic() < deadline, f"note {note} still {row} after {timeout} s (job: {self.job(note)})"
            time.sleep(0.25)

    def live_version(self) -> int:
        r = self.user.get("/me/poll?since=0", headers={"Accept": "application/json"})
        assert r.status_code == 200, r.text
        return r.json()["version"]

    def wait_live(self, since: int, timeout: float = 30) -> int | None:
        """A long-poll of the owner's channel from `since`: the new version, or None (204)."""
        r = self.user.get(f"/me/poll?since={since}", headers={"Accept": "application/json"}, timeout=timeout)
        return r.json()["version"] if r.status_code == 200 else None
