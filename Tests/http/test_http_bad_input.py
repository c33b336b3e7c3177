"""Bad input (QUALITY.md, "Bad input"): every refusal is a clear 4xx, keeps what the user typed
where there is a form, never a 500, and changes nothing stored."""

import html
import json
import secrets
import time

import pytest

from pomopomo_testkit import User, fragment_names, parse_html, participant_names, raw_http


@pytest.fixture
def counts(stack):
    """Snapshot of what is stored; `unchanged()` asserts a refused request stored nothing."""

    class Counts:
        def __init__(self):
            self.before = (stack.rooms_count(), stack.participants_count())

        def unchanged(self):
            after = (stack.rooms_count(), stack.participants_count())
            assert after == self.before, f"(rooms, participants) went from {self.before} to {after}"

    return Counts


def assert_error_page(r, status):
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:300]}"
    doc = parse_html(r.text)
    message = doc.by_id("error-message")
    assert message is not None and message.get("role") == "alert" and message.text().strip()
    assert doc.by_id("request-id").text() == r.headers["X-Request-Id"]
    return message.text()


# ------------------------------------------------------------------------------------------- CSRF

def _target(kind, room):
    return "/rooms" if kind == "create" else f"/r/{room}/join"


# (id, how to build the body and headers from (user, own token, other user's token))
CSRF_CASES = [
    ("missing", lambda tok, other: ([("display_name", "Mallory")], {}), {403}),
    ("empty", lambda tok, other: ([("csrf", ""), ("display_name", "Mallory")], {}), {403}),
    ("wrong", lambda tok, other: ([("csrf", secrets.token_urlsafe(32)), ("display_name", "Mallory")], {}), {403}),
    ("garbage", lambda tok, other: ([("csrf", "'; drop table rooms;--"), ("display_name", "Mallory")], {}), {403}),
    ("truncated", lambda tok, other: ([("csrf", tok[:-2]), ("display_name", "Mallory")], {}), {403}),
    ("other session's token", lambda tok, other: ([("csrf", other), ("display_name", "Mallory")], {}), {403}),
    ("duplicated field", lambda tok, other: ([("csrf", tok), ("csrf", tok), ("display_name", "Mallory")], {}), {400, 403}),
    ("own and foreign token", lambda tok, other: ([("csrf", other), ("csrf", tok), ("display_name", "Mallory")], {}), {400, 403}),
    ("token in query only", lambda tok, other: ([("display_name", "Mallory")], {"_query": f"csrf={tok}"}), {403}),
    ("cross-site Origin", lambda tok, other: ([("csrf", tok), ("display_name", "Mallory")],
                                              {"Origin": "https://evil.example"}), {403}),
    ("look-alike Origin", lambda tok, other: ([("csrf", tok), ("display_name", "Mallory")],
                                              {"Origin": "http://127.0.0.1.evil.example"}), {403}),
    ("null Origin", lambda tok, other: ([("csrf", tok), ("display_name", "Mallory")], {"Origin": "null"}), {403}),
    ("Sec-Fetch-Site cross-site", lambda tok, other: ([("csrf", tok), ("display_name", "Mallory")],
                                                      {"Sec-Fetch-Site": "cross-site"}), {403}),
    ("text/plain body", lambda tok, other: (f"csrf={tok}&display_name=Mallory",
                                            {"Content-Type": "text/plain"}), {400, 403, 415}),
]


@pytest.mark.parametrize("kind", ["create", "join"])
@pytest.mark.parametrize("case,build,statuses", CSRF_CASES, ids=[c[0] for c in CSRF_CASES])
def test_forged_or_cross_site_posts_are_refused_and_store_nothing(room, new_user, counts, kind, case, build, statuses):
    attacker = new_user()
    token = attacker.csrf(f"/r/{room}")
    other = new_user().csrf("/")
    body, headers = build(token, other)
    query = headers.pop("_query", None)
    path = _target(kind, room) + (f"?{query}" if query else "")
    before = counts()
    r = attacker.post_form(path, body, headers=headers)
    assert r.status_code in statuses, f"{case}: {r.status_code} {r.text[:300]}"
    assert_error_page(r, r.status_code)
    before.unchanged()
    assert "Mallory" not in attacker.get(f"/r/{room}").text


