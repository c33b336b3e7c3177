"""Each person's live channel (issue 12): `GET /me/poll?since=V` answers at once when the channel
moved, parks otherwise, and is woken across responders when a friend's presence changes. It is
never a room's channel: room changes do not wake it, and it does not wake a room's watchers."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from accounts_kit import user_id
from pomopomo_testkit import parse_html, redis_cli
from rooms_kit import new_room
from social_kit import befriend_in_db, block_in_db

WAKE_WITHIN = 2.0  # seconds from a friend's change to the answered poll
ONLINE_NOTE = 20  # OnlineBuffer.interval


class Waiting:
    """What a poll that was still parked when the client stopped waiting looks like."""
    status_code = None


def channel(acct, since=0, timeout=6):
    """One poll of the account's channel; `Waiting` when it was still parked after `timeout`."""
    try:
        return acct.user.get(f"/me/poll?since={since}", headers={"Accept": "application/json"}, timeout=timeout,
                             allow_redirects=False)
    except requests.exceptions.ReadTimeout:
        return Waiting()


def version(acct) -> int:
    r = channel(acct)
    assert r.status_code == 200, f"/me/poll?since=0: {r.status_code} {r.text[:300]}"
    return r.json()["version"]


def poll_on(stack, responder, acct, since, timeout=8):
    headers = {"Cookie": f"pp_sid={acct.user.sid}; pp_in=1", "Accept": "application/json"}
    return stack.fcgi(responder, "GET", f"/me/poll?since={since}", headers=headers, timeout=timeout)


def presence_of(body, username):
    return [f for f in body.get("presence", []) if f["user"] == username]


