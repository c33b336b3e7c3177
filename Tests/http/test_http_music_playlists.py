"""Playlists and liked songs (issue 16, "For accounts"): create, rename, add and remove tracks,
reorder, delete; one-click likes, unique per account and track; both in the export and gone with
the account. Privacy: another account's playlist id answers exactly like a missing one (404) on
every route, and nothing changes. Tracks are library rows made with SQL (nothing plays here)."""

import json
import uuid

import pytest

from accounts_kit import brief, post_on, register
from library_kit import Music, liked_rows, playlist_rows, tracks_in_db
from pomopomo_testkit import User, parse_html


@pytest.fixture(scope="module")
def alice(stack, mailbox):
    return Music(stack, register(stack.base_url, mailbox, "alice"))


@pytest.fixture(scope="module")
def bob(stack, mailbox):
    return Music(stack, register(stack.base_url, mailbox, "bob"))


@pytest.fixture(scope="module")
def tracks(stack):
    return tracks_in_db(stack, 4, title="Song")


def test_a_playlist_is_made_filled_reordered_renamed_and_deleted(alice, tracks):
    pid = alice.create("Deep work")
    for t in tracks[:3]:
        r = alice.add(pid, t)
        assert r.status_code == 303, brief(r)
    # Adding a track that is in it already keeps one copy where it was.
    assert alice.add(pid, tracks[0]).status_code == 303
    assert alice.playlist_tracks(pid) == tracks[:3]
    page = alice.page(f"/music/playlists/{pid}")
    assert page.by_id("playlist-heading").text() == "Deep work"
    assert "3 tracks · 3:03" in page.by_id("playlist-summary").text()

    # ↓ on the first sends place 2; a place past the end means the end.
    assert alice.post(f"/music/playlists/{pid}/tracks/{tracks[0]}/move", to="2").status_code == 303
    assert alice.playlist_tracks(pid) == [tracks[1], tracks[0], tracks[2]]
    assert alice.post(f"/music/playlists/{pid}/tracks/{tracks[1]}/move", to="99").status_code == 303
    assert alice.playlist_tracks(pid) == [tracks[0], tracks[2], tracks[1]]
    # The page's own ↑ button for the last track.
    form = page_form(alice, pid, tracks[1], "move-up")
    assert alice.post(form.get("action"), to=form.find("input", name="to").get("value")).status_code == 303
    assert alice.playlist_tracks(pid) == [tracks[0], tracks[1], tracks[2]]

    assert alice.post(f"/music/playlists/{pid}/tracks/{tracks[1]}/remove").status_code == 303
    assert alice.playlist_tracks(pid) == [tracks[0], tracks[2]]

    assert alice.post(f"/music/playlists/{pid}", name="  Deep\n work   two ").status_code == 303
    assert alice.page(f"/music/playlists/{pid}").by_id("playlist-heading").text() == "Deep work two"
    listed = alice.page("/music/playlists").by_id("playlist-list")
    assert "Deep work two" in listed.text() and "2 tracks" in listed.text()

    r = alice.post(f"/music/playlists/{pid}/delete")
    assert r.status_code == 303 and r.headers["Location"] == "/music/playlists", brief(r)
    assert alice.user.get(f"/music/playlists/{pid}").status_code == 404
    # The tracks themselves stay.
    assert alice.stack.psql("select count(*) from tracks where id = any(:'v1'::uuid[])", "{" + ",".join(tracks) + "}") == "4"


def page_form(music, pid, track, cls):
    li = music.page(f"/music/playlists/{pid}").by_id(f"track-{track}")
    form = li.find("form", cls=cls)
    assert form is not None, f"no {cls} form for {track}"
    return form


