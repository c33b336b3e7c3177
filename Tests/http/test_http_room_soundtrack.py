"""The room's soundtrack (issue 16): the queue with who added each track, the host's and DJs'
controls with the position kept on the server (computed, never ticked), guests' proposals, the
sweeper moving the queue on with nobody watching, long-polls and state.json carrying it, the page
without JavaScript, and "who is behind"."""

import concurrent.futures
import re
import uuid

from accounts_kit import user_id
from pomopomo_testkit import parse_html
from soundtrack_kit import Soundtrack, library_track, page_now, stable


def play_two(stack, room, first=("Rain on Tin", 180), second=("Low Tide", 120)):
    music = Soundtrack(room)
    ids = [library_track(stack, *first), library_track(stack, *second)]
    for track in ids:
        music.add(room.host, track)
    room.host.ok("/soundtrack/play")
    return music, ids


def test_the_host_queues_plays_pauses_seeks_and_skips(stack, make_room):
    room = make_room()
    music = Soundtrack(room)
    for title, seconds in (("Rain on Tin", 180), ("Low Tide", 120)):
        music.add(room.host, library_track(stack, title, seconds))
    s = music.state()
    assert [(e["title"], e["added_by"]) for e in s["up_next"]] == [("Rain on Tin", "Hana Host"), ("Low Tide", "Hana Host")]
    assert s["current"] is None and s["now"]["playing"] is False

    room.host.ok("/soundtrack/play")
    s = music.state()
    entry = s["current"]["entry"]
    assert s["current"]["title"] == "Rain on Tin" and s["now"]["playing"] and music.titles() == ["Low Tide"]
    assert 0 <= s["now"]["position_ms"] < 2000 and s["now"]["duration_ms"] == 180_000

    # Position = where it was set + the time since: the row is written once and never ticks.
    music.ran_for(30)
    assert 30_000 <= music.now()["position_ms"] < 32_500
    assert music.row()["position_ms"] == 0

    room.host.ok("/soundtrack/pause")
    paused = music.now()
    assert not paused["playing"] and 30_000 <= paused["position_ms"] < 33_000
    music.ran_for(20)
    assert music.now()["position_ms"] == paused["position_ms"], "a paused track moved"

    room.host.ok("/soundtrack/seek", entry=entry, position="1:00")
    assert (music.now()["position_ms"], music.now()["playing"]) == (60_000, False)
    room.host.ok("/soundtrack/play")
    assert 60_000 <= music.now()["position_ms"] < 62_000

    room.host.ok("/soundtrack/skip", entry=entry)
    s = music.state()
    assert s["current"]["title"] == "Low Tide" and s["now"]["playing"] and s["now"]["position_ms"] < 2000
    assert music.titles("history") == ["Rain on Tin"] and music.titles() == []
    room.host.ok("/soundtrack/skip", entry=s["current"]["entry"])
    s = music.state()
    assert s["current"] is None and not s["now"]["playing"]
    assert music.titles("history") == ["Low Tide", "Rain on Tin"], "history is newest first"

    doc = room.host.refused(409, "/soundtrack/skip")
    assert "queue is empty" in doc.by_id("room-error").clean_text()


def test_the_queue_is_reordered_and_trimmed_by_the_host(stack, make_room):
    room = make_room()
    music, _ = play_two(stack, room)
    music.add(room.host, library_track(stack, "Third Wave", 90))
    music.add(room.host, library_track(stack, "Fourth Wall", 90))
    assert music.titles() == ["Low Tide", "Third Wave", "Fourth Wall"]
    room.host.ok(f"/soundtrack/entries/{music.entry('Fourth Wall')}/move", direction="up")
    assert music.titles() == ["Low Tide", "Fourth Wall", "Third Wave"]
    room.host.ok(f"/soundtrack/entries/{music.entry('Low Tide')}/move", direction="down")
    assert music.titles() == ["Fourth Wall", "Low Tide", "Third Wave"]
    room.host.refused(409, f"/soundtrack/entries/{music.entry('Fourth Wall')}/move", direction="up")
    room.host.ok(f"/soundtrack/entries/{music.entry('Low Tide')}/delete")
    assert music.titles() == ["Fourth Wall", "Third Wave"] and music.current_title() == "Rain on Tin"
    # The page lists them in that order, each with who added it, and the host's forms.
    section = music.section(room.host)
    items = section.by_id("soundtrack-up-next").find_all("li", cls="queued-track")
    assert [li.find(cls="track-title").clean_text() for li in items] == ["Fourth Wall", "Third Wave"]
    assert all(li.find(cls="added-by").clean_text() == "Hana Host" for li in items)
    assert section.by_id("soundtrack-controls") is not None


