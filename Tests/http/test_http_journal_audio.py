"""Voice notes in the journal (issue 15): a note for a session's intent, an interruption or a break,
sent as the form sends it; every accepted kind (WebM/Opus, Ogg Opus and Vorbis, MP4/AAC, MP3,
WAV) recognised from its bytes whatever its name and type say, measured by ffprobe, stored
outside Public/ under a random name and recorded as events with a transcription job; played back
through nginx to the owner alone (Range, nosniff, a sandboxing CSP, the recognised type), 404 for
everyone else, admins included; deleting a note or the account removes the file."""

import re

import pytest

from accounts_kit import brief, location, register
from journal_audio_kit import FORMATS, Voice, add_entries, journal_dir, make_admin, make_audio
from pomopomo_testkit import pomopomo_run


@pytest.fixture(scope="module")
def audio():
    return make_audio()


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


def test_range_requests_let_a_player_seek(owner, audio):
    entry = owner.entries[6]
    data = audio["mp3"].read_bytes()
    assert owner.send("session", entry.session, data, filename="a.mp3", content_type="audio/mpeg").status_code == 303
    note = note_id(owner, "session", entry.session)

    r = owner.play(note, Range="bytes=100-199")
    assert r.status_code == 206, brief(r)
    assert r.content == data[100:200] and r.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert r.headers["Content-Type"] == "audio/mpeg" and r.headers["X-Content-Type-Options"] == "nosniff"
    r = owner.play(note, Range="bytes=-50")
    assert r.status_code == 206 and r.content == data[-50:]
    r = owner.play(note, Range=f"bytes={len(data)}-")
    assert r.status_code == 416, "a range past the end is refused"
    head = owner.user.request("HEAD", f"/journal/audio/{note}")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(data) and head.content == b""


def test_the_recorder_script_gets_the_note_back_to_show(owner, audio):
    entry = owner.entries[7]
    r = owner.send("break", entry.break_, audio["webm"].read_bytes(), filename="blob", content_type="audio/webm;codecs=opus",
                   json_answer=True)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json", brief(r)
    body = r.json()
    assert body["id"] == note_id(owner, "break", entry.break_)
    assert body["url"] == f"/journal/audio/{body['id']}" and 3 <= body["seconds"] <= 5
    assert f'data-journal-note="{body["id"]}"' in body["html"] and "transcribing…" in body["html"]


def test_a_new_note_replaces_the_old_one_and_its_file(stack, owner, audio):
    entry = owner.entries[7]
    assert owner.send("interruption", entry.interruption, audio["ogg_opus"].read_bytes()).status_code == 303
    old = note_id(owner, "interruption", entry.interruption)
    old_file = next(n["local_path"] for n in owner.notes() if n["id"] == old)
    deleted = owner.events("audio_deleted")

    r = owner.send("interruption", entry.interruption, audio["wav"].read_bytes(), back="/timer")
    assert r.status_code == 303 and location(r) == "/timer", "back to the page the form was on"
    new = note_id(owner, "interruption", entry.interruption)
    assert new != old and old not in [n["id"] for n in owner.notes()]
    assert owner.events("audio_deleted") == deleted + 1, "the replaced note's deletion is an event"
    assert not (journal_dir(stack) / old_file).exists(), "and its file is gone"
    assert owner.play(old).status_code == 404

    r = owner.send("interruption", entry.interruption, audio["wav"].read_bytes(), back="//evil.example/x")
    assert r.status_code == 303 and location(r) == "/journal", "back never leads off the site"


def test_notes_are_their_owners_alone(stack, owner, stranger, audio, new_user):
    entry = owner.entries[8]
    assert owner.send("break", entry.break_, audio["ogg_vorbis"].read_bytes()).status_code == 303
    note = note_id(owner, "break", entry.break_)
    file = next(n["local_path"] for n in owner.notes() if n["id"] == note)
    before = (owner.snapshot(), stranger.snapshot())

    for who in ["a stranger", "an admin"]:
        if who == "an admin":
            make_admin(stack, stranger.uid)
        r = stranger.play(note)
        assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html"), f"{who} playing: {brief(r)}"
        assert stranger.play(note, Range="bytes=0-10").status_code == 404
        assert stranger.delete(note).status_code == 404, f"{who} deleting"
        r = stranger.send("session", entry.session, audio["webm"].read_bytes())
        assert r.status_code == 404, f"{who} attaching a note to someone else's session: {brief(r)}"
        assert (owner.snapshot(), stranger.snapshot()) == before, f"{who} changed nothing"
    stack.psql("update users set role = 'USER' where id = :'v1'", stranger.uid)

    guest = new_user()
    r = guest.get(f"/journal/audio/{note}")
    assert r.status_code == 303 and location(r).startswith("/login"), "a guest is asked to sign in, as everywhere"
    assert owner.user.get(f"/_journal_audio/{file}").status_code == 404, "the files' location is internal to nginx"
    assert owner.play("00000000-0000-4000-8000-000000000000").status_code == 404
    assert owner.play(note.upper()).status_code == 404
    assert owner.play(note).status_code == 200


def test_deleting_a_note_removes_its_file(stack, owner, audio):
    entry = owner.entries[9]
    assert owner.send("session", entry.session, audio["mp4"].read_bytes()).status_code == 303
    note = note_id(owner, "session", entry.session)
    file = next(n["local_path"] for n in owner.notes() if n["id"] == note)
    deleted = owner.events("audio_deleted")

    r = owner.delete(note, back="/timer")
    assert r.status_code == 303 and location(r) == "/timer", brief(r)
    assert note not in [n["id"] for n in owner.notes()]
    assert owner.note_of("session", entry.session) is None, "the session no longer has a note"
    assert owner.events("audio_deleted") == deleted + 1
    assert not (journal_dir(stack) / file).exists()
    assert owner.play(note).status_code == 404
    assert owner.delete(note).status_code == 404, "deleting twice: it is gone"


def test_a_rebuild_gives_back_the_same_notes(stack, owner):
    before = owner.notes()
    assert before, "the tests above left notes"
    pomopomo_run(stack, "journal", "rebuild", "--user", owner.uid)
    assert owner.notes() == before


def test_deleting_the_account_removes_its_voice_notes(stack, mailbox, audio):
    voice = Voice(stack, register(stack.base_url, mailbox, "leaving"))
    entry = add_entries(stack, voice.uid, 1)[0]
    assert voice.send("session", entry.session, audio["webm"].read_bytes()).status_code == 303
    assert voice.send("break", entry.break_, audio["mp3"].read_bytes()).status_code == 303
    files = [n["local_path"] for n in voice.notes()]
    assert len(files) == 2 and all((journal_dir(stack) / f).exists() for f in files)

    token = voice.user.csrf("/settings/account")
    r = voice.user.post_form("/settings/delete", {"csrf": token, "password": voice.account.password})
    assert r.status_code == 303, brief(r)
    assert not any((journal_dir(stack) / f).exists() for f in files), "the files went with the account"
    assert stack.psql("select count(*) from audio_assets where user_id = :'v1'", voice.uid) == "0"
