"""Personal stats (issue 11): /u/{name}/stats, the numbers on /me, who may see them, and
`pomopomo stats rebuild`.

Credit is seeded straight into the ledger (focus_credits) with SQL, as the crediting transaction
writes it (one row per stretch and local day), and the tally (user_stats) is rebuilt from it by
`pomopomo stats rebuild --user ID`, the same fold the crediting transaction runs. Figures are read
from the page as text, where a text browser shows them: the figures list and the tables that go
with each chart."""

import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts_kit import brief, submit_form, user_id
from pomopomo_testkit import User, parse_html, pomopomo_bin, pomopomo_env, pomopomo_run
from rooms_kit import wait_for
from stats_kit import time_passes

BERLIN = "Europe/Berlin"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
HIDDEN = "There are no stats to show here: nobody has this username, or they keep their stats to themselves."


# ----------------------------------------------------------------------------------------- seeding

def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def credit(stack, uid: str, start: datetime, end: datetime, zone: str, day: date | None = None,
           completed: bool = True, seconds: int | None = None):
    """One ledger row, stamped with its local day in `zone` unless `day` says otherwise."""
    day = day or start.astimezone(ZoneInfo(zone)).date()
    seconds = seconds if seconds is not None else int((end - start).total_seconds())
    stack.psql("insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed) "
               "values (:'v1', 'room', :'v2', :'v3', :'v4', :'v5', :'v6', :'v7')",
               uid, start.isoformat(), end.isoformat(), str(seconds), day.isoformat(), zone, "t" if completed else "f")


def rebuild(stack, uid: str):
    out = pomopomo_run(stack, "stats", "rebuild", "--user", uid)
    assert "users=1" in out.stdout, out.stdout


def owner(stack, account, prefix: str, zone: str):
    acct = account(prefix)
    uid = user_id(stack, acct.email)
    stack.psql("update users set timezone = :'v1' where id = :'v2'", zone, uid)
    return acct, uid


# ----------------------------------------------------------------------------------------- reading the page

def stats_page(user: User, username: str, query: str = "", expect: int = 200):
    r = user.get(f"/u/{username}/stats{query}")
    assert r.status_code == expect, f"/u/{username}/stats{query}: {brief(r)}"
    return parse_html(r.text)


def figure(doc, name: str) -> str:
    el = doc.by_id("figure-" + name)
    assert el is not None, f"no #figure-{name}"
    return el.clean_text()


def table(doc, table_id: str) -> dict:
    """{row header: [cells]} of a table, as a text browser shows them."""
    el = doc.by_id(table_id)
    assert el is not None, f"no table #{table_id}"
    rows = {}
    for tr in el.find("tbody").find_all("tr"):
        th = tr.find("th")
        rows[th.clean_text()] = [td.clean_text() for td in tr.find_all("td")]
    return rows


def header(doc, table_id: str) -> list[str]:
    return [th.clean_text() for th in doc.by_id(table_id).find("thead").find_all("th")]


def hours(doc) -> dict:
    """{(weekday, hour): minutes} for the non-empty cells of the hours table."""
    days = header(doc, "hours-table")[1:]
    assert days == WEEKDAYS
    return {(days[i], int(hour[:2])): int(v) for hour, cells in table(doc, "hours-table").items()
            for i, v in enumerate(cells) if v != "0"}


def strings(el) -> list[str]:
    return [c for child in el.children for c in ([child] if isinstance(child, str) else strings(child))]


def visibility_radios(acct) -> dict:
    """{value: checked} of the settings' "who can see your focus stats" choices."""
    radios = acct.user.page("/settings/profile").find_all("input", name="stats_visibility")
    return {el.get("value"): "checked" in el.attrs for el in radios}


def error_message(r) -> str:
    el = parse_html(r.text).by_id("error-message")
    assert el is not None, f"no #error-message: {brief(r)}"
    return el.clean_text()


def save_visibility(acct, choice: str):
    page = acct.user.get("/settings/profile")
    r = submit_form(acct.user, page.text, "/settings/profile", stats_visibility=choice)
    assert r.status_code == 303, f"saving stats visibility {choice}: {brief(r)}"


