"""Big rooms (issue 9 §5, QUALITY.md "Crowds"): pages and state.json stay small at any size, the
host's moderation view pages its people, and a crowd coming back from away is written in batches
that bump the people version about once a second, not once per person.

The crowds are written straight into PostgreSQL (joining 10,000 people through HTTP would take
minutes); each seeded participant's session hash is sha256 of a cookie the test knows, so the
behaviour under test goes through nginx and the responders as those people."""

import base64
import hashlib
import math
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pomopomo_testkit import parse_html, participant_names, publish_wake, room_id

PAGE_LIMIT = 60 * 1024     # a room page's bound at any size (issue 9)
LISTED = 50                # "who is here" lists the host and this many more


def seed_crowd(stack, code: str, count: int, away: bool = False, online: bool = False) -> list[str]:
    """Adds `count` guests to the room in one statement and announces the change (the writer
    rule); returns their pp_sid cookies, in joining order. Last seen: `away` five minutes ago,
    `online` just now, else spread over the last two minutes (about half online)."""
    rid = room_id(stack, code)
    prefix = f"crowd-{rid}-"
    version = int(stack.psql(
        "with added as (insert into participants (room_id, session_hash, display_name, role, joined_at, last_seen_at)"
        " select :'v1'::uuid, sha256(convert_to(rtrim(translate(encode(sha256(convert_to(:'v2' || g, 'UTF8')), 'base64'),"
        " '+/', '-_'), '='), 'UTF8')), 'Guest ' || g, 'guest',"
        "        now() + g * interval '1 millisecond',"
        "        now() - case :'v4' when 'away' then interval '5 minutes' when 'online' then interval '0 seconds'"
        "                        else (g % 120) * interval '1 second' end"
        " from generate_series(1, :'v3'::int) g returning 1)"
        " update rooms set version = version + 1, people_v = version + 1 where id = :'v1'"
        " and (select count(*) from added) > 0 returning version",
        rid, prefix, str(count), "away" if away else "online" if online else "mixed").splitlines()[0])
    publish_wake(stack, rid, version)
    return [cookie_for(f"{prefix}{g}") for g in range(1, count + 1)]


def cookie_for(seed: str) -> str:
    """A well-formed pp_sid (43 base64url characters) derived from `seed`, as seed_crowd's SQL does."""
    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).rstrip(b"=").decode()


def as_cookie(base_url: str, cookie: str) -> requests.Session:
    http = requests.Session()
    http.headers["Cookie"] = f"pp_sid={cookie}"
    return http


def fresh_page(host, code: str, want_count: int) -> str:
    """The host's room page once it shows `want_count` people (caches hear of the seed by Redis)."""
    deadline = time.monotonic() + 5
    while True:
        r = host.get(f"/r/{code}")
        assert r.status_code == 200, r.status_code
        if re.search(rf"\b{want_count} people\b", r.text):
            return r.text
        assert time.monotonic() < deadline, "the room page never showed the seeded crowd"
        time.sleep(0.1)


def test_a_room_of_ten_thousand_has_a_small_page_listing_the_host_first_and_and_n_more(stack, host, room):
    seed_crowd(stack, room, 10_000)
    text = fresh_page(host, room, 10_001)
    size = len(text.encode())
    assert size <= PAGE_LIMIT, f"the room page of 10,001 people is {size} bytes"
    doc = parse_html(text)
    names = participant_names(doc)
    assert len(names) == LISTED + 1, f"{len(names)} people listed"
    assert names[0] == "Hana Host", "the host is not listed first"
    more = doc.by_id("participants").find("li", cls="more-people")
    assert more is not None and more.clean_text() == f"and {10_001 - LISTED - 1} more"
    assert re.match(r"^10001 people · \d+ online$", doc.by_id("participant-count").clean_text())

    # A guest's page and a long-poll answer are bounded the same way.
    guest = requests.Session()
    r = guest.get(f"{stack.base_url}/r/{room}", timeout=10)
    assert r.status_code == 200 and len(r.content) <= PAGE_LIMIT
    r = host.poll(room, 0, timeout=10)
    assert r.status_code == 200 and len(r.content) <= PAGE_LIMIT, len(r.content)
    assert len(parse_html(r.json()["fragments"]["participants"]).find_all("li", cls="participant")) == LISTED + 1
    # Browsers spread their next polls over N / 4,000 seconds, so one change does not bring all
    # 10,000 back within the same second.
    assert r.json()["spread_ms"] == 2500


