"""Bad input (QUALITY.md, "Bad input") for the room features, table-driven over every room form
field and every id in a room path: SQL metacharacters, stored XSS, attribute break-outs and template
syntax, and invalid encodings. Text that is accepted must come back exactly as typed, shown as text
in the page, the long-poll fragments and state.json.

Host-only controls (timer, segment edit forms, accept/reject, theme, #segment-add) are looked for in
the host's page only: guests may not be sent them at all.

Whatever is refused must be a clear 4xx (never a 500, never a database error shown), keep what the
person typed where there is a form to put it back in, and change nothing stored: every refusal is
followed by a comparison of the room's state.json, the rows PostgreSQL holds for the room, and the
owner's own page (private tasks), before and after (room_forms_kit.Scene)."""

import html
import json
import time
from urllib.parse import quote

import pytest

from pomopomo_testkit import parse_html
from room_forms_kit import (
    FIELD_IDS,
    FIELDS,
    FORMS,
    PATH_IDS,
    PATH_ROUTES,
    REFUSED,
    Scene,
    assert_clear_refusal,
    encoded_body,
    form_body,
    with_field,
)
from rooms_kit import Member, excerpt, new_room

pytestmark = pytest.mark.usefixtures("responders_in_rotation")


# ------------------------------------------------------------------------------------------- the forms

@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_in_the_tables_is_accepted_as_sent(scene, form):
    """The tables below change one field of these bodies; unchanged, each must be accepted, so a
    refusal there is the bad field's doing."""
    member, where, pairs = form_body(scene, form)
    r = member.post_pairs(where, pairs)
    assert r.status_code == 303, f"{form}: {r.status_code} {excerpt(r)}"
    for case_id, f, field, _kind, overrides in FIELDS:
        if f == form and overrides:
            fresh = Scene(scene.stack, scene.new_user)
            member, where, pairs = form_body(fresh, form, overrides)
            r = member.post_pairs(where, with_field(pairs, field, "Valid text"))
            assert r.status_code == 303, f"{case_id} base {pairs}: {r.status_code} {excerpt(r)}"


# ------------------------------------------------------------------------------------------- SQL metacharacters

SQL_VALUES = [
    "Robert'); DROP TABLE rooms;--",
    "' OR '1'='1",
    "1; SELECT pg_sleep(3)--",
    "\"; DELETE FROM segments; --",
    "\\'; UPDATE participants SET role='host",
    "$1 $$ ::uuid %s %% ?",
]


def stored_values(scene: Scene, form: str, field: str, state: dict) -> list[str]:
    """Where a text field of this form ends up, as stored (state.json, or the owner's own page)."""
    if form.startswith("segment"):
        key = "label" if field == "label" else "public_task"
        return [s[key] for s in state["segments"]]
    if form.startswith("task"):
        return [t["text"] for t in state["public_tasks"]] + [text for _, text, _, _ in scene.guest.own_view()["tasks"]]
    if form.startswith("proposal"):
        return [p["summary"] for p in state["proposals"]]
    if form == "chat":
        return [m["text"] for m in state["messages"]]
    if form == "reject":
        return [p["reason"] for p in state["proposals"]]
    raise AssertionError(form)


@pytest.mark.parametrize("value", SQL_VALUES)
@pytest.mark.parametrize("case_id,form,field,kind,overrides", FIELDS, ids=FIELD_IDS)
def test_sql_metacharacters_are_stored_verbatim_or_refused(request, case_id, form, field, kind, overrides, value):
    scene = request.getfixturevalue("scene" if kind == "text" else "calm")
    member, where, pairs = form_body(scene, form, overrides)
    before = scene.stored()
    started = time.monotonic()
    r = member.post_pairs(where, with_field(pairs, field, value))
    assert time.monotonic() - started < 2.5, f"{case_id}: {value!r} took {time.monotonic() - started:.1f}s (pg_sleep ran?)"
    assert r.status_code != 500, f"{case_id}: {value!r} answered 500: {excerpt(r)}"
    if kind == "text":
        # Ordinary text for a person: stored as typed, shown back as typed.
        assert r.status_code == 303, f"{case_id}: {value!r} was refused: {r.status_code} {excerpt(r)}"
        state = scene.room.state()
        values = stored_values(scene, form, field, state)
        if form.startswith("proposal") or form == "reject":
            assert any(v and value in v for v in values), f"{case_id}: {value!r} is not among {values}"
        else:
            assert value in values, f"{case_id}: {value!r} was not stored verbatim: {values}"
        assert value in scene.host.page().text() or form == "task add" and dict(pairs)["visibility"] == "private"
    else:
        assert_clear_refusal(r.status_code, r.text, REFUSED[kind], f"{case_id}={value!r}")
        scene.assert_unchanged(before, f"{case_id}={value!r}")
    for table in ("rooms", "segments", "participants", "tasks", "proposals", "messages"):
        assert scene.stack.psql(f"select to_regclass('{table}') is not null") == "t", f"table {table} is gone"
    roles = {p["name"]: p["role"] for p in scene.room.state()["participants"]}
    assert roles == {"Hana Host": "host", "Gus Guest": "guest", "Olga Other": "guest"}, roles