# ----------------------------------------------------------------------------------------- figures and charts

def test_figures_charts_and_tables_for_known_rows_across_midnight_and_dst(stack, account, new_user):
    acct, uid = owner(stack, account, "statsdst", BERLIN)
    # A stretch across Berlin's midnight, written as the ledger writes it: two rows, one per day
    # (Wednesday 12 November 2025, 23:30 to Thursday 00:30).
    credit(stack, uid, utc("2025-11-12 22:30"), utc("2025-11-12 23:00"), BERLIN, completed=False)
    credit(stack, uid, utc("2025-11-12 23:00"), utc("2025-11-12 23:30"), BERLIN)
    # Clocks go back on Sunday 26 October 2025 (03:00 CEST becomes 02:00 CET): 02:30 CEST to
    # 03:30 CET is two real hours, 90 minutes of them in the hour lived twice.
    credit(stack, uid, utc("2025-10-26 00:30"), utc("2025-10-26 02:30"), BERLIN)
    # Clocks go forward on Sunday 30 March 2025 (02:00 CET becomes 03:00 CEST): 01:30 to 03:30 on
    # the wall is one real hour, none of it at 02:00.
    credit(stack, uid, utc("2025-03-30 00:30"), utc("2025-03-30 01:30"), BERLIN)
    rebuild(stack, uid)

    visitor = new_user()
    doc = stats_page(visitor, acct.username, "?year=2025")
    assert figure(doc, "total") == "4 h 00 min"
    assert figure(doc, "sessions") == "3"
    assert figure(doc, "best-day") == "2025-10-26: 2 h 00 min"
    assert figure(doc, "best-streak") == "2 days"  # 12 and 13 November
    assert figure(doc, "streak") == "0 days"  # a year ago
    assert figure(doc, "week") == "0 min" and figure(doc, "month") == "0 min"

    assert hours(doc) == {("Wed", 23): 30, ("Thu", 0): 30, ("Sun", 1): 30, ("Sun", 2): 90, ("Sun", 3): 30 + 30}

    weeks = table(doc, "year-table")
    assert header(doc, "year-table") == ["Week of", *WEEKDAYS, "Week"]
    assert weeks["2025-11-10"] == ["0", "0", "30", "30", "0", "0", "0", "60"]
    assert weeks["2025-10-20"] == ["0", "0", "0", "0", "0", "0", "120", "120"]
    assert weeks["2025-03-24"] == ["0", "0", "0", "0", "0", "0", "60", "60"]
    # The year's grid starts on the Monday before 1 January; days outside the year are blank.
    assert weeks["2024-12-30"][:2] == ["", ""] and len(weeks) == 53
    assert sum(int(w[-1]) for w in weeks.values()) == 240
    # Every chart is an image drawn on the server, each with its own title.
    charts = doc.find_all("svg")
    assert len(charts) == 3 and all(svg.get("role") == "img" for svg in charts)
    assert len({svg.get("aria-labelledby") for svg in charts}) == 3

    # The past year: 53 weeks ending with this week; these rows are older than 30 days.
    recent = stats_page(visitor, acct.username)
    days = table(recent, "days-table")
    assert len(days) == 30 and all(cells[1] == "0" for cells in days.values())
    today = datetime.now(ZoneInfo(BERLIN)).date()
    assert list(days)[-1] == today.isoformat() and days[today.isoformat()][0] == WEEKDAYS[today.weekday()]
    assert list(table(recent, "year-table"))[0] == (today - timedelta(days=today.weekday() + 52 * 7)).isoformat()


