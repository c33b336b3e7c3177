"""Rooms (issue 3): the segment queue: adding, editing, removing and reordering segments, the
duration spellings and limits, and who may touch the queue.

Every refused request must answer the documented status with the room page's #room-error and change
nothing: the tests compare state.json before and after (volatile clock fields left out), always
reading the state that matches the room's version in PostgreSQL (rooms_kit.Room.state)."""

import uuid

import pytest

from rooms_kit import CLASSIC, assert_unchanged, excerpt, segment_kinds


@pytest.mark.parametrize("typed,seconds", [("1", 60), ("25", 1500), ("25:00", 1500), ("1:30", 90), ("240", 14400),
                                           ("240:00", 14400)])
def test_host_adds_a_segment_with_each_duration_spelling(make_room, typed, seconds):
    room = make_room(preset="empty")
    room.host.ok("/segments", kind="focus", duration=typed, label="", public_task="")
    state = room.state()
    assert len(state["segments"]) == 1
    seg = state["segments"][0]
    assert (seg["kind"], seg["duration_sec"], seg["position"]) == ("focus", seconds, 0)
    assert not seg["label"] and not seg["public_task"]
    li = room.host.page().by_id("queue-list").find("li", cls="segment")
    assert li.get("data-segment-id") == seg["id"]


BAD_DURATIONS = ["0", "0:59", "241", "240:01", "abc", "", "-5", "1.5", "25min", "99999999999999999999"]


@pytest.mark.parametrize("typed", BAD_DURATIONS)
def test_bad_duration_on_add_is_422_keeps_the_input_and_changes_nothing(make_room, typed):
    room = make_room()
    before = room.state()
    doc = room.host.refused(422, "/segments", kind="focus", duration=typed)
    kept = doc.by_id("segment-add").find("input", name="duration")
    assert kept is not None and kept.get("value") == typed, "the typed duration was not kept"
    assert_unchanged(room, before, f"adding a segment of {typed!r}")


@pytest.mark.parametrize("typed", ["0", "0:59", "241", "abc", ""])
def test_bad_duration_on_edit_is_422_and_changes_nothing(make_room, typed):
    room = make_room()
    before = room.state()
    seg = before["segments"][2]["id"]
    room.host.refused(422, f"/segments/{seg}", kind="focus", duration=typed)
    assert_unchanged(room, before, f"editing a segment to {typed!r}")


def test_custom_segment_needs_a_label_of_at_most_forty_characters(make_room):
    room = make_room(preset="empty")
    before = room.state()
    room.host.refused(422, "/segments", kind="custom", duration="10")
    room.host.refused(422, "/segments", kind="custom", duration="10", label="   ")
    room.host.refused(422, "/segments", kind="custom", duration="10", label="L" * 41)
    room.host.refused(422, "/segments", kind="nap", duration="10")
    room.host.refused(422, "/segments", kind="focus", duration="10", public_task="T" * 201)
    assert_unchanged(room, before, "refused custom segments")
    room.host.ok("/segments", kind="custom", duration="10", label="Stretch")
    seg = room.state()["segments"][0]
    assert (seg["kind"], seg["label"], seg["duration_sec"]) == ("custom", "Stretch", 600)
    room.host.ok("/timer", action="start", at="0")
    state = room.state()
    assert state["timer"]["phase"] == "Stretch" and state["timer"]["kind"] == "custom"
    assert room.host.page().by_id("timer-phase").clean_text() == "Stretch"


def test_host_edits_a_segment(make_room):
    room = make_room()
    seg = room.state()["segments"][2]["id"]
    room.host.ok(f"/segments/{seg}", kind="break", duration="7:30", label="", public_task="Write the intro")
    segs = room.state()["segments"]
    assert segs[2] == {"id": seg, "position": 2, "kind": "break", "label": segs[2]["label"], "duration_sec": 450,
                       "public_task": "Write the intro"}
    assert not segs[2]["label"]
    assert segment_kinds({"segments": segs[:2] + segs[3:]}) == CLASSIC[:2] + CLASSIC[3:]
    li = room.host.page().by_id(f"seg-{seg}")
    assert li.get("data-kind") == "break" and li.find(cls="public-task").clean_text() == "Write the intro"


def test_host_removes_a_segment_and_positions_close_up(make_room):
    room = make_room()
    ids = room.segment_ids()
    room.host.ok(f"/segments/{ids[3]}/delete")
    state = room.state()
    assert [s["id"] for s in state["segments"]] == ids[:3] + ids[4:]
    assert [s["position"] for s in state["segments"]] == list(range(7))
    assert state["timer"]["count"] == 7
    assert room.host.page().by_id(f"seg-{ids[3]}") is None


