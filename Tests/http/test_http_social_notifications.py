"""Notifications (issue 12): /notifications lists each kind in its own words, newest first, 50 a
page; "Mark all read" and opening a notice mark them read (opening goes where it points); other
people's notices are 404; the header counts unread notices and new messages on every signed-in
page; achievements earned while focusing become notices."""

import pytest

from accounts_kit import brief, location, post_on, user_id
from pomopomo_testkit import User, parse_html
from rooms_kit import wait_for
from stats_kit import FOCUS, guest_focuses_a_segment, signs_up_here, time_of_day_achievements, time_passes, wait_for_credit

NOTICE_KINDS = ("friend_request", "friend_accepted", "direct_message", "room_invite", "achievement")


def notify(stack, to: str, kind: str, actor: str | None = None, subject: str = "", count: int = 1,
           read: bool = False, minutes_ago: int = 0) -> int:
    """A notice written straight into the table, as the other features' stores do (the friends and
    messages helpers own those flows)."""
    out = stack.psql(
        "insert into notifications (user_id, kind, actor_id, subject, count, created_at, read_at)"
        " values (:'v1', :'v2', nullif(:'v3', '')::uuid, :'v4', :'v5'::int, now() - make_interval(mins => :'v6'::int),"
        " case when :'v7' = 't' then now() end) returning id",
        to, kind, actor or "", subject, str(count), str(minutes_ago), "t" if read else "f")
    return int(out.splitlines()[0])


def notices(user: User, path: str = "/notifications") -> list:
    """(id, kind, text, unread) of each notice on the page, in order."""
    doc = user.page(path)
    items = doc.find_all("li", cls="notice-item")
    return [(int(li.get("id").removeprefix("notice-")), li.get("data-kind"), li.find("button").clean_text(),
             "unread" in li.classes) for li in items]


def counts(user: User, path: str = "/") -> tuple:
    """The header's (notifications, messages) counts as shown ("" when none)."""
    doc = user.page(path)
    n, m = doc.by_id("nav-notifications-count"), doc.by_id("nav-messages-count")
    assert n is not None and m is not None, f"{path}: the header has no counts"
    return n.clean_text(), m.clean_text()


def open_notice(user: User, notice_id):
    """POST /notifications/ID/open with the session's csrf (also for ids no page offers)."""
    return user.post_form(f"/notifications/{notice_id}/open", {"csrf": user.csrf("/notifications")})


@pytest.fixture
def pair(stack, account):
    """Two accounts: `me` reads notices that `friend` caused."""
    me, friend = account("reader"), account("actor")
    return me, user_id(stack, me.email), friend, user_id(stack, friend.email)


def test_each_kind_has_its_words_and_link_and_opening_marks_it_read(stack, pair):
    me, mine, friend, theirs = pair
    ids = {
        "friend_request": notify(stack, mine, "friend_request", theirs, minutes_ago=5),
        "friend_accepted": notify(stack, mine, "friend_accepted", theirs, minutes_ago=4),
        "direct_message": notify(stack, mine, "direct_message", theirs, count=3, minutes_ago=3),
        "room_invite": notify(stack, mine, "room_invite", theirs, "ABC-DEF", minutes_ago=2),
        "achievement": notify(stack, mine, "achievement", None, "first_focus", minutes_ago=1),
    }
    listed = notices(me.user)
    assert [k for _, k, _, _ in listed] == list(reversed(NOTICE_KINDS)), "not newest first"
    assert all(unread for *_, unread in listed), "new notices are not shown unread"
    words = {k: text for _, k, text, _ in listed}
    name = friend.username  # register() leaves the display name as the username
    assert name in words["friend_request"] and "friend request" in words["friend_request"]
    assert "accepted" in words["friend_accepted"] and name in words["friend_accepted"]
    assert words["direct_message"] == f"3 new messages from {name}"
    assert words["room_invite"] == f"{name} invited you to room ABC-DEF"
    assert words["achievement"] == "You earned “First Focus”"
    targets = {"friend_request": "/friends", "friend_accepted": f"/u/{friend.username}",
               "direct_message": f"/messages/{friend.username}", "room_invite": "/r/ABC-DEF",
               "achievement": f"/u/{me.username}"}
    for kind, notice_id in ids.items():
        r = open_notice(me.user, notice_id)
        assert r.status_code == 303 and location(r) == targets[kind], f"opening {kind}: {brief(r)}"
        state = {k: unread for _, k, _, unread in notices(me.user)}
        assert state[kind] is False, f"{kind} is still unread after opening it"
    exported = me.user.get("/settings/export.json").json()["notifications"]
    assert sorted(n["kind"] for n in exported) == sorted(NOTICE_KINDS) and all(n["read_at"] for n in exported)
    # Opening a read one again still leads there and changes nothing.
    r = open_notice(me.user, ids["room_invite"])
    assert r.status_code == 303 and location(r) == "/r/ABC-DEF"


