"""Favorite rooms and room invites (issue 12, seed 003 §2.2): a signed-in participant stars a room
and invites friends from its page; /me lists favorites with their live status, and an expired one
starts again with the same queue and theme, its owner as host, offering the same friends."""

import re

import pytest

from accounts_kit import brief, location, post_on, user_id
from pomopomo_testkit import parse_html
from rooms_kit import expire, new_room, segment_kinds
from social_kit import befriend_in_db, block_in_db

INVITE_LIMIT = 30  # RateLimits.invites, per hour


def favorites(user) -> dict:
    """code -> (status name, the row's text, its favorite id) on /me."""
    doc = user.page("/me")
    rows = doc.by_id("favorites")
    out = {}
    for li in (rows.find_all("li") if rows is not None and rows.tag == "ul" else []):
        code = (li.find("a") or li.find("span", cls="code")).clean_text()
        out[code] = (li.get("data-status"), li.clean_text(), li.get("id").removeprefix("favorite-"))
    return out


def invite(member, *names):
    return member.post_pairs("/invite", [("friend", n) for n in names])


def notices_of(stack, uid: str, kind: str = "room_invite") -> list:
    out = stack.psql("select coalesce(string_agg(subject || ':' || count, ',' order by id), '') from notifications"
                     " where user_id = :'v1' and kind = :'v2'", uid, kind)
    return [x for x in out.split(",") if x]


@pytest.fixture
def host_room(stack, account):
    """A signed-in host in their own room (an empty queue, then focus 50 and a custom "Review" 10,
    theme forest calm)."""
    acct = account("starrer")
    room = new_room(stack, acct.user, "Ann Host", preset="empty", theme="forest_calm")
    room.host.ok("/segments", kind="focus", duration="50", label="", public_task="")
    room.host.ok("/segments", kind="custom", duration="10", label="Review", public_task="")
    return acct, room


def test_star_shows_live_status_on_me_and_unstar(stack, host_room):
    acct, room = host_room
    doc = room.host.page()
    assert doc.by_id("favorite").get("action") == f"/r/{room.code}/favorite"
    r = room.host.post("/favorite")
    assert r.status_code == 303 and location(r) == f"/r/{room.code}#favorite", brief(r)
    assert room.host.post("/favorite").status_code == 303, "starring twice is harmless"
    assert stack.psql("select count(*) from favorite_rooms where room_code = :'v1'", room.code) == "1"
    assert room.host.page().by_id("favorite-state") is not None
    status, text, _ = favorites(acct.user)[room.code]
    assert status == "idle" and "Idle" in text and "1 person online" in text
    room.host.ok("/timer", action="start", at="0")
    status, text, _ = favorites(acct.user)[room.code]
    assert status == "focus" and "Focus running (50 min left)" in text
    export = acct.user.get("/settings/export.json").json()
    assert [(f["room"], f["theme"], [s["duration"] for s in f["queue"]]) for f in export["favorite_rooms"]] == \
        [(room.code, "forest_calm", [3000, 600])]
    r = room.host.post("/unfavorite")
    assert r.status_code == 303, brief(r)
    assert room.code not in favorites(acct.user)


def test_guests_and_people_without_a_seat_cannot_star_or_invite(stack, host_room, make_room, account):
    acct, room = host_room
    guest = room.join("Guest Gil")
    assert guest.page().by_id("room-social") is None, "a guest seat is offered the star"
    guest.refused(403, "/favorite")
    guest.refused(403, "/invite", friend=acct.username)
    outsider = account("outsider")
    r = outsider.user.post_form(f"/r/{room.code}/favorite", {"csrf": outsider.user.csrf(f"/r/{room.code}")})
    assert r.status_code == 403, brief(r)
    assert stack.psql("select count(*) from favorite_rooms f join rooms r on r.id = f.room_id where r.code = :'v1'",
                      room.code.replace("-", "")) == "0"