def test_week_and_month_follow_the_owners_zone_and_me_shows_today(stack, account, new_user):
    # UTC+14: most of the day its date is already tomorrow's in UTC.
    zone = "Pacific/Kiritimati"
    acct, uid = owner(stack, account, "statsweek", zone)
    now = datetime.now(ZoneInfo(zone))
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    rows = [(today, 25), (monday, 10), (monday - timedelta(days=1), 7), (first, 3), (first - timedelta(days=1), 2)]
    seeded = {}
    for day, m in rows:
        seeded[day] = seeded.get(day, 0) + m
        start = datetime.combine(day, datetime.min.time(), ZoneInfo(zone)) + timedelta(hours=1)
        credit(stack, uid, start, start + timedelta(minutes=m), zone, day=day)
    rebuild(stack, uid)

    def total(since: date) -> str:
        m = sum(v for d, v in seeded.items() if d >= since)
        return f"{m} min" if m < 60 else f"{m // 60} h {m % 60:02d} min"

    doc = stats_page(new_user(), acct.username)
    assert figure(doc, "week") == total(monday)
    assert figure(doc, "month") == total(first)
    assert figure(doc, "total") == total(date.min)
    days = table(doc, "days-table")
    assert days[today.isoformat()] == [WEEKDAYS[today.weekday()], str(seeded[today])]

    me = acct.user.page("/me")
    assert me.by_id("me-today").clean_text() == total(today)
    assert me.by_id("me-week").clean_text() == total(monday)
    assert me.by_id("me-sessions").clean_text() == str(len(rows))
    link = me.by_id("me-stats-link")
    assert link is not None and link.get("href") == f"/u/{acct.username}/stats"


def test_a_freeze_covering_yesterday_is_shown_and_never_counted_as_a_streak_day(stack, account, new_user):
    acct, uid = owner(stack, account, "statsfreeze", BERLIN)
    today = datetime.now(ZoneInfo(BERLIN)).date()
    # Seven days in a row up to the day before yesterday earn a freeze; yesterday had nothing.
    for back in range(8, 1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, datetime.min.time(), ZoneInfo(BERLIN)) + timedelta(hours=12)
        credit(stack, uid, start, start + timedelta(minutes=25), BERLIN)
    rebuild(stack, uid)

    doc = stats_page(new_user(), acct.username)
    assert figure(doc, "streak") == "7 days"
    assert figure(doc, "best-streak") == "7 days"
    notes = [li.clean_text() for li in doc.by_id("freezes").find_all("li")]
    assert notes == ["1 freeze covering yesterday", "0 freezes banked", "1 freeze spent so far"]
    assert acct.user.page("/me").by_id("me-streak").clean_text() == "7 days (1 freeze covering yesterday)"


def test_new_credit_shows_at_once_on_every_responder(stack, account, new_user):
    """Each responder keeps pages it drew; new credit (which changes the tally in the same
    transaction) is never hidden behind one."""
    acct, uid = owner(stack, account, "statsfresh", BERLIN)
    today = datetime.now(ZoneInfo(BERLIN)).date()
    start = datetime.combine(today, datetime.min.time(), ZoneInfo(BERLIN)) + timedelta(hours=1)
    credit(stack, uid, start, start + timedelta(minutes=25), BERLIN, day=today)
    rebuild(stack, uid)
    visitor = new_user()
    for _ in range(4):  # nginx sends them to both responders
        assert table(stats_page(visitor, acct.username), "days-table")[today.isoformat()][1] == "25"
    credit(stack, uid, start + timedelta(minutes=30), start + timedelta(minutes=40), BERLIN, day=today)
    rebuild(stack, uid)
    for _ in range(4):
        doc = stats_page(visitor, acct.username)
        assert table(doc, "days-table")[today.isoformat()][1] == "35" and figure(doc, "total") == "35 min"