def test_guests_propose_the_host_decides_and_djs_run_the_music(stack, make_room):
    room = make_room()
    music, _ = play_two(stack, room)
    guest = room.join("Gina Guest")
    # A guest's track waits as a proposal, with their name, until the host or a DJ decides.
    music.add(guest, library_track(stack, "Gina's Pick", 100))
    seen = music.state(via=guest)
    assert [(e["title"], e["added_by"]) for e in seen["proposed"]] == [("Gina's Pick", "Gina Guest")]
    assert [e["title"] for e in seen["up_next"]] == ["Low Tide"]
    room.host.ok("/soundtrack/entries/" + music.entry("Gina's Pick", "proposed", via=guest) + "/accept")
    assert music.titles() == ["Low Tide", "Gina's Pick"] and music.titles("proposed") == []
    music.add(guest, library_track(stack, "Not Today", 100))
    room.host.ok(f"/soundtrack/entries/{music.entry('Not Today', 'proposed', via=guest)}/reject")
    assert "Not Today" not in music.titles("proposed") + music.titles()

    # A guest cannot run the music.
    for where, fields in (("/soundtrack/pause", {}), ("/soundtrack/skip", {"entry": music.state()["current"]["entry"]}),
                          ("/soundtrack/mode", {"mode": "breaks"})):
        doc = guest.refused(403, where, **fields)
        assert "host or a DJ" in doc.by_id("room-error").clean_text()
    assert music.section(guest).by_id("soundtrack-controls") is None

    # The host stops taking proposals: a guest's add is refused, with the reason.
    room.host.ok("/soundtrack/proposals", allow="off")
    doc = guest.refused(403, "/soundtrack/queue", track_id=library_track(stack, "Late Idea", 100))
    assert "not taking track proposals" in doc.by_id("room-error").clean_text()

    # The host makes the guest DJ (from the moderation page): they add up next, skip, pause.
    room.host.ok(f"/participants/{guest.id}/dj")
    assert [p["dj"] for p in room.state()["participants"] if p["name"] == "Gina Guest"] == [True]
    assert guest.page().by_id("participants").find(cls="dj-badge") is not None
    music.add(guest, library_track(stack, "DJ Set", 100))
    assert music.titles(via=guest)[-1] == "DJ Set"
    guest.ok("/soundtrack/skip", entry=music.state(via=guest)["current"]["entry"])
    guest.ok("/soundtrack/pause")
    assert music.current_title(via=guest) == "Low Tide" and not music.now(via=guest)["playing"]
    assert music.section(guest).by_id("soundtrack-controls") is not None
    # A DJ is no host.
    guest.refused(403, "/timer", action="start", at="0")
    guest.refused(403, "/soundtrack/proposals", allow="on")
    room.host.ok(f"/participants/{guest.id}/undj")
    guest.refused(403, "/soundtrack/play")


