"""Private tasks (issue 14) against QUALITY.md's bad-input tables: every field /me/tasks takes
(title, notes, due date, version, list name, the ids in paths and fields) with what people and
attackers send. A refusal is a clear 4xx that keeps what was typed and changes nothing stored; text
that is accepted comes back inert (escaped, Markdown without raw HTML, unsafe links or images)."""

import pytest

from accounts_kit import brief, register
from pomopomo_testkit import parse_html
from private_tasks_kit import LIST_NAME_MAX, NOTES_MAX, TITLE_MAX, add, add_ok, alert, default_list, item, post, stored, version


@pytest.fixture(scope="module")
def tasker(stack, mailbox):
    acct = register(stack.base_url, mailbox, "badtasks")
    default_list(acct.user)  # the first visit makes "Today"
    yield acct
    acct.user.http.close()


@pytest.fixture
def unchanged(stack, tasker):
    """Asserts that the test's requests left the account's lists and tasks as they were."""
    before = stored(stack, tasker)
    yield
    assert stored(stack, tasker) == before, "a refused request changed what is stored"


# ----------------------------------------------------------------------------------------- sizes, dates, numbers

REFUSED_ADDS = [
    ("title over 200 characters", {"title": "t" * (TITLE_MAX + 1)}, "at most 200"),
    ("empty title", {"title": "   "}, "cannot be empty"),
    ("title with a text-direction override", {"title": "evil\u202etxt.exe"}, "text-direction"),
    ("title with a zero-width no-break space", {"title": "\ufeffhidden"}, "control"),
    ("notes over 5,000 characters", {"notes": "n" * (NOTES_MAX + 1)}, "at most 5,000"),
    ("a day that does not exist", {"due": "2026-02-30"}, "not a date that exists"),
    ("29 February of a common year", {"due": "2027-02-29"}, "not a date that exists"),
    ("month 13", {"due": "2026-13-01"}, "not a date that exists"),
    ("another shape", {"due": "01/03/2026"}, "YYYY-MM-DD"),
    ("a far-future year", {"due": "9999-12-31"}, "between the years 2000 and 2100"),
    ("a number", {"due": "1e3"}, "not a date that exists"),
    ("hexadecimal", {"due": "0x10"}, "not a date that exists"),
]


@pytest.mark.parametrize("what,fields,says", REFUSED_ADDS, ids=[r[0] for r in REFUSED_ADDS])
def test_refused_add_keeps_what_was_typed(tasker, unchanged, what, fields, says):
    typed = {"title": "A fine title", "notes": "some *notes*", "due": "", **fields}
    r = add(tasker.user, default_list(tasker.user), **typed)
    assert r.status_code == 422, f"{what}: {brief(r)}"
    assert says in alert(r), f"{what}: the page says {alert(r)!r}"
    form = parse_html(r.text).by_id("task-add")
    assert form.find("input", name="title").get("value") == typed["title"]
    assert form.find("textarea", name="notes").text() == typed["notes"]
    assert form.find("input", name="due").get("value") == typed["due"]


REFUSED_EDITS = [
    ("title over 200 characters", {"title": "t" * (TITLE_MAX + 1)}, 422),
    ("notes over 5,000 characters", {"notes": "n" * (NOTES_MAX + 1)}, 422),
    ("a day that does not exist", {"due": "2026-02-30"}, 422),
    ("an older version", {"version": "0"}, 409),
    ("a negative version", {"version": "-1"}, 409),
    ("a version of 2^63", {"version": str(2**63)}, 409),
    ("a version in exponent form", {"version": "1e3"}, 409),
    ("a version in hexadecimal", {"version": "0x10"}, 409),
    ("no version at all", {"version": ""}, 409),
]


@pytest.mark.parametrize("what,fields,status", REFUSED_EDITS, ids=[r[0] for r in REFUSED_EDITS])
def test_refused_edit_keeps_what_was_typed(stack, tasker, what, fields, status):
    tid = add_ok(tasker.user, default_list(tasker.user), f"edit me ({what})")
    before = stored(stack, tasker)
    typed = {"title": "New title", "notes": "new notes", "due": "", "version": version(tasker.user, tid), **fields}
    r = post(tasker.user, f"/me/tasks/{tid}", **typed)
    assert r.status_code == status, f"{what}: {brief(r)}"
    alert(r)
    form = parse_html(r.text).by_id(f"task-{tid}").find("form", cls="task-edit-form")
    assert form.find("input", name="title").get("value") == typed["title"]
    assert form.find("textarea", name="notes").text() == typed["notes"]
    assert stored(stack, tasker) == before, f"{what} changed what is stored"


REFUSED_LIST_NAMES = [("over 60 characters", "l" * (LIST_NAME_MAX + 1)), ("empty", " "),
                      ("a control character", "bell\u0007")]


@pytest.mark.parametrize("what,name", REFUSED_LIST_NAMES, ids=[r[0] for r in REFUSED_LIST_NAMES])
def test_refused_list_names_keep_what_was_typed(tasker, unchanged, what, name):
    r = post(tasker.user, "/me/tasks/lists", name=name)
    assert r.status_code == 422, f"{what}: {brief(r)}"
    assert parse_html(r.text).by_id("new-list-name").get("value") == name
    listed = default_list(tasker.user)
    r = post(tasker.user, f"/me/tasks/lists/{listed}", name=name)
    assert r.status_code == 422, f"renaming, {what}: {brief(r)}"
    assert parse_html(r.text).by_id("rename-list").get("value") == name


