"""Rooms (issue 3): per-segment tasks, private to their author or public to the room.

Every refused request must answer the documented status with the room page's #room-error and change
nothing: the tests compare state.json before and after (volatile clock fields left out), always
reading the state that matches the room's version in PostgreSQL (rooms_kit.Room.state)."""

import json
import secrets
import uuid

import pytest

from rooms_kit import Member, assert_unchanged


def my_task_ids(member: Member) -> dict:
    ul = member.page().by_id("my-tasks")
    assert ul is not None, "no #my-tasks"
    return {li.find("span", cls="task-text").clean_text(): li.get("id").removeprefix("task-")
            for li in ul.find_all("li", cls="task")}


def public_task_texts(doc) -> list[str]:
    box = doc.by_id("public-tasks")
    assert box is not None, "no #public-tasks"
    return [li.find("span", cls="task-text").clean_text() for li in box.find_all("li", cls="task")]


def test_private_task_is_seen_by_its_author_alone(make_room):
    room = make_room()
    guest = room.join("Pia Private")
    secret = f"private-{secrets.token_hex(6)}"
    guest.ok("/tasks", text=secret, visibility="private", segment="")
    assert secret in my_task_ids(guest)
    gdoc = guest.page()
    assert secret not in public_task_texts(gdoc)
    assert gdoc.by_id(f"task-{my_task_ids(guest)[secret]}").get("data-visibility") == "private"
    assert secret not in room.host.raw_page()
    assert secret not in room.visitor().raw_page()
    assert secret not in json.dumps(room.state())
    for who in (room.host, guest):
        r = who.poll(0, timeout=3)  # since 0: every fragment
        assert r.status_code == 200 and "public-tasks" in r.json()["fragments"]
        assert secret not in r.text, "a private task went out in a poll"


def test_public_task_is_seen_by_everyone(make_room):
    room = make_room()
    guest = room.join("Pat Public")
    seg = room.state()["segments"][2]["id"]
    since = room.db_version()
    guest.ok("/tasks", text="Draft chapter 2", visibility="public", segment=seg)
    state = room.state()
    tasks = [(t["text"], t["author"], t["segment_id"], t["done"]) for t in state["public_tasks"]]
    assert tasks == [("Draft chapter 2", "Pat Public", seg, False)]
    for who in (room.host, guest, room.visitor()):
        assert public_task_texts(who.page()) == ["Draft chapter 2"]
    r = room.host.poll(since, timeout=3)
    assert r.status_code == 200
    assert "Draft chapter 2" in r.json()["fragments"]["public-tasks"]
    assert "chat-messages" not in r.json()["fragments"]


def test_task_toggle_edit_and_delete(make_room):
    room = make_room()
    guest = room.join("Tom Tasker")
    guest.ok("/tasks", text="Read paper", visibility="public", segment="")
    task = my_task_ids(guest)["Read paper"]
    guest.ok(f"/tasks/{task}/toggle")
    assert [t["done"] for t in room.state()["public_tasks"]] == [True]
    assert "done" in guest.page().by_id(f"task-{task}").classes
    guest.ok(f"/tasks/{task}/toggle")
    assert [t["done"] for t in room.state()["public_tasks"]] == [False]

    guest.ok(f"/tasks/{task}", text="Read two papers", visibility="public")
    assert [t["text"] for t in room.state()["public_tasks"]] == ["Read two papers"]
    assert public_task_texts(room.host.page()) == ["Read two papers"]
    # Made private: it leaves everyone else's view.
    guest.ok(f"/tasks/{task}", text="Read two papers", visibility="private")
    assert room.state()["public_tasks"] == []
    assert "Read two papers" not in room.host.raw_page()
    assert "Read two papers" in my_task_ids(guest)

    guest.ok(f"/tasks/{task}/delete")
    assert my_task_ids(guest) == {}
    assert guest.page().by_id(f"task-{task}") is None


@pytest.mark.parametrize("action", ["edit", "toggle", "delete"])
def test_another_participants_task_is_404_and_unchanged(make_room, action):
    room = make_room()
    guest = room.join("Owen Owner")
    guest.ok("/tasks", text="Mine, not yours", visibility="public", segment="")
    task = my_task_ids(guest)["Mine, not yours"]
    intruder = room.join("Ivy Intruder")
    before = room.state()
    path = {"edit": f"/tasks/{task}", "toggle": f"/tasks/{task}/toggle", "delete": f"/tasks/{task}/delete"}[action]
    room.host.refused(404, path, text="Hijacked", visibility="public")
    intruder.refused(404, path, text="Hijacked", visibility="public")
    room.host.refused(404, path.replace(task, str(uuid.uuid4())), text="Hijacked", visibility="public")
    assert_unchanged(room, before, f"{action} of someone else's task")
    assert "Mine, not yours" in my_task_ids(guest)


@pytest.mark.parametrize("text", ["T" * 201, "", "   "], ids=["201 characters", "empty", "blank"])
def test_bad_task_text_is_422_and_keeps_the_input(make_room, text):
    room = make_room()
    guest = room.join("Kim Keeper")
    before = room.state()
    doc = guest.refused(422, "/tasks", text=text, visibility="public", segment="")
    assert doc.by_id("task-text").get("value") == text, "the typed task was not kept"
    assert_unchanged(room, before, "a refused task")
    assert my_task_ids(guest) == {}


def test_task_for_an_unknown_segment_or_visibility_is_refused(make_room):
    room = make_room()
    guest = room.join("Uma Unknown")
    before = room.state()
    guest.refused(404, "/tasks", text="Somewhere", visibility="public", segment=str(uuid.uuid4()))
    guest.refused(422, "/tasks", text="Somewhere", visibility="secret", segment="")
    assert_unchanged(room, before, "a task for an unknown segment")
    assert my_task_ids(guest) == {}