SQL_PATH_VALUES = ["' OR '1'='1", "1 OR 1=1", "1; DROP TABLE messages;--", "') OR ('a'='a", "{id}' OR 'x'='x",
                   "{id}--", "%", "*"]


@pytest.mark.parametrize("value", SQL_PATH_VALUES)
@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_sql_metacharacters_in_path_ids_are_404(calm, name, who, template, id_kind, pairs, value):
    member = calm.member(who)
    real = calm.ids()[id_kind]
    segment = quote(value.format(id=real), safe="")
    before = calm.stored()
    status, _, body = member.raw("POST", member.path(template.format(id=segment)), encoded_body(member, pairs))
    assert_clear_refusal(status, body, {400, 404}, f"{name} with id {value!r}", nginx_may_refuse=True)
    calm.assert_unchanged(before, f"{name} with id {value!r}")


@pytest.mark.parametrize("code", ["'%20OR%20'1'='1", "ABC-DEF'--", "%27%3B%20DROP%20TABLE%20rooms%3B--", "{code}'--",
                                  "{code}%20OR%201=1"])
@pytest.mark.parametrize("form", ["task add", "chat", "timer", "segment add"])
def test_sql_metacharacters_in_the_room_code_of_a_post_are_404(calm, form, code):
    member, where, pairs = form_body(calm, form)
    target = "/r/" + code.format(code=calm.room.code) + where
    before = calm.stored()
    status, _, body = member.raw("POST", target, encoded_body(member, pairs))
    assert_clear_refusal(status, body, {400, 404}, f"{form} to {target}", nginx_may_refuse=True)
    calm.assert_unchanged(before, f"{form} to {target}")


# ------------------------------------------------------------------------------------------- stored XSS, break-outs, templates

HOSTILE = [
    ("script tag", "<script>alert(1)</script>"),
    ("img onerror", "<img src=x onerror=alert(1)>"),
    ("svg onload", "<svg onload=alert(1)>"),
    ("attribute break-out", '" autofocus onfocus=alert(1) x="'),
    ("single-quote break-out", "' autofocus onfocus=alert(1) x='"),
    ("closing tags", "</textarea></title></script><b>x"),
    ("template partial", "{{> layout}}"),
    ("triple mustache", "{{{x}}}"),
    ("template section", "{{#me}}{{csrf}}{{/me}}"),
]


# (test id, form, field, fields the case needs, where it is shown)
TEXT_FIELDS = [
    ("segment label", "segment add", "label", {"kind": "custom"}, "label"),
    ("segment public task", "segment add", "public_task", {}, "public_task"),
    ("edited segment label", "segment edit", "label", {"kind": "custom"}, "label"),
    ("edited segment public task", "segment edit", "public_task", {}, "public_task"),
    ("public task", "task add", "text", {"visibility": "public"}, "task"),
    ("private task", "task add", "text", {"visibility": "private"}, "private task"),
    ("edited task", "task edit", "text", {"visibility": "public"}, "task"),
    ("proposed task", "proposal public_task", "text", {}, "summary"),
    ("proposed segment label", "proposal add_segment", "label", {"segment_kind": "custom"}, "summary"),
    ("proposed change label", "proposal edit_segment", "label", {"segment_kind": "custom"}, "summary"),
    ("chat message", "chat", "text", {}, "chat"),
    ("rejection reason", "reject", "reason", {}, "reason"),
]


# The chat's <script>/<img>/<svg> cases are in test_http_room_chat.py.
XSS_CASES = [(f, p) for f in TEXT_FIELDS for p in HOSTILE
             if not (f[4] == "chat" and p[0] in ("script tag", "img onerror", "svg onload"))]


FRAGMENT_OF = {"label": "queue", "public_task": "queue", "task": "public-tasks", "summary": "proposals",
               "chat": "chat-messages", "reason": "proposals"}


def shown_texts(doc, where: str) -> list[str]:
    """The texts a reader sees for this kind of field in a page or fragment."""
    if where == "label":
        return [el.clean_text() for el in doc.find_all("span", cls="seg-kind")]
    if where == "public_task":
        return [el.clean_text() for el in doc.find_all(cls="public-task")]
    if where in ("task", "private task"):
        return [el.clean_text() for el in doc.find_all("span", cls="task-text")]
    if where == "summary":
        return [el.clean_text() for el in doc.find_all(cls="proposal-summary")]
    if where == "chat":
        return [el.clean_text() for el in doc.find_all("span", cls="text")]
    if where == "reason":
        return [li.clean_text() for li in doc.find_all("li", cls="rejected")]
    raise AssertionError(where)


