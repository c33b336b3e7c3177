"""Helpers for the music catalogue's tests (Tests/http/test_http_music_catalogue*.py): the fake Piped
instance scripts/test.sh starts (Tests/fakes/piped.py, at $POMOPOMO_PIPED_URL, where the responders
are pointed), reading the catalogue's pages, and its Redis keys.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

import requests

from pomopomo_testkit import Element, Stack, parse_html, redis_cli

# What the responders allow by default (Catalogue: a quarter of POMOPOMO_THREADS, at least 2).
MAX_CALLS = max(2, int(os.environ.get("POMOPOMO_THREADS") or 8) // 4)
# The cool-off after a failed call (CatalogueSettings.coolOffSeconds).
COOL_OFF = 5
# POMOPOMO_PIPED_TIMEOUT_MS as the tests run it (the default).
TIMEOUT_S = int(os.environ.get("POMOPOMO_PIPED_TIMEOUT_MS") or 3000) / 1000


class PipedFake:
    """The fake instance's control side: faults, and what it was asked."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def reset(self):
        requests.post(self.url + "/_control/reset", timeout=5).raise_for_status()

    def fault(self, mode: str, **kw):
        requests.post(self.url + "/_control/fault", json={"mode": mode, **kw}, timeout=5).raise_for_status()

    def ok(self):
        self.fault("ok")

    def asked(self) -> list[str]:
        """Every API request received so far (path and query), oldest first."""
        return requests.get(self.url + "/_control/requests", timeout=5).json()["paths"]


def piped_fake() -> PipedFake:
    url = os.environ.get("POMOPOMO_PIPED_URL")
    assert url, "POMOPOMO_PIPED_URL names the fake Piped instance (scripts/test.sh starts it)"
    return PipedFake(url)


def unique(label: str) -> str:
    """A search nobody made before (so nothing is cached for it)."""
    return f"{label} {secrets.token_hex(4)}"


def search_path(q: str, **extra) -> str:
    tail = "".join(f"&{k}={quote(v, safe='')}" for k, v in extra.items())
    return "/music/search?q=" + quote(q, safe="") + tail


@dataclass
class Listed:
    """One track as a catalogue list shows it."""
    id: str
    title: str
    artist: str
    duration: str
    href: str
    thumbnail: str | None
    form: Element | None


def listed(doc: Element, within: str | None = None) -> list[Listed]:
    root = doc.by_id(within) if within else doc
    assert root is not None, f"no #{within} on the page"
    out = []
    for li in root.find_all("li", cls="catalogue-track"):
        link = li.find("a", cls="catalogue-title")
        img = li.find("img")
        artist = li.find("span", cls="catalogue-artist")
        out.append(Listed(
            id=li.get("data-track"), title=link.text(), artist=artist.text() if artist else "",
            duration=li.find("time").text(), href=link.get("href"), thumbnail=img.get("src") if img else None,
            form=li.find("form")))
    return out


def ttl(stack: Stack, key: str) -> int:
    """Seconds the key has left; -2 when it does not exist."""
    return int(redis_cli(stack, "TTL", key))


def heal(stack: Stack, fake: PipedFake):
    """Turns the fault off and ends each responder's cool-off: a search with the request clock past
    the cool-off (debug builds honour X-Pomopomo-Test-Now) asks the instance, and its answer closes
    the gate again."""
    fake.ok()
    later = str(int(time.time()) + COOL_OFF + 60)
    for name in stack.responders:
        r = stack.fcgi(name, "GET", search_path(unique("heal")), headers={"X-Pomopomo-Test-Now": later}, timeout=15)
        assert r.status == 200, f"responder {name} still refuses the catalogue: {r.status}"


def page(response) -> Element:
    return parse_html(response.text)