def test_play_this_playlist_in_the_room_posts_the_contract_route(alice, tracks):
    pid = alice.create("For the room")
    alice.add(pid, tracks[0])
    page = alice.page(f"/music/playlists/{pid}?room=abc-def")
    form = page.by_id("play-playlist")
    assert form is not None and form.get("action") == "/r/ABC-DEF/soundtrack/queue"
    fields = {i.get("name"): i.get("value") for i in form.find_all("input")}
    assert fields["playlist_id"] == pid and fields["csrf"] and fields["next"] == f"/music/playlists/{pid}?room=ABC-DEF"
    # Without a room, a form asks for one (a GET that comes back with ?room=).
    page = alice.page(f"/music/playlists/{pid}")
    assert page.by_id("play-playlist") is None and page.by_id("choose-room").get("method") == "get"
    # A code that is not a room code offers no room form, and says why.
    r = alice.user.get(f"/music/playlists/{pid}?room=<script>")
    doc = parse_html(r.text)
    assert r.status_code == 422 and doc.by_id("play-playlist") is None and doc.by_id("music-room-error") is not None, brief(r)


def test_a_catalogue_or_library_tracks_page_offers_like_and_add_to_playlist(stack, alice, tracks):
    """The track page (/music/tracks/{id}, the catalogue's) carries the same forms as a row."""
    pid = alice.create("From the track page")
    doc = alice.page(f"/music/tracks/{tracks[1]}")
    keep = doc.by_id("track-keep")
    assert keep is not None, "no like or playlist forms on the track page"
    like = keep.find("form", cls="like-form")
    assert like.get("action") == f"/music/tracks/{tracks[1]}/like"
    r = alice.post(like.get("action"), next=like.find("input", name="next").get("value"))
    assert r.status_code == 303 and r.headers["Location"] == f"/music/tracks/{tracks[1]}#track-{tracks[1]}", brief(r)
    again = alice.page(f"/music/tracks/{tracks[1]}").by_id("track-keep")
    assert again.find("form", cls="like-form").get("action").endswith("/unlike")
    add = keep.find("form", cls="add-to-playlist")
    assert pid in [o.get("value") for o in add.find_all("option")]
    assert alice.add(pid, tracks[1]).status_code == 303 and alice.playlist_tracks(pid) == [tracks[1]]
    # A guest sees no such forms.
    assert parse_html(User(stack.base_url).get(f"/music/tracks/{tracks[1]}").text).by_id("track-keep") is None
    alice.post(f"/music/tracks/{tracks[1]}/unlike")
    alice.post(f"/music/playlists/{pid}/delete")


HOSTILE = "<script>alert(1)</script>\" autofocus onfocus=alert(2) x=\"{{> layout}}"


@pytest.mark.parametrize("name,says", [
    ("", "Give the playlist a name"),
    ("   \n ", "Give the playlist a name"),
    ("x" * 101, "at most 100 characters"),
    ("bad\x07name", "control characters"),
    ("evil\u202etxt", "text-direction"),
], ids=["empty", "blank", "too long", "BEL", "RTL override"])
def test_a_bad_name_is_refused_with_what_was_typed_and_nothing_changes(stack, alice, name, says):
    before = playlist_rows(stack, alice.uid)
    r = alice.post("/music/playlists", name=name)
    assert r.status_code == 422, brief(r)
    alert = parse_html(r.text).by_id("playlist-error")
    assert alert is not None and says in alert.text()
    assert playlist_rows(stack, alice.uid) == before
    pid = alice.create("Renamed badly")
    before = playlist_rows(stack, alice.uid)
    r = alice.post(f"/music/playlists/{pid}", name=name)
    assert r.status_code == 422 and says in parse_html(r.text).by_id("playlist-error").text(), brief(r)
    assert playlist_rows(stack, alice.uid) == before
    alice.post(f"/music/playlists/{pid}/delete")


def test_script_in_a_name_shows_as_text(alice, tracks):
    pid = alice.create(HOSTILE)
    for path in ("/music/playlists", f"/music/playlists/{pid}"):
        r = alice.user.get(path)
        assert "<script>alert(1)" not in r.text
        assert not [el for el in parse_html(r.text).iter() if "onfocus" in el.attrs], f"{path}: an attribute broke out"
    assert alice.page(f"/music/playlists/{pid}").by_id("playlist-heading").text() == HOSTILE
    # A track row's select shows it escaped too.
    assert "<script>alert(1)" not in alice.user.get("/music/library").text
    alice.post(f"/music/playlists/{pid}/delete")


