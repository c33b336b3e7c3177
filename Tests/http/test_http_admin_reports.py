"""Moderation (issue 17): reports. Signed-in people report a chat message, a public room task, a
room, a profile or a direct message, with a reason from the list and optional words; reports are
limited per address and account before any work; the reported person never learns who reported.
Admins work through the queue (open or closed, newest or most reported first) and resolve with an
action or dismiss, with a note; the reported person sees the result."""

import secrets

import pytest

from accounts_kit import brief, page_csrf
from admin_kit import admin_page, admin_post, audit_rows, make_admin, uid
from messages_kit import send
from social_kit import befriend_in_db


@pytest.fixture
def boss(stack, account):
    return make_admin(stack, account("boss"))


@pytest.fixture
def scene(stack, account, make_room):
    """A room where alice (an account) wrote a message and a public task; bob (an account) is there too."""
    room = make_room()
    alice, bob = account("alice"), account("bob")
    alice_seat = room.join("Alice A", user=alice.user)
    bob_seat = room.join("Bob B", user=bob.user)
    text = "buy cheap watches " + secrets.token_hex(3)
    assert alice_seat.post("/messages", text=text).status_code == 303
    assert alice_seat.post("/tasks", text="task " + text, visibility="public").status_code == 303
    message = stack.psql("select id from messages where text = :'v1'", text)
    task = stack.psql("select id from tasks where text = :'v1'", "task " + text)
    return dict(room=room, alice=alice, bob=bob, alice_seat=alice_seat, bob_seat=bob_seat, text=text, message=message, task=task)


def report(user, path: str, reason: str = "spam", details: str = "", **extra):
    token = page_csrf(user, path, path)
    return user.post_form(path, {"csrf": token, "reason": reason, "details": details, **extra})


def reports_in_db(stack, where: str = "true", *args) -> int:
    return int(stack.psql(f"select count(*) from reports where {where}", *args))


def case_id(stack, subject: str, subject_id: str) -> str:
    return stack.psql("select max(id) from reports where subject = :'v1' and subject_id = :'v2'", subject, subject_id)


# ----------------------------------------------------------------------------------------- the flow, end to end

def test_a_chat_report_resolved_by_muting_the_sender(stack, scene, boss):
    room, alice, bob = scene["room"], scene["alice"], scene["bob"]
    path = f"/r/{room.code}/messages/{scene['message']}/report"
    doc = bob.user.page(path)
    assert scene["text"] in doc.by_id("reported-excerpt").text()
    r = report(bob.user, path, "spam", "Selling watches again")
    assert r.status_code == 303 and r.headers["Location"].startswith("/reports/sent"), brief(r)
    back = bob.user.page(r.headers["Location"]).by_id("report-back").get("href")
    assert back == f"/r/{room.code}#msg-{scene['message']}"
    row = stack.psql("select subject || '|' || author_id || '|' || reporter_id || '|' || reason || '|' || details || '|' "
                     "|| status from reports where subject_id = :'v1'", scene["message"])
    assert row == f"chat_message|{uid(stack, alice)}|{uid(stack, bob)}|spam|Selling watches again|open"

    # The queue shows it; its page names the reporter (to admins only).
    queue = admin_page(boss.user, "/admin/reports")
    assert scene["text"] in queue.by_id("reports-table").text()
    assert "open)" in queue.find("nav", cls="admin-nav").text()
    cid = case_id(stack, "chat_message", scene["message"])
    case = admin_page(boss.user, f"/admin/reports/{cid}")
    assert bob.username in case.by_id("report-list").text()

    r = admin_post(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/resolve", action="mute", note="Spam in chat")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select is_muted from participants where id = :'v1'", scene["alice_seat"].id) == "t"
    row = stack.psql("select status || '|' || action || '|' || note from reports where id = :'v1'", cid)
    assert row == "resolved|mute|Spam in chat"
    actions = [x["action"] for x in audit_rows(stack, "actor_id = :'v1'", uid(stack, boss))]
    assert actions == ["report_resolve", "participant_mute"]

    # The reported person sees the result (muted: their words reach nobody else) and never who reported.
    assert scene["alice_seat"].post("/messages", text="still here").status_code == 303
    assert "still here" not in room.host.user.get(f"/r/{room.code}").text
    for path in ("/me", "/notifications", f"/u/{alice.username}", "/settings/account"):
        assert bob.username not in alice.user.get(path).text, path
    assert alice.user.get(f"/admin/reports/{cid}").status_code == 404
    assert bob.username not in alice.user.get("/settings/export.json").text


