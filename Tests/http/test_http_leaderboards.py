"""Leaderboards (issue 11): /leaderboards, the Redis sorted sets behind it and what keeps them true.

Credit is seeded with SQL into focus_credits and user_stats (the ledger and its projection, as the
crediting transaction writes them), then `pomopomo leaderboards rebuild` or the site's own paths
(leaving and rejoining, hiding, the serve jobs after a flush or an outage) put it on the boards.
Every test owns the boards while it runs (the `boards` fixture takes everyone made before it off
them, and puts them back afterwards), so places are exact. What a refused request must not change
is read back from PostgreSQL and Redis."""

from __future__ import annotations

import datetime
import re
import secrets
import subprocess
import time
from urllib.parse import urlencode, urlsplit

import pytest

from accounts_kit import accounts_in_db, admin_two_factor, brief, post_on, user_id
from pomopomo_testkit import Element, parse_html, pomopomo_bin, pomopomo_env, pomopomo_run, redis_cli
from stats_kit import guest_focuses_a_segment, signs_up_here, time_passes, wait_for_credit

REPORT_LIMIT = 10  # RateLimits.reports: per address and per account, per hour
FOCUS = 1500  # the classic queue starts with 25 minutes of focus
FOCUSED = ("24 min", "25 min")  # what a whole focus segment reads as (a second or two of real time passes)


# ----------------------------------------------------------------------------------------- seeding

def rebuild(stack) -> dict:
    """`pomopomo leaderboards rebuild`: its summary line as {board: count}."""
    line = pomopomo_run(stack, "leaderboards", "rebuild").stdout.strip().splitlines()[-1]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def people(stack, n: int, prefix: str = "lb") -> list[tuple[str, str]]:
    """n accounts made with SQL (proven addresses, never signed in): [(id, username)]."""
    return accounts_in_db(stack, n, prefix)


WHEN = {
    "now": "now() - interval '1 second'",
    "last_week": "(date_trunc('week', now() at time zone 'UTC') at time zone 'UTC') - interval '1 day'",
    "two_weeks_ago": "(date_trunc('week', now() at time zone 'UTC') at time zone 'UTC') - interval '8 days'",
}


def credit(stack, credits: list[tuple[str, int]], when: str = "now"):
    """Focus credit for accounts, as the crediting transaction writes it: a ledger row each (ended
    `when`) and the totals in user_stats."""
    ids = "{" + ",".join(uid for uid, _ in credits) + "}"
    seconds = "{" + ",".join(str(s) for _, s in credits) + "}"
    stack.psql(
        f"""with c as (
              insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed)
              select t.id, 'room', e.at - make_interval(secs => t.secs), e.at, t.secs, (e.at at time zone 'UTC')::date,
                     'UTC', true
              from unnest(:'v1'::uuid[], :'v2'::int[]) as t(id, secs) cross join (select {WHEN[when]} as at) e
              returning user_id, seconds, ended_at)
            insert into user_stats (user_id, total_seconds, sessions, last_credit_at, credited_until)
            select user_id, sum(seconds), count(*), max(ended_at), max(ended_at) from c group by user_id
            on conflict (user_id) do update set total_seconds = user_stats.total_seconds + excluded.total_seconds,
              sessions = user_stats.sessions + excluded.sessions,
              last_credit_at = greatest(user_stats.last_credit_at, excluded.last_credit_at),
              credited_until = greatest(user_stats.credited_until, excluded.credited_until)""",
        ids, seconds)


def streak(stack, uid: str, days: int, alive_seconds: int):
    """A current streak of `days` that breaks `alive_seconds` from now (negative: already broken)."""
    stack.psql(
        "insert into user_stats (user_id) values (:'v1') on conflict do nothing; "
        "update user_stats set streak_current = :'v2'::int, streak_best = greatest(streak_best, :'v2'::int), "
        "streak_alive_until = now() + make_interval(secs => :'v3'::int), "
        "last_credit_at = coalesce(last_credit_at, now()) + interval '1 millisecond' where user_id = :'v1'",
        uid, str(days), str(alive_seconds))


def minutes(seconds: int) -> str:
    """A focus score as the boards write it."""
    m = seconds // 60
    return f"{m} min" if m < 60 else f"{m // 60} h {m % 60:02d} min"


