"""The focus journal's insights (issue 15, /journal/insights): completion rate, pomodoros per day,
interruptions by category and by hour, best focus hours (weekday x hour), intents over time and
break activities, for the last 7 days, the last 30 or all time; each chart an SVG drawn on the
server with the same numbers in a table beside it (what w3m and screen readers read); days and
hours on the owner's clock. The journal is written as events (journal_insights_kit) and rebuilt.
Privacy: guests are sent to sign in, and nobody sees anyone else's journal, admins included."""

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from accounts_kit import brief, register, user_id
from journal_insights_kit import Journal, as_dict, page_text, table_rows
from pomopomo_testkit import User, parse_html

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 2025-06-18, 18:00 in Berlin: "today" for every request below.
NOW = datetime(2025, 6, 18, 18, 0, tzinfo=BERLIN)
CLOCK = {"X-Pomopomo-Test-Now": str(int(NOW.timestamp()))}


def at(day: str, hm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=BERLIN)


@pytest.fixture(scope="module")
def owner(stack, mailbox):
    """An account with eight sessions over a year and a month, and one more in another's journal."""
    acct = register(stack.base_url, mailbox, "jins")
    j = Journal(stack, user_id(stack, acct.email), "Europe/Berlin")
    # Today: clean, paused then completed, ended early, and one still open (paused).
    j.session(at("2025-06-18", "09:00"), "coding", activity="tea_coffee", break_minutes=5)
    j.session(at("2025-06-18", "10:00"), "writing", pauses=[(10, 5, "door")], activity="walk", break_minutes=10)
    j.session(at("2025-06-18", "14:00"), "coding", minutes=12, pauses=[(5, 3, "notification")], end="end")
    j.session(at("2025-06-18", "17:30"), "reading", pauses=[(10, 20, "family")], end=None)
    # Sunday night into Monday: 10 minutes before midnight, 15 after; the journal day is Sunday's.
    j.session(at("2025-06-15", "23:50"), "studying", activity="food", break_minutes=15)
    # In the last 30 days, not the last 7: a break whose activity was never chosen.
    j.session(at("2025-05-29", "08:00"), "planning", activity=None, break_minutes=4)
    # Older: only "all" has them.
    j.session(at("2025-03-10", "09:00"), "coding", minutes=20, pauses=[(8, 2, "lost_focus")], end="end")
    j.session(at("2024-05-14", "16:00"), "coding")
    j.write()
    yield acct
    acct.user.http.close()


@pytest.fixture(scope="module")
def stranger(stack, mailbox):
    """Another account with a journal of its own (one session with a "work_call" pause)."""
    acct = register(stack.base_url, mailbox, "jinsx")
    j = Journal(stack, user_id(stack, acct.email), "UTC")
    j.session(datetime(2025, 6, 17, 12, 0, tzinfo=ZoneInfo("UTC")), "planning", pauses=[(3, 1, "work_call")])
    j.write()
    yield acct
    acct.user.http.close()


def insights(user: User, query: str = ""):
    r = user.get("/journal/insights" + query, headers=CLOCK)
    assert r.status_code == 200, brief(r)
    return parse_html(r.text)


def figures(doc) -> dict[str, str]:
    dl = doc.by_id("insights-figures")
    return {dt.clean_text(): dd.clean_text() for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)}


