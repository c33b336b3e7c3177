"""Issue 9: abuse limits that a fresh cookie cannot dodge, and room sanctions that outlive a seat.

Every limit here counts per client address (REMOTE_ADDR; IPv6 by /64) and, when signed in, per
account: each test makes a fresh browser (cookie) per attempt to show the cookie does not matter.
The autouse `fresh_throttle` fixture empties the Redis counters before each test, so the limits are
counted from zero. Lookups of unknown room codes are also remembered inside each responder once an
address is over the limit, which no Redis flush forgets: that test uses an address of its own,
straight to the responders over FastCGI, so 127.0.0.1 (every other test) is never refused.
"""

import os
import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest

from accounts_kit import form_by_action, form_fields, page_csrf, sign_in
from pomopomo_testkit import CANONICAL_ROOM_PATH, User, parse_html

ROOMS_LIMIT = int(os.environ.get("POMOPOMO_LIMIT_ROOMS", "20"))
JOINS_LIMIT = int(os.environ.get("POMOPOMO_LIMIT_JOINS", "60"))
PROPOSALS_LIMIT = int(os.environ.get("POMOPOMO_LIMIT_PROPOSALS", "30"))
MESSAGES_LIMIT = int(os.environ.get("POMOPOMO_LIMIT_MESSAGES", "120"))
CODES_LIMIT = int(os.environ.get("POMOPOMO_LIMIT_UNKNOWN_CODES", "30"))
PROFILE_LIMIT = int(os.environ.get("POMOPOMO_LIMIT_PROFILE_WRITES", "30"))
AVATAR_LIMIT = int(os.environ.get("POMOPOMO_LIMIT_AVATAR_WRITES", "20"))


@pytest.fixture
def browsers(stack):
    """browser() -> a fresh User (own cookie jar), closed at teardown."""
    made = []

    def make() -> User:
        made.append(User(stack.base_url))
        return made[-1]

    yield make
    for user in made:
        user.http.close()


def error_text(r) -> str:
    doc = parse_html(r.text)
    for element_id in ("error-message", "room-error"):
        el = doc.by_id(element_id)
        if el is not None:
            return el.clean_text()
    return ""


def assert_limited(r, doing: str):
    """429, a Retry-After the browser can honour, and a page that says what was limited."""
    assert r.status_code == 429, f"expected 429, got {r.status_code}: {error_text(r) or r.text[:300]}"
    retry = r.headers.get("Retry-After", "")
    assert retry.isdigit() and int(retry) > 0, f"Retry-After {retry!r}"
    message = error_text(r)
    assert doing in message and "wait" in message, f"the 429 page says {message!r}"


def create_room(user: User, name: str = "Hana Host"):
    return user.post_form("/rooms", [("csrf", user.csrf("/")), ("display_name", name)])


def room_code(r) -> str:
    m = CANONICAL_ROOM_PATH.match(r.headers.get("Location", ""))
    assert r.status_code == 303 and m, f"creating a room answered {r.status_code} {r.headers.get('Location')}"
    return m.group(1)