@pytest.mark.parametrize("kind", ["create", "join"])
def test_post_without_any_session_cookie_is_refused(stack, room, counts, kind):
    user = User(stack.base_url)
    token = user.csrf("/")
    user.http.cookies.clear()  # the token is valid for a session the request no longer names
    before = counts()
    r = user.post_form(_target(kind, room), [("csrf", token), ("display_name", "Cookieless")])
    assert_error_page(r, 403)
    before.unchanged()


@pytest.mark.parametrize("kind", ["create", "join"])
def test_altered_session_cookie_is_refused(stack, room, counts, kind):
    user = User(stack.base_url)
    token = user.csrf("/")
    sid = user.sid
    altered = ("A" if sid[0] != "A" else "B") + sid[1:]
    user.http.cookies.clear()
    user.http.cookies.set("pp_sid", altered)
    before = counts()
    r = user.post_form(_target(kind, room), [("csrf", token), ("display_name", "Tampered")])
    assert_error_page(r, 403)
    before.unchanged()


@pytest.mark.parametrize("origin_header", [{}, {"Origin": "SAME"}, {"Sec-Fetch-Site": "same-origin"}],
                         ids=["no Origin (curl)", "Origin of this site (every browser)", "Sec-Fetch-Site same-origin"])
def test_same_site_posts_are_accepted(stack, new_user, origin_header):
    user = new_user()
    headers = {k: (stack.base_url if v == "SAME" else v) for k, v in origin_header.items()}
    token = user.csrf("/")
    r = user.post_form("/rooms", [("csrf", token), ("display_name", "Same Site")], headers=headers)
    assert r.status_code == 303, r.text[:300]


# ------------------------------------------------------------------------------------------- sizes

def test_body_over_two_mebibytes_is_413_and_stores_nothing(host, counts):
    token = host.csrf("/")
    before = counts()
    body = f"csrf={token}&display_name=Big&pad=".encode() + b"x" * (2 * 1024 * 1024)
    r = host.post_form("/rooms", body)
    assert r.status_code == 413
    before.unchanged()


@pytest.mark.parametrize("case", ["one huge field", "too many fields"])
def test_oversized_fields_are_refused_and_store_nothing(host, counts, case):
    token = host.csrf("/")
    before = counts()
    if case == "one huge field":
        body = f"csrf={token}&display_name=".encode() + b"A" * (200 * 1024)
    else:
        body = f"csrf={token}&display_name=Many&".encode() + b"&".join(b"f%d=1" % i for i in range(5000))
    r = host.post_form("/rooms", body)
    assert r.status_code in (400, 413, 422), r.status_code
    before.unchanged()


def test_very_long_url_is_refused_not_crashed(host):
    r = host.get("/r/" + "A" * 6000)
    assert r.status_code in (400, 404, 414)


def test_oversized_cookie_is_refused_not_crashed(host):
    r = host.get("/", headers={"Cookie": "pp_sid=" + "A" * 20000})
    assert r.status_code in (400, 431, 200)  # nginx refuses it, or the app ignores it



# ------------------------------------------------------------------------------------------- encodings

BAD_ENCODINGS = [
    ("bad escape %ZZ", "Ann%ZZ"),
    ("truncated escape", "Ann%4"),
    ("invalid UTF-8 %FF", "Ann%FF"),
    ("lone continuation byte", "Ann%80"),
    ("NUL byte", "Ann%00Bob"),
    ("overlong dot %C0%AE", "Ann%C0%AE"),
    ("UTF-16 surrogate", "Ann%ED%A0%80"),
]


@pytest.mark.parametrize("kind", ["create", "join"])
@pytest.mark.parametrize("case,encoded", BAD_ENCODINGS, ids=[c[0] for c in BAD_ENCODINGS])
def test_malformed_form_encoding_is_400_and_stores_nothing(room, new_user, counts, kind, case, encoded):
    user = new_user()
    token = user.csrf(f"/r/{room}")
    before = counts()
    r = user.post_form(_target(kind, room), f"csrf={token}&display_name={encoded}".encode())
    assert_error_page(r, 400)
    before.unchanged()