def test_the_week_in_figures_and_tables(owner):
    doc = insights(owner.user, "?range=week")
    assert figures(doc) == {
        "Completion rate": "75%", "Sessions started": "5", "Completed": "3", "Completed after pauses": "1",
        "Ended early": "1", "Still open": "1", "Focused": "1 h 37 min",
        "Interruptions": "3 (0.6 a session)", "Breaks": "3"}
    # Focused: 25 + 25 + 12 + 10 (the open session so far) + 25 minutes.
    assert doc.find("a", **{"aria-current": "page"}).clean_text() == "Last 7 days"
    pomodoros = as_dict(table_rows(doc, "pomodoros-table"))
    assert list(pomodoros) == [f"2025-06-{d}" for d in range(12, 19)], "a row a day, days without sessions too"
    # Completed without a pause, after pauses, ended early, still open, all.
    assert pomodoros["2025-06-18"] == ["1", "1", "1", "1", "4"]
    assert pomodoros["2025-06-15"] == ["1", "0", "0", "0", "1"]
    assert pomodoros["2025-06-16"] == ["0", "0", "0", "0", "0"]

    categories = as_dict(table_rows(doc, "interruption-categories-table"))
    assert categories["Door"] == ["1", "33%"] and categories["Family"] == ["1", "33%"]
    assert categories["Notification"] == ["1", "33%"] and categories["Work call"] == ["0", "0%"]
    hours = as_dict(table_rows(doc, "interruption-hours-table"))
    assert len(hours) == 24
    # Door, work call, family, notification, lost focus, other, all: by the Berlin clock.
    assert hours["10:00"] == ["1", "0", "0", "0", "0", "0", "1"]
    assert hours["14:00"] == ["0", "0", "0", "1", "0", "0", "1"]
    assert hours["17:00"] == ["0", "0", "1", "0", "0", "0", "1"]

    intents = as_dict(table_rows(doc, "intents-table"))
    # Coding, writing, studying, planning, reading, other, all.
    assert intents["2025-06-18"] == ["2", "1", "0", "0", "1", "0", "4"]
    assert intents["2025-06-15"] == ["0", "0", "1", "0", "0", "0", "1"]

    breaks = as_dict(table_rows(doc, "breaks-table"))
    assert breaks["Tea or coffee"] == ["1", "5"] and breaks["Walk"] == ["1", "10"] and breaks["Food"] == ["1", "15"]
    assert breaks["Not chosen"] == ["0", "–"]


def test_best_focus_hours_count_focused_minutes_on_the_owners_clock(owner):
    doc = insights(owner.user, "?range=week")
    hours = as_dict(table_rows(doc, "focus-hours-table"))
    # Mon … Sun. Pauses are left out (10:10-10:15), the open session is not counted yet, and the
    # session across midnight gives 10 minutes to Sunday 23:00 and 15 to Monday 00:00.
    assert hours["09:00"] == ["0", "0", "25", "0", "0", "0", "0"]
    assert hours["10:00"] == ["0", "0", "25", "0", "0", "0", "0"]
    assert hours["14:00"] == ["0", "0", "12", "0", "0", "0", "0"]
    assert hours["23:00"] == ["0", "0", "0", "0", "0", "0", "10"]
    assert hours["00:00"] == ["15", "0", "0", "0", "0", "0", "0"]
    assert hours["17:00"] == ["0"] * 7
    assert [li.clean_text() for li in doc.by_id("best-hours").find_all("li")] == [
        "Wed 09:00–10:00: 25 min", "Wed 10:00–11:00: 25 min", "Mon 00:00–01:00: 15 min"]


def test_month_is_the_default_and_all_groups_by_month(owner):
    month = insights(owner.user)
    assert month.find("a", **{"aria-current": "page"}).clean_text() == "Last 30 days"
    f = figures(month)
    assert (f["Sessions started"], f["Completed"], f["Completion rate"]) == ("6", "4", "80%")
    rows = as_dict(table_rows(month, "pomodoros-table"))
    assert len(rows) == 30 and list(rows)[0] == "2025-05-20" and rows["2025-05-29"][-1] == "1"
    assert as_dict(table_rows(month, "breaks-table"))["Not chosen"] == ["1", "4"]
    assert insights(owner.user, "?range=").by_id("pomodoros-table") is not None, "an empty range is the default"

    everything = insights(owner.user, "?range=all")
    f = figures(everything)
    assert (f["Sessions started"], f["Completed"], f["Ended early"], f["Completion rate"]) == ("8", "5", "2", "71%")
    assert everything.by_id("pomodoros-heading").clean_text() == "Pomodoros per month"
    rows = as_dict(table_rows(everything, "pomodoros-table"))
    assert list(rows) == [f"2024-{m:02}" for m in range(5, 13)] + [f"2025-{m:02}" for m in range(1, 7)]
    assert rows["2024-05"] == ["1", "0", "0", "0", "1"] and rows["2025-03"] == ["0", "0", "1", "0", "1"]
    assert as_dict(table_rows(everything, "interruption-categories-table"))["Lost focus"] == ["1", "25%"]


