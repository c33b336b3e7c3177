"""Friendships (issue 12): requests from a profile, the friends page and a room's people list;
accepting, declining, cancelling, unfriending, blocking; the limits (20 a day, 100 waiting, 30
days after a decline); /friends with presence, search and pages; stats for friends; the boards
among friends; export and deletion; and the QUALITY.md bad-input rows for every field and path id.

People who only need to exist (targets of requests, friends to page through) are made with SQL
(`social_kit.people_in_db`); the people who act sign up through the site."""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import quote

import pytest

from account_forms_kit import LEAK_MARKERS
from accounts_kit import brief, post_on, user_id
from pomopomo_testkit import User, parse_html, pomopomo_run, raw_http
from rooms_kit import new_room, wait_for
from social_kit import (
    answer,
    are_friends,
    make_friends,
    pending_id,
    people_in_db,
    post_as,
    request_friend,
    token,
)


def alert(r) -> str:
    el = parse_html(r.text).find(role="alert")
    return el.clean_text() if el is not None else ""


def friend_actions(user: User, username: str):
    """The friend buttons on `username`'s profile as `user` sees it: their ids."""
    doc = user.page(f"/u/{username}")
    box = doc.by_id("friend-actions")
    return {b.get("id") for b in box.find_all("button")} if box is not None else set()


def notices(stack, acct, kind: str) -> int:
    return int(stack.psql("select coalesce(sum(count), 0) from notifications where user_id = :'v1' and kind = :'v2' "
                          "and read_at is null", user_id(stack, acct.email), kind))


def live_v(stack, acct) -> int:
    return int(stack.psql("select live_v from users where id = :'v1'", user_id(stack, acct.email)))


def requests_between(stack, a, b) -> list[str]:
    return stack.psql("select status from friend_requests where from_id = :'v1' and to_id = :'v2' order by id",
                      user_id(stack, a.email), user_id(stack, b.email)).split()


def friends_rows(user: User, path: str = "/friends"):
    doc = user.page(path)
    listed = doc.by_id("friends-list")
    assert listed is not None, f"{path} has no #friends-list"
    return doc, listed.find_all("li")


# ----------------------------------------------------------------------------------------- the flow

def test_request_from_a_profile_accept_and_unfriend_with_the_right_buttons_at_each_step(stack, account, new_user):
    ann, bob = account("ann"), account("bob")
    assert friend_actions(ann.user, bob.username) == {"add-friend", "block"}
    assert friend_actions(ann.user, ann.username) == set(), "your own profile has no friend buttons"
    assert new_user().page(f"/u/{bob.username}").by_id("friend-actions") is None, "a guest has none"

    before = live_v(stack, bob)
    r = post_on(ann.user, f"/u/{bob.username}", "/friends/requests", username=bob.username, back="profile")
    assert r.status_code == 303 and r.headers["Location"] == f"/u/{bob.username}", brief(r)
    assert friend_actions(ann.user, bob.username) == {"cancel-request", "block"}
    assert friend_actions(bob.user, ann.username) == {"accept-request", "decline-request", "block"}
    assert ann.user.page(f"/u/{bob.username}").find("a", id="send-message") is None, "not friends yet: no message link"
    assert notices(stack, bob, "friend_request") == 1 and live_v(stack, bob) > before
    incoming = bob.user.page("/friends").by_id("incoming-requests")
    assert ann.username in incoming.clean_text()
    outgoing = ann.user.page("/friends").by_id("outgoing-requests")
    assert bob.username in outgoing.clean_text()

    r = post_on(bob.user, f"/u/{ann.username}", f"/friends/requests/{pending_id(stack, ann, bob)}/accept", back="profile")
    assert r.status_code == 303 and r.headers["Location"] == f"/u/{ann.username}", brief(r)
    assert are_friends(stack, ann, bob)
    assert requests_between(stack, ann, bob) == ["accepted"]
    assert notices(stack, ann, "friend_accepted") == 1
    assert notices(stack, bob, "friend_request") == 0, "the answered request's notice is gone"
    assert friend_actions(ann.user, bob.username) == {"unfriend", "block"}
    assert friend_actions(bob.user, ann.username) == {"unfriend", "block"}
    # Friends write to each other from the profile (as /messages says when it is empty).
    box = ann.user.page(f"/u/{bob.username}").by_id("friend-actions")
    link = box.find("a", id="send-message")
    assert link is not None and link.get("href") == f"/messages/{bob.username}", "a friend's profile has no link to write to them"
    _, rows = friends_rows(ann.user)
    assert [li.get("data-user") for li in rows] == [bob.username]

    # Asking again now is refused: already friends.
    r = request_friend(ann.user, bob.username)
    assert r.status_code == 409 and alert(r) == "You are already friends.", brief(r)

    before = live_v(stack, bob)
    r = post_on(ann.user, f"/u/{bob.username}", "/friends/unfriend", username=bob.username, back="profile")
    assert r.status_code == 303, brief(r)
    assert not are_friends(stack, ann, bob) and live_v(stack, bob) > before
    assert friend_actions(ann.user, bob.username) == {"add-friend", "block"}
    r = post_as(ann.user, "/friends/unfriend", username=bob.username)
    assert r.status_code == 404 and "not friends" in alert(r), brief(r)


