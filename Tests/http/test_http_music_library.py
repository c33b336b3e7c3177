"""The self-hosted music library (issue 16): an admin uploads MP3, Ogg Vorbis, Opus, FLAC and M4A,
recognised from the bytes whatever the name and type say, measured and tagged by ffprobe, stored
under POMOPOMO_UPLOADS/library with a random name and served by nginx (X-Accel-Redirect) with
Range, nosniff and a sandboxing CSP. Files that are not audio, are cut short, are empty or too
large are refused with a clear page, and nothing is stored. Tags with script in them show as text
everywhere. Non-admins get 404, and the admin check and the upload limit come before the body."""

import concurrent.futures
import json
import re
import subprocess
from pathlib import Path

import pytest

from accounts_kit import brief, register
from library_kit import (
    Music,
    add_track_cli,
    audio_file,
    library_count,
    library_files,
    make_admin,
    parse,
    upload,
)
from pomopomo_testkit import User, parse_html, redis_cli
from soundtrack_kit import Soundtrack, library_track

KINDS = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "opus": "audio/ogg", "flac": "audio/flac", "m4a": "audio/mp4"}


@pytest.fixture(scope="module")
def admin(stack, mailbox):
    music = Music(stack, register(stack.base_url, mailbox, "dj"))
    make_admin(stack, music)
    music.upload_token = music.user.csrf("/admin/library")
    return music


def send(admin, data, filename="track.bin", content_type="application/octet-stream", **fields):
    return upload(admin.user, admin.upload_token, data, filename=filename, content_type=content_type, **fields)


def added_id(r) -> str:
    assert r.status_code == 303, brief(r)
    m = re.fullmatch(r"/admin/library\?added=([0-9a-f-]{36})", r.headers["Location"])
    assert m, r.headers["Location"]
    return m.group(1)