def test_bad_ids_and_places_are_refused(stack, alice, tracks):
    pid = alice.create("Places")
    alice.add(pid, tracks[0])
    before = playlist_rows(stack, alice.uid)
    for to in ("0", "-1", "1e3", "0x10", "", "99999", "2 "):
        r = alice.post(f"/music/playlists/{pid}/tracks/{tracks[0]}/move", to=to)
        assert r.status_code == 422, f"to={to!r}: {brief(r)}"
    for bad in ("1", "x' or '1'='1", str(uuid.uuid4()), "../" + pid):
        assert alice.user.get(f"/music/playlists/{bad}").status_code == 404
        assert alice.add(bad, tracks[1]).status_code == 404
        assert alice.add(pid, bad).status_code == 404
        assert alice.post(f"/music/tracks/{bad}/like").status_code == 404
    assert alice.post(f"/music/playlists/{pid}/tracks/{tracks[2]}/remove").status_code == 404
    assert playlist_rows(stack, alice.uid) == before
    alice.post(f"/music/playlists/{pid}/delete")


def test_another_accounts_playlist_answers_404_everywhere_and_nothing_changes(stack, alice, bob, tracks):
    """Privacy (issue 16): a playlist id of another user."""
    theirs = bob.create("Bob's secret mix")
    bob.add(theirs, tracks[0])
    mine = alice.create("Alice's")
    before = playlist_rows(stack, bob.uid)
    missing = str(uuid.uuid4())
    for pid in (theirs, missing):
        r = alice.user.get(f"/music/playlists/{pid}")
        assert r.status_code == 404 and "Bob's secret mix" not in r.text, brief(r)
        assert alice.user.get(f"/music/playlists/{pid}?room=ABC-DEF").status_code == 404
        assert alice.post(f"/music/playlists/{pid}", name="Mine now").status_code == 404
        assert alice.post(f"/music/playlists/{pid}/delete").status_code == 404
        assert alice.add(pid, tracks[1]).status_code == 404
        assert alice.post(f"/music/playlists/{pid}/tracks/{tracks[0]}/remove").status_code == 404
        assert alice.post(f"/music/playlists/{pid}/tracks/{tracks[0]}/move", to="1").status_code == 404
    assert playlist_rows(stack, bob.uid) == before
    # Her own playlists' list never shows his.
    assert "Bob's secret mix" not in alice.user.get("/music/playlists").text
    alice.post(f"/music/playlists/{mine}/delete")


def test_playlists_and_likes_are_for_accounts(stack, tracks):
    guest = User(stack.base_url)
    for path in ("/music/playlists", "/music/liked", f"/music/playlists/{uuid.uuid4()}"):
        r = guest.get(path)
        assert r.status_code == 303 and r.headers["Location"].startswith("/login?next="), f"{path}: {brief(r)}"
    token = guest.csrf("/")
    for path in ("/music/playlists", f"/music/tracks/{tracks[0]}/like", f"/music/tracks/{tracks[0]}/playlist"):
        assert guest.post_form(path, {"csrf": token, "name": "x", "playlist_id": str(uuid.uuid4())}).status_code == 403
    # The library shows a guest no like or playlist forms.
    assert parse_html(guest.get("/music/library").text).find("form", cls="like-form") is None


def test_the_playlist_limit_holds(stack, alice):
    have = int(stack.psql("select count(*) from playlists where user_id = :'v1'", alice.uid))
    stack.psql("insert into playlists (user_id, name) select :'v1', 'filler ' || i from generate_series(1, :'v2'::int) i",
               alice.uid, str(100 - have))
    try:
        r = alice.post("/music/playlists", name="One too many")
        assert r.status_code == 422 and "100 playlists" in r.text, brief(r)
        assert int(stack.psql("select count(*) from playlists where user_id = :'v1'", alice.uid)) == 100
    finally:
        stack.psql("delete from playlists where user_id = :'v1' and name like 'filler %'", alice.uid)