def test_decline_stops_the_same_request_for_30_days_and_cancel_takes_it_back(stack, account):
    ann, bob, cy = account("ann"), account("bob"), account("cy")
    assert request_friend(ann.user, bob.username).status_code == 303
    before = live_v(stack, ann)
    r = answer(bob.user, pending_id(stack, ann, bob), "decline")
    assert r.status_code == 303 and r.headers["Location"] == "/friends", brief(r)
    assert requests_between(stack, ann, bob) == ["declined"] and live_v(stack, ann) > before
    assert not are_friends(stack, ann, bob)

    r = request_friend(ann.user, bob.username)
    assert r.status_code == 429, brief(r)
    wait = int(r.headers["Retry-After"])
    assert 29 * 86400 < wait <= 30 * 86400
    assert "declined your request less than 30 days ago" in alert(r) and "30 days" in alert(r)
    assert parse_html(r.text).find("input", name="username").get("value") == bob.username, "what was typed is kept"
    assert requests_between(stack, ann, bob) == ["declined"], "the refusal stored nothing"
    # The one who declined may still ask.
    assert request_friend(bob.user, ann.username).status_code == 303
    assert answer(bob.user, pending_id(stack, bob, ann), "cancel").status_code == 303

    # 31 days later, the same request may be sent again.
    stack.psql("update friend_requests set decided_at = decided_at - interval '31 days', created_at = created_at - "
               "interval '31 days' where from_id = :'v1' and to_id = :'v2'", user_id(stack, ann.email), user_id(stack, bob.email))
    assert request_friend(ann.user, bob.username).status_code == 303
    assert requests_between(stack, ann, bob) == ["declined", "pending"]

    # Cancelling: the request and its unread notice go, and both lists say so.
    assert request_friend(ann.user, cy.username).status_code == 303
    assert notices(stack, cy, "friend_request") == 1
    before = live_v(stack, cy)
    r = answer(ann.user, pending_id(stack, ann, cy), "cancel")
    assert r.status_code == 303, brief(r)
    assert requests_between(stack, ann, cy) == ["cancelled"] and live_v(stack, cy) > before
    assert notices(stack, cy, "friend_request") == 0
    assert cy.user.page("/friends").by_id("incoming-requests").find("li") is None


def test_only_the_right_side_may_answer_and_everyone_else_gets_404(stack, account):
    ann, bob, eve = account("ann"), account("bob"), account("eve")
    assert request_friend(ann.user, bob.username).status_code == 303
    rid = pending_id(stack, ann, bob)
    for who, how in ((ann, "accept"), (ann, "decline"), (bob, "cancel"), (eve, "accept"), (eve, "decline"),
                     (eve, "cancel")):
        r = answer(who.user, rid, how)
        assert r.status_code == 404, f"{who.username} {how}: {brief(r)}"
        assert parse_html(r.text).by_id("error-message").clean_text() == "There is no such request waiting for you."
    assert requests_between(stack, ann, bob) == ["pending"]
    # An id that does not exist answers the same.
    assert answer(bob.user, str(int(rid) + 100000), "accept").status_code == 404
    # Decided, it is gone for everyone.
    assert answer(bob.user, rid, "accept").status_code == 303
    for how in ("accept", "decline"):
        assert answer(bob.user, rid, how).status_code == 404
    assert answer(ann.user, rid, "cancel").status_code == 404


def test_two_people_asking_each_other_at_once_end_as_one_friendship(stack, account):
    pairs = [(account("p"), account("q")) for _ in range(4)]
    for a, b in pairs:
        token(a.user), token(b.user)
    def ask(start, answers, x, y):
        start.wait()
        answers[x.username] = request_friend(x.user, y.username)

    for a, b in pairs:
        answers, start = {}, threading.Barrier(2)
        threads = [threading.Thread(target=ask, args=(start, answers, a, b)),
                   threading.Thread(target=ask, args=(start, answers, b, a))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.status_code for r in answers.values()] == [303, 303], [brief(r) for r in answers.values()]
        assert are_friends(stack, a, b)
        statuses = sorted(requests_between(stack, a, b) + requests_between(stack, b, a))
        assert statuses == ["accepted"], f"one request, accepted by the second: {statuses}"


