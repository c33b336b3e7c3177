"""Rooms (issue 3): guests' proposals (a public task, a new or changed segment) and the host's
accept and reject.

Every refused request must answer the documented status with the room page's #room-error and change
nothing: the tests compare state.json before and after (volatile clock fields left out), always
reading the state that matches the room's version in PostgreSQL (rooms_kit.Room.state)."""

import uuid

import pytest

from rooms_kit import CLASSIC, Member, Room, assert_unchanged, segment_kinds


def proposals(room: Room) -> list[dict]:
    return room.state()["proposals"]


def the_proposal(room: Room) -> dict:
    items = proposals(room)
    assert len(items) == 1, items
    return items[0]


def decided_status(member: Member, proposal_id: str):
    ul = member.page().by_id("decided-proposals")
    assert ul is not None, "no #decided-proposals"
    li = ul.find("li", data_proposal_id=proposal_id)
    assert li is not None, f"proposal {proposal_id} is not among the decided ones"
    return li


def test_public_task_proposal_accepted_sets_the_segments_task(make_room):
    room = make_room()
    guest = room.join("Polly Proposer")
    seg = room.state()["segments"][2]["id"]
    guest.ok("/proposals", kind="public_task", segment=seg, text="Outline the talk")
    p = the_proposal(room)
    assert (p["kind"], p["status"], p["author"]) == ("public_task", "pending", "Polly Proposer")
    pending = room.host.page().by_id("pending-proposals")
    assert pending is not None
    li = pending.find("li", data_proposal_id=p["id"])
    assert li is not None and "Outline the talk" in li.clean_text()
    assert li.find("form", action=f"/r/{room.code}/proposals/{p['id']}/accept") is not None

    room.host.ok(f"/proposals/{p['id']}/accept")
    state = room.state()
    assert [s["public_task"] for s in state["segments"] if s["id"] == seg] == ["Outline the talk"]
    assert [(x["id"], x["status"]) for x in state["proposals"]] == [(p["id"], "accepted")]
    li = decided_status(guest, p["id"])
    assert "accepted" in li.classes and li.find(cls="proposal-status").clean_text() == "accepted"
    assert room.host.page().by_id("pending-proposals") is None


def test_add_segment_proposal_accepted_appends_the_segment(make_room):
    room = make_room()
    guest = room.join("Adam Adder")
    guest.ok("/proposals", kind="add_segment", segment_kind="custom", duration="12:30", label="Review")
    p = the_proposal(room)
    room.host.ok(f"/proposals/{p['id']}/accept")
    segs = room.state()["segments"]
    assert len(segs) == 9
    assert (segs[8]["kind"], segs[8]["label"], segs[8]["duration_sec"], segs[8]["position"]) == ("custom", "Review", 750, 8)
    assert decided_status(guest, p["id"]).find(cls="proposal-status").clean_text() == "accepted"


def test_edit_segment_proposal_accepted_changes_the_segment(make_room):
    room = make_room()
    guest = room.join("Eddie Editor")
    seg = room.state()["segments"][4]["id"]
    guest.ok("/proposals", kind="edit_segment", segment=seg, segment_kind="focus", duration="50")
    p = the_proposal(room)
    before = room.state()
    assert before["segments"][4]["duration_sec"] == 1500, "the proposal changed the queue before it was accepted"
    room.host.ok(f"/proposals/{p['id']}/accept")
    segs = room.state()["segments"]
    assert (segs[4]["id"], segs[4]["kind"], segs[4]["duration_sec"]) == (seg, "focus", 3000)
    assert segment_kinds({"segments": segs[:4] + segs[5:]}) == CLASSIC[:4] + CLASSIC[5:]


def test_rejected_proposal_changes_nothing_and_says_rejected(make_room):
    room = make_room()
    guest = room.join("Rita Rejected")
    guest.ok("/proposals", kind="add_segment", segment_kind="break", duration="10")
    p = the_proposal(room)
    segments_before = room.state()["segments"]
    room.host.ok(f"/proposals/{p['id']}/reject")
    state = room.state()
    assert state["segments"] == segments_before
    assert [(x["id"], x["status"]) for x in state["proposals"]] == [(p["id"], "rejected")]
    li = decided_status(guest, p["id"])
    assert "rejected" in li.classes and li.find(cls="proposal-status").clean_text() == "rejected"
    before = room.state()
    room.host.refused(409, f"/proposals/{p['id']}/accept")
    assert_unchanged(room, before, "accepting a rejected proposal")


