"""Voice notes in the journal (issue 15): a note for a session's intent, an interruption or a break,
sent as the form sends it; every accepted kind (WebM/Opus, Ogg Opus and Vorbis, MP4/AAC, MP3,
WAV) recognised from its bytes whatever its name and type say, measured by ffprobe, stored
outside Public/ under a random name and recorded as events with a transcription job; played back
through nginx to the owner alone (Range, nosniff, a sandboxing CSP, the recognised type), 404 for
everyone else, admins included; deleting a note or the account removes the file."""

import re

import pytest

from accounts_kit import brief, location, register
from journal_audio_kit import FORMATS, Voice, add_entries, journal_dir, make_audio


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    return make_audio(tmp_path_factory.mktemp("voice"))


@pytest.fixture(scope="module")
def owner(stack, mailbox):
    voice = Voice(stack, register(stack.base_url, mailbox, "voice"))
    voice.entries = add_entries(stack, voice.uid, 10)
    return voice


@pytest.fixture(scope="module")
def stranger(stack, mailbox):
    voice = Voice(stack, register(stack.base_url, mailbox, "nosy"))
    voice.entries = add_entries(stack, voice.uid, 1)
    return voice


def note_id(voice: Voice, target: str, target_id: str) -> str:
    note = voice.note_of(target, target_id)
    assert note, f"no note on the {target} {target_id}"
    return note


@pytest.mark.parametrize("kind", list(FORMATS))
def test_each_kind_is_recognised_from_its_bytes_stored_and_played(stack, owner, audio, kind):
    entry = owner.entries[list(FORMATS).index(kind)]
    data = audio[kind].read_bytes()
    # The name and type claimed are wrong on purpose: only the bytes count.
    r = owner.send("interruption", entry.interruption, data, filename="notes.txt", content_type="text/plain")
    assert r.status_code == 303 and location(r) == "/journal", brief(r)

    note = note_id(owner, "interruption", entry.interruption)
    row = next(n for n in owner.notes() if n["id"] == note)
    name, mime = FORMATS[kind]
    assert row["mime"] == mime and row["bytes"] == len(data)
    assert 3 <= row["duration_seconds"] <= 5, "the espeak-ng sentence lasts about four seconds"
    assert row["transcript_status"] == "pending" and note in owner.jobs(), "queued for transcription"
    assert re.fullmatch(r"[0-9a-f]{32}\.(webm|ogg|m4a|mp3|wav)", row["local_path"]), "a random name, never the sent one"
    assert (journal_dir(stack) / row["local_path"]).read_bytes() == data
    assert stack.psql("select source from journal_interruptions where id = :'v1'", entry.interruption) == "voice"

    played = owner.play(note)
    assert played.status_code == 200, brief(played)
    assert played.content == data
    assert played.headers["Content-Type"] == mime
    assert played.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in played.headers["Content-Security-Policy"]
    assert played.headers.get("Accept-Ranges") == "bytes"
    assert "X-Accel-Redirect" not in played.headers