def test_the_reported_person_is_never_shown_the_reporter(stack, scene):
    room, alice, bob = scene["room"], scene["alice"], scene["bob"]
    assert report(bob.user, f"/r/{room.code}/messages/{scene['message']}/report").status_code == 303
    assert report(bob.user, f"/u/{alice.username}/report", "harassment", "Mean bio").status_code == 303
    for path in ("/me", "/notifications", f"/u/{alice.username}", "/settings/export.json", "/friends", "/messages"):
        r = alice.user.get(path)
        assert r.status_code == 200 and bob.username not in r.text and "Mean bio" not in r.text, path


def test_a_profile_report_resolved_by_clearing_the_bio(stack, scene, boss):
    alice, bob = scene["alice"], scene["bob"]
    stack.psql("update users set bio = 'Visit my scam site' where id = :'v1'", uid(stack, alice))
    path = f"/u/{alice.username}/report"
    assert "Visit my scam site" in bob.user.page(path).by_id("reported-excerpt").text()
    assert report(bob.user, path, "spam").status_code == 303
    cid = case_id(stack, "profile", uid(stack, alice))
    r = admin_post(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/resolve", action="remove_content", note="Scam link")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select bio from users where id = :'v1'", uid(stack, alice)) == ""
    assert "Visit my scam site" not in alice.user.get(f"/u/{alice.username}").text
    line = audit_rows(stack, "action = 'content_remove' and target_id = :'v1'", uid(stack, alice))[-1]
    assert line["before"].startswith("Visit my scam site")


def test_a_direct_message_report_joins_the_queue_and_can_be_removed(stack, account, boss):
    alice, bob = account("alice"), account("bob")
    befriend_in_db(stack, alice, bob)
    assert send(alice.user, bob.username, "rude words " + secrets.token_hex(2)).status_code == 303
    mid = stack.psql("select max(id) from direct_messages where sender_id = :'v1'", uid(stack, alice))
    path = f"/messages/{alice.username}/{mid}/report"
    r = bob.user.post_form(path, {"csrf": page_csrf(bob.user, path, path), "reason": "Rude", "category": "harassment"})
    assert r.status_code == 303, brief(r)
    assert stack.psql("select reason || '|' || details from reports where subject = 'direct_message' and subject_id = :'v1'",
                      mid) == "harassment|Rude"
    r = bob.user.post_form(path, {"csrf": page_csrf(bob.user, path, path), "reason": "Rude", "category": "nonsense"})
    assert r.status_code == 422, brief(r)
    cid = case_id(stack, "direct_message", mid)
    r = admin_post(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/resolve", action="remove_content")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select deleted_at is not null from direct_messages where id = :'v1'", mid) == "t"
    assert "rude words" not in bob.user.get(f"/messages/{alice.username}").text
    line = audit_rows(stack, "action = 'content_remove' and target_id = :'v1'", mid)[-1]
    assert line["target_kind"] == "direct_message" and line["before"].startswith("rude words")