def state_texts(state: dict, where: str) -> list[str]:
    return {"label": lambda: [s["label"] for s in state["segments"]],
            "public_task": lambda: [s["public_task"] for s in state["segments"]],
            "task": lambda: [t["text"] for t in state["public_tasks"]],
            "summary": lambda: [p["summary"] for p in state["proposals"]],
            "chat": lambda: [m["text"] for m in state["messages"]],
            "reason": lambda: [p["reason"] for p in state["proposals"]]}[where]()


def shows(texts: list, payload: str, where: str) -> bool:
    if where in ("summary", "reason"):
        return any(t and payload in t for t in texts)
    return payload in texts


def assert_inert(doc, what: str):
    """Nothing in the page can run: no handler attributes, no autofocus, no foreign script, image or svg."""
    handlers = [(el.tag, a) for el in doc.iter() for a in el.attrs if a.startswith("on")]
    assert not handlers, f"{what}: event handler attributes {handlers}"
    focus = [el.tag for el in doc.iter() if "autofocus" in el.attrs]
    assert not focus, f"{what}: autofocus on {focus}"
    assert all(s.get("src", "").startswith("/static/") for s in doc.find_all("script")), f"{what}: a script not from /static/"
    assert all(i.get("src", "").startswith("/static/") for i in doc.find_all("img")), f"{what}: an <img> not from /static/"
    room = doc.by_id("room") or doc
    assert not room.find_all("svg"), f"{what}: an <svg> in the room"
    assert not room.find_all("textarea"), f"{what}: a textarea appeared"


@pytest.mark.parametrize("text_field,payload", XSS_CASES,
                         ids=[f"{f[0]}-{p[0]}" for f, p in XSS_CASES])
def test_hostile_text_is_shown_literally_in_pages_polls_and_state(scene, text_field, payload):
    case_id, form, field, overrides, where = text_field
    case, value = payload
    member, path, pairs = form_body(scene, form, overrides)
    since = scene.room.db_version()
    if form == "reject":
        scene.guest.ok("/proposals", kind="public_task", segment=scene.seg, text="Something", segment_kind="focus",
                       duration="", label="")  # so the decided list keeps showing a pending one as well
    r = member.post_pairs(path, with_field(pairs, field, value))
    assert r.status_code == 303, f"{case_id} {value!r}: {r.status_code} {excerpt(r)}"
    escaped = html.escape(value, quote=True)

    viewers = [("guest", scene.guest)] if where == "private task" else \
        [("host", scene.host), ("guest", scene.guest), ("other guest", scene.olga)]
    for who, viewer in viewers:
        text = viewer.raw_page()
        if escaped != value:
            assert value not in text, f"{case_id}: the raw {case} is in the page {who} sees"
        doc = parse_html(text)
        assert_inert(doc, f"{case_id} {case} seen by {who}")
        assert shows(shown_texts(doc, where), value, where), \
            f"{case_id}: {value!r} is not shown literally to {who}: {shown_texts(doc, where)}"
        assert doc.by_id("room").get("data-csrf") == viewer.token, "the page lost its own CSRF token"
        assert text.count("<header") == scene.host.raw_page().count("<header"), "a template was expanded from user text"

    if where == "private task":
        for who, viewer in (("host", scene.host), ("other guest", scene.olga)):
            assert value not in viewer.raw_page() and escaped not in viewer.raw_page(), f"the private task reached {who}"
        poll = scene.host.user.poll(scene.room.code, 0, timeout=4)
        assert value not in poll.text and escaped not in poll.text and json.dumps(value) not in poll.text
        assert value not in json.dumps(scene.room.state())
        return

    poll = scene.host.user.poll(scene.room.code, since, timeout=4)
    assert poll.status_code == 200, poll.status_code
    for tag in ("<script", "<img", "<svg", "<b>"):
        if tag in value:
            assert tag not in poll.text, f"{case_id}: raw {tag} in the poll answer"
    frag_html = poll.json()["fragments"][FRAGMENT_OF[where]]
    frag = parse_html(frag_html)
    assert_inert(frag, f"{case_id} {case} in the {FRAGMENT_OF[where]} fragment")
    assert shows(shown_texts(frag, where), value, where), f"{case_id}: not literal in the fragment: {shown_texts(frag, where)}"
    for field_ in frag.find_all("input", name="csrf"):
        assert field_.get("value") == "", f"{case_id}: a CSRF token was expanded into the shared fragment"

    raw_state = scene.room.state_text()
    assert "<" not in raw_state and ">" not in raw_state, "state.json carries raw angle brackets"
    assert shows(state_texts(json.loads(raw_state), where), value, where), \
        f"{case_id}: state.json does not hold {value!r}: {state_texts(json.loads(raw_state), where)}"


