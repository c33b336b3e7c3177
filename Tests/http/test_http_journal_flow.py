"""The focus journal's session flow (issue 15, seed 004 §4.4) through the pages' own forms: start with
an intent, pause with what interrupted, resume, complete (a break opens), the break's activity, end
early; the personal timer driving a signed-in person's journal (Start with an intent, Pause with a
category, the focus running out by request or sweeper, skip/restart/stop/a break by hand ending it
early, a focus that starts by itself carrying the intent on); guests' timers keeping no journal; the
journal beside a room, never shown to anyone else there; and /journal, days newest first, a week a
page. Each step appends events; the projections show what a person would see."""

import subprocess
import time
from datetime import UTC, datetime

import pytest

from accounts_kit import brief, register
from journal_kit import ACTIVITIES, CATEGORIES, INTENTS, Journal, chips, form_posting, timer_at
from pomopomo_testkit import User, parse_html
from rooms_kit import new_room
from timer_kit import TimerBrowser

# The test clock runs two days ahead of the wall clock, so the personal timers' sweeper (on the wall
# clock) never ends a segment these tests started: they end them themselves, by request or by
# moving the end in the database.
BASE = (int(time.time()) // 86_400 + 2) * 86_400 + 9 * 3600  # 09:00 UTC, two days from now
MIN = 60


def day_of(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).date().isoformat()


@pytest.fixture(scope="module")
def accounts(stack, mailbox):
    made = {}

    def make(name: str) -> Journal:
        if name not in made:
            made[name] = Journal(stack, register(stack.base_url, mailbox, "j" + name))
        return made[name]

    yield make
    for journal in made.values():
        journal.user.http.close()


def test_start_pause_resume_complete_pick_the_break_and_see_the_day(stack, accounts):
    j = accounts("flow")
    t = BASE
    doc = j.page()
    start = form_posting(doc, "/journal/start")
    assert start is not None, "an empty journal offers a start form"
    assert [v for v, _ in chips(doc, start, "intent")] == INTENTS, "the six intents, as radio buttons"
    assert all(i.get("required") is not None for i in start.find_all("input", type="radio")), "an intent must be chosen"
    assert doc.by_id("journal-empty") is not None

    sid = j.start("coding", t)
    assert j.ok(sid, "pause", t + 10 * MIN, category="door", **{"from": "journal"}) == "/journal#journal-now"
    paused = j.page()
    assert paused.by_id("journal-open").get("data-status") == "interrupted"
    assert paused.by_id("journal-pause-category").clean_text() == "Door"
    assert form_posting(paused, f"/journal/sessions/{sid}/resume") is not None
    j.ok(sid, "resume", t + 13 * MIN)
    j.ok(sid, "complete", t + 27 * MIN)

    session = j.session(sid)
    assert (session["status"], session["interruption_count"], session["duration_minutes"]) == ("completed", 1, 24), \
        "24 minutes focused: the 3 paused are not counted"
    [pause] = j.interruptions()
    assert (pause["category"], pause["source"]) == ("door", "touch")
    [brk] = j.breaks()
    assert brk["session_id"] == sid and brk["ended_at"] is None, "completing opens the break"
    [day] = j.days()
    assert (day["day"], day["total_pomodoros"], day["completed_pomodoros"], day["interrupted_pomodoros"]) == \
        (day_of(t), 1, 1, 0)

    doc = j.page()
    panel = doc.by_id("journal-break")
    assert panel is not None and panel.get("data-break") == brk["id"], "the break under way is on the page"
    assert [v for v, _ in chips(doc, form_posting(doc, f"/journal/breaks/{brk['id']}/activity"))] == ACTIVITIES
    assert form_posting(doc, "/journal/start") is not None, "the next session can start during the break"
    r = j.choose("activity", brk["id"], "tea_coffee", t + 28 * MIN, **{"from": "journal"})
    assert r.status_code == 303, brief(r)
    r = j.end_break(brk["id"], t + 32 * MIN)
    assert r.status_code == 303, brief(r)
    [brk] = j.breaks()
    assert (brk["activity_category"], brk["duration_minutes"]) == ("tea_coffee", 5)
    assert j.kinds() == ["session_started", "session_paused", "session_resumed", "session_completed",
                         "break_activity_chosen", "break_ended"]

    doc = j.page()
    entry = doc.by_id(f"session-{sid}")
    text = entry.clean_text()
    assert "09:00" in text and "Coding" in text and "Completed" in text and "24 min" in text, text
    assert doc.by_id(f"interruption-{pause['id']}").find("span", cls="journal-category").clean_text() == "Door"
    assert doc.by_id(f"break-{brk['id']}").find("span", cls="journal-activity").clean_text() == "Tea or coffee"
    assert doc.by_id(f"day-{day_of(t)}").find("p", cls="journal-totals").clean_text() == \
        "1 session · 1 completed · 0 ended early"
    # Every entry can take a voice note (the no-JS upload form) and have its choice changed.
    for target, entry_id in (("session", sid), ("interruption", pause["id"]), ("break", brk["id"])):
        forms = [f for f in doc.find_all("form", action="/journal/audio")
                 if f.find("input", name="target_id") is not None and f.find("input", name="target_id").get("value") == entry_id]
        assert forms and forms[0].find("input", name="target").get("value") == target, f"no voice form for the {target}"
        assert forms[0].find("input", type="file").get("accept") == "audio/*"


def test_a_change_on_the_day_list_returns_to_that_day_and_a_pause_without_a_chip_is_other(stack, accounts):
    j = accounts("change")
    t = BASE + 3 * 86_400
    sid = j.start("writing", t)
    j.ok(sid, "pause", t + 5 * MIN)
    [pause] = j.interruptions()
    assert pause["category"] == "other", "a pause nobody said the reason of is 'other', which can be changed"
    j.ok(sid, "end", t + 6 * MIN)
    assert j.session(sid)["status"] == "abandoned"
    assert j.days()[0]["interrupted_pomodoros"] == 1, "ended early counts as the seed's interrupted pomodoro"

    # The list links each session to its own page, where the chips change what was chosen.
    listed = j.page().by_id(f"session-{sid}")
    assert listed.find("a", href=f"/journal/sessions/{sid}") is not None
    assert form_posting(listed, f"/journal/sessions/{sid}/intent") is None, "the list stays light: no chips there"
    doc = j.user.page(f"/journal/sessions/{sid}")
    assert [v for v, c in chips(doc, form_posting(doc, f"/journal/interruptions/{pause['id']}/category"))] == CATEGORIES
    assert ("writing", True) in chips(doc, form_posting(doc, f"/journal/sessions/{sid}/intent"))
    assert doc.by_id("journal-back").get("href") == f"/journal?before={day_of(t + 86_400)}#session-{sid}"

    r = j.choose("category", pause["id"], "notification", t + 7 * MIN, entry=sid)
    assert r.status_code == 303 and r.headers["Location"] == f"/journal/sessions/{sid}#interruption-{pause['id']}", brief(r)
    r = j.choose("intent", sid, "planning", t + 8 * MIN, day=day_of(t))
    assert r.status_code == 303 and r.headers["Location"] == f"/journal?before={day_of(t + 86_400)}#session-{sid}", brief(r)
    before = j.kinds()
    r = j.choose("intent", sid, "planning", t + 9 * MIN, entry=sid)
    assert r.status_code == 303 and j.kinds() == before, "choosing the same intent again appends nothing"
    r = j.choose("intent", sid, "gaming", t + 9 * MIN, entry=sid)
    assert r.status_code == 422 and parse_html(r.text).by_id("journal-entry") is not None, "a refusal shows the same page"
    doc = j.page(f"?before={day_of(t + 86_400)}")
    assert doc.by_id(f"session-{sid}").find("strong", cls="journal-intent").clean_text() == "Planning"
    assert doc.by_id(f"interruption-{pause['id']}").find("span", cls="journal-category").clean_text() == "Notification"
    assert j.kinds()[-2:] == ["interruption_categorised", "intent_chosen"]


def test_the_timer_drives_the_journal(stack, accounts):
    j = accounts("timer")
    timer = TimerBrowser(stack, j.user, j.uid)
    doc = timer.page()
    start = form_posting(doc, "/timer/start")
    assert [v for v, _ in chips(doc, start, "intent")] == INTENTS, "Start asks what the focus is for"
    assert doc.by_id("ptimer-journal") is not None and doc.by_id("ptimer-journal-guest") is None

    timer.ok("start", intent="studying")
    session = j.open_session()
    assert session and (session["place"], session["intent_category"], session["status"]) == ("timer", "studying", "running")
    doc = timer.page()
    pause_form = form_posting(doc, "/timer/pause")
    assert [v for v, _ in chips(doc, pause_form, "category")] == CATEGORIES, "Pause asks what interrupted"
    assert form_posting(doc, f"/journal/sessions/{session['id']}/pause") is None, "the timer's own controls move it"

    view = timer.ok("pause", category="family")
    assert view["status"] == "paused" and j.open_session()["status"] == "interrupted"
    assert j.interruptions()[-1]["category"] == "family"
    doc = timer.page()
    assert doc.by_id("journal-pause-category").clean_text() == "Family"
    assert form_posting(doc, f"/journal/interruptions/{j.interruptions()[-1]['id']}/category") is not None

    r = j.step(session["id"], "complete")
    assert r.status_code == 409, "a session on the timer completes with its focus, not by hand"
    timer.ok("resume")
    assert j.open_session()["status"] == "running"

    # The focus runs out with no page open: the sweeper completes the session with it.
    timer.ends_now()
    timer.wait_row(lambda row: row["phase"] == "short_break", "the sweeper ending the focus")
    done = j.session(session["id"])
    assert done["status"] == "completed" and done["ended_at"] is not None
    [brk] = [b for b in j.breaks() if b["session_id"] == session["id"]]
    assert brk["ended_at"] is None and brk["started_at"] == done["ended_at"], "the break opens as the focus ends"
    assert timer.view()["count"] == 1

    doc = timer.page()
    activity = form_posting(doc, f"/journal/breaks/{brk['id']}/activity")
    assert activity is not None and [v for v, _ in chips(doc, activity)] == ACTIVITIES
    assert form_posting(doc, f"/journal/breaks/{brk['id']}/end") is None, "the timer's break ends with the timer"
    r = j.choose("activity", brk["id"], "walk", **{"from": "timer"})
    assert r.status_code == 303 and r.headers["Location"] == "/timer", brief(r)
    timer.ok("skip")
    [brk] = [b for b in j.breaks() if b["session_id"] == session["id"]]
    assert brk["activity_category"] == "walk" and brk["ended_at"] is not None, "skipping the break ends it"

    # Stop, restart, skip, or a break by hand during a focus: ended early.
    for control, extra in (("stop", {}), ("reset", {}), ("skip", {}), ("break", {"kind": "short"})):
        if timer.view()["phase"] != "focus":
            timer.ok("skip")
        timer.ok("start", intent="reading")
        sid = j.open_session()["id"]
        timer.ok(control, **extra)
        assert j.session(sid)["status"] == "abandoned", f"{control} during a focus ends its session early"
        assert j.open_session() is None
    assert [d["interrupted_pomodoros"] for d in j.days()] == [4]

    # Start without a chip: the timer runs alone, and the panel offers to add the focus, which then
    # counts from when it began.
    if timer.view()["phase"] != "focus":
        timer.ok("skip")
    assert all(i.get("required") is None for i in form_posting(timer.page(), "/timer/start").find_all("input", type="radio")), \
        "the journal never holds Start up"
    timer.ok("start")
    assert j.open_session() is None
    began = datetime.fromisoformat(timer.row()["segment_ends_at"]).timestamp() - timer.row()["segment_seconds"]
    attach = form_posting(timer.page(), "/journal/start")
    assert attach is not None and attach.find("input", name="from").get("value") == "timer"
    assert ("reading", True) in chips(timer.page(), attach), "the last intent is offered first"
    r = j.start_response("writing", from_="timer")
    assert r.status_code == 303 and r.headers["Location"] == "/timer", brief(r)
    added = j.open_session()
    assert (added["place"], added["intent_category"]) == ("timer", "writing")
    assert datetime.fromisoformat(added["started_at"]).timestamp() == pytest.approx(began, abs=2)
    timer.ok("stop")
    assert j.session(added["id"])["status"] == "abandoned"


def test_a_focus_that_runs_out_during_a_request_completes_at_its_end(stack, accounts):
    j = accounts("request")
    timer = TimerBrowser(stack, j.user, j.uid)
    t = BASE + 5 * 86_400
    timer_at(timer, "start", t, intent="coding")
    sid = j.open_session()["id"]
    length = timer.row()["focus_seconds"]
    timer.get(now=t + length + 7 * MIN)  # the page looks after the end: it completes the focus at its end
    session = j.session(sid)
    assert session["status"] == "completed"
    assert datetime.fromisoformat(session["ended_at"]).timestamp() == pytest.approx(t + length, abs=1)
    assert session["duration_minutes"] == length // 60
    [brk] = j.breaks()
    assert datetime.fromisoformat(brk["started_at"]).timestamp() == pytest.approx(t + length, abs=1)


def test_a_focus_that_starts_by_itself_carries_the_intent_on(stack, accounts):
    j = accounts("auto")
    timer = TimerBrowser(stack, j.user, j.uid)
    timer.page()
    timer.control("start", intent="planning")
    timer.set(auto_start_breaks=True, auto_start_focus=True)
    first = j.open_session()["id"]
    timer.ends_now()
    timer.wait_row(lambda row: row["phase"] == "short_break" and row["status"] == "running", "the break starting by itself")
    timer.ends_now()
    timer.wait_row(lambda row: row["phase"] == "focus" and row["status"] == "running", "the focus starting by itself")
    second = j.open_session()
    assert second and second["id"] != first and second["intent_category"] == "planning" and second["place"] == "timer"
    [brk] = j.breaks()
    assert brk["ended_at"] == second["started_at"], "the break ran until the next focus began"
    timer.ok("stop")
    assert j.session(second["id"])["status"] == "abandoned"


def test_a_journal_being_rebuilt_holds_its_owners_timer_back_but_no_one_elses(stack, accounts):
    """A rebuild locks its owner for its whole replay; the sweeper then leaves that owner's timer
    for a later tick instead of waiting with a whole batch of other people's timers locked."""
    j = accounts("held")
    mine, theirs = TimerBrowser(stack, j.user, j.uid), TimerBrowser(stack, User(stack.base_url))
    mine.page()
    mine.ok("start", intent="coding")
    theirs.page()
    theirs.ok("start")
    holder = subprocess.Popen(
        ["psql", stack.env["POMOPOMO_DATABASE_URL"], "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-v", f"uid={j.uid}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        holder.stdin.write("begin;\nselect 'held' from users where id = :'uid' for update;\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "held"
        mine.ends_now()
        theirs.ends_now()
        theirs.wait_row(lambda row: row["phase"] == "short_break", "another person's timer moving on meanwhile")
        assert mine.row()["phase"] == "focus" and j.open_session()["status"] == "running", "the held owner's timer waits"
    finally:
        holder.communicate("commit;\n", timeout=20)
    mine.wait_row(lambda row: row["phase"] == "short_break", "the owner's timer once the rebuild is over")
    assert j.sessions()[0]["status"] == "completed"


def test_a_pause_longer_than_the_idle_time_ends_the_session_when_the_timer_starts_over(stack, accounts):
    j = accounts("idle")
    timer = TimerBrowser(stack, j.user, j.uid)
    t = BASE + 7 * 86_400
    timer_at(timer, "start", t, intent="writing")
    timer_at(timer, "pause", t + 10 * MIN, category="lost_focus")
    sid = j.open_session()["id"]
    idle = timer.row()["idle_reset_minutes"]
    doc = parse_html(timer.get(now=t + 10 * MIN + idle * MIN + 60).text)
    assert doc.by_id("ptimer-state").get("data-status") == "idle"
    session = j.session(sid)
    assert session["status"] == "abandoned"
    assert datetime.fromisoformat(session["ended_at"]).timestamp() == pytest.approx(t + 10 * MIN, abs=1), \
        "it ended when the timer stopped, not hours later"


def test_guests_keep_a_timer_without_a_journal(stack):
    guest = User(stack.base_url)
    timer = TimerBrowser(stack, guest)
    doc = timer.page()
    assert "Sign in" in doc.by_id("ptimer-journal-guest").clean_text(), "guests are told signing in keeps a journal"
    assert chips(doc) == [] and doc.by_id("ptimer-journal") is None
    events_before = stack.psql("select count(*) from journal_events")
    timer.ok("start", intent="coding")  # a chip sent anyway is not read
    timer.ok("pause", category="door")
    assert stack.psql("select count(*) from journal_events") == events_before
    r = guest.get("/journal")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login"), "the journal needs an account"


def test_the_journal_beside_a_room_is_shown_to_its_owner_alone(stack, accounts, mailbox):
    j = accounts("roomie")
    room = new_room(stack, User(stack.base_url), "Hana Host")
    friend = Journal(stack, register(stack.base_url, mailbox, "jfriend"))
    for member, name in ((j, "Rory"), (friend, "Fern")):
        r = member.user.join(room.code, name)
        assert r.status_code == 303, brief(r)

    doc = j.user.page(f"/r/{room.code}")
    panel = doc.by_id("room-journal")
    assert panel is not None and form_posting(panel, "/journal/start") is not None
    r = j.start_response("reading", from_="room", room=room.code)
    assert r.status_code == 303 and r.headers["Location"] == f"/r/{room.code}#room-journal", brief(r)
    sid = j.open_session()["id"]
    assert (j.session(sid)["place"], j.session(sid)["room_code"]) == ("room", room.code)
    j.ok(sid, "pause", category="work_call", **{"from": "room", "room": room.code})
    doc = j.user.page(f"/r/{room.code}")
    assert doc.by_id("room-journal").find(id="journal-pause-category").clean_text() == "Work call"

    # Nobody else sees it: not the other member (signed in, with a journal panel of their own), not
    # the host, not the room's poll or JSON.
    for viewer in (friend.user, room.host.user):
        page = viewer.get(f"/r/{room.code}").text
        i = page.find(sid)
        assert i < 0, page[max(0, i - 300):i + 100]
        doc = parse_html(page)
        assert doc.by_id("journal-open") is None and doc.by_id("journal-pause-category") is None
    other_panel = parse_html(friend.user.get(f"/r/{room.code}").text).by_id("room-journal")
    assert other_panel is not None and form_posting(other_panel, "/journal/start") is not None
    for path in (f"/r/{room.code}/state.json", f"/r/{room.code}/poll?since=0"):
        body = friend.user.get(path, headers={"Accept": "application/json"}).text
        assert sid not in body and "work_call" not in body and "reading" not in body

    # Elsewhere, the owner's own pages point at it.
    assert f"room {room.code}" in j.page().by_id("journal-elsewhere").clean_text()
    j.ok(sid, "resume", **{"from": "room", "room": room.code})
    j.ok(sid, "complete", **{"from": "room", "room": room.code})
    doc = j.user.page(f"/r/{room.code}")
    assert doc.by_id("room-journal").find(id="journal-break") is not None
    assert f"in room {room.code}" in j.page().by_id(f"session-{sid}").clean_text()
    # A room the person has no seat in takes no session.
    other_room = new_room(stack, User(stack.base_url), "Otto")
    before = j.stored()
    r = j.start_response("reading", from_="room", room=other_room.code)
    assert r.status_code == 404 and j.stored() == before, brief(r)


def test_days_come_newest_first_a_week_a_page(stack, accounts):
    j = accounts("pages")
    first = BASE + 20 * 86_400
    days = [first + d * 86_400 for d in range(9)]
    for t in days:
        sid = j.start(INTENTS[0], t)
        j.ok(sid, "complete", t + 25 * MIN)
    doc = j.page()
    shown = [a.get("id") for a in doc.find_all("article", cls="journal-day")]
    assert shown == [f"day-{day_of(t)}" for t in reversed(days[2:])], "the newest seven days first"
    assert doc.by_id("journal-newer") is None
    older = doc.by_id("journal-older").get("href")
    assert older == f"/journal?before={day_of(days[2])}"
    doc = j.page(older.removeprefix("/journal"))
    assert [a.get("id") for a in doc.find_all("article", cls="journal-day")] == \
        [f"day-{day_of(days[1])}", f"day-{day_of(days[0])}"]
    assert doc.by_id("journal-older") is None
    newer = doc.by_id("journal-newer").get("href")
    doc = j.page(newer.removeprefix("/journal"))
    assert [a.get("id") for a in doc.find_all("article", cls="journal-day")] == \
        [f"day-{day_of(t)}" for t in reversed(days[2:])]