@pytest.mark.parametrize("query", ["code=%ZZ", "code=%FF", "code=%00", "code=%C0%AE", "code=a&code=b"])
def test_malformed_query_on_join_by_code_is_400(stack, query):
    status, headers, body = raw_http(stack.base_url, "GET", f"/join?{query}")
    assert status == 400, (status, body[:300])


@pytest.mark.parametrize("path", ["/r/%FF", "/r/%C0%AE%C0%AE", "/r/%ZZ", "/r/%00", "/r/ABC%0D%0ASet-Cookie:x=1"])
def test_malformed_path_is_400_or_404_never_500(stack, path):
    status, headers, body = raw_http(stack.base_url, "GET", path)
    assert status in (400, 404), (status, body[:300])
    assert "x=1" not in headers.get("set-cookie", "")


# ------------------------------------------------------------------------------------------- display names

INVALID_NAMES = [
    ("41 characters", "A" * 41, "at most 40"),
    ("41 emoji", "\U0001F345" * 41, "at most 40"),
    ("empty", "", "choose a display name"),
    ("spaces only", "     ", "choose a display name"),
    ("tabs and newlines", "\t\n \t", "choose a display name"),
    ("carriage return", "Line\rBreak", "control"),
    ("zero-width space", "Ad\u200bmin", "invisible"),
    ("zero-width joiner only", "\u200d", "invisible"),
    ("right-to-left override", "\u202egnp.exe", "direction"),
    ("bidi isolate", "\u2066Host\u2069", "direction"),
    ("byte order mark", "\ufeffHost", "invisible"),
    ("bell control", "Ding\x07", "control"),
    ("escape control", "\x1b[31mRed", "control"),
    ("tag characters", "Flag\U000E0041", "invisible"),
    ("attribute break-out, too long", '" autofocus onfocus=alert(1) x="' + "x" * 10, "at most 40"),
]


def kept_input_value(doc, input_id):
    field = doc.by_id(input_id)
    assert field is not None, f"no #{input_id} on the re-rendered form"
    return field.get("value")


@pytest.mark.parametrize("case,name,message", INVALID_NAMES, ids=[c[0] for c in INVALID_NAMES])
def test_invalid_name_on_create_is_422_with_input_kept(host, counts, case, name, message):
    token = host.csrf("/")
    before = counts()
    r = host.post_form("/rooms", [("csrf", token), ("display_name", name)])
    assert r.status_code == 422, r.text[:300]
    doc = parse_html(r.text)
    alert = doc.by_id("create-error")
    assert alert is not None and alert.get("role") == "alert"
    assert message in alert.text().lower() or message in alert.text()
    assert kept_input_value(doc, "create-name") == name
    assert doc.by_id("create-room").find("input", name="csrf").get("value") == token, "the retry would fail CSRF"
    before.unchanged()


@pytest.mark.parametrize("case,name,message", INVALID_NAMES, ids=[c[0] for c in INVALID_NAMES])
def test_invalid_name_on_join_is_422_with_input_kept(room, new_user, counts, case, name, message):
    guest = new_user()
    token = guest.csrf(f"/r/{room}")
    before = counts()
    r = guest.post_form(f"/r/{room}/join", [("csrf", token), ("display_name", name)])
    assert r.status_code == 422, r.text[:300]
    doc = parse_html(r.text)
    alert = doc.by_id("join-room-error")
    assert alert is not None and alert.get("role") == "alert"
    assert message in alert.text().lower() or message in alert.text()
    assert kept_input_value(doc, "join-name") == name
    assert doc.by_id("room-code").text() == room, "the re-rendered page is not the room"
    assert participant_names(doc) == ["Hana Host"]
    before.unchanged()


VALID_NAMES = [
    ("40 characters", "B" * 40, "B" * 40),
    ("40 emoji", "\U0001F345" * 40, "\U0001F345" * 40),
    ("accents decomposed, 40 after NFC", "e\u0301" * 40, "\u00e9" * 40),
    ("outer and inner spaces", "  Ana   Lucia  ", "Ana Lucia"),
    ("non-Latin", "\u5c71\u7530 \u592a\u90ce", "\u5c71\u7530 \u592a\u90ce"),
    ("right-to-left script", "\u05e9\u05dc\u05d5\u05dd", "\u05e9\u05dc\u05d5\u05dd"),
    ("SQL metacharacters", "Robert'); DROP TABLE rooms;--", "Robert'); DROP TABLE rooms;--"),
    ("percent and plus", "100% + more", "100% + more"),
]