def unused_code() -> str:
    """A well-formed room code that names no room (collisions: 1 in 729 million per room)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    code = "".join(secrets.choice(alphabet) for _ in range(6))
    return code[:3] + "-" + code[3:]


def fcgi_get(stack, responder: str, path: str, address: str, user: User | None = None):
    headers = {"Host": urlsplit(stack.base_url).netloc}
    if user is not None and user.sid:
        headers["Cookie"] = f"pp_sid={user.sid}"
    return stack.fcgi(responder, "GET", path, headers=headers, remote_addr=address)


def fcgi_post(stack, responder: str, path: str, fields: list, user: User, address: str):
    headers = {"Host": urlsplit(stack.base_url).netloc, "Cookie": f"pp_sid={user.sid}",
               "Content-Type": "application/x-www-form-urlencoded"}
    return stack.fcgi(responder, "POST", path, body=urlencode(fields).encode(), headers=headers, remote_addr=address)


def participant_names(stack, code: str) -> list[str]:
    out = stack.psql("select p.display_name from participants p join rooms r on r.id = p.room_id "
                     "where r.code = :'v1' order by p.joined_at", code.replace("-", ""))
    return out.splitlines() if out else []


def participant_id(user: User, code: str) -> str:
    me = user.page(f"/r/{code}").by_id("room").get("data-me")
    assert me, "not a participant"
    return me


def host_does(host: User, code: str, path: str):
    r = host.post_form(f"/r/{code}{path}", [("csrf", host.csrf("/"))])
    assert r.status_code == 303, f"POST {path}: {r.status_code} {error_text(r) or r.text[:300]}"


def say(user: User, code: str, text: str):
    r = user.post_form(f"/r/{code}/messages", [("csrf", user.csrf("/")), ("text", text)])
    assert r.status_code == 303, f"sending {text!r}: {r.status_code}"


def visible_messages(stack, code: str) -> list[str]:
    """What everyone sees: visible messages, read from PostgreSQL (no cache involved)."""
    out = stack.psql("select m.text from messages m join rooms r on r.id = m.room_id "
                     "where r.code = :'v1' and not m.is_shadow_hidden order by m.id", code.replace("-", ""))
    return out.splitlines() if out else []


# ------------------------------------------------------------------------------------------- rate limits

def test_room_creation_is_limited_per_address_whatever_the_cookie(stack, browsers):
    for i in range(ROOMS_LIMIT):
        room_code(create_room(browsers(), f"Maker {i}"))
    before = stack.rooms_count()
    r = create_room(browsers(), "One Too Many")
    assert_limited(r, "created many rooms")
    assert stack.rooms_count() == before, "the refused creation made a room"
    # What the person typed is on the page, so nothing is lost.
    assert "One Too Many" in r.text


def test_joins_are_limited_per_address_whatever_the_cookie(stack, browsers):
    code = room_code(create_room(browsers()))
    for i in range(JOINS_LIMIT):
        r = browsers().join(code, f"Guest {i}")
        assert r.status_code == 303, f"join {i + 1}: {r.status_code} {error_text(r)}"
    r = browsers().join(code, "Guest Too Many")
    assert_limited(r, "joined many rooms")
    assert "Guest Too Many" not in participant_names(stack, code)


def test_proposals_are_limited_per_address_whatever_the_cookie(stack, browsers):
    code = room_code(create_room(browsers()))
    guests = []
    sent = 0
    while sent < PROPOSALS_LIMIT:
        guest = browsers()
        assert guest.join(code, f"Proposer {len(guests)}").status_code == 303
        guests.append(guest)
        for _ in range(5):
            if sent == PROPOSALS_LIMIT:
                break
            r = guest.post_form(f"/r/{code}/proposals", [("csrf", guest.csrf("/")), ("kind", "add_segment"),
                                                          ("segment_kind", "custom"), ("duration", "10"),
                                                          ("label", f"proposal {sent}")])
            assert r.status_code == 303, f"proposal {sent + 1}: {r.status_code} {error_text(r)}"
            sent += 1
    fresh = browsers()
    assert fresh.join(code, "Late Proposer").status_code == 303
    r = fresh.post_form(f"/r/{code}/proposals", [("csrf", fresh.csrf("/")), ("kind", "add_segment"),
                                                  ("segment_kind", "custom"), ("duration", "10"),
                                                  ("label", "one too many")])
    assert_limited(r, "sent many proposals")
    assert "one too many" in r.text, "the typed proposal is not kept on the 429 page"
    count = stack.psql("select count(*) from proposals p join rooms r on r.id = p.room_id where r.code = :'v1'",
                       code.replace("-", ""))
    assert int(count) == PROPOSALS_LIMIT


def test_chat_messages_are_limited_per_address_whatever_the_seat(stack, browsers):
    """Each seat may send 30 a minute, and seats are free: the address has a limit of its own."""
    code = room_code(create_room(browsers()))
    sent = 0
    while sent < MESSAGES_LIMIT:
        guest = browsers()
        assert guest.join(code, f"Chatter {sent}").status_code == 303
        token = guest.csrf("/")
        for _ in range(min(24, MESSAGES_LIMIT - sent)):
            r = guest.post_form(f"/r/{code}/messages", [("csrf", token), ("text", f"message {sent}")])
            assert r.status_code == 303, f"message {sent + 1}: {r.status_code} {error_text(r)}"
            sent += 1
    fresh = browsers()
    assert fresh.join(code, "Late Chatter").status_code == 303
    r = fresh.post_form(f"/r/{code}/messages", [("csrf", fresh.csrf("/")), ("text", "one message too many")])
    assert_limited(r, "sent many chat messages")
    # The room page again, with the message still in the chat box.
    box = parse_html(r.text).find("textarea", name="text") or parse_html(r.text).find("input", name="text")
    assert "one message too many" in r.text and box is not None
    count = stack.psql("select count(*) from messages m join rooms r on r.id = m.room_id where r.code = :'v1'",
                       code.replace("-", ""))
    assert int(count) == MESSAGES_LIMIT


def test_unknown_room_codes_are_limited_per_address_and_then_no_code_is_answered(stack, browsers):
    """Room codes must not be found by trying them: lookups of codes that name no room (the join
    form, room pages, polls) count against the address; past the limit every lookup by code from
    there is refused, live rooms included, or the refusals would tell which codes exist."""
    live = room_code(create_room(browsers()))
    guesser = "198.51.100.77"
    a, b = stack.responders[0], stack.responders[-1]
    for i in range(CODES_LIMIT):
        path = f"/join?code={unused_code()}" if i % 3 == 0 else f"/r/{unused_code()}" if i % 3 == 1 \
            else f"/r/{unused_code()}/state.json"
        r = fcgi_get(stack, (a, b)[i % 2], path, guesser)  # fresh session every time: no cookie sent
        assert r.status == 404, f"guess {i + 1} ({path}): {r.status}"
    r = fcgi_get(stack, a, f"/r/{unused_code()}", guesser)
    assert r.status == 429 and int(r.headers.get("retry-after", "0")) > 0, f"guess {CODES_LIMIT + 1}: {r.status}"
    assert "room codes that do not exist" in r.text
    # The other responder learns of it at the next guess there.
    assert fcgi_get(stack, b, f"/join?code={unused_code()}", guesser).status == 429
    # Now a live room answers like any other code, from either responder, to a fresh cookie.
    for responder in (a, b):
        for path in (f"/r/{live}", f"/join?code={live}", f"/r/{live}/state.json"):
            got = fcgi_get(stack, responder, path, guesser).status
            assert got == 429, f"{path} from the guessing address answered {got} on {responder}"
    # Other addresses are not affected.
    assert fcgi_get(stack, a, f"/r/{live}", "198.51.100.78").status == 200
    assert browsers().get(f"/r/{live}").status_code == 200


def test_profile_writes_are_limited_per_address_and_account(stack, account):
    acct = account("profilelimit")
    user = acct.user

    def save(bio: str):
        fields = form_fields(form_by_action(user.page("/settings/profile"), "/settings/profile"))
        fields["bio"] = bio
        return user.post_form("/settings/profile", [(k, v) for k, v in fields.items() if v is not None])

    for i in range(PROFILE_LIMIT):
        r = save(f"bio number {i}")
        assert r.status_code == 303, f"profile save {i + 1}: {r.status_code} {error_text(r)}"
    r = save("one bio too many")
    assert_limited(r, "changed your profile many times")
    assert "one bio too many" in r.text, "the typed bio is not kept on the 429 page"
    assert "one bio too many" not in user.get(f"/u/{acct.username}").text


def test_avatar_writes_are_limited_per_address_and_account(stack, account):
    acct = account("avatarlimit")
    user = acct.user
    for i in range(AVATAR_LIMIT):
        r = user.post_form("/settings/avatar/delete", [("csrf", page_csrf(user, "/settings/profile"))])
        assert r.status_code == 303, f"avatar write {i + 1}: {r.status_code} {error_text(r)}"
    r = user.post_form("/settings/avatar/delete", [("csrf", page_csrf(user, "/settings/profile"))])
    assert_limited(r, "changed your picture many times")
    png = bytes.fromhex("89504e470d0a1a0a0000000d494844520000000100000001080600000000")
    r = user.request("POST", "/settings/avatar", data={"csrf": page_csrf(user, "/settings/profile")},
                     files={"avatar": ("me.png", png + b"\0" * 64, "image/png")})
    assert r.status_code == 429, f"an upload past the limit answered {r.status_code}"


def test_ipv4_mapped_addresses_count_with_their_ipv4_address(stack, browsers):
    """A dual-stack nginx passes IPv4 clients as ::ffff:a.b.c.d: those are one client with
    a.b.c.d, not members of one /64 shared by every IPv4 client."""
    plain, mapped = "203.0.113.9", "::ffff:203.0.113.9"
    for i in range(ROOMS_LIMIT):
        user = browsers()
        token = user.csrf("/")
        r = fcgi_post(stack, stack.responders[i % 2], "/rooms", [("csrf", token), ("display_name", f"Dual {i}")], user,
                      (plain, mapped)[i % 2])
        assert r.status == 303, f"creation {i + 1}: {r.status}"
    user = browsers()
    token = user.csrf("/")
    r = fcgi_post(stack, stack.responders[0], "/rooms", [("csrf", token), ("display_name", "Dual late")], user, mapped)
    assert r.status == 429, f"the mapped address was counted apart from its IPv4 address: {r.status}"
    # Another IPv4 client behind the same kind of listener is someone else.
    r = fcgi_post(stack, stack.responders[0], "/rooms", [("csrf", token), ("display_name", "Other")], user,
                  "::ffff:203.0.113.10")
    assert r.status == 303, f"another IPv4-mapped client is limited too: {r.status}"


# ------------------------------------------------------------------------------------------- parked polls

def test_parked_polls_are_capped_per_address_whatever_the_cookie(stack, browsers):
    """A responder allowing 3 parked polls per address: a 4th from the same address, with a fresh
    cookie, answers that address's oldest with 429; another address is not touched."""
    stack.responder_start("cap", env={"POMOPOMO_POLLS_PER_ADDRESS": "3", "POMOPOMO_POLL_HOLD": "4"})
    try:
        code = room_code(create_room(browsers()))
        since = browsers().state(code)["version"]
        results = {}

        def park(key, address):
            started = time.monotonic()
            r = stack.fcgi("cap", "GET", f"/r/{code}/poll?since={since}", headers={"Accept": "application/json"},
                           remote_addr=address, timeout=15)
            results[key] = (r.status, r.headers.get("retry-after"), time.monotonic() - started)

        threads = []
        for key, address in [("first", "192.0.2.44"), ("other", "192.0.2.45"), ("second", "192.0.2.44"),
                             ("third", "192.0.2.44"), ("fourth", "192.0.2.44")]:
            threads.append(threading.Thread(target=park, args=(key, address), daemon=True))
            threads[-1].start()
            time.sleep(0.3)  # in this order, so "first" is the oldest
        for t in threads:
            t.join(timeout=20)
        status, retry, waited = results["first"]
        assert status == 429 and retry and int(retry) > 0, f"the oldest poll of the address: {results['first']}"
        assert waited < 3, f"the oldest poll was answered only after {waited:.1f}s"
        for key in ("other", "second", "third", "fourth"):
            assert results[key][0] == 204, f"{key}: {results[key]}"
    finally:
        stack.responder_stop("cap")


