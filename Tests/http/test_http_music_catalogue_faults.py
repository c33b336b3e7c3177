"""The music catalogue when things go wrong (issue 16): a Piped instance that is slow, answers 5xx or
malformed JSON, or is down; Redis down; bad search input; a video id that is not one. Every case gets
a clear page and status, changes nothing, and leaves the rest of the site as it was.

The faults are switched on the fake instance (Tests/fakes/piped.py); requests that must land on a
known responder (its cool-off is per process) go to it directly over FastCGI."""

import concurrent.futures
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from catalogue_kit import MAX_CALLS, TIMEOUT_S, heal, listed, page, piped_fake, search_path, ttl, unique  # noqa: E402
from pomopomo_testkit import User, redis_cli  # noqa: E402


@pytest.fixture(scope="module")
def fake():
    f = piped_fake()
    f.ok()
    return f


@pytest.fixture(autouse=True)
def healed(stack, fake):
    """Each test starts and ends with the instance answering and no responder cooling off."""
    yield
    heal(stack, fake)


@pytest.fixture(scope="module")
def known(stack, fake):
    """A search answered (and cached) while all was well, and one of its tracks."""
    q = unique("Known good")
    r = stack.fcgi("a", "GET", search_path(q))
    assert r.status == 200
    return q, listed(page(r), "results")


def site_is_up(stack, code: str):
    """The rest of the site answers through nginx as usual: the home page and a room."""
    visitor = User(stack.base_url)
    assert visitor.get("/").status_code == 200
    assert visitor.get(f"/r/{code}").status_code == 200


def refused_search(stack, responder: str, q: str, status: int = 503):
    """A search the catalogue cannot answer: the page with the search form, what was typed, why."""
    started = time.monotonic()
    r = stack.fcgi(responder, "GET", search_path(q), timeout=20)
    took = time.monotonic() - started
    assert r.status == status, r.text[:500]
    doc = page(r)
    assert doc.by_id("music-q").get("value") == q, "the search stays in the box"
    assert doc.find("li", cls="catalogue-track") is None
    return doc, r, took


def test_a_slow_instance_times_out_and_the_site_stays_up(stack, fake, host):
    code = host.create_room("Slow day")
    fake.fault("slow", seconds=TIMEOUT_S + 3)
    q = unique("Slow song")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(refused_search, stack, "a", q)
        # While a responder thread waits on the instance, the site answers.
        site_is_up(stack, code)
        doc, r, took = pending.result()
    assert f"did not answer within {TIMEOUT_S:g} seconds" in doc.by_id("catalogue-unavailable").text()
    assert r.headers.get("retry-after") == "5"
    assert TIMEOUT_S - 0.5 < took < TIMEOUT_S + 3, f"bounded by the timeout: {took:.1f}s"
    # The responder now leaves the instance alone for a few seconds: the next uncached page answers at once.
    doc, r, took = refused_search(stack, "a", unique("Another"))
    assert "not answering right now" in doc.by_id("catalogue-unavailable").text()
    assert took < 2
    assert ttl(stack, "search:" + q.lower()) == -2, "nothing cached"


def test_a_slow_instance_holds_only_a_few_threads(stack, fake):
    fake.fault("slow", seconds=TIMEOUT_S + 3)
    tries = MAX_CALLS + 3
    with concurrent.futures.ThreadPoolExecutor(tries) as pool:
        pending = [pool.submit(refused_search, stack, "a", unique(f"Crowd {i}")) for i in range(tries)]
        time.sleep(0.3)
        # The responder still has threads for everything else.
        started = time.monotonic()
        assert stack.fcgi("a", "GET", "/healthz").status == 200
        assert time.monotonic() - started < 1
        results = [p.result() for p in pending]
    busy = [took for doc, _, took in results if "busy" in doc.by_id("catalogue-unavailable").text()]
    assert len(busy) == tries - MAX_CALLS, "beyond the calls allowed, the answer is “busy” at once"
    assert all(took < 2 for took in busy)


def test_5xx_is_a_clear_message_and_cached_results_still_show(stack, fake, known):
    q, songs = known
    fake.fault("error", status=502)
    r = stack.fcgi("a", "GET", search_path(q))
    assert r.status == 200 and [s.id for s in listed(page(r), "results")] == [s.id for s in songs]
    new = unique("Unlucky")
    doc, r, _ = refused_search(stack, "b", new)
    assert "having trouble" in doc.by_id("catalogue-unavailable").text()
    assert stack.psql("select count(*) from tracks where title like :'v1'", new + "%") == "0"
    assert ttl(stack, "search:" + new.lower()) == -2


def test_malformed_json_is_a_clear_message(stack, fake, known):
    _, songs = known
    fake.fault("malformed")
    doc, _, _ = refused_search(stack, "a", unique("Garbled"))
    assert "could not be read" in doc.by_id("catalogue-unavailable").text()
    heal(stack, fake)
    fake.fault("malformed")
    # A track whose recommendations are not cached: the track, and why there is nothing more.
    r = stack.fcgi("b", "GET", songs[4].href)
    assert r.status == 200
    doc = page(r)
    assert doc.by_id("track-heading").text() == songs[4].title
    assert "could not be read" in doc.by_id("catalogue-unavailable").text()
    assert doc.by_id("related") is None
    # Its audio cannot be found either: a 503 the player can retry.
    heal(stack, fake)
    fake.fault("malformed")
    stream = stack.fcgi("a", "GET", f"/music/tracks/{songs[4].id}/stream")
    assert stream.status == 503 and "retry-after" in stream.headers