def test_mark_all_read_and_header_counts(stack, pair):
    me, mine, friend, theirs = pair
    assert counts(me.user) == ("", "")
    notify(stack, mine, "friend_request", theirs)
    notify(stack, mine, "room_invite", theirs, "ABC-DEF")
    notify(stack, mine, "room_invite", theirs, "XYZ-XYZ", read=True)
    # New messages: the counts of unread message notices (one a conversation), summed.
    notify(stack, mine, "direct_message", theirs, count=3)
    notify(stack, mine, "direct_message", theirs, "another conversation", count=2)
    for path in ("/", "/me", "/notifications", "/settings/profile", "/leaderboards", f"/u/{me.username}"):
        assert counts(me.user, path) == ("(2)", "(5)"), f"header counts on {path}"
    r = post_on(me.user, "/notifications", "/notifications/read")
    assert r.status_code == 303 and location(r) == "/notifications", brief(r)
    assert all(not unread for *_, unread in notices(me.user))
    assert counts(me.user) == ("", "")
    assert me.user.page("/notifications").by_id("mark-all-read") is None, "nothing left to mark read"


def test_counts_stop_at_99_plus_and_guests_have_none(stack, pair, new_user):
    me, mine, friend, theirs = pair
    stack.psql("insert into notifications (user_id, kind, subject) select :'v1', 'achievement', 'x' || g"
               " from generate_series(1, 120) g", mine)
    notify(stack, mine, "direct_message", theirs, count=250)
    assert counts(me.user) == ("(99+)", "(99+)")
    guest = new_user()
    doc = guest.page("/")
    assert doc.by_id("nav-notifications") is None and doc.by_id("nav-messages-count") is None
    assert doc.by_id("nav-login") is not None


def test_paging_fifty_a_page_newest_first(stack, pair):
    me, mine, _, _ = pair
    stack.psql("insert into notifications (user_id, kind, subject, created_at) select :'v1', 'achievement',"
               " 'first_focus', now() - make_interval(secs => g) from generate_series(1, 120) g"
               " on conflict do nothing", mine)
    # The fold index allows one unread notice per kind and subject: 119 read ones around one unread.
    stack.psql("insert into notifications (user_id, kind, subject, created_at, read_at) select :'v1', 'achievement',"
               " 'first_focus', now() - make_interval(secs => g), now() from generate_series(2, 120) g", mine)
    first = notices(me.user)
    assert len(first) == 50
    doc = me.user.page("/notifications")
    older = doc.by_id("notices-older")
    assert older is not None
    second = notices(me.user, older.get("href"))
    third_link = me.user.page(older.get("href")).by_id("notices-older").get("href")
    third = notices(me.user, third_link)
    assert len(second) == 50 and len(third) == 20
    ids = [i for i, *_ in first + second + third]
    assert len(set(ids)) == 120, "pages overlap or miss notices"
    times = stack.psql("select string_agg(id::text, ',' order by created_at desc, id desc) from notifications"
                       " where user_id = :'v1'", mine)
    assert ids == [int(x) for x in times.split(",")], "not newest first across pages"
    assert me.user.page(third_link).by_id("notices-older") is None