# ------------------------------------------------------------------------------------------- mutes and removals

def test_a_mute_outlives_leaving_and_rejoining(stack, browsers):
    host = browsers()
    code = room_code(create_room(host))
    guest = browsers()
    assert guest.join(code, "Mo Muted").status_code == 303
    host_does(host, code, f"/participants/{participant_id(guest, code)}/mute")
    r = guest.post_form(f"/r/{code}/leave", [("csrf", guest.csrf("/"))])
    assert r.status_code == 303
    assert guest.join(code, "Mo Muted").status_code == 303
    say(guest, code, "muted and back again")
    assert "muted and back again" not in visible_messages(stack, code), "leaving and rejoining lifted the mute"
    # The host can still lift it, and then it stays lifted.
    host_does(host, code, f"/participants/{participant_id(guest, code)}/unmute")
    say(guest, code, "unmuted now")
    assert visible_messages(stack, code) == ["unmuted now"]


def test_a_chat_burst_mute_outlives_leaving_and_rejoining(stack, browsers):
    host = browsers()
    code = room_code(create_room(host))
    guest = browsers()
    assert guest.join(code, "Flo Flooder").status_code == 303
    for i in range(10):
        say(guest, code, f"flood {i}")
    guest.post_form(f"/r/{code}/leave", [("csrf", guest.csrf("/"))])
    assert guest.join(code, "Flo Flooder").status_code == 303
    say(guest, code, "clean slate?")
    assert "clean slate?" not in visible_messages(stack, code)