def instant(when: str) -> datetime.datetime:
    """The moment `credit(..., when)` ends a credit (WHEN), in Python."""
    now = datetime.datetime.now(datetime.UTC)
    monday = (now - datetime.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return {"now": now, "last_week": monday - datetime.timedelta(days=1),
            "two_weeks_ago": monday - datetime.timedelta(days=8)}[when]


def iso_week(offset_weeks: int = 0) -> str:
    year, week, _ = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(weeks=offset_weeks)).isocalendar()
    return f"{year}-W{week:02d}"


def month_id() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m")


def live_sets() -> list[str]:
    return [f"leaderboard:weekly:{iso_week()}", f"leaderboard:weekly:{iso_week(-1)}", f"leaderboard:monthly:{month_id()}",
            "leaderboard:alltime", "leaderboard:consistency"]


def on_any_set(stack, uid: str) -> list[str]:
    return [key for key in live_sets() if redis_cli(stack, "ZSCORE", key, uid) != ""]


@pytest.fixture
def boards(stack):
    """The boards hold only what this test puts on them: everyone already on them is taken off for
    the test (and put back afterwards)."""
    parked = stack.psql("update users set on_leaderboards = false where on_leaderboards returning id").splitlines()
    parked = [p for p in parked if re.fullmatch(r"[0-9a-f-]{36}", p)]
    rebuild(stack)
    yield
    if parked:
        stack.psql("update users set on_leaderboards = true where id = any(:'v1'::uuid[])", "{" + ",".join(parked) + "}")


# ----------------------------------------------------------------------------------------- reading pages

def rows(doc: Element, table_id: str = "board") -> list[tuple[int, str, str]]:
    """(place, username, score) of each line of a board table."""
    table = doc.by_id(table_id)
    if table is None:
        return []
    out = []
    for tr in table.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        out.append((int(cells[0].clean_text()), cells[1].find("a").get("href").removeprefix("/u/"), cells[2].clean_text()))
    return out


def page(user, query: str = "", expect: int = 200) -> Element:
    r = user.get("/leaderboards" + query)
    assert r.status_code == expect, f"GET /leaderboards{query}: {brief(r)}"
    return parse_html(r.text)


def text_of(doc: Element, element_id: str) -> str:
    el = doc.by_id(element_id)
    return el.clean_text() if el is not None else ""