def track_row(stack, tid) -> dict:
    return json.loads(stack.psql("select row_to_json(t) from tracks t where id = :'v1'", tid))


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_recognised_tagged_stored_and_streamed_through_nginx(stack, admin, kind):
    data = audio_file(kind, seconds=3, title=f"Tone in {kind}", artist="Sine Wave", album="Tests")
    # The name and the type claimed are wrong on purpose: only the bytes count.
    tid = added_id(send(admin, data, filename="notes.txt", content_type="text/plain"))
    row = track_row(stack, tid)
    assert (row["source"], row["mime"], row["bytes"]) == ("library", KINDS[kind], len(data))
    assert (row["title"], row["artist"], row["album"]) == (f"Tone in {kind}", "Sine Wave", "Tests")
    assert row["duration_seconds"] == 3 and row["uploaded_by"] == admin.uid
    assert re.fullmatch(r"[0-9a-f]{32}\.(mp3|ogg|opus|flac|m4a)", row["file"]), "a random name, never the sent one"
    assert (Path(stack.env["POMOPOMO_UPLOADS"]) / "library" / row["file"]).read_bytes() == data
    assert "Added “Tone in" in admin.user.get(f"/admin/library?added={tid}").text

    guest = User(stack.base_url)
    r = guest.get(f"/music/tracks/{tid}/file")
    assert r.status_code == 200 and r.content == data, brief(r)
    assert r.headers["Content-Type"] == KINDS[kind]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert r.headers["Accept-Ranges"] == "bytes" and "X-Accel-Redirect" not in r.headers
    part = guest.get(f"/music/tracks/{tid}/file", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    # Listed for everyone, with a player.
    li = parse_html(guest.get("/music/library").text).by_id(f"track-{tid}")
    assert li is not None and li.find("audio").get("src") == f"/music/tracks/{tid}/file"


def test_the_file_route_answers_404_for_anything_but_a_library_track(stack, admin):
    piped = stack.psql("insert into tracks (source, piped_id, title, duration_seconds) values ('piped', :'v1', 'Cat', 60) "
                       "on conflict (piped_id) do update set title = excluded.title returning id", "dQw4w9WgXcQ").split()[0]
    for tid in (piped, "00000000-0000-0000-0000-000000000000", "x", "../../etc/passwd", "1%27%20or%201=1"):
        assert User(stack.base_url).get(f"/music/tracks/{tid}/file").status_code == 404, tid
    # The internal location cannot be asked for directly.
    assert User(stack.base_url).get("/_library/" + "0" * 32 + ".mp3").status_code == 404


HOSTILE = "<script>alert(1)</script>\" autofocus onfocus=alert(2) x=\"{{> layout}}"


def test_script_in_tags_shows_as_text_everywhere(stack, admin):
    data = audio_file("mp3", seconds=2, title=HOSTILE, artist="<img src=x onerror=alert(3)>", album="<svg onload=alert(4)>")
    tid = added_id(send(admin, data, filename="x.mp3"))
    row = track_row(stack, tid)
    assert row["title"] == HOSTILE, "the tag is kept as it was written"
    pid = admin.create("Hostile tags")
    admin.add(pid, tid)
    admin.post(f"/music/tracks/{tid}/like")
    for path in ("/music/library", "/music/library?room=ABC-DEF", "/admin/library", f"/music/playlists/{pid}", "/music/liked"):
        r = admin.user.get(path)
        assert r.status_code == 200, f"{path}: {brief(r)}"
        for raw in ("<script>alert(1)", "<img src=x", "<svg onload"):
            assert raw not in r.text, f"{path} shows {raw!r} unescaped"
        doc = parse_html(r.text)
        assert not [el for el in doc.iter() if "onfocus" in el.attrs or "onerror" in el.attrs], f"{path}: an attribute broke out"
        li = doc.by_id(f"track-{tid}")
        assert li is not None and HOSTILE in li.text(), f"{path} does not show the title as text"


def test_typed_text_wins_over_tags_and_the_file_name_is_the_last_resort(stack, admin):
    data = audio_file("ogg", seconds=2, title="Tagged", artist="Tag Artist")
    tid = added_id(send(admin, data, filename="x.ogg", title="  Typed\ttitle ", artist="", album="Typed album"))
    row = track_row(stack, tid)
    assert (row["title"], row["artist"], row["album"]) == ("Typed title", "Tag Artist", "Typed album")
    untagged = audio_file("flac", seconds=2)
    tid = added_id(send(admin, untagged, filename="C:\\music\\02 - Rain_on the\u202eroof.flac"))
    row = track_row(stack, tid)
    assert row["title"] == "02 - Rain on theroof" and row["artist"] == "" and row["album"] is None


def _bad_files() -> dict:
    mp3 = audio_file("mp3", seconds=3)
    flac = audio_file("flac", seconds=3)
    ogg = audio_file("ogg", seconds=3)
    m4a = audio_file("m4a", seconds=3)
    html = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    return {
        "empty": (b"", "empty"),
        "html named .mp3": (html, "not MP3"),
        "svg named .ogg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not MP3"),
        "text": (b"just some words, not music at all\n" * 50, "not MP3"),
        "png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "not MP3"),
        "mp3 cut short": (mp3[: len(mp3) // 2 + 7], "cut short"),
        "flac cut short": (flac[: len(flac) - 1000], "cut short"),
        "flac cut in half": (flac[: len(flac) // 2], "cut short"),
        "ogg cut short": (ogg[: len(ogg) - 300], "cut short"),
        "m4a cut short": (m4a[: len(m4a) // 2], "cut short"),
        "mp3 with a page after it": (mp3 + html, "something other than audio"),
        "wav": (audio_file("wav", seconds=1), "WAV audio; the library takes"),
        "only an mp3 header": (mp3[:4], "cut short"),
    }


BAD = _bad_files()


@pytest.mark.parametrize("name", list(BAD))
def test_bad_files_are_refused_clearly_and_nothing_is_stored(stack, admin, name):
    data, says = BAD[name]
    before = (library_count(stack), library_files(stack))
    r = send(admin, data, filename="song.mp3", content_type="audio/mpeg", title="Kept title")
    assert r.status_code == 422, f"{name}: {brief(r)}"
    doc = parse(r)
    alert = doc.by_id("upload-error")
    assert alert is not None and says in alert.text(), f"{name}: {alert.text() if alert else r.text[:300]}"
    assert doc.find("input", name="title").get("value") == "Kept title", "what the admin typed is kept"
    assert (library_count(stack), library_files(stack)) == before, f"{name}: something was stored"


def test_a_flac_cut_at_a_frame_boundary_is_refused(stack, admin, tmp_path):
    """FLAC frames carry no length: the last frame must end at the stream's last sample."""
    path = tmp_path / "whole.flac"
    path.write_bytes(audio_file("flac", seconds=3))
    positions = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "packet=pos", "-of", "csv=p=0", str(path)],
                               check=True, capture_output=True, text=True).stdout.split()
    cut = int(positions[len(positions) // 2])
    r = send(admin, path.read_bytes()[:cut], filename="cut.flac")
    assert r.status_code == 422 and "cut short" in parse(r).by_id("upload-error").text(), brief(r)


def test_other_streams_and_codecs_are_refused(stack, admin, tmp_path):
    video = tmp_path / "video.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=2", "-f", "lavfi",
                    "-i", "sine=duration=2", "-c:v", "mpeg4", "-c:a", "aac", "-f", "mp4", str(video)], check=True)
    alac = tmp_path / "alac.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=2", "-c:a", "alac", str(alac)], check=True)
    before = (library_count(stack), library_files(stack))
    for path, says in ((video, "one stream of audio"), (alac, "“alac”")):
        r = send(admin, path.read_bytes(), filename=path.name)
        assert r.status_code == 422 and says in parse(r).by_id("upload-error").text(), f"{path.name}: {brief(r)}"
    assert (library_count(stack), library_files(stack)) == before


def test_no_file_and_two_files_are_refused(stack, admin):
    before = library_count(stack)
    r = admin.user.request("POST", "/admin/library", files={"csrf": (None, admin.upload_token), "title": (None, "x")})
    assert r.status_code == 422 and "Choose an audio file" in r.text, brief(r)
    data = audio_file("mp3", seconds=1)
    r = admin.user.request("POST", "/admin/library", files=[("csrf", (None, admin.upload_token)), ("file", ("a.mp3", data)),
                                                            ("file", ("b.mp3", data))])
    assert r.status_code == 400 and "not several" in r.text, brief(r)
    assert library_count(stack) == before


def test_over_the_cap_is_refused_by_the_app_and_far_over_it_by_nginx(stack, admin):
    before = (library_count(stack), library_files(stack))
    mp3 = audio_file("mp3", seconds=1)
    r = send(admin, mp3 + b"\0" * (64 * 1024 * 1024), filename="huge.mp3", title="Huge")
    assert r.status_code == 413 and "larger than 64 MiB" in parse(r).by_id("upload-error").text(), brief(r)
    r = send(admin, b"\0" * (66 * 1024 * 1024), filename="huger.mp3")
    assert r.status_code == 413 and "larger than 64 MiB" in r.text, brief(r)
    assert (library_count(stack), library_files(stack)) == before


def test_non_admins_get_404_before_the_body_is_read(stack, mailbox, admin):
    plain = Music(stack, register(stack.base_url, mailbox, "plain"))
    guest = User(stack.base_url)
    tid = add_track_cli(stack, "mp3", seconds=1)
    data = audio_file("mp3", seconds=1)
    before = (library_count(stack), library_files(stack))
    for who in (guest, plain.user):
        assert who.get("/admin/library").status_code == 404
        # No csrf in the body: a 403 would mean the body was read and checked first.
        r = who.request("POST", "/admin/library", files={"file": ("x.mp3", data, "audio/mpeg")})
        assert r.status_code == 404, brief(r)
        token = who.csrf("/")
        assert who.post_form(f"/admin/library/{tid}/delete", {"csrf": token}).status_code == 404
    assert (library_count(stack), library_files(stack)) == before


def test_the_upload_limit_is_counted_before_the_body_is_read(stack, admin):
    redis_cli(stack, "SET", f"throttle:library-uploads:user:{admin.uid}", "120", "EX", "600")
    before = (library_count(stack), library_files(stack))
    # No csrf and a body that is not even multipart: only a check made before reading it says 429.
    r = admin.user.request("POST", "/admin/library", data=b"\0" * 1_000_000, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, brief(r)
    r = send(admin, audio_file("mp3", seconds=1), filename="ok.mp3")
    assert r.status_code == 429 and "uploaded many tracks" in r.text, brief(r)
    assert (library_count(stack), library_files(stack)) == before


def test_an_admin_deletes_a_track_and_its_file_goes(stack, admin):
    data = audio_file("opus", seconds=2)
    tid = added_id(send(admin, data, filename="gone.opus", title="Going"))
    file = track_row(stack, tid)["file"]
    assert file.endswith(".opus")
    pid = admin.create("Holds it")
    admin.add(pid, tid)
    r = admin.post(f"/admin/library/{tid}/delete")
    assert r.status_code == 303, brief(r)
    assert file not in library_files(stack)
    assert User(stack.base_url).get(f"/music/tracks/{tid}/file").status_code == 404
    assert tid not in admin.playlist_tracks(pid)
    assert admin.post(f"/admin/library/{tid}/delete").status_code == 404


def test_deleting_the_track_a_room_plays_silences_it_at_once(stack, admin, make_room):
    tid = library_track(stack, "Now Playing", 600, audio=b"not played here")
    room = make_room()
    music = Soundtrack(room)
    music.add(room.host, tid)
    room.host.ok("/soundtrack/play")
    assert music.row()["playing"]
    listener = room.join("Lou Listener")
    version = room.db_version()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        baseline = stack.parked()
        waiting = pool.submit(listener.poll, version, 8)
        assert stack.wait_parked(baseline, 1), "the listener's poll did not park"
        assert admin.post(f"/admin/library/{tid}/delete").status_code == 303
        answer = waiting.result()
    # The parked listener hears of it with the deletion, not at the next change of the room.
    assert answer.status_code == 200, brief(answer)
    now = answer.json()["soundtrack"]
    assert not now["playing"] and now["entry"] is None, now
    row = music.row()
    assert not row["playing"] and row["entry"] is None and row["position_ms"] == 0
    assert music.state(listener)["up_next"] == []


def test_the_library_page_offers_queue_forms_only_when_opened_from_a_room(stack, admin):
    tid = add_track_cli(stack, "ogg", seconds=2, title="For the room")
    guest = User(stack.base_url)
    doc = parse_html(guest.get("/music/library?room=abc def").text)
    li = doc.by_id(f"track-{tid}")
    form = li.find("form", cls="add-to-room")
    assert form.get("action") == "/r/ABC-DEF/soundtrack/queue"
    fields = {i.get("name"): i.get("value") for i in form.find_all("input")}
    assert fields["track_id"] == tid and fields["csrf"]
    assert fields["next"] == f"/music/library?room=ABC-DEF&queued={tid}"
    assert doc.by_id("music-room-link").get("href") == "/r/ABC-DEF"
    # Back from the room's queue route, the page says what was queued.
    note = parse_html(guest.get(fields["next"]).text).by_id("music-queued")
    assert note is not None and "For the room" in note.text() and "ABC-DEF" in note.text()
    for query in ("", "?room="):
        r = guest.get("/music/library" + query)
        assert r.status_code == 200 and parse_html(r.text).by_id(f"track-{tid}").find("form", cls="add-to-room") is None
    for query in ("?room=%3Cscript%3E", "?room=ABCDEFG", "?room=O0I1L0"):
        r = guest.get("/music/library" + query)
        doc = parse_html(r.text)
        assert r.status_code == 422 and doc.by_id("music-room-error") is not None, f"{query}: {brief(r)}"
        assert doc.by_id(f"track-{tid}").find("form", cls="add-to-room") is None and "<script>" not in r.text
    assert guest.get("/music/library?page=0").status_code == 400
    assert guest.get("/music/library?page=99").status_code == 200
