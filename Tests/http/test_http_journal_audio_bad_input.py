"""Voice notes that must be refused (issue 15's bad-input list), each with a clear status and message
and nothing stored: no event, no note, no transcription job, no file (not even a temporary one).
A file that claims to be audio but is not, a truncated file, zero bytes, a valid file over the
size cap (ours, and nginx's beyond it) or over two minutes, a polyglot (audio with a web page
after it or inside it), a video, a form that is not the form, forged or too many uploads, and
someone else's entry. A file name with path characters is harmless: the name is never used."""

import struct

import pytest

from accounts_kit import brief, register
from journal_audio_kit import Voice, add_entries, journal_dir, make_audio, upload_files
from pomopomo_testkit import fastcgi_request, redis_cli

PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"


@pytest.fixture(scope="module")
def audio():
    return make_audio()


@pytest.fixture(scope="module")
def me(stack, mailbox):
    voice = Voice(stack, register(stack.base_url, mailbox, "refused"))
    voice.entry = add_entries(stack, voice.uid, 1)[0]
    return voice


@pytest.fixture
def unchanged(me):
    """Asserts that the test's requests stored nothing at all."""
    before = me.snapshot()
    yield
    assert me.snapshot() == before, "a refused note left something behind"
    assert not [f for f in upload_files(me.stack) if f.startswith(".tmp-")], "a temporary file was left"


def refused(r, status: int, words: str):
    assert r.status_code == status, brief(r)
    assert words.lower() in r.text.lower(), f"the page should say “{words}”: {r.text[:600]}"


def wav_with(chunk_id: bytes, payload: bytes, data: bytes = b"\0\0" * 800) -> bytes:
    """A WAV whose chunks are fmt, `chunk_id` with `payload`, and data: the sizes all agree."""
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    chunks += chunk_id + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")
    chunks += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def test_something_else_claiming_to_be_audio(me, unchanged):
    for data, name in [(PAGE, "note.webm"), (b"just some words\n" * 40, "note.ogg"),
                       (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "note.mp3"), (b"OggS" + b"\0" * 100, "note.ogg"),
                       (b"RIFF\x10\0\0\0AVI LIST" + b"\0" * 100, "note.wav")]:
        refused(me.send("session", me.entry.session, data, filename=name, content_type="audio/webm"), 422,
                "is not WebM/Opus, Ogg Opus or Vorbis, MP4/AAC, MP3 or WAV audio")