def test_asking_yourself_nobody_or_twice_is_refused_and_changes_nothing(stack, account):
    ann, bob = account("ann"), account("bob")
    for name, status, says in ((ann.username, 422, "That is you"), (ann.username.upper(), 422, "That is you"),
                               ("nobody_here_42", 404, "There is no one with this username."),
                               ("", 422, "Type the username"), ("   ", 422, "Type the username")):
        r = request_friend(ann.user, name)
        assert r.status_code == status and says in alert(r), f"{name!r}: {brief(r)}"
    assert request_friend(ann.user, bob.username).status_code == 303
    r = request_friend(ann.user, bob.username)
    assert r.status_code == 409 and "already sent" in alert(r), brief(r)
    assert requests_between(stack, ann, bob) == ["pending"]
    # An account whose address was never proven cannot be asked.
    (uid, name), = people_in_db(stack, 1, "unproven")
    stack.psql("update users set email_verified_at = null where id = :'v1'", uid)
    assert request_friend(ann.user, name).status_code == 404
    # Signed out, the routes send guests away without doing anything.
    guest = User(stack.base_url)
    r = guest.post_form("/friends/requests", {"csrf": guest.csrf("/"), "username": bob.username})
    assert r.status_code == 403, brief(r)
    assert guest.get("/friends").status_code == 303


# ----------------------------------------------------------------------------------------- limits

def test_twenty_requests_a_day_counted_exactly_even_when_sent_at_once(stack, account):
    ann = account("busy")
    targets = people_in_db(stack, 25, "tgt")
    token(ann.user)
    answers = []
    lock = threading.Lock()

    def ask(name):
        browser = User(stack.base_url)  # the same session in a browser (cookie jar) of its own per thread
        browser.http.cookies.set("pp_sid", ann.user.sid)
        browser._social_csrf = token(ann.user)
        r = request_friend(browser, name)
        with lock:
            answers.append(r)

    threads = [threading.Thread(target=ask, args=(name,)) for _, name in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in answers)
    assert codes == [303] * 20 + [429] * 5, codes
    sent = int(stack.psql("select count(*) from friend_requests where from_id = :'v1'", user_id(stack, ann.email)))
    assert sent == 20
    refused = next(r for r in answers if r.status_code == 429)
    assert 86000 < int(refused.headers["Retry-After"]) <= 86400, refused.headers
    assert "20 friend requests in the last 24 hours" in alert(refused)
    # Cancelled requests still count: cancelling does not make room today.
    uid = user_id(stack, ann.email)
    stack.psql("update friend_requests set status = 'cancelled', decided_at = now() where from_id = :'v1'", uid)
    assert request_friend(ann.user, targets[-1][1]).status_code == 429
    # A day later they no longer count.
    stack.psql("update friend_requests set created_at = created_at - interval '25 hours' where from_id = :'v1'", uid)
    assert request_friend(ann.user, targets[-1][1]).status_code == 303


def test_a_hundred_waiting_requests_stop_the_next(stack, account):
    ann = account("waiting")
    uid = user_id(stack, ann.email)
    targets = people_in_db(stack, 101, "wait")
    ids = "{" + ",".join(t for t, _ in targets[:100]) + "}"
    stack.psql("insert into friend_requests (from_id, to_id, created_at) select :'v1', t, now() - interval '3 days' "
               "from unnest(:'v2'::uuid[]) t", uid, ids)
    r = request_friend(ann.user, targets[100][1])
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, brief(r)
    assert "100 requests waiting for an answer" in alert(r)
    assert int(stack.psql("select count(*) from friend_requests where from_id = :'v1'", uid)) == 100
    # One answered (here, cancelled) makes room.
    stack.psql("update friend_requests set status = 'cancelled', decided_at = now() where id = "
               "(select min(id) from friend_requests where from_id = :'v1')", uid)
    assert request_friend(ann.user, targets[100][1]).status_code == 303


# ----------------------------------------------------------------------------------------- blocks

