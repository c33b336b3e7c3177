"""/metrics (issue 17, operations): Prometheus text that the PyPI parser reads, answered only to
this host or a bearer token, and figures that move when requests are made. Each responder exposes
its own, so every scrape here goes straight to one responder's socket, as a per-responder scrape
job would (README, "Watching it")."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ops_kit import OUTSIDE, Scrape, scrape
from pomopomo_testkit import fastcgi_request, room_db_version

TOKEN = "metrics-token-" + "k" * 40


def test_every_family_parses_and_has_help(stack):
    s = scrape(stack, "a")
    for family in ["pomopomo_http_requests", "pomopomo_http_request_duration_seconds", "pomopomo_parked_polls",
                   "pomopomo_postgres_pool_connections", "pomopomo_postgres_pool_size", "pomopomo_redis_pool_connections",
                   "pomopomo_redis_breaker_open", "pomopomo_job_lag_seconds", "pomopomo_job_queue",
                   "pomopomo_outbox_messages", "pomopomo_job_last_tick_age_seconds", "process_open_fds"]:
        assert family in s.families, f"{family} missing from /metrics:\n{s.text[:2000]}"
        assert s.families[family].documentation, f"{family} has no HELP"
    assert s.families["pomopomo_http_request_duration_seconds"].type == "histogram"
    assert s.families["pomopomo_http_requests"].type == "counter"
    assert s.value("pomopomo_database_up") == 1
    assert s.value("pomopomo_redis_breaker_open") == 0


def test_requests_are_counted_by_route_pattern_and_status(stack, new_user):
    host = new_user()
    code = host.create_room("Metrics host")
    cookie = {"Cookie": f"pp_sid={host.sid}"}
    before = scrape(stack, "a")
    for _ in range(3):
        assert stack.fcgi("a", "GET", f"/r/{code}", headers=cookie).status == 200
    secret_path = "/no-such-page/4f1d?token=s3cr3t-value"
    assert stack.fcgi("a", "GET", secret_path).status == 404
    after = scrape(stack, "a")

    assert after.requests("/r/:code", 200) - before.requests("/r/:code", 200) == 3
    assert after.duration_count("/r/:code") - before.duration_count("/r/:code") == 3
    assert after.requests("unmatched", 404, method="") - before.requests("unmatched", 404, method="") == 1
    assert after.value("pomopomo_http_request_duration_seconds_sum", method="GET", route="/r/:code") > \
        before.value("pomopomo_http_request_duration_seconds_sum", method="GET", route="/r/:code")
    # Labels carry route patterns only: never a room code, a path asked for or a query.
    for raw in (code, code.replace("-", ""), "no-such-page", "s3cr3t", host.sid):
        assert raw not in after.text, f"{raw!r} leaked into /metrics"
    buckets = after.buckets("/r/:code")
    assert buckets[-1][0] == float("inf") and buckets[-1][1] == after.duration_count("/r/:code")
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), f"buckets are not cumulative: {buckets}"


def test_counters_add_up_across_threads(stack):
    """200 requests at once over the accept threads: the counter moves by exactly 200."""
    before = scrape(stack, "b").requests("/healthz", 200)
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: stack.fcgi("b", "GET", "/healthz").status, range(200)))
    assert statuses == [200] * 200
    assert scrape(stack, "b").requests("/healthz", 200) - before == 200


def test_parked_polls_are_seen_and_counted_when_answered(stack, new_user):
    host = new_user()
    code = host.create_room("Poll host")
    since = room_db_version(stack, code)
    before = scrape(stack, "a")
    answered = {}

    def poll():
        answered["r"] = stack.fcgi("a", "GET", f"/r/{code}/poll?since={since}",
                                   headers={"Cookie": f"pp_sid={host.sid}", "Accept": "application/json"}, timeout=15)

    t = threading.Thread(target=poll)
    t.start()
    deadline = time.monotonic() + 5
    while scrape(stack, "a").value("pomopomo_parked_polls") < before.value("pomopomo_parked_polls") + 1:
        assert time.monotonic() < deadline, "the poll never showed as parked"
        time.sleep(0.05)
    stack.announce(code)
    t.join(10)
    assert answered["r"].status == 200
    after = scrape(stack, "a")
    assert after.requests("/r/:code/poll", 200) - before.requests("/r/:code/poll", 200) >= 1


def test_pools_and_jobs_are_reported(stack):
    s = scrape(stack, "a")
    size = s.value("pomopomo_postgres_pool_size")
    busy = s.value("pomopomo_postgres_pool_connections", state="busy")
    idle = s.value("pomopomo_postgres_pool_connections", state="idle")
    assert size >= 1 and 1 <= busy + idle <= size, (size, busy, idle)
    assert s.value("pomopomo_redis_configured") == 1
    for job in ("room-jobs", "mail-jobs", "personal-timers"):
        age = s.value("pomopomo_job_last_tick_age_seconds", job=job)
        assert 0 <= age < 5, f"{job} last ticked {age}s ago"
    for job in ("room_segments", "personal_timers", "daily_resets", "mail_outbox", "transcription"):
        assert s.value("pomopomo_job_lag_seconds", job=job) >= 0
        assert ("pomopomo_job_queue", frozenset({"job": job, "state": "due"}.items())) in s.samples


def test_outbox_waiting_mail_is_counted(stack):
    before = scrape(stack, "a").value("pomopomo_outbox_messages", state="retrying")
    ids = stack.psql("""insert into outbox (recipient, subject, body, attempts, next_try_at)
                        select 'nobody@example.invalid', 'metrics test', '', 1, now() + interval '1 hour'
                        from generate_series(1, 3) returning id""").splitlines()
    try:
        after = scrape(stack, "a").value("pomopomo_outbox_messages", state="retrying")
        assert after - before == 3
    finally:
        stack.psql("delete from outbox where id = any(string_to_array(:'v1', ',')::bigint[])", ",".join(ids[:3]))


def test_redis_breaker_trips_are_counted(stack, new_user, redis_outage):
    host = new_user()
    code = host.create_room("Breaker host")
    before = scrape(stack, "a").value("pomopomo_redis_breaker_trips_total")
    with redis_outage():
        # A room page reads and writes the room's Redis mirror; the failure opens the breaker.
        assert stack.fcgi("a", "GET", f"/r/{code}", headers={"Cookie": f"pp_sid={host.sid}"}).status == 200
        assert scrape(stack, "a").value("pomopomo_redis_breaker_trips_total") > before


@pytest.mark.parametrize("headers", [
    {},
    {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"},
    {"Authorization": "Bearer " + TOKEN},  # a's stack has no token configured
    {"Authorization": "Bearer "},
])
def test_from_elsewhere_it_is_not_there(stack, headers):
    r = stack.fcgi("a", "GET", "/metrics", headers=headers, remote_addr=OUTSIDE)
    missing = stack.fcgi("a", "GET", "/no-such-thing", remote_addr=OUTSIDE)
    assert r.status == 404 and missing.status == 404
    assert "pomopomo_" not in r.text
    # A wrong method says nothing either.
    assert stack.fcgi("a", "POST", "/metrics", remote_addr=OUTSIDE).status == 404
    assert stack.fcgi("a", "POST", "/metrics").status == 405


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_this_host_may_read_it(stack, address):
    assert stack.fcgi("a", "GET", "/metrics", remote_addr=address).status == 200


def test_a_bearer_token_opens_it_from_elsewhere(stack):
    name = "metrics_token"
    stack.responder_start(name, env={"POMOPOMO_METRICS_TOKEN": TOKEN})
    try:
        sock = stack.socket(name)

        def get(auth: str | None):
            headers = {"Authorization": auth} if auth is not None else {}
            return fastcgi_request(sock, "GET", "/metrics", headers=headers, remote_addr=OUTSIDE)

        r = get("Bearer " + TOKEN)
        assert r.status == 200
        Scrape(r.text)  # parses
        assert get("bearer " + TOKEN).status == 200
        for wrong in (None, "Bearer " + TOKEN[:-1], "Bearer " + TOKEN + "x", "Bearer " + TOKEN.upper(),
                      "Basic " + TOKEN, TOKEN, "Bearer"):
            assert get(wrong).status == 404, wrong
    finally:
        stack.responder_stop(name)