@pytest.mark.parametrize("path", [
    "/notifications?before=abc", "/notifications?before=-1", "/notifications?before=0", "/notifications?before=",
    "/notifications?before=1e3", "/notifications?before=99999999999999999999", "/notifications?before=1%27%20or%201=1",
    "/notifications?before=1&before=2",
])
def test_bad_before_is_a_clear_400(me, path):
    r = me.user.get(path)
    assert r.status_code == 400, f"{path}: {brief(r)}"
    assert parse_html(r.text).by_id("error-message") is not None


def test_other_peoples_notices_are_404_like_missing(stack, pair):
    me, mine, friend, theirs = pair
    foreign = notify(stack, theirs, "friend_request", mine)
    before = stack.psql("select read_at is null from notifications where id = :'v1'", str(foreign))
    for target in (foreign, 999999999999):
        r = open_notice(me.user, target)
        assert r.status_code == 404, f"{target}: {brief(r)}"
    missing = me.user.get("/notifications?before=999999999999")
    r = me.user.get(f"/notifications?before={foreign}")
    assert r.status_code == missing.status_code == 404, f"paging from another person's notice: {brief(r)}"
    assert stack.psql("select read_at is null from notifications where id = :'v1'", str(foreign)) == before


@pytest.mark.parametrize("notice_id", ["abc", "0", "-1", "1e3", "0x10", "99999999999999999999", "1%27--", "%00"])
def test_bad_notice_ids_are_404(me, notice_id):
    r = open_notice(me.user, notice_id)
    assert r.status_code in (400, 404), f"{notice_id}: {brief(r)}"


def test_notifications_need_signing_in_and_post(new_user, me):
    guest = new_user()
    r = guest.get("/notifications")
    assert r.status_code == 303 and location(r).startswith("/login"), brief(r)
    r = me.user.get("/notifications/read")
    assert r.status_code == 405
    r = me.user.post_form("/notifications/read", {"csrf": "forged"})
    assert r.status_code == 403


def test_deleted_actor_takes_their_notices_along(stack, pair):
    me, mine, friend, theirs = pair
    notify(stack, mine, "friend_request", theirs)
    assert counts(me.user) == ("(1)", "")
    stack.psql("delete from users where id = :'v1'", theirs)
    assert counts(me.user) == ("", "")
    assert notices(me.user) == []


def test_a_guest_credit_adopted_at_sign_up_becomes_an_achievement_notice(stack, make_room, new_user, mailbox):
    browser = new_user()
    guest_focuses_a_segment(stack, make_room, browser, "Gus")
    name, uid = signs_up_here(stack, browser, mailbox, "adopted")
    listed = notices(browser)
    assert ("achievement", "You earned “First Focus”") in [(k, t) for _, k, t, _ in listed], listed
    # Between 22:00 and 07:00 UTC the same focus also earns Night Owl or Early Bird: one notice more.
    assert counts(browser) == (f"({1 + len(time_of_day_achievements(stack, uid))})", "")


def test_a_credited_focus_segment_gives_the_account_an_achievement_notice(stack, make_room, account):
    acct = account("focuser")
    uid = user_id(stack, acct.email)
    live_before = int(stack.psql("select live_v from users where id = :'v1'", uid))
    room = make_room()
    room.join("Focuser", user=acct.user)
    room.host.ok("/timer", action="start", at="0")
    time_passes(stack, room, FOCUS)
    wait_for_credit(stack, room, 2)
    wait_for(lambda: stack.psql("select count(*) from notifications where user_id = :'v1' and kind = 'achievement'"
                                " and subject = 'first_focus'", uid) == "1", 5, "the achievement notice")
    # Its live channel moved in the same transaction (the wake-up follows the commit).
    assert int(stack.psql("select live_v from users where id = :'v1'", uid)) > live_before
    listed = notices(acct.user)
    notice_id = next(i for i, k, t, _ in listed if k == "achievement")
    r = open_notice(acct.user, notice_id)
    assert location(r) == f"/u/{acct.username}"