def wait_for(check, what: str, timeout: float = 10, show=None):
    """Polls `check` until it returns something true; the boards are kept true by the serve jobs,
    which look every second."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"after {timeout}s: {what}" + (f" (now: {show()!r})" if show else "")
        time.sleep(0.2)


# ----------------------------------------------------------------------------------------- the page

def test_a_board_is_paged_with_shared_places_and_the_viewer_sees_their_neighbours(stack, boards, account, new_user):
    crowd = people(stack, 60)
    # 60 people 100 minutes apart, and two of them tied.
    scores = {uid: 6000 * (70 - i) for i, (uid, _) in enumerate(crowd)}
    scores[crowd[3][0]] = scores[crowd[2][0]]
    credit(stack, list(scores.items()))
    viewer = account("lbviewer")
    vid = user_id(stack, viewer.email)
    credit(stack, [(vid, 6000 * 15 + 60)])  # between the 55th and 56th of the crowd
    summary = rebuild(stack)
    assert summary["weekly"] == 61 and summary["alltime"] == 61, summary

    doc = page(viewer.user, "?board=weekly")
    first = rows(doc)
    assert len(first) == 50
    assert [place for place, _, _ in first[:6]] == [1, 2, 3, 3, 5, 6], "equal scores share a place"
    assert [name for _, name, _ in first[:2]] == [crowd[0][1], crowd[1][1]]
    assert {name for _, name, _ in first[2:4]} == {crowd[2][1], crowd[3][1]}
    assert first[0][2] == minutes(6000 * 70)
    assert text_of(doc, "page-info") == "Page 1 of 2"
    assert doc.by_id("page-next").get("href") == "/leaderboards?board=weekly&page=2"
    assert doc.by_id("page-prev") is None

    # The viewer is 56th of 61: the two above and below them, and the page they are on.
    assert "#56 of 61" in text_of(doc, "rank-summary")
    assert "among everyone" in text_of(doc, "rank-summary")
    near = rows(doc, "rank-neighbours")
    assert [place for place, _, _ in near] == [54, 55, 56, 57, 58]
    assert near[2][1] == viewer.username and near[2][2] == minutes(6000 * 15 + 60)
    assert [name for _, name, _ in near[:2]] == [crowd[53][1], crowd[54][1]]
    assert doc.by_id("my-page").get("href") == "/leaderboards?board=weekly&page=2"

    second = rows(page(viewer.user, "?board=weekly&page=2"))
    assert [place for place, _, _ in second] == list(range(51, 62))
    assert second[5][1] == viewer.username
    assert {name for _, name, _ in first + second} == {u for _, u in crowd} | {viewer.username}

    # A guest sees the same board and is told guests are never ranked.
    guest_doc = page(new_user(), "?board=weekly&page=2")
    assert rows(guest_doc) == second
    assert "Guests are never ranked" in text_of(guest_doc, "rank-guest")
    assert guest_doc.by_id("rank-summary") is None


def test_monthly_all_time_and_consistency_boards(stack, boards, account):
    a, b, c = people(stack, 3)
    credit(stack, [(a[0], 3600), (b[0], 7200)])
    credit(stack, [(a[0], 36000), (c[0], 600)], when="two_weeks_ago")
    streak(stack, a[0], 12, 86400)
    streak(stack, b[0], 30, -60)  # broken a minute ago: not on the board
    streak(stack, c[0], 3, 86400)
    rebuild(stack)
    viewer = account("lbmonth").user

    # Two weeks ago may be this month or the last.
    earlier = instant("two_weeks_ago").strftime("%Y-%m") == month_id()
    month = sorted([(3600 + 36000 * earlier, a[1]), (7200, b[1])] + ([(600, c[1])] if earlier else []), reverse=True)
    assert rows(page(viewer, "?board=monthly")) == [(i + 1, name, minutes(s)) for i, (s, name) in enumerate(month)]
    assert rows(page(viewer, "?board=alltime")) == [(1, a[1], "11 h 00 min"), (2, b[1], "2 h 00 min"), (3, c[1], "10 min")]
    doc = page(viewer, "?board=consistency")
    assert rows(doc) == [(1, a[1], "12 days"), (2, c[1], "3 days")]
    assert "You are not on this board yet" in text_of(doc, "rank-none")

    # A streak that breaks while on the board leaves it within seconds, with no rebuild.
    streak(stack, c[0], 4, 4)
    credit(stack, [(c[0], 60)])
    pomopomo_run(stack, "leaderboards", "rebuild")
    assert (2, c[1], "4 days") in rows(page(viewer, "?board=consistency"))
    wait_for(lambda: rows(page(viewer, "?board=consistency")) == [(1, a[1], "12 days")],
             "the broken streak is still on the consistency board")
    assert redis_cli(stack, "ZSCORE", "leaderboard:consistency", c[0]) == ""


def test_guests_are_never_ranked(stack, boards, new_user):
    (person,) = people(stack, 1)
    credit(stack, [(person[0], 1200)])
    stack.psql(
        "insert into focus_credits (session_hash, source, started_at, ended_at, seconds, local_day, time_zone, completed) "
        "values (sha256(:'v1'::bytea), 'room', now() - interval '2 hours', now() - interval '1 second', 7000, "
        "current_date, 'UTC', true)", secrets.token_hex(8))
    summary = rebuild(stack)
    assert summary["weekly"] == 1 and summary["alltime"] == 1, summary
    guest = new_user()
    doc = page(guest)
    assert rows(doc) == [(1, person[1], "20 min")]
    assert redis_cli(stack, "ZCARD", f"leaderboard:weekly:{iso_week()}") == "1"
    assert "Guests are never ranked" in text_of(doc, "rank-guest")
    assert "/leaderboards/report" not in guest.get("/leaderboards").text, "guests are offered a report form"


# ----------------------------------------------------------------------------------------- credit from rooms

def focus_together(stack, make_room, *accounts):
    """A room (hosted by a guest) where `accounts` sit through a whole focus segment; returns it
    once the sweeper has credited everyone."""
    room = make_room()
    for acct in accounts:
        room.join(acct.username, user=acct.user)
    room.host.ok("/timer", action="start", at="0")
    time_passes(stack, room, FOCUS)
    wait_for_credit(stack, room, len(accounts) + 1)
    return room


def test_credit_from_a_room_reaches_the_boards_at_once(stack, boards, make_room, account, new_user):
    ann, bob = account("lbann"), account("lbbob")
    focus_together(stack, make_room, ann, bob)
    # No rebuild: the crediting commit wrote the boards.
    doc = wait_for(lambda: len(rows(d := page(ann.user))) == 2 and d, "the credit is not on the weekly board", timeout=5)
    assert {name for _, name, _ in rows(doc)} == {ann.username, bob.username}, "the guest host is ranked"
    assert all(score in FOCUSED for _, _, score in rows(doc))
    assert re.search(r"#[12] of 2 with 2[45] min", text_of(doc, "rank-summary"))
    assert re.fullmatch(r"This week you are #[12] of 2 on the leaderboards\.", text_of(ann.user.page("/me"), "me-rank"))
    for board in ("monthly", "alltime"):
        assert {name for _, name, _ in rows(page(ann.user, f"?board={board}"))} == {ann.username, bob.username}
    assert [(p, s) for p, _, s in rows(page(ann.user, "?board=consistency"))] == [(1, "1 day"), (1, "1 day")]
    assert redis_cli(stack, "ZCARD", f"leaderboard:weekly:{iso_week()}") == "2"


def test_a_guests_focus_is_ranked_once_they_sign_up(stack, boards, make_room, new_user, mailbox):
    browser = new_user()
    guest_focuses_a_segment(stack, make_room, browser, "Gina Guest")
    assert rows(page(browser)) == [], "a guest is ranked"
    name, _ = signs_up_here(stack, browser, mailbox, "lbgina")
    # Signing in adopted the guest's credit and refreshed the new account's lines.
    [(place, who, score)] = rows(page(browser))
    assert (place, who) == (1, name) and score in FOCUSED


def test_credit_while_redis_hangs_reaches_the_boards_when_it_answers(stack, boards, make_room, account, redis_hang):
    ann = account("lbhung")
    room = make_room()
    room.join(ann.username, user=ann.user)
    room.host.ok("/timer", action="start", at="0")
    rebuild(stack)
    with redis_hang():
        # The segment ends (the sweeper reads PostgreSQL; nobody needs to be told) and is
        # credited; the write to the boards times out.
        stack.psql("update rooms set segment_ends_at = segment_ends_at - make_interval(secs => :'v2'::int),"
                   " focus_since = focus_since - make_interval(secs => :'v2'::int) where id = :'v1'", room.id, str(FOCUS))
        wait_for_credit(stack, room, 2)
        time.sleep(0.5)
    # Redis kept its data and its built mark: only the failed write says a rebuild is due.
    assert redis_cli(stack, "GET", "leaderboard:built") != ""
    [(_, who, score)] = wait_for(lambda: rows(page(ann.user)), "the credit made while Redis hung is not on the board")
    assert who == ann.username and score in FOCUSED


# ----------------------------------------------------------------------------------------- leaving the boards

def set_ranked(user, choice: str):
    return post_on(user, "/settings/preferences", "/settings/leaderboards", ranked=choice)


def test_leaving_the_boards_takes_you_off_at_once_and_rejoining_puts_you_back(stack, boards, account, new_user):
    acct = account("lbleave")
    uid = user_id(stack, acct.email)
    (other,) = people(stack, 1)
    credit(stack, [(uid, 3000), (other[0], 1200)])
    credit(stack, [(uid, 600)], when="last_week")
    streak(stack, uid, 5, 86400)
    rebuild(stack)
    assert set(on_any_set(stack, uid)) == set(live_sets())
    assert rows(page(acct.user))[0][1] == acct.username

    prefs = acct.user.page("/settings/preferences")
    assert prefs.find("input", name="ranked", value="on").get("checked") is not None
    r = set_ranked(acct.user, "off")
    assert r.status_code == 303 and r.headers["Location"].startswith("/settings/preferences"), brief(r)
    assert on_any_set(stack, uid) == [], "rows left behind in Redis"
    doc = page(new_user())
    assert [name for _, name, _ in rows(doc)] == [other[1]]
    assert [name for _, name, _ in rows(doc, "last-week-board")] == []
    assert "You have left the boards" in text_of(page(acct.user), "rank-left")
    assert acct.user.page("/me").by_id("me-rank") is None
    assert acct.user.page("/settings/preferences").find("input", name="ranked", value="off").get("checked") is not None
    # A rebuild skips them, and their own stats stay.
    rebuild(stack)
    assert on_any_set(stack, uid) == []
    assert stack.psql("select total_seconds from user_stats where user_id = :'v1'", uid) == "3600"

    r = set_ranked(acct.user, "on")
    assert r.status_code == 303, brief(r)
    assert rows(page(new_user())) == [(1, acct.username, "50 min"), (2, other[1], "20 min")]
    assert rows(page(new_user()), "last-week-board") == [(1, acct.username, "10 min")]
    assert (1, acct.username, "5 days") in rows(page(acct.user, "?board=consistency"))
    assert set(on_any_set(stack, uid)) == set(live_sets())


def test_deleting_an_account_takes_it_off_the_boards(stack, boards, account):
    acct = account("lbdelete")
    uid = user_id(stack, acct.email)
    credit(stack, [(uid, 900)])
    streak(stack, uid, 2, 86400)
    rebuild(stack)
    assert on_any_set(stack, uid)
    r = post_on(acct.user, "/settings/account", "/settings/delete", password=acct.password)
    assert r.status_code == 303, brief(r)
    assert on_any_set(stack, uid) == []
    assert rows(page(acct.user)) == []


# ----------------------------------------------------------------------------------------- reports and hiding

def report(user, board: str, username: str, reason: str):
    """Sends the report form, as a browser would from its page."""
    doc = user.page(f"/leaderboards/report?board={board}&user={username}")
    token = doc.by_id("report-form").find("input", name="csrf").get("value")
    return user.post_form("/leaderboards/report", {"csrf": token, "board": board, "user": username, "reason": reason})


def reports_count(stack) -> int:
    return int(stack.psql("select count(*) from leaderboard_reports"))


def test_reports_are_stored_checked_and_limited(stack, boards, account, new_user):
    crowd = people(stack, 2)
    credit(stack, [(uid, 600) for uid, _ in crowd])
    rebuild(stack)
    reporter = account("lbreporter")
    rid = user_id(stack, reporter.email)
    credit(stack, [(rid, 60)])
    rebuild(stack)

    # The board links each entry (but your own) to a report form; guests are sent to sign in.
    doc = page(reporter.user)
    links = [a.get("href") for a in doc.by_id("board").find_all("a") if "/report" in (a.get("href") or "")]
    assert sorted(links) == sorted(f"/leaderboards/report?board=weekly&user={name}" for _, name in crowd)
    r = new_user().get(links[0])
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/login"

    before = reports_count(stack)
    r = report(reporter.user, "weekly", crowd[0][1], "  Eleven hours in one day, every day.  ")
    assert r.status_code == 303 and "reported=1" in r.headers["Location"], brief(r)
    assert "your report was sent" in text_of(page(reporter.user, "?board=weekly&reported=1"), "reported")
    row = stack.psql("select reporter_id || ' ' || reported_id || ' ' || board || ' ' || reason from leaderboard_reports "
                     "order by id desc limit 1")
    assert row == f"{rid} {crowd[0][0]} weekly Eleven hours in one day, every day."

    refused = [
        (dict(board="weekly", user=crowd[0][1], reason="   "), 422, "Say what looks wrong"),
        (dict(board="weekly", user=crowd[0][1], reason="x" * 501), 422, "at most 500"),
        (dict(board="weekly", user=reporter.username, reason="me?"), 422, "your own entry"),
        (dict(board="daily", user=crowd[0][1], reason="why"), 400, "no board called"),
        (dict(board="weekly", user="nobody_" + secrets.token_hex(4), reason="why"), 404, "is on the boards"),
        (dict(board="weekly", user=crowd[0][1] + "' or '1'='1", reason="why"), 404, "is on the boards"),
    ]
    token = reporter.user.csrf("/leaderboards")
    for fields, status, says in refused:
        r = reporter.user.post_form("/leaderboards/report", {"csrf": token, **fields})
        assert r.status_code == status and says in r.text, f"{fields}: {brief(r)}"
    r = reporter.user.post_form("/leaderboards/report", [("csrf", token), ("board", "weekly"), ("board", "monthly"),
                                                         ("user", crowd[0][1]), ("reason", "twice")])
    assert r.status_code == 400, brief(r)
    typed = "<script>alert(1)</script>"
    r = reporter.user.post_form("/leaderboards/report", {"csrf": token, "board": "weekly", "user": crowd[0][1],
                                                         "reason": typed + "x" * 500})
    assert r.status_code == 422 and typed not in r.text and "&lt;script&gt;" in r.text, "the reason is not kept, escaped"
    assert reports_count(stack) == before + 1

    # Ten an hour from one address and one account (the refused ones above count too).
    stack.clear_throttle()
    for i in range(REPORT_LIMIT):
        r = report(reporter.user, "alltime", crowd[1][1], f"report {i}")
        assert r.status_code == 303, f"report {i + 1}: {brief(r)}"
    r = report(reporter.user, "alltime", crowd[1][1], "one too many")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, brief(r)
    assert "reported many leaderboard entries" in r.text and "one too many" in r.text
    assert reports_count(stack) == before + 1 + REPORT_LIMIT
    # The same account from another address is still limited, and so is another account here.
    body = urlencode({"csrf": token, "board": "weekly", "user": crowd[1][1], "reason": "elsewhere"}).encode()
    headers = {"Host": urlsplit(stack.base_url).netloc, "Cookie": f"pp_sid={reporter.user.sid}",
               "Content-Type": "application/x-www-form-urlencoded"}
    r = stack.fcgi(stack.responders[0], "POST", "/leaderboards/report", body=body, headers=headers,
                   remote_addr="198.51.100.31")
    assert r.status == 429, r.text[:300]
    second = account("lbreporter2")
    r = report(second.user, "weekly", crowd[1][1], "me too")
    assert r.status_code == 429, brief(r)
    assert reports_count(stack) == before + 1 + REPORT_LIMIT


def test_admins_hide_and_unhide_entries_and_only_admins(stack, boards, account):
    cheat, honest = people(stack, 2)
    credit(stack, [(cheat[0], 30000), (honest[0], 1200)])
    streak(stack, cheat[0], 9, 86400)
    rebuild(stack)
    admin = account("lbadmin")
    pomopomo_run(stack, "admin", "grant", admin.email)
    # Before the second factor (issue 17) an admin sees no reports and can hide nobody.
    assert "board-admin" not in admin.user.get("/leaderboards").text
    r = admin.user.post_form(f"/admin/leaderboards/{cheat[0]}/hide",
                             {"csrf": admin.user.csrf("/leaderboards"), "board": "weekly"})
    assert r.status_code == 403 and on_any_set(stack, cheat[0]), brief(r)
    admin_two_factor(stack, admin.user, admin.email)
    plain = account("lbplain")

    # Only admins see the hide forms; a user posting one gets the same 404 as a missing page.
    assert plain.user.get("/leaderboards").text.count("/admin/leaderboards/") == 0
    r = plain.user.post_form(f"/admin/leaderboards/{cheat[0]}/hide", {"csrf": plain.user.csrf("/leaderboards")})
    assert r.status_code == 404, brief(r)
    assert on_any_set(stack, cheat[0])

    r = report(plain.user, "weekly", cheat[1], "Impossible hours")
    assert r.status_code == 303, brief(r)
    doc = page(admin.user)
    assert "Impossible hours" in text_of(doc, "board-reports")
    r = post_on(admin.user, "/leaderboards", f"/admin/leaderboards/{cheat[0]}/hide", board="weekly")
    assert r.status_code == 303, brief(r)
    assert on_any_set(stack, cheat[0]) == []
    assert [name for _, name, _ in rows(page(plain.user))] == [honest[1]]
    assert rows(page(plain.user, "?board=consistency")) == []
    rebuild(stack)
    assert on_any_set(stack, cheat[0]) == []
    assert cheat[1] in text_of(page(admin.user), "hidden-people")

    r = post_on(admin.user, "/leaderboards", f"/admin/leaderboards/{cheat[0]}/unhide", board="weekly")
    assert r.status_code == 303, brief(r)
    assert rows(page(plain.user)) == [(1, cheat[1], "8 h 20 min"), (2, honest[1], "20 min")]

    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", "1' or '1'='1"):
        r = admin.user.post_form(f"/admin/leaderboards/{bad}/hide", {"csrf": admin.user.csrf("/leaderboards")})
        assert r.status_code in (404, 400), f"{bad}: {brief(r)}"


def test_a_hidden_person_stays_hidden_when_they_rejoin(stack, boards, account):
    acct = account("lbhidden")
    uid = user_id(stack, acct.email)
    credit(stack, [(uid, 600)])
    rebuild(stack)
    admin = account("lbadmin2")
    pomopomo_run(stack, "admin", "grant", admin.email)
    admin_two_factor(stack, admin.user, admin.email)
    assert post_on(admin.user, "/leaderboards", f"/admin/leaderboards/{uid}/hide", board="weekly").status_code == 303
    assert "An admin has hidden you" in text_of(page(acct.user), "rank-hidden")
    assert "An admin has hidden you" in text_of(acct.user.page("/settings/preferences"), "leaderboard-hidden")
    assert set_ranked(acct.user, "off").status_code == 303
    assert set_ranked(acct.user, "on").status_code == 303
    assert on_any_set(stack, uid) == []
    assert rows(page(acct.user)) == []


# ----------------------------------------------------------------------------------------- last week

def test_last_weeks_final_standings_stay_beside_this_weeks(stack, boards, account):
    a, b = people(stack, 2)
    viewer = account("lblastweek")
    vid = user_id(stack, viewer.email)
    credit(stack, [(a[0], 600), (b[0], 1800), (vid, 1200)], when="last_week")
    credit(stack, [(a[0], 6000)], when="two_weeks_ago")
    credit(stack, [(a[0], 3000)])
    rebuild(stack)

    doc = page(viewer.user)
    assert iso_week(-1) in text_of(doc, "last-week-heading")
    assert rows(doc, "last-week-board") == [(1, b[1], "30 min"), (2, viewer.username, "20 min"), (3, a[1], "10 min")]
    assert "You finished #2 of 3 with 20 min" in text_of(doc, "last-week-mine")
    assert rows(doc) == [(1, a[1], "50 min")]
    assert "not on this board yet" in text_of(doc, "rank-none")
    frozen = rows(doc, "last-week-board")

    # This week moves on; last week does not.
    credit(stack, [(b[0], 9000), (vid, 60)])
    rebuild(stack)
    doc = page(viewer.user)
    assert rows(doc, "last-week-board") == frozen
    assert rows(doc) == [(1, b[1], "2 h 30 min"), (2, a[1], "50 min"), (3, viewer.username, "1 min")]
    # Only the weekly board shows it.
    assert page(viewer.user, "?board=alltime").by_id("last-week") is None


# ----------------------------------------------------------------------------------------- faults

def test_after_a_redis_flush_the_serve_jobs_rebuild_the_boards(stack, boards, new_user):
    a, b = people(stack, 2)
    credit(stack, [(a[0], 600), (b[0], 1200)])
    rebuild(stack)
    # Credit the boards never heard of (as if its write to Redis was lost), then the flush.
    credit(stack, [(a[0], 1800)])
    assert rows(page(new_user())) == [(1, b[1], "20 min"), (2, a[1], "10 min")]
    redis_cli(stack, "FLUSHALL")
    want = [(1, a[1], "40 min"), (2, b[1], "20 min")]
    viewer = new_user()
    wait_for(lambda: (d := page(viewer)).by_id("catching-up") is None and rows(d) == want,
             "the boards were not rebuilt after FLUSHALL", show=lambda: (rows(d := page(viewer)), text_of(d, "catching-up")))
    assert redis_cli(stack, "GET", "leaderboard:built") != ""
    assert rows(page(viewer, "?board=alltime")) == want


def test_while_redis_is_down_the_page_reads_the_database_and_the_boards_recover(stack, boards, account, new_user,
                                                                                  redis_outage):
    a, b = people(stack, 2)
    credit(stack, [(a[0], 600), (b[0], 1200)])
    leaver = account("lbdown")
    lid = user_id(stack, leaver.email)
    credit(stack, [(lid, 2400)])
    rebuild(stack)
    viewer = new_user()
    with redis_outage():
        credit(stack, [(a[0], 3000)])
        # Each responder keeps what it read from the database for 10 s.
        want = [(1, a[1], "1 h 00 min"), (2, leaver.username, "40 min"), (3, b[1], "20 min")]
        doc = wait_for(lambda: (d := page(viewer)).by_id("catching-up") is not None and rows(d) == want and d,
                       "no catching-up notice with the database's standings", timeout=15)
        assert "Guests are never ranked" in text_of(doc, "rank-guest")
        assert page(viewer, "?board=alltime").by_id("catching-up") is not None
        # Pages past the first wait for Redis; bad input is still refused.
        assert rows(page(viewer, "?board=weekly&page=2")) == []
        page(viewer, "?board=nope", expect=400)
        # Leaving while Redis is down: gone from the page at once all the same.
        assert set_ranked(leaver.user, "off").status_code == 303
        # Gone at once from every page; the standings themselves may be a responder's copy of up to
        # 10 s (a previous test's, on the responder the waits above did not reach).
        assert leaver.username not in [name for _, name, _ in rows(page(new_user()))]
        wait_for(lambda: rows(page(new_user())) == [(1, a[1], "1 h 00 min"), (2, b[1], "20 min")],
                 "the database's standings without the leaver", timeout=15)
        assert page(leaver.user).by_id("rank-later") is not None
    # Redis came back empty: the serve jobs rebuild, with the credit made meanwhile.
    want = [(1, a[1], "1 h 00 min"), (2, b[1], "20 min")]
    wait_for(lambda: (d := page(viewer)).by_id("catching-up") is None and rows(d) == want,
             "the boards did not recover after Redis came back")
    assert on_any_set(stack, lid) == []


def test_a_write_lost_while_redis_hung_is_repaired_by_the_serve_jobs(stack, boards, account, new_user, redis_hang):
    acct = account("lbhang")
    uid = user_id(stack, acct.email)
    credit(stack, [(uid, 1500)])
    rebuild(stack)
    assert set_ranked(acct.user, "off").status_code == 303
    assert on_any_set(stack, uid) == []
    with redis_hang():
        # Rejoining writes to Redis, which does not answer: the write is lost, the boards are
        # marked dirty, the person is told nothing went wrong (PostgreSQL has it).
        r = set_ranked(acct.user, "on")
        assert r.status_code == 303, brief(r)
    # Redis kept its data (and the built mark), so only the failed write says a rebuild is due.
    assert redis_cli(stack, "GET", "leaderboard:built") != ""
    wait_for(lambda: rows(page(new_user())) == [(1, acct.username, "25 min")],
             "the write lost while Redis hung was not repaired")


# ----------------------------------------------------------------------------------------- bad input

BAD_QUERIES = [
    ("?board=daily", 400, "no board called"),
    ("?board=", 400, "no board called"),
    ("?board=Weekly", 400, "no board called"),
    ("?board=weekly%27%20or%201%3D1--", 400, "no board called"),
    ("?board=%3Cscript%3Ealert(1)%3C/script%3E", 400, "&lt;script&gt;"),
    ("?board=weekly&board=monthly", 400, "one board"),
    ("?page=0", 400, "from 1 to 100000"),
    ("?page=-1", 400, "digits only"),
    ("?page=abc", 400, "digits only"),
    ("?page=1e3", 400, "digits only"),
    ("?page=0x10", 400, "digits only"),
    ("?page=%2B2", 400, "digits only"),
    ("?page=", 400, "digits only"),
    ("?page=100001", 400, "from 1 to 100000"),
    ("?page=9223372036854775808", 400, "from 1 to 100000"),
    ("?page=" + "9" * 300, 400, "from 1 to 100000"),
    ("?page=1&page=2", 400, "one page"),
    ("?page=%C0%AE", 400, ""),
]


@pytest.mark.parametrize("query,status,says", BAD_QUERIES, ids=[q for q, _, _ in BAD_QUERIES])
def test_bad_board_names_and_page_numbers_are_refused(stack, new_user, query, status, says):
    r = new_user().get("/leaderboards" + query)
    assert r.status_code == status, f"{query}: {brief(r)}"
    assert says in r.text, f"{query}: the page does not say {says!r}: {brief(r)}"
    assert "<script>alert" not in r.text


def test_a_page_past_the_end_is_404_with_a_way_back(stack, boards, new_user):
    credit(stack, [(uid, 60 * (i + 1)) for i, (uid, _) in enumerate(people(stack, 51))])
    rebuild(stack)
    doc = page(new_user(), "?board=weekly&page=3", expect=404)
    assert rows(doc) == []
    assert "this board has 2 pages" in text_of(doc, "past-end")
    back = doc.by_id("past-end").find("a").get("href")
    assert back == "/leaderboards?board=weekly&page=2"
    assert len(rows(page(new_user(), back.removeprefix("/leaderboards")))) == 1
    # An empty board's first page is not past its end.
    doc = page(new_user(), "?board=consistency")
    assert "Nobody is on this board yet" in text_of(doc, "board-empty")


def test_bad_settings_and_methods_change_nothing(stack, boards, account):
    acct = account("lbbad")
    uid = user_id(stack, acct.email)
    token = acct.user.csrf("/settings/preferences")
    for fields in ({"ranked": "maybe"}, {}, {"ranked": "off' --"}):
        r = acct.user.post_form("/settings/leaderboards", {"csrf": token, **fields})
        assert r.status_code == 422, f"{fields}: {brief(r)}"
    r = acct.user.post_form("/settings/leaderboards", [("csrf", token), ("ranked", "off"), ("ranked", "on")])
    assert r.status_code == 422, brief(r)
    r = acct.user.post_form("/settings/leaderboards", {"csrf": "forged", "ranked": "off"})
    assert r.status_code == 403, brief(r)
    assert stack.psql("select on_leaderboards from users where id = :'v1'", uid) == "t"
    assert acct.user.request("POST", "/leaderboards").status_code == 405
    assert acct.user.get("/settings/leaderboards").status_code == 405


def test_the_rebuild_command_needs_redis(stack):
    env = pomopomo_env(stack)
    env.pop("POMOPOMO_REDIS", None)
    out = subprocess.run([pomopomo_bin(), "leaderboards", "rebuild"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1 and "POMOPOMO_REDIS" in out.stderr, out