def test_focus_in_a_room_shows_on_the_page_and_on_me(stack, account, make_room, new_user):
    """The real path: a room's focus segment runs out with the account present, the crediting
    transaction writes the ledger and the tally, and the pages show it (one of them was drawn
    and kept before)."""
    # The focus covers the last 25 minutes: in a zone where all of them fell on today (Berlin's,
    # unless its day began less than half an hour ago: then it would be credited to two days).
    now = datetime.now(ZoneInfo(BERLIN))
    zone = BERLIN if now.hour > 0 or now.minute >= 30 else "America/New_York"
    acct, uid = owner(stack, account, "statsroom", zone)
    visitor = new_user()
    assert figure(stats_page(visitor, acct.username), "total") == "0 min"
    room = make_room()
    room.join("Sam Stats", user=acct.user)
    room.host.ok("/timer", action="start", at="0")
    time_passes(stack, room, 1500)
    wait_for(lambda: stack.psql("select sessions from user_stats where user_id = :'v1'", uid) == "1", 5,
             "the account's completed session")
    today = datetime.now(ZoneInfo(zone)).date().isoformat()
    doc = stats_page(visitor, acct.username)
    assert figure(doc, "sessions") == "1" and figure(doc, "streak") == "1 day"
    assert figure(doc, "total") in ("24 min", "25 min") and figure(doc, "week") == figure(doc, "total")
    assert table(doc, "days-table")[today][1] in ("24", "25")
    me = acct.user.page("/me")
    assert me.by_id("me-today").clean_text() == figure(doc, "total")
    assert me.by_id("me-sessions").clean_text() == "1" and me.by_id("me-streak").clean_text() == "1 day"


def test_an_account_without_credit_has_an_empty_page_and_zeros_on_me(stack, account):
    acct = account("statsnone")
    doc = stats_page(acct.user, acct.username)
    assert figure(doc, "total") == "0 min" and figure(doc, "streak") == "0 days"
    assert figure(doc, "best-day") == "none yet"
    assert all(cells[1] == "0" for cells in table(doc, "days-table").values())
    me = acct.user.page("/me")
    assert me.by_id("me-today").clean_text() == "0 min" and me.by_id("me-sessions").clean_text() == "0"


# ----------------------------------------------------------------------------------------- who sees it

def test_only_me_hides_the_page_from_everyone_else_like_a_missing_user(stack, account, new_user):
    acct, uid = owner(stack, account, "statspriv", BERLIN)
    other = account("statsother")
    guest = new_user()
    credit(stack, uid, utc("2026-01-05 09:00"), utc("2026-01-05 09:25"), BERLIN)
    rebuild(stack, uid)
    # Public by default, and the profile links to it.
    stats_page(guest, acct.username)
    assert guest.page(f"/u/{acct.username}").by_id("stats-link") is not None

    save_visibility(acct, "only_me")
    assert stack.psql("select stats_visibility from users where id = :'v1'", uid) == "only_me"
    missing = guest.get("/u/nobody_has_this_name_x/stats")
    assert missing.status_code == 404 and error_message(missing) == HIDDEN
    for viewer in (guest, other.user):
        for query in ("", "?year=2026", "?year=abc"):
            r = viewer.get(f"/u/{acct.username}/stats{query}")
            assert r.status_code == 404, f"a private page{query} answered {brief(r)}"
            assert error_message(r) == HIDDEN
        assert viewer.page(f"/u/{acct.username}").by_id("stats-link") is None
    mine = stats_page(acct.user, acct.username)
    assert "Only you can see this page." in mine.by_id("stats-visibility-note").clean_text()
    assert mine.by_id("figure-total").clean_text() == "25 min"
    assert acct.user.page(f"/u/{acct.username}").by_id("stats-link") is not None
    assert visibility_radios(acct) == {"everyone": False, "friends": False, "only_me": True}

    # "friends": the owner and their friends (test_http_social_friends.py); a guest and someone
    # who is no friend see nothing, and the settings say "my friends".
    save_visibility(acct, "friends")
    assert guest.get(f"/u/{acct.username}/stats").status_code == 404
    assert other.user.get(f"/u/{acct.username}/stats").status_code == 404
    stats_page(acct.user, acct.username)
    assert visibility_radios(acct) == {"everyone": False, "friends": True, "only_me": False}

    save_visibility(acct, "everyone")
    assert "Everyone can see this page." in stats_page(acct.user, acct.username).by_id("stats-visibility-note").clean_text()
    stats_page(guest, acct.username)
    assert stats_page(other.user, acct.username).by_id("stats-visibility-note") is None


