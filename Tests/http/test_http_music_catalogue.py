"""The music catalogue (issue 16): search, trending, home shelves and a track's recommendations from
a Piped instance (the fake, Tests/fakes/piped.py), cached in Redis under the seed's keys and lifetimes,
each track kept in `tracks`; the pages work without JavaScript, show catalogue text escaped and
thumbnails over https only; "Queue in the room" forms when opened from a room; the stream redirect.
Faults and bad input: test_http_music_catalogue_faults.py."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from catalogue_kit import listed, page, piped_fake, search_path, ttl, unique  # noqa: E402
from pomopomo_testkit import redis_cli  # noqa: E402

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def fake():
    f = piped_fake()
    f.ok()
    return f


@pytest.fixture(scope="module")
def visitor(stack):
    from pomopomo_testkit import User
    return User(stack.base_url)


@pytest.fixture(scope="module")
def searched(stack, fake, visitor):
    """One search made once for the module: (typed query, its page, the fake's requests before it)."""
    q = unique("Focus Flow")
    before = len(fake.asked())
    r = visitor.get(search_path(f"  {q.upper()}   "))
    return q, r, before


def test_a_search_lists_songs_and_keeps_them_as_tracks(stack, fake, visitor, searched):
    q, r, before = searched
    assert r.status_code == 200, r.text[:500]
    doc = page(r)
    songs = listed(doc, "results")
    # Eight songs: the channel, the playlist, the Short, the live stream, the item without a video id
    # and the duplicate the instance also sent are left out.
    assert [s.title for s in songs] == [f"{q.upper()} (song {i})" for i in range(1, 9)]
    assert [s.artist for s in songs][:2] == ["Artist 1", "Artist 2"], "YouTube Music's “ - Topic” channels name the artist"
    assert all(UUID.match(s.id) and s.href == f"/music/tracks/{s.id}" for s in songs)
    assert all(re.fullmatch(r"\d+:\d\d", s.duration) for s in songs)
    # Thumbnails over https only: the third song's was plain http and is not shown.
    assert songs[2].thumbnail is None
    assert all(s.thumbnail.startswith("https://") for i, s in enumerate(songs) if i != 2)
    assert all(s.form is None for s in songs), "no queue forms outside a room"
    assert "https:" in r.headers["Content-Security-Policy"].split("img-src", 1)[1].split(";")[0]

    # The instance was asked once, for YouTube Music's songs, with the query cleaned.
    asked = fake.asked()[before:]
    assert len(asked) == 1 and asked[0].startswith("/search?") and "filter=music_songs" in asked[0]
    assert "q=" + q.upper().replace(" ", "%20") in asked[0]

    # Kept in `tracks` with the seed's Track fields.
    rows = stack.psql(
        "select title, artist, duration_seconds, coalesce(thumbnail_url, '-') from tracks"
        " where id = any(:'v1'::uuid[]) order by title",
        "{" + ",".join(s.id for s in songs) + "}").splitlines()
    assert len(rows) == 8
    title, artist, seconds, thumb = rows[0].split("|")
    assert title == f"{q.upper()} (song 1)" and artist == "Artist 1" and 120 <= int(seconds) < 300
    assert thumb.startswith("https://")
    assert stack.psql("select count(*) from tracks where title in ('Bad id', 'A Short', 'Live radio 24/7')") == "0"

    # Cached under search:{normalised query} for an hour.
    key = "search:" + q.lower()
    assert 3590 <= ttl(stack, key) <= 3600
    # The same search typed differently is the same key: answered from Redis, the instance not asked.
    again = visitor.get(search_path(q.lower().replace(" ", "\t ")))
    assert again.status_code == 200
    assert [s.id for s in listed(page(again), "results")] == [s.id for s in songs]
    assert len(fake.asked()) == before + 1


def test_trending_and_the_home_shelves(stack, fake, visitor):
    redis_cli(stack, "DEL", "trending", "home:shelves")
    before = len(fake.asked())
    r = visitor.get("/music")
    assert r.status_code == 200, r.text[:500]
    doc = page(r)
    trending = listed(doc, "trending")
    assert len(trending) == 12
    # Catalogue text is text: markup shown as typed, never as markup; bidirectional overrides gone.
    assert trending[1].title == '<script>alert("trending")</script> & <b>bold</b>'
    assert '<script>alert("trending")' not in r.text and "&lt;script&gt;alert(" in r.text
    assert trending[2].title == "Left right done" and "\u202e" not in r.text
    # A javascript: thumbnail is no thumbnail.
    assert trending[3].thumbnail is None and "javascript:" not in r.text
    shelves = doc.find_all("section", cls="music-shelf")
    headings = [s.find("h2").text() for s in shelves]
    assert headings == ["Lo-fi to focus", "Calm piano", "Ambient", "Jazz for work", "Trending"]
    for shelf in shelves[:4]:
        assert len(shelf.find_all("li", cls="catalogue-track")) == 8
    assert 7190 <= ttl(stack, "trending") <= 7200
    assert 3590 <= ttl(stack, "home:shelves") <= 3600
    asked = len(fake.asked()) - before
    assert 1 <= asked <= 5, "trending and at most the four shelves' searches"
    # Cached: the next visit asks nothing.
    assert visitor.get("/music").status_code == 200
    assert len(fake.asked()) == before + asked


def test_a_track_page_shows_the_track_and_its_recommendations(stack, fake, visitor, searched):
    song = listed(page(searched[1]), "results")[0]
    vid = stack.psql("select piped_id from tracks where id = :'v1'", song.id)
    before = len(fake.asked())
    r = visitor.get(song.href)
    assert r.status_code == 200, r.text[:500]
    doc = page(r)
    # The title and artist the search showed stay (the video's page names it "Song …").
    assert doc.by_id("track-heading").text() == song.title and doc.by_id("track-artist").text() == "Artist 1"
    assert doc.by_id("track-duration").text() == song.duration
    audio = doc.by_id("track-preview")
    assert audio.tag == "audio" and audio.get("src") == f"/music/tracks/{song.id}/stream"
    related = listed(doc, "related")
    # Six related songs: the channel and the video itself are left out.
    assert [t.title for t in related] == [f"Related to {vid} #{i}" for i in range(1, 7)]
    assert 3590 <= ttl(stack, f"recommendations:{vid}:v2") <= 3600
    assert stack.psql("select count(*) from tracks where title like :'v1'", f"Related to {vid} #%") == "6"
    assert fake.asked()[before:] == [f"/streams/{vid}"]
    # Cached: the page again asks nothing.
    assert visitor.get(song.href).status_code == 200
    assert len(fake.asked()) == before + 1


def test_a_video_id_leads_to_its_track(stack, fake, visitor, searched):
    song = listed(page(searched[1]), "results")[1]
    vid = stack.psql("select piped_id from tracks where id = :'v1'", song.id)
    r = visitor.get(f"/music/tracks/{vid}")
    assert r.status_code == 302 and r.headers["Location"] == f"/music/tracks/{song.id}"
    # A video never seen: the catalogue describes it and it is kept.
    new = "NewVideo_01"
    r = visitor.get(f"/music/tracks/{new}?room=abcdef")
    assert r.status_code == 302
    kept = stack.psql("select id from tracks where piped_id = :'v1'", new)
    assert UUID.match(kept) and r.headers["Location"] == f"/music/tracks/{kept}?room=ABC-DEF"
    # A live stream is no track.
    assert visitor.get("/music/tracks/LIVEstream1").status_code == 404
    assert stack.psql("select count(*) from tracks where piped_id = 'LIVEstream1'") == "0"


def test_the_stream_is_the_original_audio_only_aac(stack, fake, visitor, searched, tmp_path):
    song = listed(page(searched[1]), "results")[2]
    vid = stack.psql("select piped_id from tracks where id = :'v1'", song.id)
    r = visitor.get(f"/music/tracks/{song.id}/stream")
    assert r.status_code == 302, r.text[:300]
    location = r.headers["Location"]
    # Audio only, the original track (not the dubbed one), AAC in MP4 at 128 kbps (plays everywhere).
    assert location.startswith(fake.url + "/videoplayback?") and f"v={vid}" in location
    assert "itag=140" in location and "acont=original" in location
    assert r.headers["Cache-Control"] == "private, max-age=60"
    assert 0 < ttl(stack, f"stream:{vid}") <= 600
    audio = requests.get(location, headers={"Range": "bytes=0-"}, timeout=10)
    assert audio.status_code == 206 and audio.content[4:8] == b"ftyp"
    sample = tmp_path / "stream.m4a"
    sample.write_bytes(audio.content)
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(sample)],
                           capture_output=True, text=True, timeout=30)
    assert 3 < float(probe.stdout.strip()) < 5, f"a short real tone: {probe.stderr}"
    # A second listener is sent to the same place without asking the instance.
    before = len(fake.asked())
    assert visitor.get(f"/music/tracks/{song.id}/stream").headers["Location"] == location
    assert len(fake.asked()) == before
    # No such track.
    assert visitor.get("/music/tracks/00000000-0000-4000-8000-000000000000/stream").status_code == 404