def test_the_sweeper_moves_the_queue_on_with_nobody_watching(stack, make_room):
    room = make_room()
    music, _ = play_two(stack, room, first=("First Light", 60), second=("Second Wind", 30))
    music.add(room.host, library_track(stack, "Third Eye", 120))
    first_entry = music.state()["current"]["entry"]

    music.ends_now()
    row = music.wait_row(lambda r: r["entry"] != first_entry, "the sweeper moving on when the track ended")
    assert row["playing"]
    s = music.state()
    assert s["current"]["title"] == "Second Wind" and s["now"]["position_ms"] < 3000
    assert music.titles("history") == ["First Light"]

    # Second Wind ended 130 s ago and nobody acted: Third Eye (120 s) played whole meanwhile,
    # and Fourth Estate is 10 s in.
    music.add(room.host, library_track(stack, "Fourth Estate", 200))
    music.ends_now(ago=130)
    music.wait_row(lambda r: r["entry"] not in (first_entry, s["current"]["entry"]), "catching up through two tracks")
    s = music.state()
    assert s["current"]["title"] == "Fourth Estate" and 10_000 <= s["now"]["position_ms"] < 13_000
    assert music.titles("history") == ["Third Eye", "Second Wind", "First Light"]

    # The last one ends: the room falls silent.
    music.ends_now()
    music.wait_row(lambda r: not r["playing"] and r["entry"] is None, "the room falling silent")
    assert music.titles("history")[0] == "Fourth Estate"


def test_long_polls_carry_the_soundtrack_in_every_variant(stack, make_room):
    room = make_room()
    music, _ = play_two(stack, room)
    guest = room.join("Pat Poller")
    dj = room.join("Dee Jay")
    room.host.ok(f"/participants/{dj.id}/dj")
    entry = music.state()["current"]["entry"]
    version = room.db_version()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        baseline = stack.parked()
        waiting = [pool.submit(m.poll, version, 8) for m in (guest, dj)]
        assert stack.wait_parked(baseline, 2), "the polls did not park"
        room.host.ok("/soundtrack/seek", entry=entry, position="90")
        answers = [w.result().json() for w in waiting]
    for data, controls in zip(answers, (False, True), strict=True):
        now = data["soundtrack"]
        assert 90_000 <= now["position_ms"] < 91_500 and now["playing"] and now["entry"] == entry
        assert now["server_now_ms"] > 0 and now["stamp"] and now["src"].endswith("/file")
        assert dj.id in now["djs"] and guest.id not in now["djs"]
        part = parse_html(data["fragments"]["soundtrack"])
        assert part.by_id("soundtrack-title").clean_text() == "Rain on Tin"
        assert (part.by_id("soundtrack-controls") is not None) == controls
        assert "timer" not in data["fragments"], "a seek sent the timer's fragment"
    # A DJ's whole room (a poll from 0) has the soundtrack's controls and none of the host's.
    full = dj.poll(0, timeout=3).json()["fragments"]
    assert parse_html(full["soundtrack"]).by_id("soundtrack-controls") is not None
    assert parse_html(full["timer"]).by_id("timer-controls") is None
    assert f'action="/r/{room.code}/segments"' not in full["queue"]

    # A chat message: the soundtrack's fragment is not sent again, its moving position is.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        baseline = stack.parked()
        waiting = pool.submit(guest.poll, answers[0]["version"], 8)
        assert stack.wait_parked(baseline, 1)
        room.host.ok("/messages", text="nice one")
        data = waiting.result().json()
    assert "soundtrack" not in data["fragments"] and data["soundtrack"]["position_ms"] >= 90_000


def test_the_page_without_javascript_links_the_track_at_its_position(stack, make_room):
    room = make_room()
    music, ids = play_two(stack, room)
    guest = room.join("Nora Noscript")
    music.ran_for(83)
    text = guest.raw_page()
    doc = parse_html(text)
    link = doc.by_id("soundtrack-catch-up")
    assert link is not None, "no catch-up link"
    m = re.fullmatch(rf"/music/tracks/{ids[0]}/file#t=(\d+)", link.get("href"))
    assert m and 83 <= int(m.group(1)) <= 85, link.get("href")
    audio = doc.by_id("soundtrack-audio-nojs")
    assert audio.get("src") == link.get("href") and audio.get("autoplay") is not None
    # The page reloads when the track ends (180 - 83 s), unless the timer's segment ends first.
    refresh = int(re.search(r'<meta http-equiv="refresh" content="(\d+)">', text).group(1))
    assert 95 <= refresh <= 98, refresh
    now = page_now(doc)
    assert now["src"] == f"/music/tracks/{ids[0]}/file" and now["playing"] == "true"
    assert 83_000 <= int(now["position-ms"]) < 85_000 and int(now["server-now"]) > 0