def test_a_like_is_one_click_unique_and_listed(stack, alice, tracks):
    target = tracks[3]
    page = alice.page("/music/library")
    li = page.by_id(f"track-{target}")
    assert li is not None, "the track is not in the library"
    form = li.find("form", cls="like-form")
    assert form.get("action") == f"/music/tracks/{target}/like"
    next_field = form.find("input", name="next").get("value")
    r = alice.post(form.get("action"), next=next_field)
    assert r.status_code == 303 and r.headers["Location"] == f"/music/library#track-{target}", brief(r)
    # Twice (a double click) is still one like.
    assert alice.post(f"/music/tracks/{target}/like").status_code == 303
    assert liked_rows(stack, alice.uid).split(",").count(target) == 1
    li = alice.page("/music/library").by_id(f"track-{target}")
    assert li.find("form", cls="like-form").get("action") == f"/music/tracks/{target}/unlike"
    assert target in alice.shown("/music/liked", "liked-tracks")
    # A foreign `next` never leads off the site.
    for evil in ("//evil.example", "https://evil.example/", "/\\evil.example"):
        r = alice.post(f"/music/tracks/{target}/like", next=evil)
        assert r.status_code == 303 and r.headers["Location"].startswith("/music/liked"), brief(r)
    assert alice.post(f"/music/tracks/{target}/unlike").status_code == 303
    assert target not in liked_rows(stack, alice.uid)
    assert alice.post(f"/music/tracks/{target}/unlike").status_code == 303  # unliking again changes nothing


def test_play_my_liked_songs_in_the_room_posts_the_contract_route(alice, tracks):
    alice.post(f"/music/tracks/{tracks[2]}/like")
    form = alice.page("/music/liked?room=ABC-DEF").by_id("play-liked")
    assert form.get("action") == "/r/ABC-DEF/soundtrack/queue"
    assert form.find("input", name="liked").get("value") == "1"
    row = alice.page("/music/liked?room=ABC-DEF").by_id(f"track-{tracks[2]}")
    assert row.find("form", cls="add-to-room").get("action") == "/r/ABC-DEF/soundtrack/queue"
    alice.post(f"/music/tracks/{tracks[2]}/unlike")


def test_playlists_and_likes_are_exported_and_go_with_the_account(stack, mailbox, tracks):
    acct = register(stack.base_url, mailbox, "leaver")
    music = Music(stack, acct)
    pid = music.create("Take me along")
    music.add(pid, tracks[1])
    music.add(pid, tracks[0])
    music.post(f"/music/tracks/{tracks[2]}/like")
    export = json.loads(acct.user.get("/settings/export.json").text)
    assert [p["name"] for p in export["playlists"]] == ["Take me along"]
    assert [t["title"] for t in export["playlists"][0]["tracks"]] == [
        stack.psql("select title from tracks where id = :'v1'", t) for t in (tracks[1], tracks[0])]
    assert [t["title"] for t in export["liked_songs"]] == [stack.psql("select title from tracks where id = :'v1'", tracks[2])]

    r = post_on(acct.user, "/settings/account", "/settings/delete", password=acct.password)
    assert r.status_code == 303, brief(r)
    assert stack.psql("select count(*) from playlists where user_id = :'v1'", music.uid) == "0"
    assert stack.psql("select count(*) from playlist_tracks where playlist_id = :'v1'", pid) == "0"
    assert stack.psql("select count(*) from liked_tracks where user_id = :'v1'", music.uid) == "0"
    # The tracks stay for everyone else.
    assert stack.psql("select count(*) from tracks where id = :'v1'", tracks[2]) == "1"
