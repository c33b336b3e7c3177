"""Bad input (QUALITY.md, "Bad input") for the room features: wrong methods, other rooms' (and
other participants') ids, and privilege-escalation fields.

Whatever is refused must be a clear 4xx (never a 500, never a database error shown), keep what the
person typed where there is a form to put it back in, and change nothing stored: every refusal is
followed by a comparison of the room's state.json, the rows PostgreSQL holds for the room, and the
owner's own page (private tasks), before and after (room_forms_kit.Scene)."""

import json
import uuid
from urllib.parse import quote, urlencode

import pytest

from room_forms_kit import PATH_IDS, PATH_ROUTES, Scene, assert_clear_refusal, form_body, with_field
from rooms_kit import Member, excerpt

pytestmark = pytest.mark.usefixtures("responders_in_rotation")


# ------------------------------------------------------------------------------------------- wrong methods

POST_ROUTES = [("leave", "/leave"), ("timer", "/timer"), ("theme", "/theme"), ("segments", "/segments"),
               ("segment edit", "/segments/{seg}"), ("segment delete", "/segments/{seg}/delete"),
               ("segment move", "/segments/{seg}/move"), ("tasks", "/tasks"), ("task edit", "/tasks/{task}"),
               ("task toggle", "/tasks/{task}/toggle"), ("task delete", "/tasks/{task}/delete"),
               ("proposals", "/proposals"), ("proposal accept", "/proposals/{proposal}/accept"),
               ("proposal reject", "/proposals/{proposal}/reject"), ("messages", "/messages"),
               ("message delete", "/messages/{message}/delete"), ("mute", "/participants/{guest}/mute"),
               ("unmute", "/participants/{guest}/unmute"), ("remove", "/participants/{guest}/remove"),
               ("make host", "/participants/{guest}/host"), ("join", "/join")]


# The fields a form would carry, sent in the query string of the GET.
GET_QUERY = {"timer": "action=start&at=0", "theme": "theme=sunrise", "segments": "kind=focus&duration=5",
             "segment edit": "kind=break&duration=3", "segment move": "direction=up", "tasks": "text=sneaky&visibility=public",
             "task edit": "text=sneaky&visibility=public", "proposals": "kind=add_segment&segment_kind=focus&duration=5",
             "messages": "text=sneaky", "join": "display_name=Sneaky", "proposal reject": "reason=sneaky"}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("name,template", POST_ROUTES, ids=[r[0] for r in POST_ROUTES])
