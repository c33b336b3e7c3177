"""Bad input (QUALITY.md, "Bad input") for the room features, table-driven over every room form
field and every id in a room path: oversized fields, duplicate parameters and odd numbers.

Whatever is refused must be a clear 4xx (never a 500, never a database error shown), keep what the
person typed where there is a form to put it back in, and change nothing stored: every refusal is
followed by a comparison of the room's state.json, the rows PostgreSQL holds for the room, and the
owner's own page (private tasks), before and after (room_forms_kit.Scene)."""

from urllib.parse import quote

import pytest

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

pytestmark = pytest.mark.usefixtures("responders_in_rotation")


# ------------------------------------------------------------------------------------------- oversized fields

LIMITS = {"label": 40, "public_task": 200, "text": 200, "reason": 200}


def limit_of(form: str, field: str) -> int | None:
    if form == "chat":
        return 500
    if form.startswith("proposal") and field == "label":
        return 40
    return LIMITS.get(field)


def kept_value(scene: Scene, doc, form: str, field: str):
    """Where the re-rendered page puts back what was typed in this field (None: no such input)."""
    if form == "segment add":
        box = doc.by_id("segment-add")
    elif form == "segment edit":
        li = doc.by_id(f"seg-{scene.seg}")
        box = li.find("form", cls="seg-edit-form") if li is not None else None
    elif form == "task add":
        box = doc.by_id("task-add")
    elif form == "task edit":
        li = doc.by_id(f"task-{scene.public_task}")
        box = li.find("form", action=f"/r/{scene.room.code}/tasks/{scene.public_task}") if li is not None else None
    elif form.startswith("proposal"):
        box = doc.by_id("propose-form")
    elif form == "chat":
        box = doc.by_id("chat-form")
    elif form == "reject":
        box = doc.find("form", action=f"/r/{scene.room.code}/proposals/{scene.proposal}/reject")
    else:
        return None
    assert box is not None, f"the re-rendered page has no form for {form}"
    field_el = box.find("input", name=field)
    assert field_el is not None, f"the {form} form has no input {field}"
    return field_el.get("value")


OVERSIZE_TEXT = [(f"{c[0]} {n}", c[1], c[2], c[4], n) for c in FIELDS if c[3] == "text"
                 for n in ("one over the limit", "20,000 characters")]


@pytest.mark.parametrize("case_id,form,field,overrides,size", OVERSIZE_TEXT, ids=[c[0] for c in OVERSIZE_TEXT])
def test_oversized_text_is_422_with_the_input_kept(calm, case_id, form, field, overrides, size):
    member, where, pairs = form_body(calm, form, overrides)
    limit = limit_of(form, field)
    typed = ("Ä" * (limit + 1)) if size == "one over the limit" else ("long text " * 2000)
    before = calm.stored()
    r = member.post_pairs(where, with_field(pairs, field, typed))
    doc = assert_clear_refusal(r.status_code, r.text, {422}, case_id)
    message = doc.by_id("room-error").clean_text()
    assert str(limit) in message, f"{case_id}: the error does not name the limit of {limit}: {message!r}"
    calm.assert_unchanged(before, case_id)
    kept = kept_value(calm, doc, form, field)
    assert kept == typed, f"{case_id}: the typed text was not kept (got {None if kept is None else kept[:40]!r})"


OVERSIZE_WORDS = [c for c in FIELDS if c[3] != "text"]


@pytest.mark.parametrize("case_id,form,field,kind,overrides", OVERSIZE_WORDS, ids=[c[0] for c in OVERSIZE_WORDS])
def test_oversized_choices_numbers_and_ids_are_refused(calm, case_id, form, field, kind, overrides):
    member, where, pairs = form_body(calm, form, overrides)
    before = calm.stored()
    r = member.post_pairs(where, with_field(pairs, field, "9" * 20000))
    assert_clear_refusal(r.status_code, r.text, REFUSED[kind], case_id)
    calm.assert_unchanged(before, case_id)


@pytest.mark.parametrize("case", ["a 70 KiB field", "5,000 fields"])
@pytest.mark.parametrize("form", list(FORMS))
def test_a_field_over_64_kib_or_thousands_of_fields_are_refused(calm, form, case):
    """Bodies nginx buffers to a file before passing them on: the refusal must reach the browser
    as the responder's 4xx (not a 502 from nginx), and leave the responders in rotation."""
    member, where, pairs = form_body(calm, form)
    before = calm.stored()
    if case == "a 70 KiB field":
        body, statuses = with_field(pairs, pairs[0][0], "x" * (70 * 1024)), {400, 413, 422}
    else:
        body, statuses = pairs + [(f"f{i}", "1") for i in range(5000)], {400, 413}
    for attempt in range(1, 6):  # the failure this guards against is a race: try a few times
        r = member.post_pairs(where, body)
        assert_clear_refusal(r.status_code, r.text, statuses, f"{form} with {case} (attempt {attempt})")
    calm.assert_unchanged(before, f"{form} with {case}")