def test_the_list_shows_the_most_recently_active(stack, host, room):
    cookies = seed_crowd(stack, room, 300, away=True)
    # Ten of them come back: they are seen now, the other 290 five minutes ago.
    for cookie in cookies[100:110]:
        assert as_cookie(stack.base_url, cookie).get(f"{stack.base_url}/r/{room}", timeout=10).status_code == 200
    deadline = time.monotonic() + 5
    while True:
        names = participant_names(parse_html(fresh_page(host, room, 301)))
        if all(f"Guest {g}" in names for g in range(101, 111)):
            break
        assert time.monotonic() < deadline, f"the people who came back are not listed: {names}"
        time.sleep(0.2)
    assert names[0] == "Hana Host" and len(names) == LISTED + 1


def test_state_json_pages_its_participants_and_always_counts_them(stack, host, room):
    seed_crowd(stack, room, 300)
    fresh_page(host, room, 301)
    first = host.state(room)
    assert first["participant_count"] == 301
    assert 0 < first["online_count"] <= 301
    assert first["participants_page"] == 1 and first["participants_pages"] == 4
    assert len(first["participants"]) == 100 and first["participants"][0]["role"] == "host"
    seen = [p["id"] for p in first["participants"]]
    for page in (2, 3, 4):
        r = host.get(f"/r/{room}/state.json", params={"participants_page": page})
        assert r.status_code == 200
        body = r.json()
        assert body["participants_page"] == page and body["participant_count"] == 301
        seen += [p["id"] for p in body["participants"]]
    assert len(seen) == 301 and len(set(seen)) == 301, "pages overlap or miss someone"
    assert len(host.get(f"/r/{room}/state.json").content) < 30_000


@pytest.mark.parametrize("page", ["0", "-1", "x", "1e3", "9999999", ""])
def test_a_bad_participants_page_is_400(host, room, page):
    r = host.get(f"/r/{room}/state.json", params={"participants_page": page})
    assert r.status_code == 400, r.status_code
    r = host.get(f"/r/{room}/moderate", params={"page": page})
    assert r.status_code == 400, r.status_code


def test_the_moderation_view_pages_people(stack, host, room):
    seed_crowd(stack, room, 250)
    fresh_page(host, room, 251)
    doc = host.page(f"/r/{room}/moderate")
    people = doc.by_id("mod-participants").find_all("li", cls="participant")
    assert len(people) == 100
    assert "page 1 of 3" in doc.by_id("mod-people-count").clean_text()
    assert doc.by_id("mod-people-next").get("href") == f"/r/{room}/moderate?page=2"
    last = host.page(doc.by_id("mod-people-next").get("href").replace("page=2", "page=3"))
    names = [li.find("span", cls="name").text() for li in last.by_id("mod-participants").find_all("li", cls="participant")]
    assert names == [f"Guest {g}" for g in range(200, 251)]
    assert last.by_id("mod-people-next") is None and last.by_id("mod-people-prev") is not None
    # Past the end: the last page.
    assert len(host.page(f"/r/{room}/moderate?page=99").by_id("mod-participants").find_all("li", cls="participant")) == 51


def test_a_crowd_coming_back_bumps_the_people_version_a_few_times_not_once_per_person(stack, host, room):
    cookies = seed_crowd(stack, room, 300, away=True)
    fresh_page(host, room, 301)
    rid = room_id(stack, room)

    def version() -> int:
        return int(stack.psql("select version from rooms where id = :'v1'", rid))

    before = version()
    started = time.monotonic()

    def come_back(cookie):
        http = as_cookie(stack.base_url, cookie)
        try:
            return http.get(f"{stack.base_url}/r/{room}", timeout=20).status_code
        finally:
            http.close()

    with ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(come_back, cookies))
    took = time.monotonic() - started
    assert statuses == [200] * 300
    # Everyone is shown online once the last batch is written and announced: batches every
    # second, bumps in a room this big at most every 5 s (PresenceBuffer.bigRoomBumpInterval).
    deadline = time.monotonic() + 8
    while host.state(room)["online_count"] != 301:
        assert time.monotonic() < deadline, "the people who came back are not all shown online"
        time.sleep(0.2)
    bumps = version() - before
    # Each responder bumps at most once a second, and in a big room at most every 5 s.
    allowed = 2 * (math.ceil((took + 8) / 5) + 1)
    assert 0 < bumps <= allowed, f"{bumps} version bumps for 300 people coming back in {took:.1f}s (at most {allowed})"
    away = int(stack.psql("select count(*) from participants where room_id = :'v1'"
                          " and last_seen_at < now() - interval '60 seconds'", rid))
    assert away == 0, f"{away} of the people who came back are still away in PostgreSQL"


def post_in_room(user, code: str, path: str, fields: list) -> requests.Response:
    token = user.csrf(f"/r/{code}")
    return user.post_form(f"/r/{code}{path}", [("csrf", token)] + fields)