def test_a_room_report_closed_by_the_admin_tells_everyone_why(stack, scene, boss):
    room, bob = scene["room"], scene["bob"]
    assert report(bob.user, f"/r/{room.code}/report", "other", "Whole room is spam").status_code == 303
    cid = case_id(stack, "room", room.id)
    r = admin_post(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/resolve", action="remove_content")
    assert r.status_code == 422 and "Give a reason" in r.text, "closing a room needs the reason everyone sees"
    r = admin_post(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/resolve", action="remove_content",
                   note="Spam ring <b>closed</b>")
    assert r.status_code == 303, brief(r)
    for user in (room.host.user, scene["alice"].user, bob.user):
        page = user.get(f"/r/{room.code}")
        assert page.status_code == 410 and "Spam ring &lt;b&gt;closed&lt;/b&gt;" in page.text, brief(page)
    assert user.get(f"/r/{room.code}/state.json").status_code == 410


def test_a_task_report_resolved_by_removing_the_task(stack, scene, boss):
    room, bob = scene["room"], scene["bob"]
    assert report(bob.user, f"/r/{room.code}/tasks/{scene['task']}/report", "sexual").status_code == 303
    cid = case_id(stack, "room_task", scene["task"])
    r = admin_post(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/resolve", action="remove_content", note="x")
    assert r.status_code == 303, brief(r)
    assert int(stack.psql("select count(*) from tasks where id = :'v1'", scene["task"])) == 0
    line = audit_rows(stack, "action = 'content_remove' and target_id = :'v1'", scene["task"])[-1]
    assert (line["target_kind"], line["before"]) == ("task", "task " + scene["text"])
    assert "task " + scene["text"] not in room.host.user.get(f"/r/{room.code}").text


def test_dismissing_and_resolving_twice(stack, scene, boss):
    room, bob = scene["room"], scene["bob"]
    assert report(bob.user, f"/r/{room.code}/messages/{scene['message']}/report").status_code == 303
    cid = case_id(stack, "chat_message", scene["message"])
    r = admin_post(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/dismiss", note="Not spam")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select status || '|' || note from reports where id = :'v1'", cid) == "dismissed|Not spam"
    token = boss.user.csrf("/admin/reports")
    r = boss.user.post_form(f"/admin/reports/{cid}/resolve", {"csrf": token, "action": "none"})
    assert r.status_code == 409 and "closed already" in r.text, brief(r)
    assert admin_page(boss.user, f"/admin/reports/{cid}").by_id("resolve-form") is None
    closed = admin_page(boss.user, "/admin/reports?status=closed")
    assert f"case-{cid}" in str([tr.get("id") for tr in closed.find_all("tr")])
    assert [x["action"] for x in audit_rows(stack, "target_kind = 'report' and target_id = :'v1'", cid)] == ["report_dismiss"]


def test_the_queue_orders_newest_or_most_reported(stack, scene, account, boss):
    room, bob = scene["room"], scene["bob"]
    carol = account("carol")
    room.join("Carol C", user=carol.user)
    for who in (bob, carol):
        assert report(who.user, f"/r/{room.code}/messages/{scene['message']}/report").status_code == 303
    assert report(bob.user, f"/r/{room.code}/tasks/{scene['task']}/report").status_code == 303
    # Reporting again while open adds nothing.
    assert report(bob.user, f"/r/{room.code}/tasks/{scene['task']}/report").status_code == 303
    assert reports_in_db(stack, "subject_id = :'v1'", scene["task"]) == 1
    message_case, task_case = case_id(stack, "chat_message", scene["message"]), case_id(stack, "room_task", scene["task"])

    def order(query):
        rows = admin_page(boss.user, "/admin/reports" + query).find_all("tr")
        return [tr.get("id") for tr in rows if tr.get("id") in (f"case-{message_case}", f"case-{task_case}")]
    assert order("?order=most") == [f"case-{message_case}", f"case-{task_case}"]
    assert order("?order=newest") == [f"case-{task_case}", f"case-{message_case}"]
    most = admin_page(boss.user, "/admin/reports?order=most")
    assert "2 reports" in most.by_id(f"case-{message_case}").text()


# ----------------------------------------------------------------------------------------- limits and bad input

def test_reports_are_limited_per_account_and_address_before_any_work(stack, scene):
    alice, bob = scene["alice"], scene["bob"]
    stack.clear_throttle()
    path = f"/u/{alice.username}/report"
    token = page_csrf(bob.user, path, path)
    statuses = [bob.user.post_form(path, {"csrf": token, "reason": "spam"}).status_code for _ in range(21)]
    assert statuses[:20] == [303] * 20 and statuses[20] == 429, statuses
    r = bob.user.post_form(path, {"csrf": token, "reason": "spam"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # Even a report of something that does not exist is refused first (the limit comes before the lookup).
    nobody = "/u/nobody-" + secrets.token_hex(3) + "/report"
    assert bob.user.post_form(nobody, {"csrf": token, "reason": "spam"}).status_code == 429


BAD = [
    ("no reason", {"details": "x"}, 422),
    ("unknown reason", {"reason": "boring"}, 422),
    ("details over the limit", {"reason": "spam", "details": "x" * 1001}, 422),
    ("control character", {"reason": "spam", "details": "a\x1bb"}, 422),
    ("two reasons", [("reason", "spam"), ("reason", "hate")], 400),
]


@pytest.mark.parametrize("fields,status", [(f, s) for _, f, s in BAD], ids=[n for n, *_ in BAD])
def test_bad_report_input_is_refused_and_stores_nothing(stack, scene, fields, status):
    room, bob = scene["room"], scene["bob"]
    path = f"/r/{room.code}/messages/{scene['message']}/report"
    token = page_csrf(bob.user, path, path)
    pairs = [("csrf", token)] + (fields if isinstance(fields, list) else list(fields.items()))
    before = reports_in_db(stack)
    r = bob.user.post_form(path, pairs)
    assert r.status_code == status, brief(r)
    if status == 422:
        assert 'role="alert"' in r.text and scene["text"] in r.text
    assert reports_in_db(stack) == before


def test_what_cannot_be_reported(stack, scene, account, new_user):
    room, alice, bob = scene["room"], scene["alice"], scene["bob"]
    before = reports_in_db(stack)
    # Your own message; a message that does not exist; one of another room.
    r = report(alice.user, f"/r/{room.code}/messages/{scene['message']}/report")
    assert r.status_code == 422 and "your own" in r.text, brief(r)
    token = bob.user.csrf("/")
    for bad in ("987654321", "1e3", "-1", "abc"):
        assert bob.user.post_form(f"/r/{room.code}/messages/{bad}/report", {"csrf": token, "reason": "spam"}).status_code == 404
    # A private task; a shadow-hidden message.
    assert scene["alice_seat"].post("/tasks", text="secret plan", visibility="private").status_code == 303
    private = stack.psql("select id from tasks where text = 'secret plan' and room_id = :'v1'", room.id)
    assert bob.user.get(f"/r/{room.code}/tasks/{private}/report").status_code == 404
    stack.psql("update messages set is_shadow_hidden = true where id = :'v1'", scene["message"])
    assert bob.user.get(f"/r/{room.code}/messages/{scene['message']}/report").status_code == 404
    # Someone with no seat in the room; a guest with a seat.
    stranger = account("stranger")
    assert stranger.user.get(f"/r/{room.code}/report").status_code == 403
    guest = room.join("Guest G", user=new_user())
    r = guest.user.get(f"/r/{room.code}/report")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login"), brief(r)
    assert guest.post("/report", reason="spam").status_code == 403
    # Without the CSRF token.
    assert bob.user.post_form(f"/r/{room.code}/report", {"reason": "spam"}).status_code == 403
    assert reports_in_db(stack) == before


RESOLVE_BAD = [
    ("unknown action", {"action": "nuke", "note": "x"}, 422),
    ("no action", {"note": "x"}, 422),
    ("action that does not fit", {"action": "close_room", "note": "x"}, 422),
    ("suspend without a length", {"action": "suspend", "note": "x"}, 422),
    ("suspend with a bad length", {"action": "suspend", "length": "2y", "note": "x"}, 422),
    ("suspend without a note", {"action": "suspend", "length": "1d"}, 422),
    ("note over the limit", {"action": "ban", "note": "x" * 501}, 422),
    ("two actions", [("action", "ban"), ("action", "none"), ("note", "x")], 400),
]


@pytest.mark.parametrize("fields,status", [(f, s) for _, f, s in RESOLVE_BAD], ids=[n for n, *_ in RESOLVE_BAD])
def test_bad_resolutions_are_refused_and_change_nothing(stack, scene, boss, fields, status):
    alice, bob = scene["alice"], scene["bob"]
    assert report(bob.user, f"/u/{alice.username}/report").status_code == 303
    cid = case_id(stack, "profile", uid(stack, alice))
    token = page_csrf(boss.user, f"/admin/reports/{cid}", f"/admin/reports/{cid}/resolve")
    pairs = [("csrf", token)] + (fields if isinstance(fields, list) else list(fields.items()))
    audit_before = int(stack.psql("select count(*) from admin_audit"))
    r = boss.user.post_form(f"/admin/reports/{cid}/resolve", pairs)
    assert r.status_code == status, brief(r)
    assert stack.psql("select status from reports where id = :'v1'", cid) == "open"
    assert stack.psql("select coalesce(suspended_until::text, 'none') from users where id = :'v1'", uid(stack, alice)) == "none"
    assert int(stack.psql("select count(*) from admin_audit")) == audit_before


@pytest.mark.parametrize("who", ["guest", "user", "reported"])
@pytest.mark.parametrize("method,path", [("GET", "/admin/reports"), ("GET", "/admin/reports?status=closed"),
                                         ("GET", "/admin/reports/{id}"), ("POST", "/admin/reports/{id}/resolve"),
                                         ("POST", "/admin/reports/{id}/dismiss")])
def test_non_admins_get_404(stack, scene, new_user, account, who, method, path):
    alice, bob = scene["alice"], scene["bob"]
    assert report(bob.user, f"/u/{alice.username}/report", "spam", "Reporter words").status_code == 303
    cid = case_id(stack, "profile", uid(stack, alice))
    user = {"guest": new_user(), "user": account("plain").user, "reported": alice.user}[who]
    path = path.format(id=cid)
    r = user.get(path) if method == "GET" else user.post_form(path, {"csrf": user.csrf("/"), "action": "none"})
    assert r.status_code == 404, brief(r)
    assert bob.username not in r.text and "Reporter words" not in r.text
    assert stack.psql("select status from reports where id = :'v1'", cid) == "open"