def test_proposal_for_a_segment_removed_since_is_409_with_a_reason(make_room):
    room = make_room()
    guest = room.join("Stan Stale")
    seg = room.state()["segments"][5]["id"]
    guest.ok("/proposals", kind="edit_segment", segment=seg, segment_kind="break", duration="9")
    p = the_proposal(room)
    room.host.ok(f"/segments/{seg}/delete")
    segments_before = room.state()["segments"]
    doc = room.host.refused(409, f"/proposals/{p['id']}/accept")
    reason = doc.by_id("room-error").clean_text()
    state = room.state()
    assert state["segments"] == segments_before, "a stale proposal changed the queue"
    [after] = state["proposals"]
    assert after["status"] == "rejected" and after["reason"], f"the stale proposal was not rejected with a reason: {after}"
    li = decided_status(guest, p["id"])
    assert li.find(cls="proposal-status").clean_text() == "rejected"
    assert after["reason"] in li.clean_text()
    assert reason


def test_accepting_twice_is_409(make_room):
    room = make_room()
    guest = room.join("Dee Double")
    guest.ok("/proposals", kind="add_segment", segment_kind="focus", duration="5")
    p = the_proposal(room)
    room.host.ok(f"/proposals/{p['id']}/accept")
    before = room.state()
    room.host.refused(409, f"/proposals/{p['id']}/accept")
    room.host.refused(409, f"/proposals/{p['id']}/reject")
    assert_unchanged(room, before, "deciding a proposal twice")
    assert len(before["segments"]) == 9


@pytest.mark.parametrize("fields,statuses", [
    ({"kind": "add_segment", "segment_kind": "focus", "duration": "0"}, {422}),
    ({"kind": "add_segment", "segment_kind": "focus", "duration": "241"}, {422}),
    ({"kind": "add_segment", "segment_kind": "focus", "duration": "abc"}, {422}),
    ({"kind": "add_segment", "segment_kind": "custom", "duration": "10"}, {422}),
    ({"kind": "add_segment", "segment_kind": "nap", "duration": "10"}, {422}),
    ({"kind": "edit_segment", "segment": "UNKNOWN", "segment_kind": "focus", "duration": "10"}, {404, 422}),
    ({"kind": "edit_segment", "segment": "", "segment_kind": "focus", "duration": "10"}, {404, 422}),
    ({"kind": "edit_segment", "segment": "SEG", "segment_kind": "focus", "duration": "0:59"}, {422}),
    ({"kind": "public_task", "segment": "UNKNOWN", "text": "Task"}, {404, 422}),
    ({"kind": "public_task", "segment": "SEG", "text": ""}, {422}),
    ({"kind": "public_task", "segment": "SEG", "text": "T" * 201}, {422}),
    ({"kind": "rename_room", "text": "x"}, {422}),
], ids=["duration 0", "duration 241", "duration abc", "custom without label", "unknown kind", "unknown segment",
        "no segment", "edit duration 0:59", "task for unknown segment", "empty task", "task 201 chars",
        "unknown proposal kind"])
def test_bad_proposals_are_refused_and_store_nothing(make_room, fields, statuses):
    room = make_room()
    guest = room.join("Bea Bad")
    seg = room.state()["segments"][3]["id"]
    fields = {k: (str(uuid.uuid4()) if v == "UNKNOWN" else seg if v == "SEG" else v) for k, v in fields.items()}
    before = room.state()
    guest.refused(statuses, "/proposals", **fields)
    assert_unchanged(room, before, f"proposal {fields}")


def test_host_does_not_propose(make_room):
    room = make_room()
    before = room.state()
    doc = room.host.refused(422, "/proposals", kind="add_segment", segment_kind="focus", duration="10")
    assert "directly" in doc.by_id("room-error").text()
    assert_unchanged(room, before, "a host's proposal")


def test_non_host_cannot_decide_proposals(make_room):
    room = make_room()
    guest = room.join("Gil Guest")
    other = room.join("Oda Other")
    guest.ok("/proposals", kind="add_segment", segment_kind="focus", duration="10")
    p = the_proposal(room)
    before = room.state()
    for who in (guest, other, room.visitor()):
        who.refused(403, f"/proposals/{p['id']}/accept")
        who.refused(403, f"/proposals/{p['id']}/reject")
    assert_unchanged(room, before, "a guest deciding a proposal")
    assert the_proposal(room)["status"] == "pending"
    room.host.refused(404, f"/proposals/{uuid.uuid4()}/accept")