def test_blocking_removes_everything_between_two_people_and_hides_each_from_the_other(stack, account):
    ann, bob, cy = account("ann"), account("bob"), account("cy")
    make_friends(stack, ann, bob)
    assert request_friend(bob.user, cy.username).status_code == 303
    assert request_friend(cy.user, ann.username).status_code == 303
    before = live_v(stack, bob)
    r = post_on(ann.user, f"/u/{bob.username}", "/friends/block", username=bob.username, back="profile")
    assert r.status_code == 303 and r.headers["Location"] == f"/u/{bob.username}", brief(r)
    assert not are_friends(stack, ann, bob) and live_v(stack, bob) > before
    # Also a waiting request, either way, goes when blocking.
    r = post_as(ann.user, "/friends/block", username=cy.username)
    assert r.status_code == 303, brief(r)
    assert requests_between(stack, cy, ann) == ["cancelled"] and notices(stack, ann, "friend_request") == 0
    assert requests_between(stack, bob, cy) == ["pending"], "other people's requests stay"

    for viewer, other, unblock in ((ann, bob, True), (bob, ann, False)):
        r = viewer.user.get(f"/u/{other.username}")
        assert r.status_code == 200, brief(r)
        doc = parse_html(r.text)
        assert doc.by_id("not-available").clean_text() == "This profile is not available."
        assert doc.by_id("profile") is None and doc.by_id("stats-link") is None
        assert (doc.by_id("unblock") is not None) == unblock
    # Neither can ask the other.
    r = request_friend(bob.user, ann.username)
    assert r.status_code == 403 and alert(r) == "This person is not available.", brief(r)
    r = request_friend(ann.user, bob.username)
    assert r.status_code == 409 and "Unblock them first" in alert(r), brief(r)
    # Neither finds the other.
    for viewer, other in ((ann, bob), (bob, ann)):
        found = viewer.user.page(f"/friends?q={other.username}").by_id("search-results")
        assert found.find("li") is None and found.by_id("search-empty") is not None
    blocked = ann.user.page("/friends").by_id("blocked-people")
    assert {li.get("data-user") for li in blocked.find_all("li")} == {bob.username, cy.username}
    # Blocking twice changes nothing more; bob cannot lift ann's block.
    assert post_as(ann.user, "/friends/block", username=bob.username).status_code == 303
    r = post_as(bob.user, "/friends/unblock", username=ann.username)
    assert r.status_code == 404, brief(r)

    r = post_on(ann.user, f"/u/{bob.username}", "/friends/unblock", username=bob.username, back="profile")
    assert r.status_code == 303, brief(r)
    assert friend_actions(ann.user, bob.username) == {"add-friend", "block"}
    assert friend_actions(bob.user, ann.username) == {"add-friend", "block"}
    assert not are_friends(stack, ann, bob), "unblocking does not bring the friendship back"


# ----------------------------------------------------------------------------------------- rooms

def test_a_signed_in_participant_asks_another_from_the_rooms_people_list(stack, account, new_user):
    ann, bob, eve = account("ann"), account("bob"), account("eve")
    room = new_room(stack, ann.user, "Ann Host")
    guest = new_user()
    for user, name in ((bob.user, "Bobby"), (guest, "Gus Guest")):
        assert user.join(room.code, name).status_code == 303
    doc = ann.user.page(f"/r/{room.code}")
    assert doc.by_id("room").get("data-befriends") is not None, "a signed-in participant's page shows the buttons"
    forms = {}
    for li in doc.by_id("participants").find_all("li"):
        name = li.find("span", cls="name")
        form = li.find("form", cls="befriend")
        if name is not None:
            forms[name.clean_text()] = form
    assert forms["Gus Guest"] is None, "a guest's seat has no button"
    assert forms["Ann Host"] is not None and forms["Bobby"] is not None
    seat = {i.get("name"): i.get("value") for i in forms["Bobby"].find_all("input")}
    assert seat["room"] == room.code and seat["back"] == "room"
    # Guests and people without a seat see the list without buttons (hidden by the page's attribute).
    assert parse_html(guest.get(f"/r/{room.code}").text).by_id("room").get("data-befriends") is None
    assert parse_html(eve.user.get(f"/r/{room.code}").text).by_id("room").get("data-befriends") is None

    r = post_as(ann.user, "/friends/requests", room=room.code, participant=seat["participant"], back="room")
    assert r.status_code == 303 and r.headers["Location"] == f"/r/{room.code}", brief(r)
    assert requests_between(stack, ann, bob) == ["pending"]

    ids = {p["name"]: p["id"] for p in ann.user.state(room.code)["participants"]}
    # Someone without a seat in that room cannot use its seats to find people.
    r = post_as(eve.user, "/friends/requests", room=room.code, participant=ids["Bobby"])
    assert r.status_code == 404 and alert(r) == "That person is not in a room with you.", brief(r)
    # A guest's seat has no account; asking yourself through your own seat is refused too.
    r = post_as(ann.user, "/friends/requests", room=room.code, participant=ids["Gus Guest"])
    assert r.status_code == 422 and "joined as a guest" in alert(r), brief(r)
    r = post_as(ann.user, "/friends/requests", room=room.code, participant=ids["Ann Host"])
    assert r.status_code == 422 and "That is you" in alert(r), brief(r)
    for bad_room, seat_id in (("ZZZ-ZZZ", ids["Bobby"]), ("not a code", ids["Bobby"]), (room.code, "not-a-uuid"),
                              (room.code, "00000000-0000-0000-0000-000000000000")):
        r = post_as(ann.user, "/friends/requests", room=bad_room, participant=seat_id)
        assert r.status_code == 404, f"{bad_room} {seat_id}: {brief(r)}"
    assert requests_between(stack, ann, bob) == ["pending"]
    assert requests_between(stack, eve, bob) == []