@pytest.mark.parametrize("choice", ["friend", "nobody", "EVERYONE", "everyone' OR '1'='1", "only_me\r\nX: y"])
def test_a_visibility_the_form_does_not_offer_is_refused_and_nothing_changes(stack, account, choice):
    acct = account("statsbadvis")
    before = stack.psql("select row_to_json(u) from users u where lower(email) = lower(:'v1')", acct.email)
    page = acct.user.get("/settings/profile")
    r = submit_form(acct.user, page.text, "/settings/profile", stats_visibility=choice, bio="changed?")
    assert r.status_code == 422, brief(r)
    doc = parse_html(r.text)
    assert doc.by_id("form-error").clean_text() == "Choose who can see your focus stats: everyone, your friends or only you."
    assert doc.find("textarea", name="bio").text() == "changed?"
    assert stack.psql("select row_to_json(u) from users u where lower(email) = lower(:'v1')", acct.email) == before


def test_a_missing_or_unproven_account_has_no_stats_page(stack, new_user):
    guest = new_user()
    for name in ("no_such_person_42", "a", "x" * 200, "%27%20OR%20%271%27=%271", "<script>"):
        r = guest.get(f"/u/{name}/stats")
        assert r.status_code == 404 and error_message(r) == HIDDEN, f"{name}: {brief(r)}"
    # An account whose address was never proven (left from before proof was required), with credit.
    username = "unproven_" + datetime.now().strftime("%H%M%S%f")
    uid = stack.psql("insert into users (email, username, display_name) values (:'v1', :'v2', 'Ann Unproven') returning id",
                     f"{username}@example.org", username).splitlines()[0]
    credit(stack, uid, utc("2026-01-05 09:00"), utc("2026-01-05 09:25"), "UTC")
    rebuild(stack, uid)
    for path in (f"/u/{username}", f"/u/{username}/stats"):
        assert guest.get(path).status_code == 404, path
    assert error_message(guest.get(f"/u/{username}/stats")) == HIDDEN


# ----------------------------------------------------------------------------------------- bad input

BAD_YEARS = [
    ("?year=abc", "“abc” is not a year"),
    ("?year=", "“” is not a year"),
    ("?year=-2025", "“-2025” is not a year"),
    ("?year=1e3", "“1e3” is not a year"),
    ("?year=0x7E9", "“0x7E9” is not a year"),
    ("?year=99999999999999999999", "is not a year"),
    ("?year=%C0%AE", None),  # an overlong encoding: refused before the handler
    ("?year=20%0025", None),  # NUL
    ("?year=2025%27%20OR%20%271%27=%271", "is not a year"),
    ("?year=1999", "There are stats for 2025 to"),
    ("?year=2025&year=2026", "more than once"),
]


@pytest.mark.parametrize("query,says", BAD_YEARS, ids=[q for q, _ in BAD_YEARS])
def test_bad_year_parameters_are_400_with_a_clear_message(stack, account, new_user, query, says):
    acct = STATS_OWNER.get(stack, account)
    r = new_user().get(f"/u/{acct.username}/stats{query}")
    assert r.status_code == 400, f"{query}: {brief(r)}"
    if says:
        assert says in error_message(r), error_message(r)


def test_a_year_after_this_one_is_refused_and_each_year_of_credit_is_offered(stack, account, new_user):
    acct = STATS_OWNER.get(stack, account)
    this_year = datetime.now(ZoneInfo(BERLIN)).year
    r = new_user().get(f"/u/{acct.username}/stats?year={this_year + 1}")
    assert r.status_code == 400 and f"There are stats for 2025 to {this_year}" in error_message(r)
    doc = stats_page(new_user(), acct.username, "?year=2025")
    links = [(a.clean_text(), a.get("href"), "aria-current" in a.attrs) for a in doc.find("nav", cls="year-links").find_all("a")]
    assert links[0] == ("Past year", f"/u/{acct.username}/stats", False)
    assert ("2025", f"/u/{acct.username}/stats?year=2025", True) in links
    assert [label for label, _, _ in links[1:]] == [str(y) for y in range(this_year, 2024, -1)]