def test_an_instance_that_is_down(stack, fake, known, host):
    q, songs = known
    code = host.create_room("Offline")
    # Prime what the home page needs, then the instance goes away.
    assert stack.fcgi("a", "GET", "/music").status == 200
    fake.fault("down")
    # Cached answers are still served, by every responder.
    for name in stack.responders:
        assert [s.id for s in listed(page(stack.fcgi(name, "GET", search_path(q))), "results")] == [s.id for s in songs]
        home = stack.fcgi(name, "GET", "/music")
        assert home.status == 200 and len(listed(page(home), "trending")) == 12
    # Anything else: a clear message, at once.
    doc, _, took = refused_search(stack, "b", unique("Gone"))
    assert "cannot be reached" in doc.by_id("catalogue-unavailable").text()
    assert took < 2
    site_is_up(stack, code)


def test_redis_down_means_no_cache_and_pages_still_work(stack, fake):
    q = unique("No cache")
    stack.redis_stop()
    try:
        before = len(fake.asked())
        for _ in range(2):
            r = stack.fcgi("a", "GET", search_path(q))
            assert r.status == 200 and len(listed(page(r), "results")) == 8
        assert len(fake.asked()) == before + 2, "nothing cached, so each search asks the instance"
        song = listed(page(r), "results")[0]
        track = stack.fcgi("a", "GET", song.href)
        assert track.status == 200 and len(listed(page(track), "related")) == 6
        stream = stack.fcgi("a", "GET", f"/music/tracks/{song.id}/stream")
        assert stream.status == 302 and stream.headers["location"].startswith(fake.url)
    finally:
        stack.redis_start()
        stack.wait_live_subscribed()
    assert ttl(stack, "search:" + q.lower()) == -2


BAD_SEARCHES = [
    ("empty", "", 422, "Type something to search for."),
    ("only spaces", "   \t ", 422, "Type something to search for."),
    ("101 characters", "x" * 101, 422, "A search is at most 100 characters."),
    ("2 kB", "la " * 700, 422, "A search is at most 100 characters."),
    ("an escape sequence", "lofi\x1b[31m", 422, "A search cannot contain control characters."),
    ("a bell and a backspace", "a\x07b\x08c", 422, "A search cannot contain control characters."),
    ("C1 controls", "jazz\x85\x9b", 422, "A search cannot contain control characters."),
]


@pytest.mark.parametrize("label,q,status,says", BAD_SEARCHES, ids=[b[0] for b in BAD_SEARCHES])
def test_bad_searches_are_refused_and_ask_nothing(stack, fake, label, q, status, says):
    visitor = User(stack.base_url)
    before = len(fake.asked())
    keys = set(redis_cli(stack, "KEYS", "search:*").splitlines())
    r = visitor.get(search_path(q))
    assert r.status_code == status
    doc = page(r)
    assert doc.by_id("music-search-error").text() == says
    assert doc.find("li", cls="catalogue-track") is None
    assert len(fake.asked()) == before and set(redis_cli(stack, "KEYS", "search:*").splitlines()) == keys


def test_ten_kilobytes_and_nul_bytes_are_refused(stack, fake):
    visitor = User(stack.base_url)
    before = len(fake.asked())
    huge = "lofi " * 2048
    # Through nginx a 10 kB address is refused before it reaches the app (414) ...
    assert visitor.get(search_path(huge)).status_code == 414
    # ... and a responder asked directly refuses it before routing (its addresses are at most 4 kB).
    r = stack.fcgi("a", "GET", search_path(huge))
    assert r.status == 400 and "The address is too long." in r.text
    # The longest search an address can carry is refused by the catalogue's own rule, not cut.
    r = stack.fcgi("a", "GET", search_path("lofi" * 900))
    assert r.status == 422 and page(r).by_id("music-search-error").text() == "A search is at most 100 characters."
    assert page(r).by_id("music-q").get("value") == "", "3.6 kB is not put back into the form"
    # A NUL byte is not text at all.
    assert visitor.get("/music/search?q=lo%00fi").status_code == 400
    # Two searches at once is one too many.
    assert visitor.get("/music/search?q=a&q=b").status_code == 422
    assert len(fake.asked()) == before


NOT_IDS = ["not-an-id", "dQw4w9WgXc", "dQw4w9WgXcQQ", "dQw4w9WgX%20Q", "..%2F..%2Fetc%2Fpas", "%3Cscript%3E",
           "dQw4w9WgX%C3%A9", "00000000-0000-4000-8000-000000000000"]


@pytest.mark.parametrize("bad", NOT_IDS)
def test_a_video_id_that_is_not_an_id_is_not_found(stack, fake, bad):
    visitor = User(stack.base_url)
    before = len(fake.asked())
    tracks = stack.psql("select count(*) from tracks")
    for path in (f"/music/tracks/{bad}", f"/music/tracks/{bad}/stream"):
        r = visitor.get(path)
        assert r.status_code in (400, 404), (path, r.status_code)
    assert len(fake.asked()) == before
    assert stack.psql("select count(*) from tracks") == tracks