def test_host_reorders_segments(make_room):
    room = make_room()
    ids = room.segment_ids()
    room.host.ok(f"/segments/{ids[3]}/move", direction="up")
    assert room.segment_ids() == ids[:2] + [ids[3], ids[2]] + ids[4:]
    room.host.ok(f"/segments/{ids[3]}/move", direction="down")
    assert room.segment_ids() == ids
    room.host.ok(f"/segments/{ids[5]}/move", direction="down")
    assert room.segment_ids() == ids[:5] + [ids[6], ids[5]] + ids[7:]
    state = room.state()
    assert [s["position"] for s in state["segments"]] == list(range(8))
    page_ids = [li.get("data-segment-id") for li in room.host.page().by_id("queue-list").find_all("li", cls="segment")]
    assert page_ids == [s["id"] for s in state["segments"]]


def test_bad_move_direction_is_refused(make_room):
    room = make_room()
    before = room.state()
    seg = before["segments"][3]["id"]
    room.host.refused({400, 422}, f"/segments/{seg}/move", direction="sideways")
    assert_unchanged(room, before, "moving sideways")


def test_the_hundred_and_first_segment_is_refused(make_room):
    room = make_room(preset="empty")
    for i in range(100):
        r = room.host.post("/segments", kind="focus" if i % 2 == 0 else "break", duration=str(1 + i % 60))
        assert r.status_code == 303, f"segment {i + 1}: {r.status_code} {excerpt(r)}"
    before = room.state()
    assert len(before["segments"]) == 100
    assert [s["position"] for s in before["segments"]] == list(range(100))
    doc = room.host.refused(422, "/segments", kind="focus", duration="25")
    assert "100" in doc.by_id("room-error").text(), "the error does not say the queue holds at most 100"
    assert_unchanged(room, before, "the 101st segment")


@pytest.mark.parametrize("which", ["random uuid", "not a uuid", "other room's segment"])
@pytest.mark.parametrize("action", ["edit", "delete", "move"])
def test_unknown_segment_id_is_404_and_changes_nothing(make_room, which, action):
    room = make_room()
    other = make_room(name="Otto Other")
    seg = {"random uuid": str(uuid.uuid4()), "not a uuid": "nope",
           "other room's segment": other.state()["segments"][3]["id"]}[which]
    before, other_before = room.state(), other.state()
    path = {"edit": f"/segments/{seg}", "delete": f"/segments/{seg}/delete", "move": f"/segments/{seg}/move"}[action]
    room.host.refused(404, path, kind="break", duration="5", direction="up")
    assert_unchanged(room, before, f"{action} of an unknown segment")
    assert_unchanged(other, other_before, f"{action} of another room's segment")


def test_done_segments_are_read_only_and_the_current_one_stays_put(make_room):
    room = make_room()
    room.host.ok("/timer", action="start", at="0")
    room.host.ok("/timer", action="skip", at="0")
    before = room.state()
    assert before["timer"]["index"] == 1
    done, current = before["segments"][0]["id"], before["segments"][1]["id"]
    # The contract does not name the status; the state of the room forbids it, so a conflict.
    room.host.refused(409, f"/segments/{done}", kind="break", duration="5")
    room.host.refused(409, f"/segments/{done}/delete")
    room.host.refused(409, f"/segments/{done}/move", direction="down")
    room.host.refused(409, f"/segments/{current}/delete")
    room.host.refused(409, f"/segments/{current}/move", direction="down")
    # Moving an upcoming segment above the current one would rewrite the past.
    room.host.refused(409, f"/segments/{before['segments'][2]['id']}/move", direction="up")
    assert_unchanged(room, before, "changing done or current segments")
    queue = room.host.page().by_id("queue-list")
    assert "done" in queue.find("li", cls="segment").classes
    assert queue.find("li", cls="segment").find(cls="seg-edit") is None, "a done segment offers an edit form"
    # The current one may be edited.
    room.host.ok(f"/segments/{current}", kind="break", duration="6")
    assert room.state()["segments"][1]["duration_sec"] == 360


def host_actions(seg: str) -> list[tuple[str, dict]]:
    return [
        ("/segments", {"kind": "focus", "duration": "10"}),
        (f"/segments/{seg}", {"kind": "break", "duration": "3"}),
        (f"/segments/{seg}/delete", {}),
        (f"/segments/{seg}/move", {"direction": "up"}),
        ("/timer", {"action": "start", "at": "0"}),
        ("/theme", {"theme": "sunrise"}),
    ]


@pytest.mark.parametrize("who", ["guest", "visitor"])
def test_guests_and_visitors_cannot_touch_the_queue_timer_or_theme(make_room, who):
    room = make_room()
    other = room.join("Gus Guest") if who == "guest" else room.visitor()
    before = room.state()
    seg = before["segments"][3]["id"]
    for path, fields in host_actions(seg):
        other.refused(403, path, **fields)
    assert_unchanged(room, before, f"a {who}'s queue, timer and theme actions")