def test_every_chart_is_an_svg_with_a_title_and_a_table_beside_it(owner):
    doc = insights(owner.user, "?range=week")
    main = doc.by_id("journal-insights")
    pairs = main.find_all("div", cls="chart-pair")
    assert len(pairs) == 6
    for pair in pairs:
        svg = pair.find("svg")
        assert svg is not None and svg.get("role") == "img", "each chart is one image"
        title = svg.find("title", id=svg.get("aria-labelledby"))
        assert title is not None and title.clean_text(), "…named by its title"
        assert pair.find("table", cls="stats-table") is not None, "…with its numbers in a table beside it"
        assert svg.find("script") is None and "style" not in svg.attrs
    # The legends say in words what each colour is.
    legend = [li.clean_text() for li in main.find("ul", cls="chart-legend").find_all("li")]
    assert legend == ["Completed without a pause", "Completed after pauses", "Ended early", "Still open"]
    # What a text browser prints of the page: the figures and the tables' words and numbers.
    text = page_text(main)
    for words in ("Completion rate 75%", "2025-06-18 1 1 1 1 4", "Tea or coffee 1 5", "Door 1 33%"):
        assert words in text, f"{words!r} is not in the page's text"


def test_an_empty_journal_says_so(stack, mailbox):
    acct = register(stack.base_url, mailbox, "jinse")
    doc = insights(acct.user, "?range=week")
    assert figures(doc)["Sessions started"] == "0"
    assert figures(doc)["Completion rate"] == "no finished sessions"
    assert "No sessions in these days yet" in doc.by_id("insights-empty").clean_text()
    assert doc.find("svg") is None
    acct.user.http.close()


@pytest.mark.parametrize("value", ["year", "WEEK", "' OR 1=1--", "week;DROP TABLE journal_events", "<script>x</script>",
                                   "all%20", "w%C3%A9ek"])
def test_an_unknown_range_is_refused_clearly(owner, value):
    r = owner.user.get(f"/journal/insights?range={value}", headers=CLOCK)
    assert r.status_code == 422, brief(r)
    assert "choose week, month or all" in parse_html(r.text).clean_text()
    assert "<script>x" not in r.text


def test_doubled_or_broken_range_parameters_are_bad_requests(owner):
    for query in ("?range=week&range=all", "?range=%C0%AE", "?range=%FF", "?range=week%00"):
        r = owner.user.get("/journal/insights" + query, headers=CLOCK)
        assert r.status_code == 400, f"{query}: {brief(r)}"


def test_only_the_owner_sees_their_journal(stack, owner, stranger):
    # The stranger's page is the stranger's journal, whatever the address names.
    uid = user_id(stack, owner.email)
    for query in ("?range=all", f"?range=all&user={uid}", f"?range=all&user_id={uid}"):
        f = figures(insights(stranger.user, query))
        assert (f["Sessions started"], f["Interruptions"]) == ("1", "1 (1 a session)"), query
    assert figures(insights(owner.user, "?range=all"))["Sessions started"] == "8"
    # An admin has no way in either: their own (empty) journal is all they see.
    stack.psql("update users set role = 'ADMIN' where id = (select id from users where email = :'v1')", stranger.email)
    try:
        assert figures(insights(stranger.user, f"?range=all&user={uid}"))["Sessions started"] == "1"
    finally:
        stack.psql("update users set role = 'USER' where email = :'v1'", stranger.email)
    # Guests are sent to sign in.
    guest = User(stack.base_url)
    for path in ("/journal/insights", "/journal/export.csv", "/journal/export.json"):
        r = guest.get(path)
        assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/login", f"{path}: {brief(r)}"