def until_presence(acct, since, username, wanted, seconds=12):
    """Polls `acct`'s channel until it reports `username` in a state `wanted` accepts; that entry,
    with the channel's version under "version". The bound is generous, for the full suite on two
    busy cores."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = channel(acct, since, timeout=max(0.5, deadline - time.monotonic()))
        if r.status_code == 200:
            since = r.json()["version"]
            for found in presence_of(r.json(), username):
                if wanted(found):
                    return {**found, "version": since}
    raise AssertionError(f"{username}'s presence never reached the wanted state on the channel")


def test_first_poll_answers_at_once_with_the_counts_and_the_next_one_waits(account):
    me = account("live")
    r = channel(me)
    assert r.status_code == 200
    body = r.json()
    assert body["version"] >= 0
    assert (body["notifications"], body["messages"], body["requests"]) == (0, 0, 0)
    r = channel(me, body["version"], timeout=2.5)
    assert r.status_code is None, f"a poll with nothing new was answered: {r.status_code}"


def test_guests_have_no_channel(new_user):
    guest = new_user()
    r = guest.get("/me/poll?since=0", allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].startswith("/login")


@pytest.mark.parametrize("query", ["since=-1", "since=abc", "since=1e3", "since=" + "9" * 16, "since=", "",
                                   "since=1&since=2", "since=%EF%BC%91"])
def test_bad_since_is_a_400_that_says_so(me, query):
    r = me.user.get(f"/me/poll?{query}", headers={"Accept": "application/json"})
    assert r.status_code == 400, f"{query}: {r.status_code}"
    assert "since" in r.text


@pytest.mark.parametrize("parked_on,acted_on", [("a", "b"), ("b", "a")])
def test_a_friend_sitting_down_in_a_room_wakes_the_channel_on_another_responder(stack, account, parked_on, acted_on):
    if {parked_on, acted_on} - set(stack.responders):
        pytest.skip("needs two responders")
    me, friend = account("watcher"), account("focuser")
    befriend_in_db(stack, me, friend)
    since = version(me)
    baseline = stack.parked()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(poll_on, stack, parked_on, me, since)
        assert stack.wait_parked(baseline, {parked_on: 1}), "the channel poll was not parked"
        assert not future.done()
        token = friend.user.csrf("/")
        r = stack.fcgi(acted_on, "POST", "/rooms", headers={
            "Cookie": f"pp_sid={friend.user.sid}; pp_in=1", "Content-Type": "application/x-www-form-urlencoded"},
            body=f"csrf={token}&display_name=Fran+Focus".encode())
        acted = time.monotonic()
        assert r.status == 303, r.text[:300]
        answer = future.result(timeout=8)
        lag = time.monotonic() - acted
    assert answer.status == 200, answer.text[:300]
    body = answer.json()
    assert body["version"] > since
    [seen] = presence_of(body, friend.username)
    assert seen["presence"] == "break" and seen["words"] == "On a break"
    assert seen["room"], "a friend's room is linked for friends"
    assert lag <= WAKE_WITHIN, f"woken {lag:.2f}s after the friend sat down"


def test_starting_focus_says_focusing_with_the_minutes_left(stack, account):
    me, friend = account("watcher"), account("focuser")
    befriend_in_db(stack, me, friend)
    room = new_room(stack, friend.user, "Fran Focus")
    since = version(me)
    room.host.ok("/timer", action="start", at="0")
    found = until_presence(me, since, friend.username, lambda f: f["presence"] == "focusing")
    assert found["words"] == f"Focusing in room {room.code} (25 min left)"
    assert found["room"] == room.code


def test_strangers_blocked_people_and_invisible_friends_do_not_wake_anyone(stack, account):
    me, stranger, blocked, invisible = account("watcher"), account("stranger"), account("blocked"), account("ghost")
    befriend_in_db(stack, me, blocked)
    block_in_db(stack, me, blocked)
    befriend_in_db(stack, me, invisible)
    stack.psql("update users set appear_offline = true where id = :'v1'", user_id(stack, invisible.email))
    since = version(me)
    for person in (stranger, blocked, invisible):
        new_room(stack, person.user, "Quiet Person")
    r = channel(me, since, timeout=4)
    assert r.status_code is None, f"someone who is not a visible friend woke the channel: {r.status_code}"


def test_a_room_without_friends_in_it_does_not_wake_the_channel(stack, account, new_user):
    me = account("watcher")
    room = new_room(stack, new_user(), "Other Host")
    since = version(me)
    room_since = room.db_version()
    with ThreadPoolExecutor(2) as pool:
        mine = pool.submit(channel, me, since, 3)
        room_poll = pool.submit(room.host.poll, room_since, 3)
        time.sleep(0.3)
        # A room with no friend of mine in it changes: my channel stays parked.
        room.host.ok("/timer", action="start", at="0")
        r = room_poll.result(timeout=5)
        assert r.status_code == 200, "the room's own watcher is woken by its change"
        assert mine.result(timeout=5).status_code is None, "a room my friends are not in woke my channel"


def test_coming_online_reaches_friends_but_wakes_no_room(stack, account, new_user):
    me, friend = account("watcher"), account("arriver")
    befriend_in_db(stack, me, friend)
    room = new_room(stack, new_user(), "Other Host")
    # Each responder notes a person at most every 20 s: let the notes of the friend's sign-up pass,
    # then let their "online" key lapse, as after an hour away.
    time.sleep(ONLINE_NOTE + 0.5)
    redis_cli(stack, "DEL", f"presence:online:{user_id(stack, friend.email)}")
    since = version(me)
    room_since = room.db_version()
    with ThreadPoolExecutor(2) as pool:
        mine = pool.submit(channel, me, since, 8)
        room_poll = pool.submit(room.host.poll, room_since, 3)
        time.sleep(0.3)
        assert friend.user.get("/me").status_code == 200
        r = mine.result(timeout=10)
        assert r.status_code == 200, "the friend's arrival did not reach the channel"
        [seen] = presence_of(r.json(), friend.username)
        assert seen["presence"] == "online" and seen["words"] == "Online" and seen.get("room") is None
        try:
            answer = room_poll.result(timeout=5)
        except requests.exceptions.ReadTimeout:
            answer = Waiting()
        assert answer.status_code is None, "a friend's presence woke a room poll"


def test_with_redis_down_the_channel_still_answers_from_postgresql(stack, account, redis_outage):
    me = account("outage")
    since = version(me)
    with redis_outage():
        stack.psql("select bump_live(array[:'v1'::uuid])", user_id(stack, me.email))
        r = channel(me, since, timeout=6)
        assert r.status_code == 200
        assert r.json()["version"] != since


def test_friends_online_on_me_and_in_a_room(stack, account, new_user):
    me, focuser, stranger = account("panel"), account("sitter"), account("stranger")
    befriend_in_db(stack, me, focuser)
    room = new_room(stack, focuser.user, "Sam Sitter")
    room.host.ok("/timer", action="start", at="0")
    new_room(stack, stranger.user, "Not A Friend")
    doc = me.user.page("/me")
    listed = doc.by_id("me-friends")
    assert listed is not None, "/me has no friends panel"
    [row] = listed.find_all("li")
    assert row.get("data-user") == focuser.username and row.get("data-presence") == "focusing"
    assert f"Focusing in room {room.code}" in row.text()
    assert row.find("a", cls="presence-room").get("href") == f"/r/{room.code}"
    # In another room's side column, the same list; strangers never appear.
    other = new_room(stack, me.user, "Pat Panel")
    side = me.user.page(f"/r/{other.code}").by_id("room-friends")
    assert [li.get("data-user") for li in side.find_all("li")] == [focuser.username]
    assert stranger.username not in me.user.get(f"/r/{other.code}").text
    # Guests see no panel.
    assert new_user().page(f"/r/{other.code}").by_id("room-friends") is None


def test_a_friends_panel_drawn_a_moment_ago_is_not_shown_again_once_a_friend_moved(stack, account):
    """Each responder keeps a person's panel for a few seconds, but a page drawn after a friend's
    change shows it: its live channel carries only later changes, and without JavaScript the
    next load is all there is."""
    me, friend = account("panel"), account("sitter")
    befriend_in_db(stack, me, friend)
    responder = stack.responders[0]

    def panel():
        r = stack.fcgi(responder, "GET", "/me", headers={"Cookie": f"pp_sid={me.user.sid}; pp_in=1"})
        assert r.status == 200, r.text[:300]
        return {li.get("data-user"): li.get("data-presence") for li in parse_html(r.text).by_id("me-friends").find_all("li")}

    assert panel().get(friend.username) != "focusing"
    since = version(me)
    room = new_room(stack, friend.user, "Sam Sitter")
    room.host.ok("/timer", action="start", at="0")
    until_presence(me, since, friend.username, lambda f: f["presence"] == "focusing")
    assert panel().get(friend.username) == "focusing", "/me showed the friends panel kept from before the friend sat down"


def test_a_timer_started_in_a_room_nobody_watches_reaches_friends(stack, account):
    """The host starts the timer and never comes back to the room (no redirect followed, no page,
    no poll): friends still see them focusing."""
    me, friend = account("onlooker"), account("starter")
    befriend_in_db(stack, me, friend)
    since = version(me)
    room = new_room(stack, friend.user, "Stan Starter")
    seen = until_presence(me, since, friend.username, lambda f: f["presence"] == "break")
    room.host.ok("/timer", action="start", at="0")
    until_presence(me, seen["version"], friend.username, lambda f: f["presence"] == "focusing")


def test_leaving_the_room_reaches_friends_even_with_nobody_left_watching(stack, account):
    me, friend = account("watcher"), account("leaver")
    befriend_in_db(stack, me, friend)
    room = new_room(stack, friend.user, "Lee Leaver")
    since = version(me)
    seen = until_presence(me, since, friend.username, lambda f: f["presence"] == "break")
    room.host.ok("/leave")
    seen = until_presence(me, seen["version"], friend.username, lambda f: f.get("room") is None)
    assert seen["presence"] in ("online", "offline")


def test_a_room_invite_reaches_the_invitees_parked_channel_with_its_count(stack, account):
    me, host = account("invitee"), account("inviter")
    befriend_in_db(stack, me, host)
    room = new_room(stack, host.user, "Ivy Inviter")
    since = version(me)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(channel, me, since, 8)
        time.sleep(0.3)
        room.host.post_pairs("/invite", [("friend", me.username)])
        invited = time.monotonic()
        r = future.result(timeout=10)
        # People coming online wake the channel too: ask again until the notice is counted.
        while r.status_code == 200 and r.json()["notifications"] == 0 and time.monotonic() - invited < WAKE_WITHIN:
            r = channel(me, r.json()["version"], timeout=WAKE_WITHIN)
        lag = time.monotonic() - invited
    assert r.status_code == 200 and r.json()["notifications"] == 1
    assert lag <= WAKE_WITHIN
    # The header says the same on the next page, without JavaScript.
    assert me.user.page("/me").by_id("nav-notifications-count").text().strip("() \n") == "1"