class _Owner:
    """One public owner with credit in 2025, shared by the bad-input tests (they change nothing)."""

    def __init__(self):
        self.acct = None

    def get(self, stack, account):
        if self.acct is None:
            acct, uid = owner(stack, account, "statsyear", BERLIN)
            credit(stack, uid, utc("2025-06-02 09:00"), utc("2025-06-02 09:25"), BERLIN)
            rebuild(stack, uid)
            self.acct = acct
        return self.acct


STATS_OWNER = _Owner()


def test_display_names_are_escaped_everywhere_on_the_page(stack, account, new_user):
    acct = account("statsxss")
    name = "<script>alert(1)</script>\"&amp;{{> x}}"
    page = acct.user.get("/settings/profile")
    assert submit_form(acct.user, page.text, "/settings/profile", display_name=name).status_code == 303
    r = new_user().get(f"/u/{acct.username}/stats")
    assert r.status_code == 200, brief(r)
    assert name not in r.text and "<script>alert" not in r.text
    doc = parse_html(r.text)
    assert doc.by_id("stats-heading").clean_text() == f"Focus stats: {name}"
    assert doc.find("title").clean_text().startswith(name)
    assert not [el for el in doc.iter() if el.tag == "script" and not el.get("src")]


# ----------------------------------------------------------------------------------------- text browsers, rebuild

def test_the_page_reads_as_text_without_script_or_styles(stack, account, new_user):
    acct, uid = owner(stack, account, "statstext", BERLIN)
    credit(stack, uid, utc("2025-02-03 08:00"), utc("2025-02-03 08:50"), BERLIN)
    rebuild(stack, uid)
    r = new_user().get(f"/u/{acct.username}/stats?year=2025")
    doc = parse_html(r.text)
    main = doc.by_id("main")
    # What a text browser prints: the figures' names and values, and each table's numbers as text
    # (every element on its own, as w3m lays out blocks and cells).
    text = " ".join(" ".join(t.split()) for t in strings(main) if t.strip())
    for words in ("Focus, all time 50 min", "Sessions completed 1", "Best day 2025-02-03: 50 min",
                  "Week of Mon Tue Wed Thu Fri Sat Sun Week", "2025-02-03 50 0 0 0 0 0 0 50",
                  "Hour Mon Tue Wed Thu Fri Sat Sun", "09:00 50 0 0 0 0 0 0"):
        assert words in text, f"{words!r} is not in the page's text"
    # Each chart is followed by its table; no number is only in a picture.
    for figure_, table_id in zip(main.find_all("figure"), ("days-table", "year-table", "hours-table"), strict=True):
        assert figure_.find("svg") is not None and doc.by_id(table_id) is not None


def test_rebuild_of_every_account_agrees_with_the_tallies_and_refuses_unknown_ids(stack, account):
    acct, uid = owner(stack, account, "statsrebuild", BERLIN)
    credit(stack, uid, utc("2025-05-05 09:00"), utc("2025-05-05 09:25"), BERLIN)
    credit(stack, uid, utc("2025-05-06 09:00"), utc("2025-05-06 09:25"), BERLIN)
    rebuild(stack, uid)
    mine = stack.psql("select row_to_json(s) from user_stats s where user_id = :'v1'", uid)
    out = pomopomo_run(stack, "stats", "rebuild")
    assert re.search(r"^users=\d+ elapsed_ms=\d+$", out.stdout.strip(), re.M), out.stdout
    assert stack.psql("select row_to_json(s) from user_stats s where user_id = :'v1'", uid) == mine
    # Other tests write tallies by hand; after one full rebuild, every tally is the ledger's, and
    # rebuilding again changes none of them.
    everyone = stack.psql("select row_to_json(s) from user_stats s order by user_id")
    pomopomo_run(stack, "stats", "rebuild")
    assert stack.psql("select row_to_json(s) from user_stats s order by user_id") == everyone
    assert '"streak_best":2' in stack.psql("select row_to_json(s) from user_stats s where user_id = :'v1'", uid)
    for bad in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", "'; drop table users; --"):
        done = subprocess.run([pomopomo_bin(), "stats", "rebuild", "--user", bad], env=pomopomo_env(stack),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and "no account has the id" in done.stderr, (bad, done.stdout, done.stderr)