def test_a_muted_account_stays_muted_in_a_fresh_browser(stack, account, browsers):
    host = browsers()
    code = room_code(create_room(host))
    acct = account("mutedacct")
    assert acct.user.join(code, "Acct Muted").status_code == 303
    host_does(host, code, f"/participants/{participant_id(acct.user, code)}/mute")
    elsewhere = browsers()
    assert sign_in(elsewhere, acct.email, acct.password).status_code == 303
    assert elsewhere.join(code, "Acct Elsewhere").status_code == 303
    say(elsewhere, code, "from another browser")
    assert "from another browser" not in visible_messages(stack, code)


def test_a_removed_guest_gets_a_page_saying_so_and_cannot_rejoin(stack, browsers):
    host = browsers()
    code = room_code(create_room(host))
    guest = browsers()
    assert guest.join(code, "Rex Removed").status_code == 303
    host_does(host, code, f"/participants/{participant_id(guest, code)}/remove")
    r = guest.get(f"/r/{code}")
    assert r.status_code == 403 and "removed you from this room" in error_text(r), \
        f"the removed guest's room page: {r.status_code} {error_text(r)!r}"
    token = guest.csrf("/")
    r = guest.post_form(f"/r/{code}/join", [("csrf", token), ("display_name", "Rex Returns")])
    assert r.status_code == 403 and "removed you from this room" in error_text(r), f"rejoining: {r.status_code}"
    assert participant_names(stack, code) == ["Hana Host"]
    poll = guest.poll(code, 0)
    assert poll.status_code == 403, f"the removed guest's poll: {poll.status_code}"
    # Everyone else still gets the room.
    assert browsers().get(f"/r/{code}").status_code == 200