def test_the_friends_page_shows_a_friend_focusing_in_a_room_with_its_link(stack, account):
    ann, bob, eve = account("ann"), account("bob"), account("eve")
    make_friends(stack, ann, bob)
    # Bob has just signed up in his browser: about, in no room (noted within a second).
    wait_for(lambda: [(li.get("data-user"), li.get("data-presence")) for li in friends_rows(ann.user)[1]]
             == [(bob.username, "online")], 3, "bob shown online on ann's friends page")

    room = new_room(stack, bob.user, "Bob Focus")
    room.host.ok("/timer", action="start", at="0")
    _, rows = friends_rows(ann.user)
    row = rows[0]
    assert row.get("data-presence") == "focusing", row.clean_text()
    assert re.search(rf"Focusing in room {room.code} \(2[45] min left\)", row.clean_text()), row.clean_text()
    assert row.find("a", href=f"/r/{room.code}") is not None
    # Nobody else sees where bob is: eve is no friend.
    assert room.code not in eve.user.get("/friends").text
    assert room.code not in eve.user.get(f"/u/{bob.username}").text


# ----------------------------------------------------------------------------------------- search and pages

def test_search_finds_proven_accounts_by_the_start_of_their_username(stack, account):
    ann = account("seeker")
    made = people_in_db(stack, 25, "srch")
    prefix = "srch"
    (unproven_id, unproven), = people_in_db(stack, 1, "srch")
    stack.psql("update users set email_verified_at = null where id = :'v1'", unproven_id)
    doc = ann.user.page(f"/friends?q={prefix}")
    results = doc.by_id("search-results").find_all("li")
    assert len(results) == 20, "at most 20 results"
    names = [li.get("data-user") for li in results]
    assert names == sorted(names, key=str.lower)
    assert all(n.lower().startswith(prefix) for n in names)
    # The exact name finds one person, in any case; an "_" is a character, not a wildcard.
    for q in (made[3][1], made[3][1].upper()):
        found = [li.get("data-user") for li in ann.user.page(f"/friends?q={q}").by_id("search-results").find_all("li")]
        assert found == [made[3][1]], (q, found)
    wildcard = made[3][1].replace("_", "-")
    assert ann.user.page(f"/friends?q={wildcard}").by_id("search-empty") is not None
    assert ann.user.page(f"/friends?q={unproven}").by_id("search-empty") is not None, "unproven accounts are not found"
    assert ann.username not in [li.get("data-user") for li in
                                ann.user.page(f"/friends?q={ann.username}").by_id("search-results").find_all("li")]
    # A result can be asked from the page.
    form = ann.user.page(f"/friends?q={made[0][1]}").by_id("search-results").find("form")
    assert form.get("action") == "/friends/requests"
    assert request_friend(ann.user, made[0][1]).status_code == 303
    assert "Request sent" in ann.user.page(f"/friends?q={made[0][1]}").by_id("search-results").clean_text()


@pytest.mark.parametrize("query, says", [
    ("q=a%25", "cannot be one"), ("q=%27%20OR%20%271%27%3D%271", "cannot be one"), ("q=%3Cscript%3E", "cannot be one"),
    ("q=" + "a" * 31, "at most 30"), ("q=a&q=b", "one name"), ("after=a&after=b", "one name"),
    ("after=%27--", "cannot be one"), ("after=" + "z" * 40, "at most 30"), ("q=%C0%AE", ""), ("q=%FF", ""),
    ("q=a%00b", ""),
])
def test_bad_search_or_paging_input_is_a_400_that_says_what_was_wrong(stack, me, query, says):
    r = me.user.get(f"/friends?{query}")
    assert r.status_code == 400, f"{query}: {brief(r)}"
    message = parse_html(r.text).by_id("error-message").clean_text()
    assert says in message, message
    assert "<script>" not in r.text
    for marker in LEAK_MARKERS:
        assert marker not in r.text.lower()