def test_a_big_room_chats_in_slow_mode(stack, host, room):
    seed_crowd(stack, room, 250, online=True)
    doc = parse_html(fresh_page(host, room, 251))
    assert doc.by_id("slow-mode") is not None, "a room with 250 people online does not say it is in slow mode"
    assert post_in_room(host, room, "/messages", [("text", "Welcome, everyone")]).status_code == 303
    r = post_in_room(host, room, "/messages", [("text", "And again")])
    assert r.status_code == 429, r.status_code
    assert 1 <= int(r.headers["Retry-After"]) <= 10
    page = parse_html(r.text)
    assert "Slow mode" in page.by_id("room-error").clean_text()
    assert page.by_id("chat-text").get("value") == "And again", "the typed message was not kept"


def test_a_small_room_has_no_slow_mode(stack, host, room):
    seed_crowd(stack, room, 20, online=True)
    doc = parse_html(fresh_page(host, room, 21))
    assert doc.by_id("slow-mode") is None
    assert post_in_room(host, room, "/messages", [("text", "one")]).status_code == 303
    assert post_in_room(host, room, "/messages", [("text", "two")]).status_code == 303


def test_ending_the_session_of_a_big_room_asks_the_host_to_confirm(stack, host, room):
    assert post_in_room(host, room, "/timer", [("action", "start"), ("at", "0")]).status_code == 303
    seed_crowd(stack, room, 30)
    fresh_page(host, room, 31)
    r = post_in_room(host, room, "/timer", [("action", "end"), ("at", "0")])
    assert r.status_code == 200, r.status_code
    doc = parse_html(r.text)
    form = doc.by_id("confirm-form")
    assert form is not None and "31 people" in doc.by_id("confirm-message").clean_text()
    assert host.state(room)["timer"]["status"] == "running", "the session ended without a confirmation"
    fields = [(i.get("name"), i.get("value")) for i in form.find_all("input")]
    assert ("confirm", "yes") in fields and ("action", "end") in fields
    r = host.post_form(form.get("action"), fields)
    assert r.status_code == 303, r.status_code
    deadline = time.monotonic() + 3
    while host.state(room)["timer"]["status"] != "ended":
        assert time.monotonic() < deadline, "the confirmed end did not end the session"
        time.sleep(0.1)


def test_without_redis_people_coming_back_are_still_written_in_batches(stack, host, room, redis_outage):
    cookies = seed_crowd(stack, room, 40, away=True)
    fresh_page(host, room, 41)
    rid = room_id(stack, room)
    before = int(stack.psql("select version from rooms where id = :'v1'", rid))
    with redis_outage():
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(
                lambda c: as_cookie(stack.base_url, c).get(f"{stack.base_url}/r/{room}", timeout=20).status_code, cookies))
        assert statuses == [200] * 40
        deadline = time.monotonic() + 5
        while int(stack.psql("select count(*) from participants where room_id = :'v1'"
                             " and last_seen_at < now() - interval '60 seconds'", rid)) > 0:
            assert time.monotonic() < deadline, "presence seen while Redis was down never reached PostgreSQL"
            time.sleep(0.2)
        bumps = int(stack.psql("select version from rooms where id = :'v1'", rid)) - before
        assert 0 < bumps <= 8, f"{bumps} version bumps for 40 people coming back without Redis"


def test_the_host_turns_slow_mode_on_and_off_and_guests_cannot(stack, host, room, new_user):
    guest = new_user()
    assert guest.join(room, "Gia Guest").status_code == 303
    assert post_in_room(guest, room, "/slow-mode", [("slow_mode", "on")]).status_code == 403
    assert post_in_room(host, room, "/slow-mode", [("slow_mode", "maybe")]).status_code == 422
    assert post_in_room(host, room, "/slow-mode", [("slow_mode", "on")]).status_code == 303
    doc = host.page(f"/r/{room}")
    assert doc.by_id("slow-mode") is not None
    assert doc.by_id("slow-mode-form").find("button").clean_text() == "Turn slow mode off"
    assert post_in_room(guest, room, "/messages", [("text", "first")]).status_code == 303
    r = post_in_room(guest, room, "/messages", [("text", "second")])
    assert r.status_code == 429 and "Slow mode" in parse_html(r.text).by_id("room-error").clean_text()
    assert post_in_room(host, room, "/slow-mode", [("slow_mode", "off")]).status_code == 303
    assert host.page(f"/r/{room}").by_id("slow-mode") is None
    assert post_in_room(guest, room, "/messages", [("text", "third")]).status_code == 303