def test_a_removed_account_cannot_rejoin_from_a_fresh_browser(stack, account, browsers):
    host = browsers()
    code = room_code(create_room(host))
    acct = account("removedacct")
    assert acct.user.join(code, "Acct Removed").status_code == 303
    host_does(host, code, f"/participants/{participant_id(acct.user, code)}/remove")
    elsewhere = browsers()
    assert sign_in(elsewhere, acct.email, acct.password).status_code == 303
    r = elsewhere.get(f"/r/{code}")
    assert r.status_code == 403 and "removed you from this room" in error_text(r)
    r = elsewhere.post_form(f"/r/{code}/join", [("csrf", elsewhere.csrf("/")), ("display_name", "Acct Again")])
    assert r.status_code == 403
    assert participant_names(stack, code) == ["Hana Host"]


def test_a_removed_guest_who_signs_in_stays_removed(stack, account, browsers):
    """Sign-in moves a browser's sanctions to its new session and to the account."""
    host = browsers()
    code = room_code(create_room(host))
    acct = account("signsinlater")
    guest = browsers()
    assert guest.join(code, "Guest First").status_code == 303
    host_does(host, code, f"/participants/{participant_id(guest, code)}/remove")
    assert sign_in(guest, acct.email, acct.password).status_code == 303
    assert guest.get(f"/r/{code}").status_code == 403
    # And the account, in yet another browser.
    assert acct.user.get(f"/r/{code}").status_code == 403


# ------------------------------------------------------------------------------------------- room cache

def test_a_made_up_room_version_cookie_does_not_force_uncached_loads(stack, browsers):
    """pp_rv names the version a browser's own change made; a cached room older than that is
    reloaded from PostgreSQL. A value the room never reached must be ignored, or one browser
    could turn every view of a busy room into database work."""
    code = room_code(create_room(browsers()))
    a = stack.responders[0]
    viewer = browsers()
    viewer.get("/")
    for _ in range(2):  # loads and caches the room in responder a
        assert fcgi_get(stack, a, f"/r/{code}", "127.0.0.1", viewer).status == 200
    # A change that breaks the writer rule on purpose (no version bump, no wake-up): only a load
    # from PostgreSQL can show it.
    stack.psql("update rooms set theme = 'forest_calm' where code = :'v1'", code.replace("-", ""))
    headers = {"Host": urlsplit(stack.base_url).netloc, "Cookie": f"pp_sid={viewer.sid}; pp_rv=999999999"}
    r = stack.fcgi(a, "GET", f"/r/{code}", headers=headers)
    assert r.status == 200
    theme = parse_html(r.text).by_id("room").get("data-theme")
    assert theme != "forest_calm", "a made-up pp_rv forced a load from PostgreSQL"