def test_expired_favorite_starts_again_with_the_same_queue_theme_and_host_offering_the_same_friends(
        stack, host_room, account):
    acct, room = host_room
    me = user_id(stack, acct.email)
    joined, invited, other = account("joined"), account("invited"), account("other")
    for friend in (joined, invited, other):
        befriend_in_db(stack, acct, friend)
    room.join("Joined Jo", user=joined.user)
    page = room.host.page()
    boxes = {el.get("value") for el in page.by_id("invite-friends").find_all("input", type="checkbox")}
    assert boxes == {joined.username, invited.username, other.username}
    r = invite(room.host, invited.username)
    assert r.status_code == 303, brief(r)
    room.host.ok("/favorite")
    before = segment_kinds(room.state())
    expire(stack, room)
    status, text, fav_id = favorites(acct.user)[room.code]
    assert status == "expired" and "Expired" in text
    r = post_on(acct.user, "/me", f"/me/favorites/{fav_id}/restart")
    assert r.status_code == 303, brief(r)
    m = re.fullmatch(r"/r/([A-Z0-9]{3}-[A-Z0-9]{3})#invite-friends", location(r))
    assert m and m.group(1) != room.code, location(r)
    new_code = m.group(1)
    state = acct.user.state(new_code)
    assert segment_kinds(state) == before == [("focus", 3000), ("custom", 600)]
    assert state["theme"] == "forest_calm"
    doc = acct.user.page(f"/r/{new_code}")
    assert "(host)" in doc.by_id("you-are").clean_text()
    assert stack.psql("select p.role || ':' || (p.user_id = :'v2') from participants p join rooms r on r.id = p.room_id"
                      " where r.code = :'v1'", new_code.replace("-", ""), me) == "host:true"
    # The favorite follows the new room, live.
    assert favorites(acct.user)[new_code][0] == "idle"
    # The same friends are offered first, ticked; the other is there, unticked.
    form = doc.by_id("invite-friends")
    boxes = [(el.get("value"), "checked" in el.attrs) for el in form.find_all("input", type="checkbox")]
    assert sorted(boxes[:2]) == sorted([(joined.username, True), (invited.username, True)]), boxes
    assert boxes[2] == (other.username, False)
    fields = [("csrf", acct.user.csrf(f"/r/{new_code}"))] + [("friend", v) for v, ticked in boxes if ticked]
    r = acct.user.post_form(f"/r/{new_code}/invite", fields)
    assert r.status_code == 303 and location(r).startswith(f"/r/{new_code}?invited=2"), brief(r)
    for friend in (joined, invited):
        assert f"{new_code}:1" in notices_of(stack, user_id(stack, friend.email))
    assert notices_of(stack, user_id(stack, other.email)) == []
    assert "Invitations sent to 2 friends." in acct.user.page(location(r)).by_id("invite-sent").clean_text()


def test_a_live_favorite_is_not_started_again_and_others_favorites_are_404(stack, host_room, account):
    acct, room = host_room
    room.host.ok("/favorite")
    _, _, fav_id = favorites(acct.user)[room.code]
    rooms = stack.rooms_count()
    r = acct.user.post_form(f"/me/favorites/{fav_id}/restart", {"csrf": acct.user.csrf("/me")})
    assert r.status_code == 303 and location(r) == f"/r/{room.code}"
    assert stack.rooms_count() == rooms
    stranger = account("stranger")
    for action in ("restart", "delete"):
        r = stranger.user.post_form(f"/me/favorites/{fav_id}/{action}", {"csrf": stranger.user.csrf("/me")})
        assert r.status_code == 404, f"{action} of another person's favorite: {brief(r)}"
    assert room.code in favorites(acct.user)
    r = post_on(acct.user, "/me", f"/me/favorites/{fav_id}/delete")
    assert r.status_code == 303 and location(r) == "/me#favorites"
    assert room.code not in favorites(acct.user)


@pytest.mark.parametrize("fav_id", ["abc", "0", "-1", "1e3", "0x10", "99999999999999999999", "1%27--", "999999999"])
@pytest.mark.parametrize("action", ["restart", "delete"])
def test_bad_favorite_ids_are_404(me, fav_id, action):
    r = me.user.post_form(f"/me/favorites/{fav_id}/{action}", {"csrf": me.user.csrf("/me")})
    assert r.status_code in (400, 404), f"{fav_id}: {brief(r)}"


def test_at_most_100_favorites(stack, host_room):
    acct, room = host_room
    me = user_id(stack, acct.email)
    stack.psql("insert into favorite_rooms (user_id, room_code, theme) select :'v1', 'AAA-AAA', 'sunrise'"
               " from generate_series(1, 100)", me)
    doc = room.host.refused(422, "/favorite")
    assert "100" in doc.by_id("room-error").clean_text()
    assert stack.psql("select count(*) from favorite_rooms where user_id = :'v1'", me) == "100"
    stack.psql("delete from favorite_rooms where user_id = :'v1' and id = (select min(id) from favorite_rooms"
               " where user_id = :'v1')", me)
    room.host.ok("/favorite")