def test_friends_are_paged_by_username_fifty_at_a_time(stack, account):
    ann = account("popular")
    uid = user_id(stack, ann.email)
    made = people_in_db(stack, 120, "pal")
    ids = "{" + ",".join(i for i, _ in made) + "}"
    stack.psql("insert into friendships (user_id, friend_id) select :'v1', t from unnest(:'v2'::uuid[]) t "
               "union all select t, :'v1' from unnest(:'v2'::uuid[]) t", uid, ids)
    expected = sorted((name for _, name in made), key=str.lower)
    seen, path, pages = [], "/friends", 0
    while path:
        doc, rows = friends_rows(ann.user, path)
        pages += 1
        seen += [li.get("data-user") for li in rows]
        assert len(rows) <= 50
        nxt = doc.by_id("friends-next")
        path = nxt.get("href") if nxt is not None else None
        if pages > 1:
            assert doc.by_id("friends-first").get("href") == "/friends"
    assert pages == 3 and seen == expected
    assert "Your friends (120)" in doc.by_id("your-friends-heading").clean_text()
    # Paging starts after the name given (in any case), whether or not it is a friend's.
    _, rows = friends_rows(ann.user, "/friends?after=" + expected[49].upper())
    assert rows[0].get("data-user") == expected[50]
    _, rows = friends_rows(ann.user, "/friends?after=" + expected[49][:-1])
    assert rows[0].get("data-user") == expected[49]


# ----------------------------------------------------------------------------------------- stats, boards

def test_stats_for_friends_are_shown_to_friends(stack, account, new_user):
    ann, bob, eve = account("ann"), account("bob"), account("eve")
    make_friends(stack, ann, bob)
    uid = user_id(stack, bob.email)
    stack.psql("insert into user_achievements (user_id, achievement, earned_at) values (:'v1', 'first_focus', now())", uid)
    page = bob.user.get("/settings/profile").text
    radios = {i.get("value") for i in parse_html(page).find_all("input", name="stats_visibility")}
    assert radios == {"everyone", "friends", "only_me"}
    r = post_on(bob.user, "/settings/profile", "/settings/profile", display_name="Bob", username=bob.username,
                bio="", links="", stats_visibility="friends")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select stats_visibility from users where id = :'v1'", uid) == "friends"
    checked = [i.get("value") for i in parse_html(bob.user.get("/settings/profile").text).find_all(
        "input", name="stats_visibility") if "checked" in i.attrs]
    assert checked == ["friends"]
    assert bob.user.get(f"/u/{bob.username}/stats").status_code == 200
    assert "Only you and your friends" in bob.user.page(f"/u/{bob.username}/stats").by_id("stats-visibility-note").clean_text()
    assert ann.user.get(f"/u/{bob.username}/stats").status_code == 200
    prof = ann.user.page(f"/u/{bob.username}")
    assert prof.by_id("stats-link") is not None and prof.by_id("achievements") is not None
    for stranger in (eve.user, new_user()):
        assert stranger.get(f"/u/{bob.username}/stats").status_code == 404
        prof = stranger.page(f"/u/{bob.username}")
        assert prof.by_id("stats-link") is None and prof.by_id("achievements") is None
    # No longer friends, no longer shown.
    assert post_as(ann.user, "/friends/unfriend", username=bob.username).status_code == 303
    assert ann.user.get(f"/u/{bob.username}/stats").status_code == 404


def credit_in_db(stack, uid: str, seconds: int):
    """Focus credit ended a second ago, in the ledger and the tally (as the crediting transaction writes it)."""
    stack.psql(
        """with c as (insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed)
              values (:'v1', 'room', now() - make_interval(secs => :'v2'::int + 1), now() - interval '1 second', :'v2'::int,
                      current_date, 'UTC', true) returning user_id, seconds, ended_at)
           insert into user_stats (user_id, total_seconds, sessions, last_credit_at, credited_until)
           select user_id, seconds, 1, ended_at, ended_at from c
           on conflict (user_id) do update set total_seconds = user_stats.total_seconds + excluded.total_seconds,
             sessions = user_stats.sessions + 1, last_credit_at = excluded.last_credit_at,
             credited_until = excluded.credited_until""", uid, str(seconds))