def test_other_methods_on_post_routes_are_405_with_allow(calm, name, template, method):
    ids = {"seg": calm.seg, "task": calm.public_task, "proposal": calm.proposal, "message": calm.message,
           "guest": calm.guest.id}
    path = calm.room.host.path(template.format(**ids))
    query = f"csrf={quote(calm.host.token, safe='')}&" + GET_QUERY.get(name, "x=1")
    before = calm.stored()
    for who in (calm.host, calm.guest):
        r = who.user.request(method, f"{path}?{query}", data=query if method != "GET" else None,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert_clear_refusal(r.status_code, r.text, {405}, f"{method} {name} by {who.name}")
        allow = {m.strip() for m in r.headers.get("Allow", "").split(",")}
        assert "POST" in allow, f"{method} {name}: Allow {r.headers.get('Allow')!r}"
        assert method not in allow
    calm.assert_unchanged(before, f"{method} {name}")
    assert "sneaky" not in json.dumps(calm.room.state()).lower()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("target", ["/moderate", "/state.json", "/poll?since=0", ""])
def test_state_changing_methods_on_room_pages_are_405(calm, target, method):
    before = calm.stored()
    r = calm.host.user.request(method, calm.host.path(target), data=f"csrf={quote(calm.host.token, safe='')}",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_clear_refusal(r.status_code, r.text, {405}, f"{method} {target}")
    assert "GET" in {m.strip() for m in r.headers.get("Allow", "").split(",")}, r.headers.get("Allow")
    calm.assert_unchanged(before, f"{method} {target}")


# ------------------------------------------------------------------------------------------- other rooms' ids

@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_ids_of_another_rooms_objects_are_404_exactly_like_absent(calm, name, who, template, id_kind, pairs):
    member = calm.member(who)
    theirs = calm.other["ids"][id_kind]
    absent = "987654321" if id_kind == "message" else str(uuid.uuid4())
    before = calm.stored()
    answers = {}
    for label, value in (("another room's", theirs), ("absent", absent)):
        r = member.post_pairs(template.format(id=value), pairs)
        doc = assert_clear_refusal(r.status_code, r.text, {404}, f"{name} with {label} id")
        error = doc.by_id("room-error")
        answers[label] = (r.status_code, error.clean_text() if error is not None else None)
    assert answers["another room's"] == answers["absent"], \
        f"{name}: another room's id is told apart from an absent one: {answers}"
    calm.assert_unchanged(before, f"{name} with another room's id")


@pytest.mark.parametrize("case_id,form,field",
                         [("task for another room's segment", "task add", "segment"),
                          ("proposed task for another room's segment", "proposal public_task", "segment"),
                          ("proposed change to another room's segment", "proposal edit_segment", "segment")],
                         ids=["task add", "proposal public_task", "proposal edit_segment"])
def test_another_rooms_segment_in_a_form_is_404_exactly_like_absent(calm, case_id, form, field):
    member, where, pairs = form_body(calm, form)
    before = calm.stored()
    answers = {}
    for label, value in (("another room's", calm.other["ids"]["segment"]), ("absent", str(uuid.uuid4()))):
        r = member.post_pairs(where, with_field(pairs, field, value))
        doc = assert_clear_refusal(r.status_code, r.text, {404}, f"{case_id} ({label})")
        answers[label] = (r.status_code, doc.by_id("room-error").clean_text())
    assert answers["another room's"] == answers["absent"], f"{case_id}: {answers}"
    calm.assert_unchanged(before, case_id)


@pytest.mark.parametrize("action", ["edit", "toggle", "delete"])
def test_another_participants_private_task_is_404_exactly_like_absent(calm, action):
    suffix = {"edit": "", "toggle": "/toggle", "delete": "/delete"}[action]
    fields = [("text", "Hijacked"), ("visibility", "public")] if action == "edit" else []
    before = calm.stored()
    answers = {}
    for label, task in (("Olga's private", calm.olga_task), ("absent", str(uuid.uuid4()))):
        for who in (calm.guest, calm.host):
            r = who.post_pairs(f"/tasks/{task}{suffix}", fields)
            doc = assert_clear_refusal(r.status_code, r.text, {404}, f"{action} of {label} task by {who.name}")
            answers[(label, who.name)] = (r.status_code, doc.by_id("room-error").clean_text())
            assert "Olga private plan" not in r.text, "the refusal shows the private task"
    for who in (calm.guest, calm.host):
        assert answers[("Olga's private", who.name)] == answers[("absent", who.name)], answers
    calm.assert_unchanged(before, f"{action} of Olga's private task")


# ------------------------------------------------------------------------------------------- privilege escalation

ESCALATION = [("role", "host"), ("is_host", "1"), ("is_admin", "1"), ("host", "1"), ("admin", "true"),
              ("participant_id", "{host}"), ("author", "Hana Host"), ("author_name", "Hana Host"),
              ("status", "accepted"), ("is_muted", "0"), ("is_shadow_hidden", "0"), ("room_id", "{other_room}"),
              ("session", "x"), ("viewer_role", "host")]


def escalation_pairs(scene: Scene) -> list:
    values = {"host": scene.host.id, "other_room": str(uuid.uuid4())}
    return [(k, v.format(**values)) for k, v in ESCALATION]


def assert_roles(scene: Scene):
    roles = {p["name"]: p["role"] for p in scene.room.state()["participants"]}
    assert roles == {"Hana Host": "host", "Gus Guest": "guest", "Olga Other": "guest"}, f"roles changed: {roles}"
    assert scene.guest.page().by_id("room").get("data-viewer-role") == "guest"
    assert scene.stack.psql("select count(*) from participants where room_id = :'v1' and role = 'host'", scene.room.id) == "1"


GUEST_ACTIONS = [
    ("message", "/messages", [("text", "plain words")]),
    ("task", "/tasks", [("text", "plain task"), ("visibility", "public"), ("segment", "")]),
    ("proposal", "/proposals", [("kind", "add_segment"), ("segment", ""), ("text", ""), ("segment_kind", "focus"),
                                ("duration", "12"), ("label", "")]),
    ("task toggle", "/tasks/{task}/toggle", []),
]


@pytest.mark.parametrize("name,where,pairs", GUEST_ACTIONS, ids=[a[0] for a in GUEST_ACTIONS])
def test_extra_role_fields_on_a_guests_action_are_ignored(scene, name, where, pairs):
    r = scene.guest.post_pairs(where.format(task=scene.public_task), pairs + escalation_pairs(scene))
    assert r.status_code == 303, f"{name} with extra fields: {r.status_code} {excerpt(r)}"
    assert_roles(scene)
    state = scene.room.state()
    if name == "message":
        assert [(m["author"], m["text"]) for m in state["messages"]][-1] == ("Gus Guest", "plain words")
    if name == "task":
        assert [(t["author"], t["text"]) for t in state["public_tasks"]][-1] == ("Gus Guest", "plain task")
        assert "plain task" not in [t for _, t, _, _ in scene.host.own_view()["tasks"]]
    if name == "proposal":
        assert [(p["author"], p["status"]) for p in state["proposals"]][-1] == ("Gus Guest", "pending")
        assert len(state["segments"]) == 8, "the proposal was applied without the host"


HOST_ACTIONS = [
    ("timer", "/timer", [("action", "start"), ("at", "0")]),
    ("theme", "/theme", [("theme", "sunrise")]),
    ("segment add", "/segments", [("kind", "focus"), ("duration", "5"), ("label", ""), ("public_task", "")]),
    ("segment delete", "/segments/{seg}/delete", []),
    ("accept", "/proposals/{proposal}/accept", []),
    ("reject", "/proposals/{proposal}/reject", [("reason", "")]),
    ("message delete", "/messages/{message}/delete", []),
    ("mute", "/participants/{olga}/mute", []),
    ("make host", "/participants/{guest}/host", []),
    ("moderation page", None, []),
]


@pytest.mark.parametrize("name,where,pairs", HOST_ACTIONS, ids=[a[0] for a in HOST_ACTIONS])
def test_extra_role_fields_do_not_make_a_guest_host(calm, name, where, pairs):
    before = calm.stored()
    if where is None:
        query = urlencode(escalation_pairs(calm))
        r = calm.guest.user.get(f"/r/{calm.room.code}/moderate?{query}")
    else:
        path = where.format(seg=calm.seg, proposal=calm.proposal, message=calm.message, olga=calm.olga.id,
                            guest=calm.guest.id)
        r = calm.guest.post_pairs(path, pairs + escalation_pairs(calm))
    assert_clear_refusal(r.status_code, r.text, {403}, f"a guest's {name} with role fields")
    calm.assert_unchanged(before, f"a guest's {name} with role fields")
    assert_roles(calm)


@pytest.mark.parametrize("field,value", ESCALATION, ids=[f"{k}={v}" for k, v in ESCALATION])
def test_joining_with_a_role_field_makes_a_guest(scene, new_user, field, value):
    user = new_user()
    token = user.csrf(f"/r/{scene.room.code}")
    value = value.format(host=scene.host.id, other_room=str(uuid.uuid4()))
    r = user.post_form(f"/r/{scene.room.code}/join", [("csrf", token), ("display_name", "Mallory"), (field, value)])
    assert r.status_code == 303, f"join with {field}={value}: {r.status_code} {excerpt(r)}"
    roles = {p["name"]: p["role"] for p in scene.room.state()["participants"]}
    assert roles == {"Hana Host": "host", "Gus Guest": "guest", "Olga Other": "guest", "Mallory": "guest"}, roles
    mallory = Member(scene.room, user, "Mallory")
    assert mallory.page().by_id("room").get("data-viewer-role") == "guest"
    before = scene.stored()
    r = mallory.post_pairs("/timer", [("action", "start"), ("at", "0"), (field, value)])
    assert_clear_refusal(r.status_code, r.text, {403}, f"Mallory's timer start with {field}={value}")
    scene.assert_unchanged(before, "Mallory's timer start")
    user.http.close()