@pytest.mark.parametrize("case,payload", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_custom_label_of_the_running_segment_stays_text_in_timer_and_title(stack, new_user, case, payload):
    room = new_room(stack, new_user(), "Hana Host", preset="empty")
    guest = room.join("Gus Guest", new_user())
    room.host.ok("/segments", kind="custom", duration="30", label=payload, public_task=payload)
    room.host.ok("/timer", action="start", at="0")
    for who in (room.host, guest):
        text = who.raw_page()
        doc = parse_html(text)
        assert_inert(doc, f"{case} as the running label")
        assert doc.by_id("timer-phase").clean_text() == payload
        assert doc.by_id("timer").find(cls="timer-state").get("data-phase") == payload, "data-phase was broken out of"
        title = doc.find("title").text()
        assert payload in title, f"the title {title!r} does not show the label"
        if html.escape(payload) != payload:
            assert payload not in text
    poll = guest.user.poll(room.code, 0, timeout=4)
    body = poll.json()
    assert body["timer"]["phase"] == payload
    frag = parse_html(body["fragments"]["timer"])
    assert_inert(frag, "timer fragment")
    assert frag.find(cls="timer-state").get("data-phase") == payload
    assert room.state()["timer"]["phase"] == payload
    for user in room.users:
        user.http.close()


# ------------------------------------------------------------------------------------------- encodings

BAD_ENCODINGS = [
    ("invalid UTF-8 %FF", "Ann%FF"),
    ("lone continuation byte", "%80"),
    ("NUL byte", "Ann%00Bob"),
    ("overlong dot %C0%AE", "%C0%AE%C0%AE"),
    ("overlong slash %E0%80%AF", "%E0%80%AF"),
    ("UTF-16 surrogate", "%ED%A0%80"),
    ("truncated sequence", "Ann%E2%82"),
    ("bad escape %ZZ", "Ann%ZZ"),
    ("truncated escape", "Ann%4"),
]


def raw_body(member: Member, pairs: list, field: str, raw_value: str) -> bytes:
    parts = [f"csrf={quote(member.token, safe='')}"]
    for k, v in pairs:
        parts.append(f"{k}={raw_value}" if k == field else f"{quote(k)}={quote(v, safe='')}")
    return "&".join(parts).encode()


@pytest.mark.parametrize("encoding,raw_value", BAD_ENCODINGS, ids=[e[0] for e in BAD_ENCODINGS])
@pytest.mark.parametrize("case_id,form,field,kind,overrides", FIELDS, ids=FIELD_IDS)
def test_malformed_encoding_in_any_field_is_400(calm, case_id, form, field, kind, overrides, encoding, raw_value):
    member, where, pairs = form_body(calm, form, overrides)
    before = calm.stored()
    r = member.post_body(where, raw_body(member, pairs, field, raw_value))
    assert_clear_refusal(r.status_code, r.text, {400}, f"{case_id} {encoding}")
    calm.assert_unchanged(before, f"{case_id} {encoding}")


@pytest.mark.parametrize("encoding,raw_value",
                         BAD_ENCODINGS + [("encoded slash", "%2F..%2F"), ("encoded CR LF", "x%0D%0ASet-Cookie:%20a=1")],
                         ids=[e[0] for e in BAD_ENCODINGS] + ["encoded slash", "encoded CR LF"])
@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_malformed_encoding_in_path_ids_is_400_or_404(calm, name, who, template, id_kind, pairs, encoding, raw_value):
    member = calm.member(who)
    before = calm.stored()
    status, headers, body = member.raw("POST", member.path(template.format(id=raw_value)), encoded_body(member, pairs))
    # An undecodable path is a bad request; a decodable odd one names nothing (or, once nginx has
    # resolved "..", a route that does not take POST).
    statuses = {400, 404, 405} if encoding in ("encoded slash", "encoded CR LF") else {400}
    assert_clear_refusal(status, body, statuses, f"{name} id {encoding}", nginx_may_refuse=True)
    assert "a=1" not in headers.get("set-cookie", "")
    calm.assert_unchanged(before, f"{name} id {encoding}")


@pytest.mark.parametrize("encoding,raw_value", BAD_ENCODINGS, ids=[e[0] for e in BAD_ENCODINGS])
def test_malformed_encoding_in_a_form_field_name_is_400(calm, encoding, raw_value):
    before = calm.stored()
    body = f"csrf={quote(calm.guest.token, safe='')}&text=hello&{raw_value}=1".encode()
    r = calm.guest.post_body("/messages", body)
    assert_clear_refusal(r.status_code, r.text, {400}, f"field name {encoding}")
    calm.assert_unchanged(before, f"field name {encoding}")
