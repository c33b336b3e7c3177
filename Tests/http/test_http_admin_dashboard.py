"""Moderation (issue 17): the admin dashboard. The daily_statistics figures as server-drawn SVG
charts (rooms, participants, sessions, focus minutes; 30 days and a year) with the same numbers in
a table; live rooms and people; parked polls per responder; sign-ups per day; the open-report
count. Admins only."""

import datetime
import threading
import time

import pytest

from accounts_kit import brief
from admin_kit import admin_page, make_admin


@pytest.fixture
def boss(stack, account):
    return make_admin(stack, account("boss"))


def day_row(table, day: str) -> list[str]:
    """The cells of the table's row for `day` (its <th>)."""
    row = next(tr for tr in table.find_all("tr") if tr.find("th") is not None and tr.find("th").text() == day)
    return [td.text() for td in row.find_all("td")]


def test_daily_figures_are_charts_with_a_table_for_30_days_and_a_year(stack, boss):
    day = (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=3)).isoformat()
    old = (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=200)).isoformat()
    for d, focus in ((day, 7 * 60 * 25), (old, 60 * 60)):
        stack.psql("insert into daily_statistics (day, rooms_created, total_participants, total_sessions, total_focus_seconds) "
                   "values (:'v1', 4, 9, 6, :'v2') on conflict (day) do update set rooms_created = 4, total_participants = 9, "
                   "total_sessions = 6, total_focus_seconds = :'v2'", d, str(focus))
    doc = admin_page(boss.user, "/admin")
    for chart in ("rooms", "participants", "sessions", "focus"):
        figure = doc.by_id(f"figure-{chart}")
        svg = figure.find("svg")
        assert svg is not None and svg.get("role") == "img", chart
        assert len(svg.find_all("rect")) == 30, f"{chart}: a bar per day of the last 30"
    assert any(f"{day}: 175" == t.text() for t in doc.by_id("figure-focus").find_all("title"))
    table = doc.by_id("daily-table")
    assert day_row(table, day) == ["4", "9", "6", "175"]
    assert old not in table.text()

    year = admin_page(boss.user, "/admin?period=365")
    assert len(year.by_id("figure-rooms").find("svg").find_all("rect")) == 365
    assert old in year.by_id("daily-table").text()
    for bad in ("period=7", "period=-1", "period=1e3", "period=abc", "period=30&period=365"):
        assert boss.user.get("/admin?" + bad).status_code in (400, 422), bad


def test_live_rooms_people_signups_and_open_reports(stack, boss, make_room, account):
    room = make_room()
    room.join("Present Person")
    doc = admin_page(boss.user, "/admin")
    assert int(doc.by_id("live-rooms").text().split()[0]) >= 1
    assert int(doc.by_id("live-people").text()) >= 2
    assert int(doc.by_id("live-accounts").text()) >= 1
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    signups = doc.by_id("signups-table")
    before = day_row(signups, today)
    account("newcomer")
    doc = admin_page(boss.user, "/admin")
    assert day_row(doc.by_id("signups-table"), today) == [str(int(before[0]) + 1)]
    assert int(doc.by_id("open-reports").text()) == int(stack.psql("select count(*) from reports where status = 'open'"))


def test_parked_polls_are_counted_per_responder(stack, boss, make_room):
    room = make_room()
    version = room.host.user.get(f"/r/{room.code}/state.json").json()["version"]
    done = threading.Event()

    def park():
        room.host.user.get(f"/r/{room.code}/poll?since={version}", timeout=40)
        done.set()

    threading.Thread(target=park, daemon=True).start()
    deadline = time.monotonic() + 15
    parked = 0
    while time.monotonic() < deadline and parked == 0:
        time.sleep(1)
        rows = admin_page(boss.user, "/admin").by_id("responders").find_all("tr")[1:]
        assert len(rows) >= len(stack.responders), "a responder is missing from the list"
        parked = sum(int(tr.find_all("td")[1].text()) for tr in rows)
    assert parked >= 1, "the parked poll was not counted"


@pytest.mark.parametrize("who", ["guest", "user"])
@pytest.mark.parametrize("path", ["/admin", "/admin?period=365"])
def test_non_admins_get_404(new_user, account, who, path):
    user = new_user() if who == "guest" else account("plain").user
    r = user.get(path)
    assert r.status_code == 404 and "responders" not in r.text, brief(r)
