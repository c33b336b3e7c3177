"""Helpers for the voice-note tests (issue 15): real audio files, a journal to attach notes to, and
what PostgreSQL and the upload directory hold.

- make_audio(): small real recordings of a synthesised sentence (espeak-ng), encoded by ffmpeg
  into every accepted kind, plus the awkward ones (over two minutes, over 5 MiB, with video).
  Made once per pytest run (a few seconds) and shared.
- Journal entries: `add_entries(stack, uid, n)` appends the events of n sessions (each paused
  once, then completed, which starts its break) with psql and runs `pomopomo journal rebuild`:
  the events are the truth, so this is a legitimate way in while the flow's pages are not used.
- Voice(stack, account): sends notes as the form does (multipart: csrf, target, target_id,
  voice), plays and deletes them, and reads back rows, events and files to compare before and
  after a request that must store nothing.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import requests

from accounts_kit import user_id
from pomopomo_testkit import pomopomo_run

SENTENCE = "I am writing the weekly report, then I will take a short tea break."

# Kind → (file name, the type it must be served with).
FORMATS = {
    "webm": ("note.webm", "audio/webm"),
    "ogg_opus": ("note.opus.ogg", "audio/ogg"),
    "ogg_vorbis": ("note.vorbis.ogg", "audio/ogg"),
    "mp4": ("note.m4a", "audio/mp4"),
    "mp3": ("note.mp3", "audio/mpeg"),
    "wav": ("note.wav", "audio/wav"),
}


def _ffmpeg(*args: str):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=60)


_MADE: dict[str, Path] = {}


def make_audio() -> dict[str, Path]:
    """Every kind of note the tests send, as {name: path}: made once per pytest run (a few seconds)
    in a temporary directory removed at exit, and shared by the modules that ask."""
    if not _MADE:
        directory = Path(tempfile.mkdtemp(prefix="pomopomo-voice-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        _MADE.update(_make_audio(directory))
    return dict(_MADE)


def _make_audio(directory: Path) -> dict[str, Path]:
    speech = directory / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(speech), SENTENCE], check=True, timeout=60)
    out = {"wav": speech}
    encoders = {
        "webm": ["-c:a", "libopus", "-b:a", "24k"],
        "ogg_opus": ["-c:a", "libopus", "-b:a", "24k"],
        "ogg_vorbis": ["-c:a", "libvorbis", "-q:a", "2"],
        "mp4": ["-c:a", "aac", "-b:a", "48k"],
        "mp3": ["-c:a", "libmp3lame", "-b:a", "48k"],
    }
    for kind, codec in encoders.items():
        path = directory / FORMATS[kind][0]
        _ffmpeg("-i", str(speech), *codec, str(path))
        out[kind] = path
    # A tone of 2 min 5 s: small, but past the two-minute cap.
    out["long"] = directory / "long.ogg"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=125", "-c:a", "libopus", "-b:a", "6k", str(out["long"]))
    # Valid WAVs of about 5.5 MiB (over the note cap, under nginx's 6 MiB) and 6.4 MiB (over both).
    out["big"] = directory / "big.wav"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=60:sample_rate=48000", "-c:a", "pcm_s16le", str(out["big"]))
    out["huge"] = directory / "huge.wav"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=70:sample_rate=48000", "-c:a", "pcm_s16le", str(out["huge"]))
    # An MP4 with a picture track as well as its sound.
    out["video"] = directory / "video.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=2", "-f", "lavfi", "-i", "sine=duration=2",
            "-c:v", "mpeg4", "-c:a", "aac", "-shortest", str(out["video"]))
    return out


# ----------------------------------------------------------------------------------------- journal entries

@dataclass
class Entry:
    session: str
    interruption: str
    break_: str


def add_entries(stack, uid: str, n: int, day: str = "2026-11-30") -> list[Entry]:
    """n sessions in `uid`'s journal on `day`, as events (started, paused for the door, resumed,
    completed: each has an interruption and a break), then the projections rebuilt."""
    start = datetime.fromisoformat(day + "T08:00:00+00:00")
    entries, rows = [], []
    for i in range(n):
        e = Entry(str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()))
        t = start + timedelta(minutes=30 * i)
        for kind, payload, at in [
            ("session_started", {"session": e.session, "intent": "writing", "day": day, "place": "journal"}, t),
            ("session_paused", {"session": e.session, "interruption": e.interruption, "category": "door"},
             t + timedelta(minutes=5)),
            ("session_resumed", {"session": e.session}, t + timedelta(minutes=6)),
            ("session_completed", {"session": e.session, "break": e.break_}, t + timedelta(minutes=26)),
        ]:
            rows.append({"kind": kind, "payload": payload, "at": at.isoformat()})
        entries.append(e)
    stack.psql("insert into journal_events (user_id, kind, at, payload) "
               "select :'v1', r->>'kind', (r->>'at')::timestamptz, r->'payload' "
               "from jsonb_array_elements(:'v2'::jsonb) r", uid, json.dumps(rows))
    pomopomo_run(stack, "journal", "rebuild", "--user", uid)
    return entries


# ----------------------------------------------------------------------------------------- notes

class Voice:
    """One account's voice notes, through the routes a browser uses."""

    def __init__(self, stack, account):
        self.stack = stack
        self.account = account
        self.user = account.user
        self.uid = user_id(stack, account.email)
        self.token = self.user.csrf("/me")

    def send(self, target: str, target_id: str, data: bytes | None, filename: str = "note.webm",
             content_type: str = "audio/webm", json_answer: bool = False, **fields) -> requests.Response:
        """POST /journal/audio as the form (or, with json_answer, the recorder script) sends it."""
        parts = {"csrf": (None, fields.pop("csrf", self.token)), "target": (None, target), "target_id": (None, target_id)}
        for name, value in fields.items():
            parts[name] = (None, value)
        if data is not None:
            parts["voice"] = (filename, data, content_type)
        headers = {"Accept": "application/json"} if json_answer else {}
        return self.user.request("POST", "/journal/audio", files=parts, headers=headers, timeout=30)

    def play(self, note: str, **headers) -> requests.Response:
        return self.user.get(f"/journal/audio/{note}", headers=headers)

    def delete(self, note: str, **fields) -> requests.Response:
        return self.user.post_form(f"/journal/audio/{note}/delete", {"csrf": self.token, **fields})

    # --- what is stored
    def notes(self) -> list[dict]:
        return notes(self.stack, self.uid)

    def note_of(self, target: str, target_id: str) -> str | None:
        table, column = {"session": ("journal_sessions", "intent_audio_id"),
                         "interruption": ("journal_interruptions", "audio_id"),
                         "break": ("journal_breaks", "audio_id")}[target]
        out = self.stack.psql(f"select coalesce({column}::text, '') from {table} where id = :'v1'", target_id)  # noqa: S608
        return out or None

    def events(self, kind: str) -> int:
        return int(self.stack.psql("select count(*) from journal_events where user_id = :'v1' and kind = :'v2'",
                                   self.uid, kind))

    def jobs(self) -> list[str]:
        out = self.stack.psql("select audio_id from transcription_jobs where user_id = :'v1' order by audio_id", self.uid)
        return out.splitlines()

    def snapshot(self) -> tuple:
        """Everything a refused upload must leave as it was: rows, events, jobs and files."""
        return (
            self.stack.psql("select count(*) || '/' || coalesce(max(id), 0) from journal_events where user_id = :'v1'",
                            self.uid),
            json.dumps(self.notes()), self.jobs(), upload_files(self.stack),
        )


def notes(stack, uid: str) -> list[dict]:
    out = stack.psql("select coalesce(json_agg(a order by created_at, id), '[]') from audio_assets a where user_id = :'v1'",
                     uid)
    return json.loads(out)


def journal_dir(stack) -> Path:
    return Path(stack.env.get("POMOPOMO_UPLOADS") or os.path.join(stack.data_dir, "uploads")) / "journal"


def upload_files(stack) -> list[str]:
    """Every file in the journal upload directory, temporary ones included."""
    d = journal_dir(stack)
    return sorted(os.listdir(d)) if d.is_dir() else []


def make_admin(stack, uid: str):
    stack.psql("update users set role = 'ADMIN' where id = :'v1'", uid)