def test_the_boards_among_friends_rank_you_and_your_friends(stack, account, new_user):
    ann, bob, cy, eve = account("ann"), account("bob"), account("cy"), account("eve")
    make_friends(stack, ann, bob)
    make_friends(stack, ann, cy)
    for acct, minutes in ((ann, 30), (bob, 50), (cy, 30), (eve, 900)):
        credit_in_db(stack, user_id(stack, acct.email), minutes * 60)
    pomopomo_run(stack, "leaderboards", "rebuild")
    doc = ann.user.page("/leaderboards?board=alltime&scope=friends")
    rows = [(tr.find_all("td")[0].clean_text(), tr.find("span", cls="muted").clean_text())
            for tr in doc.by_id("board").find("tbody").find_all("tr")]
    # Equal scores share a place; eve, who is on the board but no friend, is not.
    assert rows[0] == ("1", f"@{bob.username}") and sorted(rows[1:]) == sorted(
        [("2", f"@{ann.username}"), ("2", f"@{cy.username}")]), rows
    summary = doc.by_id("rank-summary").clean_text()
    assert "#2 of 3" in summary and "among you and your friends" in summary and "everyone" not in summary
    assert doc.by_id("scope-friends").get("aria-current") == "page"
    assert "scope=friends" in doc.by_id("board-weekly").get("href")
    # Everyone's board still says so, and eve (no friend) is on it.
    doc = ann.user.page("/leaderboards?board=alltime")
    assert "among everyone" in doc.by_id("rank-summary").clean_text()
    # Other tests may have ranked people above eve: look through the first pages.
    assert any(eve.username in ann.user.page(f"/leaderboards?board=alltime&page={n}").by_id("board").clean_text()
               for n in range(1, 6)), "eve (no friend) is not on everyone's board"
    # A guest's friends scope is everyone's board; a scope that is none is a 400.
    assert new_user().get("/leaderboards?scope=friends").status_code == 200
    for bad in ("scope=all", "scope=friends&scope=everyone", "scope=%27%20OR%201%3D1"):
        assert ann.user.get(f"/leaderboards?{bad}").status_code == 400, bad


# ----------------------------------------------------------------------------------------- export, deletion

def test_export_lists_friends_requests_both_ways_and_blocks_and_deletion_removes_them(stack, account):
    ann, bob, cy, dee, eve = account("ann"), account("bob"), account("cy"), account("dee"), account("eve")
    make_friends(stack, ann, bob)
    assert request_friend(ann.user, cy.username).status_code == 303
    assert request_friend(dee.user, ann.username).status_code == 303
    assert post_as(ann.user, "/friends/block", username=eve.username).status_code == 303
    data = json.loads(ann.user.get("/settings/export.json").text)
    assert [f["username"] for f in data["friends"]] == [bob.username]
    got = {(r["direction"], r["username"], r["status"]) for r in data["friend_requests"]}
    assert got == {("sent", bob.username, "accepted"), ("sent", cy.username, "pending"),
                   ("received", dee.username, "pending")}, got
    assert [b["username"] for b in data["blocks"]] == [eve.username]
    bobs = json.loads(bob.user.get("/settings/export.json").text)
    assert bobs["blocks"] == [] and [f["username"] for f in bobs["friends"]] == [ann.username]

    page = ann.user.page("/settings/account")
    assert "friendships, friend requests (sent and received) and blocks are deleted" in page.by_id("delete-friends").clean_text()
    uid = user_id(stack, ann.email)
    r = post_on(ann.user, "/settings/account", "/settings/delete", password=ann.password)
    assert r.status_code == 303, brief(r)
    left = stack.psql("select (select count(*) from friendships where user_id = :'v1' or friend_id = :'v1') + "
                      "(select count(*) from friend_requests where from_id = :'v1' or to_id = :'v1') + "
                      "(select count(*) from user_blocks where blocker_id = :'v1' or blocked_id = :'v1')", uid)
    assert left == "0"
    assert bob.user.page("/friends").by_id("friends-list").find("li") is None


# ----------------------------------------------------------------------------------------- bad input (QUALITY.md)

BAD_USERNAMES = [
    ("x' OR '1'='1", {422}), ("a'; DROP TABLE friendships; --", {422}), ("%", {422}), ("a_%", {422}),
    ("<script>alert(1)</script>", {422}), ('" autofocus onfocus=alert(1) x="', {422}), ("{{> layout}}", {422}),
    ("ａｄｍｉｎ", {422}), ("a\u202eb", {422}), ("a\u200bb", {422}), ("x" * 5000, {422}),
]


@pytest.mark.parametrize("value, statuses", BAD_USERNAMES, ids=[f"u{i}" for i in range(len(BAD_USERNAMES))])
def test_a_bad_username_is_refused_clearly_kept_and_changes_nothing(stack, me, value, statuses):
    before = stack.psql("select count(*) from friend_requests")
    r = request_friend(me.user, value)
    assert r.status_code in statuses, brief(r)
    assert "not a username" in alert(r), alert(r)
    field = parse_html(r.text).find("input", name="username")
    assert field.get("value") == value[:200], "what was typed is shown back, escaped"
    assert "<script>alert(1)" not in r.text and 'autofocus onfocus=alert(1) x=""' not in r.text
    for marker in LEAK_MARKERS:
        assert marker not in r.text.lower()
    assert stack.psql("select count(*) from friend_requests") == before