# ------------------------------------------------------------------------------------------- duplicate parameters

@pytest.mark.parametrize("same", [True, False], ids=["same value twice", "two values"])
@pytest.mark.parametrize("case_id,form,field,kind,overrides", FIELDS, ids=FIELD_IDS)
def test_duplicate_field_is_400(calm, case_id, form, field, kind, overrides, same):
    member, where, pairs = form_body(calm, form, overrides)
    value = dict(pairs)[field]
    other = {"text": "Other text", "enum": "break", "number": "5", "id": ""}[kind]
    doubled = pairs + [(field, value if same else other)]
    before = calm.stored()
    r = member.post_pairs(where, doubled)
    assert_clear_refusal(r.status_code, r.text, {400}, f"{case_id} twice")
    calm.assert_unchanged(before, f"{case_id} twice")


@pytest.mark.parametrize("how", ["own token twice", "foreign then own", "own then empty"])
@pytest.mark.parametrize("form", list(FORMS))
def test_two_csrf_fields_are_400(calm, new_user, form, how):
    member, where, pairs = form_body(calm, form)
    foreign = new_user().csrf("/")
    tokens = {"own token twice": [member.token, member.token], "foreign then own": [foreign, member.token],
              "own then empty": [member.token, ""]}[how]
    before = calm.stored()
    r = member.post_pairs(where, [("csrf", t) for t in tokens] + pairs, csrf=False)
    assert_clear_refusal(r.status_code, r.text, {400}, f"{form}: {how}")
    calm.assert_unchanged(before, f"{form}: {how}")


# ------------------------------------------------------------------------------------------- numbers

NUMBERS = ["-1", "9223372036854775808", "9223372036854775807", "-9223372036854775809", "1e3", "0x10", "1.0",
           "١", "NaN", "Infinity", " 0", "0 ", "0,5"]


DURATIONS = ["-1", "9223372036854775808", "9223372036854775807:00", "9223372036854775808:00", "1e3", "0x10", "25.0",
             "1:60", "1:5", "-1:30", "١٠", "NaN", "Infinity", "25:00:00", "0x19", "+25"]


NUMBER_FIELDS = [("timer at", "timer", "at", NUMBERS),
                 ("segment add duration", "segment add", "duration", DURATIONS),
                 ("segment edit duration", "segment edit", "duration", DURATIONS),
                 ("proposal duration", "proposal add_segment", "duration", DURATIONS)]


NUMBER_CASES = [(f"{c[0]}={v}", c[1], c[2], v) for c in NUMBER_FIELDS for v in c[3]]


@pytest.mark.parametrize("case_id,form,field,value", NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
def test_odd_numbers_are_a_clear_4xx(calm, case_id, form, field, value):
    member, where, pairs = form_body(calm, form)
    before = calm.stored()
    r = member.post_pairs(where, with_field(pairs, field, value))
    # A leading sign or space on at is still the number 0 to some parsers: if accepted, it must be as 0.
    if form == "timer" and r.status_code == 303:
        pytest.fail(f"{case_id}: the timer accepted at={value!r} as if it were 0")
    doc = assert_clear_refusal(r.status_code, r.text, {400, 409, 422}, case_id)
    calm.assert_unchanged(before, case_id)
    if form == "segment add" and r.status_code == 422:
        assert kept_value(calm, doc, form, field) == value, f"{case_id}: the typed duration was not kept"


ID_NUMBERS = ["-1", "0", "9223372036854775808", "9223372036854775807", "1e3", "0x10", "00000000000000000001",
              "1.0", "١"]


@pytest.mark.parametrize("value", ID_NUMBERS)
@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_numbers_as_path_ids_are_404(calm, name, who, template, id_kind, pairs, value):
    member = calm.member(who)
    before = calm.stored()
    status, _, body = member.raw("POST", member.path(template.format(id=quote(value, safe=""))), encoded_body(member, pairs))
    assert_clear_refusal(status, body, {400, 404}, f"{name} with id {value!r}")
    calm.assert_unchanged(before, f"{name} with id {value!r}")


def test_message_id_with_leading_zeros_names_nothing_in_another_room(calm):
    """A message id that parses to another room's message (leading zeros, a plus sign) is still not found."""
    theirs = calm.other["ids"]["message"]
    before = calm.stored()
    for spelling in (theirs, "0" * 5 + theirs, "+" + theirs):
        status, _, body = calm.host.raw("POST", calm.host.path(f"/messages/{quote(spelling, safe='')}/delete"),
                                         encoded_body(calm.host, []))
        assert_clear_refusal(status, body, {404}, f"deleting another room's message as {spelling!r}")
    calm.assert_unchanged(before, "deleting another room's message")
    assert "hello from B" in [m["text"] for m in calm.other["room"].state()["messages"]]