@pytest.mark.parametrize("kind", ["webm", "ogg_opus", "ogg_vorbis", "mp4", "mp3", "wav"])
def test_a_truncated_file(me, audio, kind, unchanged):
    data = audio[kind].read_bytes()
    refused(me.send("session", me.entry.session, data[: len(data) * 2 // 3]), 422, "truncated")


def test_zero_bytes(me, unchanged):
    refused(me.send("session", me.entry.session, b""), 422, "empty")


def test_a_valid_file_over_the_caps(stack, me, audio, unchanged):
    big = audio["big"].read_bytes()
    assert 5 << 20 < len(big) < 6 << 20
    refused(me.send("break", me.entry.break_, big, filename="big.wav", content_type="audio/wav"), 413, "larger than 5 MiB")
    huge = audio["huge"].read_bytes()
    assert len(huge) > 6 << 20
    refused(me.send("break", me.entry.break_, huge), 413, "larger than 5 MiB")
    refused(me.send("break", me.entry.break_, audio["long"].read_bytes()), 422, "at most 2 minutes")


@pytest.mark.parametrize("kind", ["webm", "ogg_opus", "mp4", "mp3", "wav"])
def test_a_polyglot_with_a_page_after_the_audio(me, audio, kind, unchanged):
    data = audio[kind].read_bytes()
    r = me.send("interruption", me.entry.interruption, data + PAGE)
    assert r.status_code == 422, brief(r)
    # Whichever check sees it first: the page itself, or bytes the container does not account for.
    assert "web page" in r.text or "something other than audio" in r.text or "cut short" in r.text, r.text[:600]
    no_markup = data + b"\0garbage that is no page at all " * 4
    refused(me.send("interruption", me.entry.interruption, no_markup), 422, "")


def test_a_polyglot_with_a_page_inside_the_audio(me, unchanged):
    # Structurally valid files: a WAV whose samples are a page, and one with a page in a chunk of its own.
    for data in [wav_with(b"LIST", b"INFOISFT\x04\0\0\0abc\0"[:12], data=PAGE * 20), wav_with(b"junk", PAGE)]:
        refused(me.send("interruption", me.entry.interruption, data), 422, "web page")
    # And the markup anywhere in the bytes, in any case.
    refused(me.send("interruption", me.entry.interruption, wav_with(b"junk", b"xx<SVG onload=alert(1)>")), 422, "web page")


def test_a_video_or_pictures_are_not_a_voice_note(me, audio, unchanged):
    refused(me.send("session", me.entry.session, audio["video"].read_bytes()), 422, "one stream of audio")


def test_a_file_name_with_path_characters_is_never_used(stack, me, audio):
    data = audio["webm"].read_bytes()
    for name in ["../../../etc/passwd", "..\\..\\boot.ini", "a/b/c.webm", "/tmp/x.webm", ".tmp-x", "\u202eevil.webm"]:
        r = me.send("session", me.entry.session, data, filename=name)
        assert r.status_code == 303, f"{name!r}: {brief(r)}"
        stored = next(n["local_path"] for n in me.notes() if n["id"] == me.note_of("session", me.entry.session))
        assert stored.endswith(".webm") and "/" not in stored and name not in stored
    assert not (journal_dir(stack).parent / "etc").exists() and not (journal_dir(stack) / "a").exists()
    assert len(me.notes()) == 1, "each note replaced the one before"


def test_the_form_must_be_the_form(me, audio, unchanged):
    data = audio["webm"].read_bytes()
    refused(me.send("sessions", me.entry.session, data), 422, "what the voice note is for")
    refused(me.send("", me.entry.session, data), 422, "what the voice note is for")
    refused(me.send("session", "not-an-id", data), 404, "no such entry")
    refused(me.send("session", me.entry.session.upper(), data), 404, "no such entry")
    refused(me.send("session", "11111111-1111-4111-8111-111111111111", data), 404, "no such entry")
    refused(me.send("break", me.entry.session, data), 404, "no such entry")
    refused(me.send("session", me.entry.session, None), 422, "record a voice note")
    r = me.user.post_form("/journal/audio", {"csrf": me.token, "target": "session", "target_id": me.entry.session})
    refused(r, 422, "record a voice note")
    # Two files in the one field.
    parts = [("csrf", (None, me.token)), ("target", (None, "session")), ("target_id", (None, me.entry.session)),
             ("voice", ("a.webm", data, "audio/webm")), ("voice", ("b.webm", data, "audio/webm"))]
    refused(me.user.request("POST", "/journal/audio", files=parts), 400, "one file")
    # A body that claims to be multipart and is not.
    r = me.user.request("POST", "/journal/audio", data=b"--x\r\nnot a part",
                        headers={"Content-Type": "multipart/form-data; boundary=x"})
    refused(r, 400, "malformed")


def test_forged_uploads(me, audio, new_user, unchanged):
    data = audio["webm"].read_bytes()
    refused(me.send("session", me.entry.session, data, csrf="forged"), 403, "did not come from Pomopomo")
    r = me.user.request("POST", "/journal/audio", headers={"Origin": "http://evil.example"},
                        files={"csrf": (None, me.token), "target": (None, "session"), "target_id": (None, me.entry.session),
                               "voice": ("n.webm", data, "audio/webm")})
    refused(r, 403, "another site")
    guest = new_user()
    token = guest.csrf("/")
    r = guest.request("POST", "/journal/audio", files={"csrf": (None, token), "target": (None, "session"),
                                                        "target_id": (None, me.entry.session),
                                                        "voice": ("n.webm", data, "audio/webm")})
    refused(r, 403, "sign in")


def test_too_many_uploads_are_refused_before_the_body_is_read(stack, me, audio, unchanged):
    key = f"throttle:voice-notes:user:{me.uid}"
    redis_cli(stack, "SET", key, "60", "EX", "600")
    r = me.send("session", me.entry.session, audio["webm"].read_bytes())
    refused(r, 429, "sent many voice notes")
    assert int(r.headers["Retry-After"]) > 0
    # Straight to a responder: a body that is not even multipart gets the same 429, which it
    # could not if the body had been read and parsed first.
    sid = me.user.sid
    answer = fastcgi_request(stack.socket(stack.responders[0]), "POST", "/journal/audio",
                             headers={"Content-Type": "multipart/form-data; boundary=zz", "Cookie": f"pp_sid={sid}; pp_in=1"},
                             body=b"this is no multipart body" * 1000)
    assert answer.status == 429, answer.text[:300]
    redis_cli(stack, "DEL", key)
    assert me.send("session", me.entry.session, None).status_code == 422, "once the window has passed, notes are taken again"