@pytest.mark.parametrize("path", ["/friends/unfriend", "/friends/block", "/friends/unblock"])
@pytest.mark.parametrize("value", ["x' OR '1'='1", "<script>", "", "nobody_at_all_42", "x" * 5000])
def test_a_bad_username_on_unfriend_or_block_is_a_404_and_changes_nothing(stack, me, path, value):
    before = stack.psql("select (select count(*) from user_blocks) + (select count(*) from friendships)")
    r = post_as(me.user, path, username=value)
    assert r.status_code == 404, brief(r)
    assert parse_html(r.text).by_id("error-message").clean_text() == "There is no one with this username."
    assert stack.psql("select (select count(*) from user_blocks) + (select count(*) from friendships)") == before


@pytest.mark.parametrize("raw_body", [
    b"username=a%FFb", b"username=a%00b", b"username=%C0%AE", b"username=a&username=b", b"participant=1&participant=2",
    b"back=profile&back=room&username=x",
])
def test_invalid_encodings_and_duplicate_fields_are_a_400(stack, me, raw_body):
    before = stack.psql("select count(*) from friend_requests")
    body = f"csrf={quote(token(me.user), safe='')}&".encode() + raw_body
    r = me.user.post_form("/friends/requests", body)
    assert r.status_code == 400, brief(r)
    assert parse_html(r.text).by_id("error-message") is not None
    assert stack.psql("select count(*) from friend_requests") == before


BAD_IDS = ["0", "-1", "1e3", "0x10", "9223372036854775808", "99999999999999999999999", "1%27%20OR%20%271%27%3D%271",
           "%3Cscript%3E", "1;DROP", "%00", "abc", "1.5", "%C0%AE"]


@pytest.mark.parametrize("how", ["accept", "decline", "cancel"])
@pytest.mark.parametrize("rid", BAD_IDS)
def test_a_bad_request_id_in_the_path_is_a_404_or_400_and_changes_nothing(stack, me, how, rid):
    before = stack.psql("select count(*) from friend_requests where status = 'pending'")
    status, _, text = raw_post(stack, me, f"/friends/requests/{rid}/{how}")
    assert status in (400, 404), f"{rid}: {status} {text[:300]}"
    assert "<script>" not in text
    for marker in LEAK_MARKERS:
        assert marker not in text.lower()
    assert stack.psql("select count(*) from friend_requests where status = 'pending'") == before


def raw_post(stack, acct, target: str, body: bytes | None = None, csrf: bool = True):
    """One POST with exactly this target (no re-quoting)."""
    payload = (f"csrf={quote(token(acct.user), safe='')}".encode() if csrf else b"") + (body or b"")
    status, headers, data = raw_http(stack.base_url, "POST", target, headers={
        "Cookie": f"pp_sid={acct.user.sid}", "Content-Type": "application/x-www-form-urlencoded",
        "Origin": stack.base_url, "User-Agent": "pomopomo-http-tests"}, body=payload)
    return status, headers, data.decode("utf-8", "replace")


POST_ROUTES = ["/friends/requests", "/friends/requests/1/accept", "/friends/requests/1/decline",
               "/friends/requests/1/cancel", "/friends/unfriend", "/friends/block", "/friends/unblock"]


@pytest.mark.parametrize("path", POST_ROUTES)
def test_posts_without_or_with_a_foreign_csrf_token_are_refused(stack, me, other, path):
    before = stack.psql("select (select count(*) from friend_requests) + (select count(*) from user_blocks)")
    r = me.user.post_form(path, {"username": other.username})
    assert r.status_code == 403, brief(r)
    r = me.user.post_form(path, {"csrf": token(other.user), "username": other.username})
    assert r.status_code == 403, brief(r)
    r = me.user.post_form(path, [("csrf", token(me.user)), ("csrf", token(me.user)), ("username", other.username)])
    assert r.status_code in (400, 403), brief(r)
    r = me.user.post_form(path, {"csrf": token(me.user), "username": other.username},
                          headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403, brief(r)
    assert stack.psql("select (select count(*) from friend_requests) + (select count(*) from user_blocks)") == before


@pytest.mark.parametrize("path", POST_ROUTES)
def test_get_on_a_post_route_is_a_405(stack, me, path):
    r = me.user.get(path)
    assert r.status_code == 405 and "POST" in r.headers.get("Allow", ""), brief(r)


def test_the_friend_routes_keep_to_their_limit_per_address_and_account(stack, account):
    ann = account("spammer")
    statuses = [post_as(ann.user, "/friends/unblock", username="nobody_at_all_42").status_code for _ in range(121)]
    assert statuses[:120] == [404] * 120 and statuses[120] == 429, statuses[-3:]
    r = post_as(ann.user, "/friends/unblock", username="nobody_at_all_42")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0 and "changed many friendships" in alert(r)