@pytest.mark.parametrize("case,typed,shown", VALID_NAMES, ids=[c[0] for c in VALID_NAMES])
def test_valid_names_are_stored_normalised_and_shown(stack, room, new_user, case, typed, shown):
    guest = new_user()
    assert guest.join(room, typed).status_code == 303
    assert participant_names(guest.page(f"/r/{room}")) == ["Hana Host", shown]
    assert [p["name"] for p in guest.state(room)["participants"]] == ["Hana Host", shown]
    assert stack.psql("select to_regclass('rooms') is not null") == "t"


# ------------------------------------------------------------------------------------------- XSS

XSS_NAMES = [
    ("script tag", "<script>alert(1)</script>"),
    ("img onerror", "<img src=x onerror=alert(1)>"),
    ("svg onload", "<svg onload=alert(1)>"),
    ("attribute break-out", '" autofocus onfocus=alert(1) x="'),
    ("single-quote break-out", "' autofocus onfocus=alert(1) x='"),
    ("template partial", "{{> layout}}"),
    ("triple mustache", "{{{content}}}"),
    ("entity", "&lt;b&gt;"),
]


@pytest.mark.parametrize("case,payload", XSS_NAMES, ids=[c[0] for c in XSS_NAMES])
def test_hostile_names_render_as_text_in_page_poll_and_state(host, room, new_user, case, payload):
    since = host.version(room)
    guest = new_user()
    assert guest.join(room, payload).status_code == 303
    escaped = html.escape(payload, quote=True).replace("&#x27;", "&#39;")

    for who in (host, guest):
        # The join may have gone through the other responder: its wake-up reaches this one's
        # cache within milliseconds, but not necessarily before the next request.
        deadline = time.time() + 2
        r = who.get(f"/r/{room}")
        while escaped not in r.text and time.time() < deadline:
            time.sleep(0.05)
            r = who.get(f"/r/{room}")
        if escaped != payload:
            assert payload not in r.text, f"raw payload in the room page seen by {'host' if who is host else 'guest'}"
        assert escaped in r.text, "escaped payload missing from the room page"
        doc = parse_html(r.text)
        assert participant_names(doc) == ["Hana Host", payload]  # shown literally
        people = doc.by_id("participants")
        assert not people.find_all("img") and not people.find_all("svg") and not people.find_all("script")
        assert not [el for el in doc.iter() if any(a.startswith("on") for a in el.attrs)], "an event handler attribute"
        assert not [el for el in doc.iter() if "autofocus" in el.attrs and el.tag != "input"]
        assert all(s.get("src", "").startswith("/static/") for s in doc.find_all("script"))
    # The guest's own greeting shows the name literally too (template syntax is not expanded).
    assert payload in parse_html(guest.get(f"/r/{room}").text).by_id("you-are").text()

    poll = host.poll(room, since, timeout=5)
    assert poll.status_code == 200
    assert "<script" not in poll.text and "<img" not in poll.text and "<svg" not in poll.text
    fragment = poll.json()["fragments"]["participants"]
    if escaped != payload:
        assert payload not in fragment, "raw payload in the live fragment"
    assert escaped in fragment
    assert fragment_names(fragment) == ["Hana Host", payload]

    state = host.get(f"/r/{room}/state.json")
    assert state.headers["Content-Type"].startswith("application/json")
    assert state.headers["X-Content-Type-Options"] == "nosniff"
    assert "<" not in state.text and ">" not in state.text, "state.json carries raw angle brackets"
    assert [p["name"] for p in json.loads(state.text)["participants"]] == ["Hana Host", payload]


def test_hostile_name_of_the_host_is_escaped_in_you_are_and_avatar(new_user):
    user = new_user()
    code = user.create_room("<b>bold</b>")
    r = user.get(f"/r/{code}")
    assert "<b>bold</b>" not in r.text
    doc = parse_html(r.text)
    assert "<b>bold</b>" in doc.by_id("you-are").text()
    assert doc.find("span", cls="avatar").text() == "<"