def test_a_title_of_exactly_200_characters_and_notes_of_5000_are_kept_whole(stack, tasker):
    title, notes = "é" * TITLE_MAX, "n" * NOTES_MAX
    tid = add_ok(tasker.user, default_list(tasker.user), title, notes=notes)
    li = item(tasker.user, tid)
    assert li.find("span", cls="task-text").clean_text() == title


# ----------------------------------------------------------------------------------------- stored text is inert

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '" autofocus onfocus=alert(1) x="',
    "{{> layout}} {{{csrf}}}",
    "'; DROP TABLE private_tasks; --",
]


def assert_inert(doc, payload):
    for el in doc.iter():
        for name, value in el.attrs.items():
            assert not name.startswith("on"), f"{payload!r} made an element <{el.tag} {name}=…>"
            if name in ("href", "src") and value:
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), \
                    f"{payload!r} made <{el.tag} {name}={value!r}>"
        assert el.tag not in ("script", "svg") or el.get("src", "").startswith("/static/"), \
            f"{payload!r} made a <{el.tag}> element"


@pytest.mark.parametrize("payload", XSS)
def test_titles_notes_and_list_names_show_literally(stack, tasker, payload):
    listed = default_list(tasker.user)
    tid = add_ok(tasker.user, listed, payload, notes=payload)
    doc = parse_html(tasker.user.get(f"/me/tasks?list={listed}").text)
    li = doc.by_id(f"task-{tid}")
    assert li.find("span", cls="task-text").clean_text() == " ".join(payload.split())
    assert_inert(doc, payload)
    assert post(tasker.user, f"/me/tasks/lists/{listed}", name=payload[:LIST_NAME_MAX]).status_code == 303
    doc = parse_html(tasker.user.get(f"/me/tasks?list={listed}").text)
    assert doc.by_id("list-heading").clean_text() == " ".join(payload[:LIST_NAME_MAX].split())
    assert_inert(doc, payload)
    assert post(tasker.user, f"/me/tasks/lists/{listed}", name="Today").status_code == 303


MARKDOWN = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "![i](javascript:alert(1))",
    "![i](https://example.org/tracker.png)",
    "<a href=\"javascript:alert(1)\">raw</a>",
    "<iframe src=\"https://example.org\"></iframe>",
]


@pytest.mark.parametrize("notes", MARKDOWN)
def test_markdown_notes_render_without_raw_html_unsafe_links_or_images(stack, tasker, notes):
    listed = default_list(tasker.user)
    tid = add_ok(tasker.user, listed, "markdown", notes=notes)
    doc = parse_html(tasker.user.get(f"/me/tasks?list={listed}").text)
    rendered = doc.by_id(f"task-{tid}").find("div", cls="task-notes")
    assert rendered is not None
    assert rendered.find("img") is None and rendered.find("iframe") is None, f"{notes!r} rendered an embed"
    assert_inert(rendered, notes)


# ----------------------------------------------------------------------------------------- requests

def test_ids_that_are_not_ids_are_404(tasker, unchanged):
    for path in ("/me/tasks/'%20or%201=1--/complete", "/me/tasks/..%2f..%2fetc/delete", "/me/tasks/1/place",
                 "/me/tasks/lists/%27/delete", "/me/tasks/lists/0"):
        r = post(tasker.user, path, name="x", before="x")
        assert r.status_code in (400, 404), f"POST {path}: {brief(r)}"
    r = tasker.user.get("/me/tasks?list=' or '1'='1")
    assert r.status_code == 404, brief(r)
    r = post(tasker.user, "/me/tasks", list="not-a-list", title="x")
    assert r.status_code == 404, brief(r)


def test_malformed_bodies_duplicates_csrf_and_methods(tasker, unchanged):
    listed = default_list(tasker.user)
    user = tasker.user
    token = user.csrf("/me/tasks")
    for body, what in [
        (f"csrf={token}&list={listed}&title=%C0%AE%C0%AE".encode(), "an overlong encoding"),
        (f"csrf={token}&list={listed}&title=a%00b".encode(), "a NUL byte"),
        (f"csrf={token}&list={listed}&title=%FF%FE".encode(), "invalid UTF-8"),
        (f"csrf={token}&list={listed}&title=one&title=two".encode(), "a duplicated field"),
        (f"csrf={token}&csrf={token}&list={listed}&title=x".encode(), "two CSRF fields"),
    ]:
        r = user.post_form("/me/tasks", body)
        assert r.status_code in (400, 403), f"{what}: {brief(r)}"
    r = user.post_form("/me/tasks", {"list": listed, "title": "no token"})
    assert r.status_code == 403, f"no CSRF token: {brief(r)}"
    r = user.post_form("/me/tasks", {"csrf": token, "list": listed, "title": "cross-site"},
                       headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403, f"cross-site: {brief(r)}"
    r = user.get(f"/me/tasks/lists/{listed}/delete")
    assert r.status_code == 405, f"GET on a change: {brief(r)}"
    r = user.request("TRACE", "/me/tasks")
    assert r.status_code in (405, 501), f"TRACE: {brief(r)}"
    r = user.get(f"/me/tasks?list={listed}&list={listed}")
    assert r.status_code == 400, f"a duplicated query parameter: {brief(r)}"
