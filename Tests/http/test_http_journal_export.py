"""Taking the focus journal away, and its end (issue 15): /journal/export.csv (a row per session:
day, times on the owner's clock, status, intent, interruptions and their categories, the break's
activity, the voice notes' transcripts), /journal/export.json (days, sessions, interruptions,
breaks, notes with links to their audio), the journal inside /settings/export.json, each the
owner's alone; and deleting the account deletes every journal row, events and projections."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts_kit import brief, post_on, register, user_id
from journal_insights_kit import Journal, counts

TOKYO = ZoneInfo("Asia/Tokyo")
HOSTILE = 'Call Bob, then "Alice"\nabout <script>alert(1)</script> {{> layout}}'
FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture(scope="module")
def owner(stack, mailbox):
    """An account in Tokyo with three sessions and voice notes whose transcripts need escaping."""
    acct = register(stack.base_url, mailbox, "jexp")
    uid = user_id(stack, acct.email)
    j = Journal(stack, uid, "Asia/Tokyo")
    first = j.session(datetime(2025, 4, 1, 9, 0, tzinfo=TOKYO), "writing", pauses=[(5, 2, "door"), (15, 1, "family")],
                      activity="walk", break_minutes=7, intent_note="Draft the chapter, part 2",
                      pause_notes=[HOSTILE, "Back, with tea"], break_note=FORMULA)
    second = j.session(datetime(2025, 4, 1, 23, 40, tzinfo=TOKYO), "reading", minutes=10, end="end")
    third = j.session(datetime(2025, 4, 2, 8, 0, tzinfo=TOKYO), "coding", pauses=[(1, 1, "lost_focus")], end=None)
    j.write()
    yield acct, uid, (first, second, third)
    acct.user.http.close()


def download(user, path: str, kind: str):
    r = user.get(path)
    assert r.status_code == 200, brief(r)
    assert r.headers["Content-Type"].startswith(kind)
    assert r.headers["Content-Disposition"].startswith("attachment;")
    return r


def test_csv_has_a_row_per_session_with_its_day_times_and_words(owner):
    acct, _, (first, second, third) = owner
    r = download(acct.user, "/journal/export.csv", "text/csv")
    assert r.content.count(b"\r\n") >= 4, "lines end with CRLF"
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert len(rows) == 3
    a, b, c = rows
    assert a["day"] == "2025-04-01" and a["started_at"] == "2025-04-01T09:00:00+09:00"
    assert a["ended_at"] == "2025-04-01T09:28:00+09:00", "25 minutes focused and 3 paused"
    assert (a["status"], a["intent"], a["focused_minutes"]) == ("completed", "writing", "25")
    assert (a["interruptions"], a["interruption_categories"]) == ("2", "door;family")
    assert (a["break_activity"], a["break_minutes"], a["place"]) == ("walk", "7", "timer")
    assert a["intent_transcript"] == "Draft the chapter, part 2"
    assert a["interruption_transcripts"] == HOSTILE + "\nBack, with tea", "quoted: commas, quotes and line breaks kept"
    assert a["break_transcript"] == "'" + FORMULA, "a cell that would be a formula starts with an apostrophe"
    # Ended early just before midnight: its day is the day it started on.
    assert (b["day"], b["status"], b["ended_at"], b["break_activity"]) == ("2025-04-01", "abandoned",
                                                                          "2025-04-01T23:50:00+09:00", "")
    assert (c["day"], c["status"], c["ended_at"], c["interruption_categories"]) == ("2025-04-02", "interrupted", "",
                                                                                    "lost_focus")
    assert b',=' not in r.content and b',"=' not in r.content, "no cell starts with ="


def test_json_has_days_sessions_interruptions_breaks_and_notes(stack, owner):
    acct, _, (first, second, third) = owner
    data = download(acct.user, "/journal/export.json", "application/json").json()
    assert data["time_zone"] == "Asia/Tokyo"
    assert [(d["day"], d["total_pomodoros"], d["completed_pomodoros"], d["interrupted_pomodoros"]) for d in data["days"]] \
        == [("2025-04-01", 2, 1, 1), ("2025-04-02", 1, 0, 0)]
    assert [s["id"] for s in data["sessions"]] == [first.session, second.session, third.session]
    assert data["sessions"][0]["started_at"].startswith("2025-04-01T09:00:00+09")
    assert [(i["session_id"], i["category"]) for i in data["interruptions"]] == [
        (first.session, "door"), (first.session, "family"), (third.session, "lost_focus")]
    assert [(b["session_id"], b["activity_category"], b["duration_minutes"]) for b in data["breaks"]] == [
        (first.session, "walk", 7)]
    notes = {n["id"]: n for n in data["notes"]}
    assert set(notes) == set(first.notes)
    assert data["sessions"][0]["note_id"] == first.notes[0] and data["breaks"][0]["note_id"] == first.notes[3]
    assert notes[first.notes[1]]["transcript"] == HOSTILE, "text as typed, escaped by JSON"
    base = stack.env.get("POMOPOMO_BASE_URL", "").rstrip("/")
    for audio, note in notes.items():
        assert note["url"].endswith(f"/journal/audio/{audio}") and note["url"].startswith(base), note["url"]


def test_account_export_carries_the_journal(owner):
    acct, _, (first, _, _) = owner
    data = download(acct.user, "/settings/export.json", "application/json").json()
    journal = data["journal"]
    assert len(journal["sessions"]) == 3 and len(journal["notes"]) == 4
    assert any(n["url"].endswith(f"/journal/audio/{first.notes[0]}") for n in journal["notes"])
    assert journal == download(acct.user, "/journal/export.json", "application/json").json()


def test_exports_hold_the_owners_journal_alone(stack, mailbox, owner):
    acct, uid, _ = owner
    other = register(stack.base_url, mailbox, "jexpx")
    try:
        r = download(other.user, f"/journal/export.csv?user={uid}", "text/csv")
        assert r.content.decode().count("\r\n") == 1, "the header alone"
        data = download(other.user, f"/journal/export.json?user_id={uid}", "application/json").json()
        assert all(data[k] == [] for k in ("days", "sessions", "interruptions", "breaks", "notes"))
        everything = download(other.user, "/settings/export.json", "application/json").text
        assert uid not in everything and "Draft the chapter" not in everything
    finally:
        other.user.http.close()


def test_deleting_the_account_deletes_the_journal(stack, mailbox):
    acct = register(stack.base_url, mailbox, "jdel")
    uid = user_id(stack, acct.email)
    j = Journal(stack, uid, "UTC")
    j.session(datetime(2025, 5, 5, 9, 0, tzinfo=ZoneInfo("UTC")), pauses=[(3, 1, "door")], intent_note="hello")
    j.session(datetime(2025, 5, 5, 10, 0, tzinfo=ZoneInfo("UTC")), end=None)
    j.write()
    before = counts(stack, uid)
    assert all(n > 0 for n in before.values()), before
    r = post_on(acct.user, "/settings/account", "/settings/delete", password=acct.password)
    assert r.status_code == 303, brief(r)
    assert counts(stack, uid) == dict.fromkeys(before, 0), "events and every projection are gone"
    acct.user.http.close()