# ------------------------------------------------------------------------------------------- methods

METHOD_CASES = [
    ("GET /rooms", "GET", "/rooms", {"POST"}),
    ("PUT /rooms", "PUT", "/rooms", {"POST"}),
    ("DELETE room", "DELETE", "/r/{code}", {"GET"}),
    ("POST room page", "POST", "/r/{code}", {"GET"}),
    ("GET join action", "GET", "/r/{code}/join", {"POST"}),
    ("PATCH state", "PATCH", "/r/{code}/state.json", {"GET"}),
    ("POST poll", "POST", "/r/{code}/poll?since=0", {"GET"}),
    ("POST home", "POST", "/", {"GET"}),
    ("unknown verb", "BREW", "/", {"GET"}),
]


@pytest.mark.parametrize("case,method,path,allowed", METHOD_CASES, ids=[c[0] for c in METHOD_CASES])
def test_wrong_methods_are_405_with_allow(host, room, counts, case, method, path, allowed):
    before = counts()
    r = host.request(method, path.format(code=room), headers={"Content-Type": "application/x-www-form-urlencoded"},
                     data=f"csrf={host.csrf('/')}&display_name=Meth")
    assert r.status_code == 405, r.text[:300]
    allow = {m.strip() for m in r.headers.get("Allow", "").split(",")}
    assert allowed <= allow, f"Allow: {r.headers.get('Allow')!r}"
    assert r.headers.get("Content-Type", "").startswith(("text/html", "application/json"))
    before.unchanged()


def test_get_on_join_action_does_not_join(host, room, new_user):
    guest = new_user()
    guest.csrf(f"/r/{room}")
    r = guest.get(f"/r/{room}/join?display_name=Sneaky")
    assert r.status_code == 405
    assert [p["name"] for p in host.state(room)["participants"]] == ["Hana Host"]


@pytest.mark.parametrize("target", ["/", "/r/ZZZ-ZZZ"])
def test_trace_is_never_echoed(stack, target):
    status, headers, body = raw_http(stack.base_url, "TRACE", target, headers={"X-Secret": "cookie-echo"})
    assert status in (400, 405, 501), status
    assert b"cookie-echo" not in body


def test_head_answers_like_get_without_a_body(stack, room):
    status, headers, body = raw_http(stack.base_url, "HEAD", f"/r/{room}")
    assert status == 200 and body == b""
    assert headers.get("content-security-policy")


# ------------------------------------------------------------------------------------------- SQL metacharacters

SQL_PATHS = [
    "/r/'%20OR%20'1'='1",
    "/r/ABC-DEF'--",
    "/r/%27%3B%20DROP%20TABLE%20rooms%3B--",
    "/r/1%20UNION%20SELECT%20code%20FROM%20rooms",
    "/r/ABC-DE%5C",
    "/r/'%20OR%20'1'='1/state.json",
    "/r/'%20OR%20'1'='1/poll?since=0",
    "/r/ZZZ-ZZZ/poll?since=1%20OR%201=1",
    "/r/ZZZ-ZZZ/poll?since=1;DROP%20TABLE%20rooms",
    "/join?code=%27%20OR%20%271%27=%271",
    "/join?code=ZZZ-ZZZ%27%20UNION%20SELECT%201--",
    "/join?code=%25",
]


@pytest.mark.parametrize("path", SQL_PATHS)
def test_sql_metacharacters_in_paths_and_queries_are_404_or_400(stack, host, room, path):
    status, headers, body = raw_http(stack.base_url, "GET", path)
    assert status in (400, 404), (status, body[:300])
    assert b"syntax" not in body.lower() and b"postgres" not in body.lower()
    assert stack.rooms_count() >= 1 and stack.room_exists(room)


def test_sql_in_the_join_by_code_field_keeps_input_and_finds_nothing(host, room):
    payload = f"{room}' OR '1'='1"
    r = host.get("/join", params={"code": payload})
    assert r.status_code == 404
    assert parse_html(r.text).by_id("join-code").get("value") == payload