def test_track_text_is_escaped_everywhere(stack, make_room):
    room = make_room()
    hostile = "<script>alert(1)</script>\" onmouseover=\"x {{> layout}}"
    music = Soundtrack(room)
    music.add(room.host, library_track(stack, hostile, 60, artist="<img src=x onerror=alert(2)>"))
    room.host.ok("/soundtrack/play")
    guest = room.join("Esc Ape")
    text = guest.raw_page()
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert parse_html(text).by_id("soundtrack-title").clean_text() == hostile
    poll = guest.poll(0, timeout=3).json()
    assert "<script>alert" not in poll["fragments"]["soundtrack"]
    assert poll["soundtrack"]["title"] == hostile and music.current_title() == hostile


def test_the_host_sees_who_is_behind(stack, make_room):
    room = make_room()
    play_two(stack, room)
    slow = room.join("Sal Slow")
    fine = room.join("Finn Fine")
    for member, ms in ((slow, "2500"), (fine, "0")):
        r = member.post("/soundtrack/behind", behind_ms=ms)
        assert r.status_code == 204
    r = room.host.user.get(f"/r/{room.code}/soundtrack/behind")
    assert r.status_code == 200
    assert r.json() == {"behind": 1, "listeners": [{"id": slow.id, "name": "Sal Slow", "behind_ms": 2500}]}
    assert slow.post("/soundtrack/behind", behind_ms="0").status_code == 204
    assert room.host.user.get(f"/r/{room.code}/soundtrack/behind").json() == {"behind": 0, "listeners": []}
    # Only the host or a DJ asks; a report is a number of milliseconds.
    assert slow.user.get(f"/r/{room.code}/soundtrack/behind").status_code == 403
    for bad in ("-1", "abc", "1e3", "999999999", ""):
        assert slow.post("/soundtrack/behind", behind_ms=bad).status_code == 400, bad


def test_playlists_and_liked_songs_are_queued_and_others_playlists_are_missing(stack, make_room, account, mailbox):
    owner, stranger = account("dj"), account("stranger")
    owner_id, stranger_id = user_id(stack, owner.email), user_id(stack, stranger.email)
    tracks = [library_track(stack, f"Set {n}", 60 + n) for n in range(3)]
    live = stack.psql("insert into tracks (source, piped_id, title, duration_seconds) values ('piped', :'v1', 'A live stream', 0)"
                      " returning id", "live" + uuid.uuid4().hex[:7]).splitlines()[0]

    def playlist(user: str, name: str, ids: list[str]) -> str:
        pid = stack.psql("insert into playlists (user_id, name) values (:'v1', :'v2') returning id", user, name).splitlines()[0]
        for n, track in enumerate(ids):
            stack.psql("insert into playlist_tracks (playlist_id, track_id, ord) values (:'v1', :'v2', :'v3')",
                       pid, track, str(n))
        return pid

    mine = playlist(owner_id, "Deep work", [tracks[2], live, tracks[0]])
    theirs = playlist(stranger_id, "Private", [tracks[1]])
    for track in tracks[:2]:
        stack.psql("insert into liked_tracks (user_id, track_id) values (:'v1', :'v2')", owner_id, track)

    room = make_room(user=owner.user, name="Dana DJ")
    music = Soundtrack(room)
    r = room.host.post("/soundtrack/queue", playlist_id=mine, next="/music/playlists")
    assert r.status_code == 303 and r.headers["Location"] == "/music/playlists"
    # In the playlist's order; the live stream (no length) cannot play in step and is left out.
    assert music.titles() == ["Set 2", "Set 0"]
    room.host.ok("/soundtrack/queue", liked="1")
    assert music.titles() == ["Set 2", "Set 0", "Set 1", "Set 0"]
    assert {e["added_by"] for e in music.state()["up_next"]} == {"Dana DJ"}
    before = stable(music.state())
    room.host.refused(404, "/soundtrack/queue", playlist_id=theirs)
    # An unknown id reads exactly the same.
    room.host.refused(404, "/soundtrack/queue", playlist_id="00000000-0000-4000-8000-000000000000")
    room.host.refused(422, "/soundtrack/queue", track_id=live)
    assert stable(music.state()) == before
