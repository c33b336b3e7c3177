"""Pages through nginx: headers every response carries, the home page, creating and joining a
room, room addresses, and the friendly 404s."""

import re

import pytest

from pomopomo_testkit import CANONICAL_ROOM_PATH, parse_html, participant_names, raw_http

CSP_REQUIRED = ["script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]


def assert_security_headers(headers, *, dynamic=True):
    where = f"(headers: {dict(headers)})"
    csp = headers.get("Content-Security-Policy", "")
    for directive in CSP_REQUIRED:
        assert directive in csp, f"CSP lacks {directive!r} {where}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"CSP allows inline script {where}"
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy"), where
    if dynamic:
        assert "no-store" in headers.get("Cache-Control", ""), where
    assert headers.get("Server", "nginx") == "nginx", f"version banner leaked {where}"
    assert not any(h.lower() in ("x-powered-by", "x-aspnet-version") for h in headers), where
    assert headers.get("X-Request-Id"), f"no request id {where}"


# (description, method, path-template, expected status); {code} is a live room.
HEADER_CASES = [
    ("home", "GET", "/", 200),
    ("room page", "GET", "/r/{code}", 200),
    ("room state", "GET", "/r/{code}/state.json", 200),
    ("fresh poll answer", "GET", "/r/{code}/poll?since=0", 200),
    ("bad poll", "GET", "/r/{code}/poll?since=x", 400),
    ("health", "GET", "/healthz", 200),
    ("readiness", "GET", "/readyz", 200),
    ("canonical redirect", "GET", "/r/{lower}", 301),
    ("join redirect", "GET", "/join?code={code}", 303),
    ("unknown room", "GET", "/r/ZZZ-ZZZ", 404),
    ("unknown page", "GET", "/no/such/page", 404),
    ("wrong method", "DELETE", "/r/{code}", 405),
    ("no csrf", "POST", "/rooms", 403),
]


@pytest.mark.parametrize("what,method,path,status", HEADER_CASES, ids=[c[0] for c in HEADER_CASES])
def test_every_dynamic_response_carries_the_security_headers(host, room, what, method, path, status):
    r = host.request(method, path.format(code=room, lower=room.lower()))
    assert r.status_code == status, r.text[:300]
    assert_security_headers(r.headers)


def test_static_files_are_not_sniffed_and_show_no_version(host):
    for path in ("/static/css/app.css", "/static/js/live.js"):
        r = host.get(path)
        assert r.status_code == 200
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        assert r.headers.get("Server") == "nginx", "nginx shows its version (server_tokens should be off)"
    assert "javascript" in host.get("/static/js/live.js").headers["Content-Type"]


def test_nginx_error_pages_show_no_version(stack):
    status, headers, body = raw_http(stack.base_url, "TRACE", "/")
    assert headers.get("server") == "nginx"
    assert not re.search(rb"nginx/\d", body), body


def test_home_page_offers_both_forms(host):
    r = host.get("/")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    doc = parse_html(r.text)
    create = doc.by_id("create-room")
    assert create is not None and create.get("method") == "post" and create.get("action") == "/rooms"
    assert create.find("input", name="csrf").get("value")
    assert create.find("input", name="display_name") is not None
    join = doc.by_id("join-by-code")
    assert join is not None and join.get("method") == "get" and join.get("action") == "/join"
    assert join.find("input", name="code") is not None
    # Only external scripts: the CSP forbids inline ones, so an inline one would be broken.
    for script in doc.find_all("script"):
        assert script.get("src", "").startswith("/static/"), "inline script on the home page"
        assert not script.text().strip()


def test_session_cookie_is_httponly_and_samesite(host):
    r = host.get("/")
    cookie = r.headers.get("Set-Cookie", "")
    assert cookie.startswith("pp_sid="), cookie
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs
    # A returning visitor keeps the same session: no new cookie.
    assert "pp_sid" not in host.get("/").headers.get("Set-Cookie", "")


def test_creating_a_room_redirects_to_its_page_showing_the_host(host):
    token = host.csrf("/")
    r = host.post_form("/rooms", [("csrf", token), ("display_name", "  Hana   Host ")])
    assert r.status_code == 303
    m = CANONICAL_ROOM_PATH.match(r.headers["Location"])
    assert m, r.headers["Location"]
    code = m.group(1)
    doc = host.page(r.headers["Location"])
    assert doc.by_id("room-code").text() == code
    you = doc.by_id("you-are")
    assert you is not None and "Hana Host" in you.clean_text() and "host" in you.clean_text()
    assert doc.by_id("join-room") is None, "the host is offered to join their own room"
    assert participant_names(doc) == ["Hana Host"]  # trimmed, inner spaces folded
    assert doc.by_id("participant-count").clean_text().startswith("1 person")
    live = doc.find("div", cls="room-grid")
    assert live.get("data-live") == f"/r/{code}/poll"
    assert live.get("data-version", "").isdigit()


def test_second_visitor_joins_and_both_see_two_people(host, room, new_user):
    guest = new_user()
    doc = guest.page(f"/r/{room}")
    assert doc.by_id("you-are") is None
    form = doc.by_id("join-room")
    assert form is not None and form.get("action") == f"/r/{room}/join"
    assert participant_names(doc) == ["Hana Host"]

    r = guest.join(room, "Gus Guest")
    assert r.status_code == 303 and r.headers["Location"] == f"/r/{room}"
    for who in (host, guest):
        doc = who.page(f"/r/{room}")
        assert participant_names(doc) == ["Hana Host", "Gus Guest"]
        assert doc.by_id("participant-count").clean_text().startswith("2 people")
    guest_doc = guest.page(f"/r/{room}")
    assert "Gus Guest" in guest_doc.by_id("you-are").clean_text()
    assert guest_doc.by_id("join-room") is None
    state = guest.state(room)
    assert [(p["name"], p["role"]) for p in state["participants"]] == [("Hana Host", "host"), ("Gus Guest", "guest")]


def test_joining_twice_renames_instead_of_duplicating(room, new_user):
    guest = new_user()
    assert guest.join(room, "First").status_code == 303
    token = guest.csrf("/")  # the joined room page has no form; any page's token is the session's
    r = guest.post_form(f"/r/{room}/join", [("csrf", token), ("display_name", "Second")])
    assert r.status_code == 303
    assert [p["name"] for p in guest.state(room)["participants"]] == ["Hana Host", "Second"]


@pytest.mark.parametrize("spelling", ["lower", "nohyphen", "lower-nohyphen", "spaces"])
def test_non_canonical_room_addresses_redirect_permanently(host, room, spelling):
    variants = {
        "lower": room.lower(),
        "nohyphen": room.replace("-", ""),
        "lower-nohyphen": room.replace("-", "").lower(),
        "spaces": room.replace("-", "%20"),
    }
    r = host.get(f"/r/{variants[spelling]}")
    assert r.status_code == 301
    assert r.headers["Location"] == f"/r/{room}"


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{nohyphen}", " {lower} "])
def test_join_by_code_form_accepts_what_people_type(host, room, typed):
    value = typed.format(code=room, lower=room.lower(), nohyphen=room.replace("-", ""))
    r = host.get("/join", params={"code": value})
    assert r.status_code == 303
    assert r.headers["Location"] == f"/r/{room}"


@pytest.mark.parametrize("typed", ["ZZZ-ZZZ", "nope", "", "O0O-1IL", "ABC-DEF-GHI", "' OR '1'='1"])
def test_join_by_code_with_unknown_code_says_so_and_keeps_the_input(host, typed):
    r = host.get("/join", params={"code": typed})
    assert r.status_code == 404
    doc = parse_html(r.text)
    alert = doc.by_id("join-error")
    assert alert is not None and alert.get("role") == "alert"
    assert "no open room" in alert.text()
    assert doc.by_id("join-code").get("value") == typed
    # The create form still works from this page.
    assert doc.by_id("create-room").find("input", name="csrf").get("value")


def assert_friendly_404(r):
    assert r.status_code == 404, r.text[:300]
    assert r.headers["Content-Type"].startswith("text/html")
    doc = parse_html(r.text)
    message = doc.by_id("error-message")
    assert message is not None and message.get("role") == "alert"
    assert "no open room" in message.text() or "nothing at this address" in message.text()
    request_id = doc.by_id("request-id")
    assert request_id is not None and request_id.text() == r.headers["X-Request-Id"]
    assert doc.find("a", href="/") is not None, "no way back home from the 404 page"


@pytest.mark.parametrize("path", [
    "/r/ZZZ-ZZZ",              # well-formed, never created
    "/r/zzzzzz",               # well-formed, lower case
    "/r/ABC",                  # too short
    "/r/ABCDEFG",              # too long
    "/r/O0O-1IL",              # look-alike characters are not in the alphabet
    "/r/!!!",
    "/r/ZZZ-ZZZ/",             # trailing slash
    "/r//ZZZ-ZZZ",
    "/r/ZZZ-ZZZ/nothing",
])
def test_unknown_or_malformed_room_is_a_friendly_404(host, path):
    # A non-canonical spelling may first be redirected to the canonical one; it ends on the 404.
    assert_friendly_404(host.get(path, allow_redirects=True))


def test_expired_room_is_gone_everywhere(stack, host, room, new_user):
    guest = new_user()
    token = guest.csrf(f"/r/{room}")
    stack.psql("update rooms set expires_at = now() - interval '1 second' where code = :'v1'", room.replace("-", ""))
    stack.announce(room)
    assert_friendly_404(host.get(f"/r/{room}"))
    assert_friendly_404(host.get(f"/r/{room.lower()}", allow_redirects=True))
    assert host.get("/join", params={"code": room}).status_code == 404
    r = guest.post_form(f"/r/{room}/join", [("csrf", token), ("display_name", "Late")])
    assert r.status_code == 404
    for path in (f"/r/{room}/state.json", f"/r/{room}/poll?since=0"):
        r = host.get(path)
        assert r.status_code == 404 and r.headers["Content-Type"].startswith("application/json")
        assert "error" in r.json()
    assert stack.psql("select count(*) from participants p join rooms r on r.id = p.room_id where r.code = :'v1'",
                      room.replace("-", "")) == "1"


def test_state_json_describes_the_room(host, room):
    r = host.get(f"/r/{room}/state.json")
    assert r.headers["Content-Type"].startswith("application/json")
    state = r.json()
    assert state["code"] == room
    assert isinstance(state["version"], int) and state["version"] >= 1
    assert [{k: v for k, v in p.items() if k != "id"} for p in state["participants"]] == [
        {"name": "Hana Host", "role": "host", "online": True, "dj": False}]
    assert re.match(r"^[0-9a-f-]{36}$", state["participants"][0]["id"])
    assert state["status"] == "idle" and state["timer"]["status"] == "idle"
    assert [s["kind"] for s in state["segments"]] == ["focus", "break"] * 3 + ["focus", "long_break"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", state["expires_at"])
    # The soundtrack (issue 16): nothing plays in a new room, and nothing is queued.
    music = state["soundtrack"]
    assert music["current"] is None and music["up_next"] == [] and music["history"] == []
    assert music["now"]["playing"] is False and music["now"]["mode"] == "always" and music["proposals_allowed"] is True


def test_health_and_readiness(host):
    r = host.get("/healthz")
    assert r.status_code == 200 and r.text.strip() == "ok"
    ready = host.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["postgres"] == "ok" and body["redis"] == "ok" and body["live_subscribed"] is True


def test_every_response_has_a_request_id_matching_its_error_page(host):
    ids = set()
    for _ in range(5):
        r = host.get("/r/ZZZ-ZZZ")
        rid = r.headers.get("X-Request-Id")
        assert rid and re.match(r"^[A-Za-z0-9_-]{6,}$", rid)
        assert parse_html(r.text).by_id("request-id").text() == rid
        ids.add(rid)
    assert len(ids) == 5, "request ids repeat"


def test_forged_host_header_never_reaches_generated_links(stack, host, room):
    r = host.get(f"/r/{room}", headers={"Host": "evil.example"})
    assert r.status_code == 200
    assert "evil.example" not in r.text
    share = parse_html(r.text).find("p", cls="share").find("a")
    assert share.get("href").endswith(f"/r/{room}")