def test_pages_opened_from_a_room_queue_into_it(stack, fake, host, searched):
    code = host.create_room("DJ Host")
    q = searched[0]
    r = host.get(search_path(q, room=code.replace("-", "").lower()))
    assert r.status_code == 200
    doc = page(r)
    assert doc.by_id("music-room-link").get("href") == f"/r/{code}"
    assert doc.find("input", name="room").get("value") == code, "the search keeps the room"
    songs = listed(doc, "results")
    assert len(songs) == 8
    token = host.csrf("/")
    for song in songs:
        form = song.form
        assert form is not None and form.get("method") == "post"
        assert form.get("action") == f"/r/{code}/soundtrack/queue"
        fields = {i.get("name"): i.get("value") for i in form.find_all("input")}
        assert fields["csrf"] == token and fields["track_id"] == song.id
        assert fields["next"].startswith("/music/search?q=") and f"room={code}" in fields["next"]
        assert fields["next"].endswith(f"&queued={song.id}")
        assert song.href == f"/music/tracks/{song.id}?room={code}"
    # Coming back after queueing: the page says what was queued.
    back = host.page(songs[0].form.find("input", name="next").get("value"))
    assert back.by_id("music-queued").text() == f"Queued “{songs[0].title}” in room {code}."
    # The home page and a track page offer the same.
    home = host.page(f"/music?room={code}")
    assert all(t.form.get("action") == f"/r/{code}/soundtrack/queue" for t in listed(home, "trending"))
    track = host.page(songs[0].href)
    assert track.by_id("track-queue").get("action") == f"/r/{code}/soundtrack/queue"
    # Something that is not a room code: said so, and no queue forms.
    for bad in ("ABC-DE", "<script>", "0OIL1U"):
        r = host.get(search_path(q, room=bad))
        assert r.status_code == 422
        doc = page(r)
        assert "is not a room code" in doc.by_id("music-room-error").text()
        assert all(t.form is None for t in listed(doc, "results"))


@pytest.fixture
def responder_without_catalogue(stack):
    """A third responder started with POMOPOMO_PIPED_URL empty (the catalogue off), asked directly."""
    stack.responder_start("nocat", env={"POMOPOMO_PIPED_URL": ""})
    yield "nocat"
    stack.responder_stop("nocat")


def test_with_the_catalogue_off_the_pages_say_so(stack, fake, searched, responder_without_catalogue):
    before = len(fake.asked())
    for path in ("/music", search_path("anything"), "/music/search"):
        r = stack.fcgi(responder_without_catalogue, "GET", path)
        assert r.status == 200
        doc = page(r)
        assert "The music catalogue is off on this server" in doc.by_id("catalogue-off").text()
        assert doc.find("li", cls="catalogue-track") is None
    song = listed(page(searched[1]), "results")[3]
    track = stack.fcgi(responder_without_catalogue, "GET", song.href)
    assert track.status == 200 and page(track).by_id("catalogue-off") is not None
    stream = stack.fcgi(responder_without_catalogue, "GET", f"/music/tracks/{song.id}/stream")
    assert stream.status == 503 and "off on this server" in stream.text
    assert len(fake.asked()) == before
