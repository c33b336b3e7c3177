"""Helpers for the operations tests (issue 17): reading a responder's /metrics with the Prometheus
text parser from PyPI, and its figures as a flat {(sample name, labels): value} table; a site with
something on every page (room, profile, stats), and its pages in a form two renderings can be
compared in (backup and restore, a flushed Redis)."""

from __future__ import annotations

import re
import threading
import time

from prometheus_client.parser import text_string_to_metric_families

from accounts_kit import page_csrf, png_bytes, user_id
from pomopomo_testkit import Stack, pomopomo_run
from rooms_kit import new_room

OUTSIDE = "198.51.100.23"  # a client address that is not this host (TEST-NET-2)


class Scrape:
    """One /metrics answer, parsed: families by name, and every sample by name and labels."""

    def __init__(self, text: str):
        self.text = text
        self.families = {f.name: f for f in text_string_to_metric_families(text)}
        self.samples = {}
        for family in self.families.values():
            for s in family.samples:
                self.samples[(s.name, frozenset(s.labels.items()))] = s.value

    def value(self, name: str, **labels) -> float:
        """The sample with exactly these labels; 0 when absent (a counter not yet moved)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def matching(self, name: str, **labels) -> dict:
        """Every sample of `name` whose labels include these, by its full label set."""
        want = set(labels.items())
        return {dict(key[1]).__repr__(): v for key, v in self.samples.items() if key[0] == name and want <= key[1]}

    def requests(self, route: str, status: int | str, method: str = "GET") -> float:
        return self.value("pomopomo_http_requests_total", method=method, route=route, status=str(status))

    def duration_count(self, route: str, method: str = "GET") -> float:
        return self.value("pomopomo_http_request_duration_seconds_count", method=method, route=route)

    def buckets(self, route: str, method: str = "GET") -> list[tuple[float, float]]:
        """The route's cumulative histogram buckets as (upper bound, count), in bound order."""
        out = []
        for (name, labels), v in self.samples.items():
            d = dict(labels)
            if name == "pomopomo_http_request_duration_seconds_bucket" and d.get("route") == route and d.get("method") == method:
                out.append((float(d["le"]), v))
        return sorted(out)


def scrape(stack: Stack, responder: str, **kw) -> Scrape:
    """GET /metrics straight from one responder (from this host unless remote_addr says otherwise)."""
    r = stack.fcgi(responder, "GET", "/metrics", **kw)
    assert r.status == 200, f"/metrics on {responder}: {r.status} {r.text[:300]}"
    assert r.headers.get("content-type", "").startswith("text/plain; version=0.0.4"), r.headers
    return Scrape(r.text)


def comparable(html: str) -> str:
    """A page's <main> with what differs by design between two moments and two responders left
    out: the server's clock the scripts count from (data-server-now) and form tokens."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    assert main, html[:500]
    text = re.sub(r'(data-server-now=")\d+', r"\1…", main.group(0))
    return re.sub(r'(name="csrf" value=")[^"]*', r"\1…", text)


def site_with_content(stack, account, new_user):
    """An account with a profile (Markdown bio, picture), hosting a room with a guest, a chat message
    and a public task, a day of focus on its stats, and a day on /stats."""
    acct = account("backup")
    fields = {"csrf": page_csrf(acct.user, "/settings/profile", "/settings/profile"), "display_name": "Bea Backup",
              "username": acct.username, "bio": "Keeps **copies** of _everything_.", "links": "https://example.org/bea",
              "show_recent_rooms": "on"}
    assert acct.user.post_form("/settings/profile", fields).status_code == 303
    picture = png_bytes(8, 8, random_pixels=True)
    token = page_csrf(acct.user, "/settings/profile", "/settings/avatar")
    files = [("csrf", (None, token)), ("avatar", ("me.png", picture, "image/png"))]
    r = acct.user.request("POST", "/settings/avatar", files=files)
    assert r.status_code == 303, r.text[:300]
    room = new_room(stack, acct.user, "Bea Backup")
    guest = room.join("Gus Guest")
    guest.ok("/messages", text="Backed up <b>twice</b> & restored")
    room.host.ok("/tasks", text="Check the restore", visibility="public", segment="")
    uid = user_id(stack, acct.email)
    stack.psql("""insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed)
                  values (:'v1', 'timer', now() - interval '2 days', now() - interval '2 days' + interval '25 minutes', 1500,
                          (now() - interval '2 days')::date, 'UTC', true)""", uid)
    pomopomo_run(stack, "stats", "rebuild", "--user", uid)
    day = stack.psql("select ((now() at time zone 'utc')::date - 11)::text")
    stack.psql("insert into daily_statistics values (:'v1'::date, 4, 9, 6, 5400) on conflict (day) do nothing", day)
    return acct, room, picture, day


def woken_poll(stack: Stack, responder: str, code: str, since: int, sid: str):
    """The answer to a long-poll of room `code` sent straight to `responder` with version `since`,
    parked there and then woken by an announced change (as another responder's write would)."""
    answered = {}

    def poll():
        answered["r"] = stack.fcgi(responder, "GET", f"/r/{code}/poll?since={since}",
                                   headers={"Cookie": f"pp_sid={sid}", "Accept": "application/json"}, timeout=15)

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    stack.announce(code)
    t.join(12)
    return answered["r"]