def test_invites_go_to_friends_only_and_the_notice_leads_to_the_room(stack, host_room, account):
    acct, room = host_room
    friend, stranger, blocker = account("friend"), account("stranger"), account("blocker")
    befriend_in_db(stack, acct, friend)
    befriend_in_db(stack, acct, blocker)
    block_in_db(stack, blocker, acct)
    for name in (stranger.username, blocker.username, acct.username, "no_such_person_x"):
        doc = room.host.refused(422, "/invite", friend=name)
        assert name in doc.by_id("room-error").clean_text()
    blocked_words = room.host.refused(422, "/invite", friend=blocker.username).by_id("room-error").clean_text()
    stranger_words = room.host.refused(422, "/invite", friend=stranger.username).by_id("room-error").clean_text()
    assert blocked_words.replace(blocker.username, "X") == stranger_words.replace(stranger.username, "X"), \
        "a block must read like any non-friend"
    # All or nothing: a friend named with a stranger is not invited either.
    r = invite(room.host, friend.username, stranger.username)
    assert r.status_code == 422, brief(r)
    room.host.refused(422, "/invite")
    room.host.refused(422, "/invite", friend="")
    for who in (friend, stranger, blocker):
        assert notices_of(stack, user_id(stack, who.email)) == []
    r = invite(room.host, friend.username.upper())  # as typed, any case
    assert r.status_code == 303 and location(r) == f"/r/{room.code}?invited=1#invite-friends", brief(r)
    r = invite(room.host, friend.username)
    assert notices_of(stack, user_id(stack, friend.email)) == [f"{room.code}:2"], "a second invite folds"
    doc = friend.user.page("/notifications")
    item = doc.find("li", cls="notice-item")
    assert item.find("button").clean_text() == f"{acct.username} invited you to room {room.code}"
    assert "unread" in item.classes
    assert friend.user.page("/").by_id("nav-notifications-count").clean_text() == "(1)"
    r = post_on(friend.user, "/notifications", f"/notifications/{item.get('id').removeprefix('notice-')}/open")
    assert r.status_code == 303 and location(r) == f"/r/{room.code}"


def test_too_many_friends_at_once_is_refused(stack, host_room):
    acct, room = host_room
    r = invite(room.host, *[f"name{i}" for i in range(11)])
    assert r.status_code == 422 and "at most 10" in parse_html(r.text).by_id("room-error").clean_text()


def test_invites_are_limited_per_hour(stack, host_room, account):
    acct, room = host_room
    friend = account("popular")
    befriend_in_db(stack, acct, friend)
    for i in range(INVITE_LIMIT):
        r = invite(room.host, friend.username)
        assert r.status_code == 303, f"invite {i + 1}: {brief(r)}"
    r = invite(room.host, friend.username)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, brief(r)
    assert parse_html(r.text).by_id("room-error") is not None
    assert notices_of(stack, user_id(stack, friend.email)) == [f"{room.code}:{INVITE_LIMIT}"]


PAYLOADS = [
    "x' OR '1'='1", "x'; DROP TABLE notifications; --", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "\" autofocus onfocus=alert(1) x=\"", "{{> layout}}", "{{{csrf}}}", "a" * 5000, "\u202eevil", "a\u200bb",
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_bad_friend_names_are_refused_and_shown_escaped(stack, host_room, payload):
    acct, room = host_room
    before = stack.psql("select count(*) from notifications")
    r = invite(room.host, payload)
    assert r.status_code == 422, brief(r)
    error = parse_html(r.text).by_id("room-error")
    assert error is not None and error.get("role") == "alert" and payload in error.text()
    if any(c in payload for c in "<\""):
        assert payload not in r.text, "the name is not escaped"
    assert stack.psql("select count(*) from notifications") == before


def test_room_invite_route_is_post_only(host_room):
    acct, room = host_room
    r = room.host.user.get(f"/r/{room.code}/invite")
    assert r.status_code == 405
    r = room.host.user.post_form(f"/r/{room.code}/invite", {"csrf": "forged", "friend": acct.username})
    assert r.status_code == 403
