"""Rooms (issue 3): the long-poll's answers: malformed `since`, unknown and expired rooms, the
documented shape, and that guests are never sent the host's controls."""

import json

import pytest

from rooms_kit import expire, fragment


@pytest.mark.parametrize("since", ["-1", "abc", "1e3", "9" * 16])
def test_malformed_since_is_400(make_room, since):
    room = make_room()
    r = room.host.user.get(f"/r/{room.code}/poll?since={since}", headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 400 and r.json()["error"]


def test_poll_of_an_unknown_room_is_404(new_user):
    r = new_user().get("/r/ZZZ-ZZZ/poll?since=0", headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 404 and r.json()["error"]


def test_expired_room_is_404_everywhere(stack, make_room):
    room = make_room()
    guest = room.join("Exa Expired")
    expire(stack, room)
    for path in (f"/r/{room.code}", f"/r/{room.code}/state.json", f"/r/{room.code}/poll?since=0"):
        r = guest.user.get(path, headers={"Accept": "application/json"} if "poll" in path else {}, timeout=5)
        assert r.status_code == 404, f"GET {path} of an expired room: {r.status_code}"
    r = guest.post("/messages", text="anyone?")
    assert r.status_code == 404


def test_poll_answer_has_the_documented_shape(make_room):
    room = make_room()
    guest = room.join("Shay Shape")
    r = guest.poll(0, timeout=3)
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == room.db_version()
    assert body["host"] == room.host.id and body["theme"] == "midnight_bloom"
    assert set(body["timer"]) >= {"status", "index", "count", "kind", "phase", "ends_at_ms", "remaining_ms",
                                  "duration_ms", "server_now_ms"}
    assert set(body["fragments"]) >= {"timer", "queue", "participants", "participant-count", "public-tasks",
                                      "proposals", "chat-messages"}
    for html_text in body["fragments"].values():
        for field in fragment(html_text).find_all("input", name="csrf"):
            assert field.get("value") == "", "a shared fragment carries a CSRF token"
    assert room.host.token not in r.text and guest.token not in r.text


HOST_CONTROLS = ["/timer\"", "/segments\"", "/theme\"", "/accept\"", "/reject\"", "/moderate\""]


def test_guests_are_never_sent_the_hosts_controls_in_pages_or_polls(host, new_user):
    room = host.create_room("Hana Host")
    guest = new_user()
    assert guest.join(room, "Gwen Guest").status_code == 303
    token = guest.csrf(f"/r/{room}")
    assert guest.post_form(f"/r/{room}/proposals", [("csrf", token), ("kind", "add_segment"), ("segment", ""),
                                                    ("text", ""), ("segment_kind", "focus"), ("duration", "10"),
                                                    ("label", "")]).status_code == 303
    host_page, guest_page = host.get(f"/r/{room}").text, guest.get(f"/r/{room}").text
    for control in HOST_CONTROLS:
        # The room's own timer: the site's navigation links to /timer (the personal timer) too.
        control = f"/r/{room}/timer\"" if control == "/timer\"" else control
        assert control in host_page, f"the host's page lacks {control}"
        assert control not in guest_page, f"a guest's page carries the host control {control}"
    # The same holds for poll answers, which are rendered once per variant.
    host_poll = json.dumps(host.poll(room, 0).json()["fragments"])
    guest_poll = json.dumps(guest.poll(room, 0).json()["fragments"])
    assert "/accept\\\"" in host_poll and "/timer\\\"" in host_poll
    for control in HOST_CONTROLS:
        assert control.replace('"', '\\"') not in guest_poll, f"a guest's poll carries {control}"
