"""Moderation (issue 17): rooms. The live rooms with filters (size, age, reports); a room's page
(people, queue, chat with shadow-hidden messages marked); closing a room (everyone sees why),
removing a message, muting, unmuting or removing someone. Each action is audited; bad input is
refused and changes nothing; everyone else gets 404."""

import secrets

import pytest

from accounts_kit import brief
from admin_kit import admin_page, admin_post, audit_rows, make_admin


@pytest.fixture
def boss(stack, account):
    return make_admin(stack, account("boss"))


def room_ids(doc) -> list[str]:
    table = doc.by_id("rooms-table")
    return [tr.get("id")[5:] for tr in table.find_all("tr") if tr.get("id")] if table else []


def test_live_rooms_filter_by_size_age_and_reports(stack, make_room, boss, account):
    small, big = make_room(), make_room()
    for i in range(3):
        big.join(f"Person {i}")
    listed = room_ids(admin_page(boss.user, "/admin/rooms?order=size"))
    assert listed.index(big.code) < listed.index(small.code)
    assert big.code in room_ids(admin_page(boss.user, "/admin/rooms?min_size=4"))
    assert small.code not in room_ids(admin_page(boss.user, "/admin/rooms?min_size=4"))
    stack.psql("update rooms set created_at = now() - interval '5 hours' where code = :'v1'", small.code.replace("-", ""))
    recent = room_ids(admin_page(boss.user, "/admin/rooms?max_age_hours=2"))
    assert big.code in recent and small.code not in recent
    # Reported: only rooms with open reports.
    bob = account("bob")
    small.join("Bob", user=bob.user)
    token = bob.user.csrf(f"/r/{small.code}/report")
    assert bob.user.post_form(f"/r/{small.code}/report", {"csrf": token, "reason": "spam"}).status_code == 303
    reported = room_ids(admin_page(boss.user, "/admin/rooms?reported=1"))
    assert small.code in reported and big.code not in reported


def test_a_rooms_page_shows_people_queue_and_hidden_chat_marked(stack, make_room, boss):
    room = make_room()
    guest = room.join("Gina Guest")
    guest.ok("/messages", text="visible hello")
    room.host.ok(f"/participants/{guest.id}/mute")
    guest.ok("/messages", text="hidden spam")
    doc = admin_page(boss.user, f"/admin/rooms/{room.code}")
    people = doc.by_id("room-people").text()
    assert "Hana Host" in people and "Gina Guest" in people and "muted" in people
    assert doc.by_id("room-queue").find_all("li"), "the queue is not shown"
    chat = doc.by_id("admin-chat")
    items = {li.find("span", cls="prewrap").text(): li for li in chat.find_all("li")}
    assert set(items) >= {"visible hello", "hidden spam"}
    assert "shadow-hidden" in items["hidden spam"].text() and "shadow-hidden" in (items["hidden spam"].get("class") or "")
    assert "shadow-hidden" not in items["visible hello"].text()


def test_closing_a_room_tells_everyone_why(stack, make_room, boss):
    room = make_room()
    guest = room.join("Gus Guest")
    page = f"/admin/rooms/{room.code}"
    r = admin_post(boss.user, page, page + "/close", reason="")
    assert r.status_code == 422 and "Give a reason" in r.text, brief(r)
    assert stack.room_exists(room.code) and room.host.user.get(f"/r/{room.code}").status_code == 200
    r = admin_post(boss.user, page, page + "/close", reason="Harassment in chat")
    assert r.status_code == 303 and r.headers["Location"] == "/admin/rooms", brief(r)
    for user in (room.host.user, guest.user):
        r = user.get(f"/r/{room.code}")
        assert r.status_code == 410 and "The moderators closed this room" in r.text and "Harassment in chat" in r.text, brief(r)
    assert guest.user.get(f"/r/{room.code}/poll?since=1").status_code == 410
    assert guest.user.get(f"/r/{room.code}/state.json").status_code == 410
    assert room.code not in room_ids(admin_page(boss.user, "/admin/rooms"))
    line = audit_rows(stack, "action = 'room_close' and target_label = :'v1'", room.code)[-1]
    assert (line["reason"], line["before"], line["after"]) == ("Harassment in chat", "open", "closed")
    assert boss.user.get(page).status_code == 404


def test_removing_a_message(stack, make_room, boss):
    room = make_room()
    guest = room.join("Gus Guest")
    guest.ok("/messages", text="nasty words")
    mid = stack.psql("select id from messages where text = 'nasty words' and room_id = :'v1'", room.id)
    page = f"/admin/rooms/{room.code}"
    r = admin_post(boss.user, page, f"{page}/messages/{mid}/remove", reason="Abuse")
    assert r.status_code == 303, brief(r)
    assert "nasty words" not in room.host.user.get(f"/r/{room.code}").text
    line = audit_rows(stack, "action = 'message_remove' and target_id = :'v1'", mid)[-1]
    assert (line["before"], line["reason"]) == ("nasty words", "Abuse")


def test_muting_unmuting_and_removing_someone(stack, make_room, boss):
    room = make_room()
    guest = room.join("Gus Guest")
    page = f"/admin/rooms/{room.code}"
    assert admin_post(boss.user, page, f"{page}/participants/{guest.id}/mute").status_code == 303
    guest.ok("/messages", text="after the mute")
    assert "after the mute" not in room.host.user.get(f"/r/{room.code}").text
    assert "after the mute" in guest.user.get(f"/r/{room.code}").text, "the muted sender sees their own message"
    assert admin_post(boss.user, page, f"{page}/participants/{guest.id}/unmute").status_code == 303
    guest.ok("/messages", text="after the unmute")
    assert "after the unmute" in room.host.user.get(f"/r/{room.code}").text
    assert admin_post(boss.user, page, f"{page}/participants/{guest.id}/remove", reason="Trolling").status_code == 303
    assert guest.user.get(f"/r/{room.code}").status_code == 403
    assert guest.post("/join", display_name="Back again").status_code == 403
    actions = [x["action"] for x in audit_rows(stack, "target_id = :'v1'", room.id)]
    assert actions == ["participant_mute", "participant_unmute", "participant_remove"]


def test_removing_the_host_hands_the_room_on(stack, make_room, boss):
    room = make_room()
    guest = room.join("Gus Guest")
    page = f"/admin/rooms/{room.code}"
    assert admin_post(boss.user, page, f"{page}/participants/{room.host.id}/remove").status_code == 303
    assert stack.psql("select role from participants where id = :'v1'", guest.id) == "host"


BAD_ACTIONS = [
    ("close without a reason", "/close", {}, 422),
    ("close with a blank reason", "/close", {"reason": "  \n "}, 422),
    ("reason over the limit", "/close", {"reason": "r" * 501}, 422),
    ("unknown message", "/messages/987654321/remove", {}, 404),
    ("message id not a number", "/messages/1e3/remove", {}, 404),
    ("message id negative", "/messages/-1/remove", {}, 404),
    ("unknown seat", "/participants/00000000-0000-0000-0000-000000000000/mute", {}, 404),
    ("seat id not a uuid", "/participants/' or 1=1 --/mute", {}, 404),
    ("two reasons", "/close", [("reason", "a"), ("reason", "b")], 400),
]


@pytest.mark.parametrize("where,fields,status", [(w, f, s) for _, w, f, s in BAD_ACTIONS], ids=[n for n, *_ in BAD_ACTIONS])
def test_bad_actions_are_refused_and_change_nothing(stack, make_room, boss, where, fields, status):
    room = make_room()
    room.join("Gus Guest")
    page = f"/admin/rooms/{room.code}"
    token = boss.user.csrf(page)
    before = (room.db_version(), stack.psql("select count(*) from admin_audit"))
    pairs = [("csrf", token)] + (fields if isinstance(fields, list) else list(fields.items()))
    r = boss.user.post_form(page + where, pairs)
    assert r.status_code == status, brief(r)
    if status == 422:
        assert 'role="alert"' in r.text
    assert (room.db_version(), stack.psql("select count(*) from admin_audit")) == before
    assert stack.room_exists(room.code)


def test_a_seat_of_another_room_is_not_found(stack, make_room, boss):
    one, other = make_room(), make_room()
    stranger = other.join("Other Person")
    page = f"/admin/rooms/{one.code}"
    r = boss.user.post_form(f"{page}/participants/{stranger.id}/remove", {"csrf": boss.user.csrf(page)})
    assert r.status_code == 404, brief(r)
    assert stack.psql("select count(*) from participants where id = :'v1'", stranger.id) == "1"


BAD_FILTERS = ["min_size=-1", "min_size=1e3", "max_age_hours=0", "max_age_hours=0x10", "order=loudest", "reported=2",
               "reported=1&reported=1", "page=0", "min_size=99999999999999999999"]


@pytest.mark.parametrize("query", BAD_FILTERS)
def test_bad_filters_are_refused(boss, query):
    r = boss.user.get("/admin/rooms?" + query)
    assert r.status_code in (400, 422), brief(r)


@pytest.mark.parametrize("code", ["ZZZ-ZZZ", "not-a-code", "%27%20or%201=1"])
def test_unknown_rooms_are_404(boss, code):
    assert boss.user.get(f"/admin/rooms/{code}").status_code == 404
    r = boss.user.post_form(f"/admin/rooms/{code}/close", {"csrf": boss.user.csrf("/admin/rooms"), "reason": "x"})
    assert r.status_code == 404, brief(r)


ROOM_ROUTES = [("GET", "/admin/rooms"), ("GET", "/admin/rooms?reported=1"), ("GET", "/admin/rooms/{code}"),
               ("POST", "/admin/rooms/{code}/close"), ("POST", "/admin/rooms/{code}/messages/{mid}/remove"),
               ("POST", "/admin/rooms/{code}/participants/{seat}/mute"),
               ("POST", "/admin/rooms/{code}/participants/{seat}/remove")]


@pytest.mark.parametrize("who", ["guest", "user", "host"])
@pytest.mark.parametrize("method,path", ROOM_ROUTES, ids=[f"{m} {p}" for m, p in ROOM_ROUTES])
def test_non_admins_get_404_even_the_host(stack, make_room, new_user, account, who, method, path):
    room = make_room()
    guest = room.join("Gus Guest")
    text = "keep me " + secrets.token_hex(3)
    guest.ok("/messages", text=text)
    mid = stack.psql("select id from messages where text = :'v1'", text)
    user = {"guest": new_user(), "user": account("plain").user, "host": room.host.user}[who]
    path = path.format(code=room.code, mid=mid, seat=guest.id)
    r = user.get(path) if method == "GET" else user.post_form(path, {"csrf": user.csrf("/"), "reason": "x"})
    assert r.status_code == 404, brief(r)
    assert stack.room_exists(room.code)
    assert stack.psql("select count(*) from messages where id = :'v1'", mid) == "1"
    assert stack.psql("select is_muted from participants where id = :'v1'", guest.id) == "f"
