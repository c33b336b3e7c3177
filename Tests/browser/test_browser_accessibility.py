"""Every page passes axe-core (browser_kit.assert_accessible) with JavaScript on, light and dark:
the home page, a room as visitor, host and guest (with chat, tasks, proposals and a running or
paused timer, in every theme), moderation and confirmation, every account page, and the error
pages. PAGES says how to reach each page and which template draws it; a test checks that every
page template in Templates/ has a row, so a new page cannot be forgotten.

One browser serves the whole module: the world (accounts, a busy room, mailed links) is made over
HTTP once, and each row takes on the identity it needs by swapping the session cookie."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

from accounts_kit import (
    Account,
    OAuthFake,
    admin_two_factor,
    fresh_totp,
    known_second_factor,
    page_csrf,
    register,
    sign_in,
    sign_up,
    unique_email,
    unique_username,
)
from browser_kit import assert_accessible, wait
from journal_audio_kit import Voice, add_entries
from journal_insights_kit import Journal
from library_kit import Music, add_track_cli
from messages_kit import send
from pomopomo_testkit import PROJECT_ROOT, Stack, User, pomopomo_run
from private_tasks_kit import add_ok, default_list, post
from private_tasks_kit import titles as task_titles
from social_kit import befriend_in_db
from soundtrack_kit import library_track

THEMES = ["sunrise", "midnight_bloom", "forest_calm", "ocean_deep"]  # Domain's Theme; the CSS colours each
SCHEMES = ["light", "dark"]
PAGE_SECONDS = 10
MAIL_SECONDS = 10


# ----------------------------------------------------------------------------------------- the world

@dataclass
class Room:
    code: str
    host: User
    guest: User


@dataclass
class World:
    stack: Stack
    base: str
    room: Room
    crowded: Room  # big enough that room-wide actions ask the host to confirm
    member: Account  # signed in, in the room, with a profile and other sessions
    admin: Account
    # Whose journal takes entries written straight as events: the member's own journal keeps a
    # session open, and a replay with a second one open beside it would be refused.
    diarist: Account
    verify_link: str  # a sign-up's link, opened in another browser than the one that signed up
    reset_link: str
    delete_link: str
    oauth: OAuthFake
    newcomer_admin: Account  # made admin, with no second factor yet: the enrolment page
    admin_elsewhere: User  # the admin signed in again, before the code: the code form


def ok(r, what):
    assert r.status_code in (200, 303), f"{what}: {r.status_code}\n{r.text[:500]}"
    return r


def room_post(user: User, code: str, where: str, **fields):
    token = user.csrf(f"/r/{code}")
    return ok(user.post_form(f"/r/{code}{where}", [("csrf", token)] + list(fields.items())), f"POST {where}")


def busy_room(base: str, member: Account) -> Room:
    """A room with everything its page can show: a host and guests, a muted guest's hidden
    message, chat with a link, private, public and done tasks, pending, accepted and rejected
    proposals, and a timer past its first segment."""
    host, guest, muted = User(base), User(base), User(base)
    code = host.create_room("Hana Host")
    for user, name in ((guest, "Gus Guest"), (muted, "Mo Muted"), (member.user, "Mia Member")):
        assert user.join(code, name).status_code == 303, f"{name} could not join {code}"
    state = host.state(code)
    ids = {p["name"]: p["id"] for p in state["participants"]}
    segments = [s["id"] for s in state["segments"]]
    room_post(host, code, "/messages", text="Welcome! Notes are at https://example.org/notes")
    room_post(guest, code, "/messages", text="Hi all, starting on chapter 3")
    room_post(host, code, f"/participants/{ids['Mo Muted']}/mute")
    room_post(muted, code, "/messages", text="only I can see this")
    muted.http.close()
    room_post(guest, code, "/tasks", text="Read chapter 3", segment="", visibility="private")
    room_post(guest, code, "/tasks", text="Write the intro", segment=segments[0], visibility="public")
    room_post(guest, code, "/tasks", text="Outline", segment="", visibility="public")
    # Read as the guest, whose own change it was: another responder may not have heard of it yet.
    done = [t["id"] for t in guest.state(code)["public_tasks"] if t["text"] == "Outline"]
    room_post(guest, code, f"/tasks/{done[0]}/toggle")
    room_post(host, code, "/tasks", text="Prepare slides", segment="", visibility="public")
    for label in ("Stretch", "Nap", "Review"):
        room_post(guest, code, "/proposals", kind="add_segment", segment="", text="", segment_kind="custom",
                  duration="10", label=label)
    proposals = {p["summary"]: p["id"] for p in host.state(code)["proposals"]}
    accept = [pid for summary, pid in proposals.items() if "Stretch" in summary]
    reject = [pid for summary, pid in proposals.items() if "Nap" in summary]
    room_post(host, code, f"/proposals/{accept[0]}/accept")
    room_post(host, code, f"/proposals/{reject[0]}/reject", reason="Not today")
    room_post(host, code, "/timer", action="start", at="0")
    room_post(host, code, "/timer", action="skip", at="0")
    return Room(code, host, guest)


def crowded_room(base: str, people: int = 21) -> Room:
    """A room of more than 20 people with a running timer, where ending the session asks first."""
    host = User(base)
    code = host.create_room("Cora Crowd")
    guests = [User(base) for _ in range(people)]
    for i, guest in enumerate(guests):
        assert guest.join(code, f"Guest {i + 1}").status_code == 303, f"guest {i + 1} could not join {code}"
    room_post(host, code, "/timer", action="start", at="0")
    for guest in guests[1:]:
        guest.http.close()
    return Room(code, host, guests[0])


def set_timer(room: Room, status: str):
    timer = room.host.state(room.code)["timer"]
    if timer["status"] == status:
        return
    action = {"running": "start" if timer["status"] == "idle" else "resume", "paused": "pause"}[status]
    room_post(room.host, room.code, "/timer", action=action, at=str(timer["index"]))
    assert room.host.state(room.code)["timer"]["status"] == status


def set_theme(room: Room, theme: str):
    if room.host.state(room.code)["theme"] != theme:
        room_post(room.host, room.code, "/theme", theme=theme)


@pytest.fixture(scope="module")
def world(stack, mailbox, oauth):
    base = stack.base_url
    # Made before the first test's fresh_throttle: the test before may have left the mail counters full.
    stack.clear_throttle()
    member = register(base, mailbox, "a11y")
    ok(member.user.post_form("/settings/profile", {
        "csrf": member.user.csrf("/settings/profile"), "display_name": "Mia Member", "username": member.username,
        "bio": "I like **quiet** rooms and [good notes](https://example.org).",
        "links": "https://example.org/mia\nhttps://example.com/mia", "show_recent_rooms": "on"}), "saving the profile")
    elsewhere = User(base)  # a second session, so /settings/sessions lists one to end
    ok(sign_in(elsewhere, member.email), "a second session")
    room = busy_room(base, member)
    crowded = crowded_room(base)

    admin = register(base, mailbox, "a11yadmin")
    diarist = register(base, mailbox, "a11ydiary")
    pomopomo_run(stack, "admin", "grant", admin.email)
    admin_two_factor(stack, admin.user, admin.email)
    newcomer_admin = register(base, mailbox, "a11yadmin2")
    pomopomo_run(stack, "admin", "grant", newcomer_admin.email)
    admin_elsewhere = User(base)
    ok(sign_in(admin_elsewhere, admin.email), "the admin signing in again")

    newcomer = User(base)
    address = unique_email("a11ynew")
    ok(sign_up(newcomer, address, unique_username("a11ynew")), "a sign-up")
    verify_link = mailbox.wait_for(address, "Confirm your Pomopomo account", MAIL_SECONDS).link("/auth/verify")

    stranger = User(base)
    ok(stranger.post_form("/password/forgot", {"csrf": page_csrf(stranger, "/password/forgot", "/password/forgot"),
                                               "email": admin.email}), "asking for a reset link")
    reset_link = mailbox.wait_for(admin.email, "Reset your Pomopomo password", MAIL_SECONDS).link("/auth/reset")
    ok(admin.user.post_form("/settings/delete/email", {"csrf": admin.user.csrf("/settings/account")}),
       "asking for a delete link")
    delete_link = mailbox.wait_for(admin.email, "Confirm deleting", MAIL_SECONDS).link("/auth/delete")
    stack.clear_throttle()
    yield World(stack, base, room, crowded, member, admin, diarist, verify_link, reset_link, delete_link, oauth,
                newcomer_admin, admin_elsewhere)
    for user in (elsewhere, newcomer, stranger, room.host, room.guest, crowded.host, crowded.guest, member.user,
                 admin.user, diarist.user, newcomer_admin.user, admin_elsewhere):
        user.http.close()


# ----------------------------------------------------------------------------------------- moving about

def become(driver, world: World, user: User | None):
    """This browser is now `user` (their session cookie), or a brand-new visitor for None."""
    driver.get(world.base + "/healthz")  # cookies can only be set for the site the browser is on
    driver.delete_all_cookies()
    if user is not None:
        driver.add_cookie({"name": "pp_sid", "value": user.sid, "path": "/", "httpOnly": True, "sameSite": "Lax"})
        # The signed-in hint: without it an open page (a track's) draws the chrome for a guest.
        if user.http.cookies.get("pp_in"):
            driver.add_cookie({"name": "pp_in", "value": user.http.cookies.get("pp_in"), "path": "/", "sameSite": "Lax"})


def visit(driver, world, user, path):
    become(driver, world, user)
    driver.get(world.base + path)


def room_as(who: str, theme: str = "sunrise", timer: str = "running"):
    def reach(driver, world):
        set_theme(world.room, theme)
        set_timer(world.room, timer)
        visit(driver, world, getattr(world.room, who), f"/r/{world.room.code}")
        # The script has taken over the page: the timer ticks and the sound switch is shown.
        wait(driver, PAGE_SECONDS).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "[data-sound-toggle]").is_displayed(),
            message="the room page's script did not show the sound switch")
    return reach


def room_with_music(who: str):
    """The room plays a track, with one up next and a guest's proposal (issue 16), as `who`."""
    def reach(driver, world):
        code = world.room.code
        if code not in _MUSIC:
            host, guest = world.room.host, world.room.guest
            token = host.csrf(f"/r/{code}")
            for title in ("Rain on Tin", "Low <Tide> & Co"):
                track = library_track(world.stack, title, 200)
                ok(host.post_form(f"/r/{code}/soundtrack/queue", {"csrf": token, "track_id": track}), "queueing a track")
            ok(host.post_form(f"/r/{code}/soundtrack/play", {"csrf": token}), "playing")
            ok(guest.post_form(f"/r/{code}/soundtrack/queue", {"csrf": guest.csrf(f"/r/{code}"),
                                                               "track_id": library_track(world.stack, "Guest Pick", 90)}),
               "proposing a track")
            _MUSIC.add(code)
        visit(driver, world, getattr(world.room, who), f"/r/{code}")
    return reach


_MUSIC: set[str] = set()


def confirm_ending(driver, world):
    """The host of a crowded room presses "End session", which asks first."""
    visit(driver, world, world.crowded.host, f"/r/{world.crowded.code}")
    wait(driver, PAGE_SECONDS).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#timer-controls button[value=end]"))
    driver.find_element(By.CSS_SELECTOR, "#timer-controls button[value=end]").click()


def forged_form(driver, world):
    """A form whose CSRF token is not this session's (an old tab): 403."""
    visit(driver, world, None, "/")
    driver.execute_script("document.querySelector('#create-room [name=csrf]').value = 'forged';")
    form = driver.find_element(By.ID, "create-room")
    form.find_element(By.NAME, "display_name").send_keys("Fay Forger")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def too_many_sign_ins(driver, world):
    """Wrong passwords for one account until the sign-in is throttled: 429."""
    visit(driver, world, None, "/login")
    for i in range(6):
        wait(driver, PAGE_SECONDS).until(lambda d: d.find_elements(By.ID, "login-form"))
        form = driver.find_element(By.ID, "login-form")
        form.find_element(By.NAME, "email").clear()
        form.find_element(By.NAME, "email").send_keys(world.member.email)
        form.find_element(By.NAME, "password").send_keys(f"not it {i}")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(driver, PAGE_SECONDS).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#login-form, #error-message"))
        if driver.find_elements(By.ID, "error-message"):
            return


def asked_for_a_link(driver, world):
    visit(driver, world, None, "/password/forgot")
    driver.find_element(By.ID, "forgot-email").send_keys(unique_email("nobody"))
    driver.find_element(By.CSS_SELECTOR, "#forgot-form button[type=submit]").click()


def link_consent(driver, world):
    """Continue with GitHub, whose verified address is an existing account's: link it?"""
    world.oauth.preset("github", unique_username("gh"), world.member.email, verified=True, name="Mia Member")
    visit(driver, world, None, "/login")
    driver.find_element(By.ID, "oauth-github").click()
    wait(driver, PAGE_SECONDS).until(lambda d: d.find_elements(By.NAME, "login"),
                                     message="no authorize page at the fake provider")
    form = driver.find_element(By.NAME, "login").find_element(By.XPATH, "ancestor::form")
    buttons = [b for b in form.find_elements(By.CSS_SELECTOR, "button") if "Authorize" in b.text]
    buttons[0].click()


def stats_with_figures(driver, world):
    """/stats with a day of figures, so the chart and the table are drawn."""
    world.stack.psql("insert into daily_statistics values ((now() at time zone 'utc')::date - 21, 3, 7, 5, 4500) "
                     "on conflict (day) do nothing")
    visit(driver, world, None, "/stats")


def ranked(path: str, who: str | None):
    """The leaderboards with lines on them: the member focused this week (and has a streak), someone
    reported them, and the boards were rebuilt. An open page looks the viewer up only when the browser
    says it signed in (the pp_in hint), so the hint goes with the session."""
    def reach(driver, world):
        uid = world.stack.psql("select id from users where username = :'v1'", world.member.username)
        world.stack.psql(
            "insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed) "
            "values (:'v1', 'room', now() - interval '26 minutes', now() - interval '1 minute', 1500, current_date, "
            "'UTC', true); "
            "insert into user_stats (user_id, total_seconds, sessions, streak_current, streak_best, streak_alive_until, "
            "last_credit_at) values (:'v1', 1500, 1, 3, 3, now() + interval '1 day', now()) "
            "on conflict (user_id) do update set total_seconds = user_stats.total_seconds + 1500, streak_current = 3, "
            "streak_alive_until = now() + interval '1 day', last_credit_at = now(); "
            "insert into leaderboard_reports (reporter_id, reported_id, board, reason) "
            "select id, :'v1', 'weekly', 'Looks like a lot' from users where username = :'v2'",
            uid, world.admin.username)
        pomopomo_run(world.stack, "leaderboards", "rebuild")
        user = None if who is None else {"member": world.member.user, "admin": world.admin.user}[who]
        become(driver, world, user)
        if user is not None:
            driver.add_cookie({"name": "pp_in", "value": "1", "path": "/", "sameSite": "Lax"})
        driver.get(world.base + path)
    return reach


def achiever_profile(driver, world):
    """The member's own profile with achievements, under the notice telling them (seeded in the
    ledger and awarded by the backfill once; from then on every page of theirs has the notice)."""
    stack = world.stack
    uid = stack.psql("select id from users where username = :'v1'", world.member.username)
    if not stack.psql("select 1 from user_achievements where user_id = :'v1'", uid):
        stack.psql("insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone,"
                   " completed) values (:'v1', 'timer', '2026-06-01 05:00+00', '2026-06-01 05:25+00', 1500, '2026-06-01',"
                   " 'UTC', true)", uid)
        stack.psql("insert into user_stats (user_id, total_seconds, sessions, best_day_seconds) values (:'v1', 1500, 1,"
                   " 1500) on conflict (user_id) do update set sessions = user_stats.sessions + 1", uid)
        pomopomo_run(stack, "achievements", "backfill")
    become(driver, world, world.member.user)
    # Signed in as a browser is after signing in: open pages look the user up only with this hint.
    driver.add_cookie({"name": "pp_in", "value": "1", "path": "/", "sameSite": "Lax"})
    driver.get(world.base + f"/u/{world.member.username}")


def personal_stats(driver, world):
    """The member's own stats page with a month of credit in two zones (so every chart and table
    has numbers), its tables opened."""
    uid = world.stack.psql("select id from users where lower(email) = lower(:'v1')", world.member.email)
    if world.stack.psql("select count(*) from focus_credits where user_id = :'v1' and time_zone = 'Asia/Tokyo'", uid) == "0":
        world.stack.psql(
            "insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed) "
            "select :'v1', 'room', t, t + interval '25 minutes', 1500, (t at time zone z)::date, z, true "
            "from generate_series(now() - interval '30 days', now() - interval '1 hour', interval '9 hours') as t, "
            "lateral (select case when extract(day from t)::int % 2 = 0 then 'Europe/Berlin' else 'Asia/Tokyo' end) as zz(z)",
            uid)
        pomopomo_run(world.stack, "stats", "rebuild", "--user", uid)
    visit(driver, world, world.member.user, f"/u/{world.member.username}/stats")
    driver.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")


def as_member(path: str):
    """`path` as the member sees it signed in (with the hint open pages look the user up by)."""
    def reach(driver, world):
        become(driver, world, world.member.user)
        driver.add_cookie({"name": "pp_in", "value": "1", "path": "/", "sameSite": "Lax"})
        driver.get(world.base + path.format(code=world.room.code))
    return reach


def with_vault(suffix: str):
    """A page of the member's vault with quotes in it (Markdown, a source, tags, a favourite);
    `{id}` in `suffix` names the favourite."""
    def reach(driver, world):
        uid = world.stack.psql("select id from users where username = :'v1'", world.member.username)
        qid = world.stack.psql(
            "with q as (insert into vault_quotes (user_id, body, source, tags, favourite) values"
            " (:'v1', E'Small **steps**, every day.\\n\\n- one\\n- two', 'Anon', '{habits,calm}', true),"
            " (:'v1', 'Rest is [work](https://example.org) too.', '', '{calm}', false) returning id, favourite)"
            " select id from q where favourite", uid).splitlines()[0]
        visit(driver, world, world.member.user, "/me/vault" + suffix.format(id=qid))
    return reach


def member_insights(driver, world):
    """The member's journal insights over a fortnight of sessions (pauses, an early end, breaks)."""
    uid = world.stack.psql("select id from users where username = :'v1'", world.member.username)
    if world.stack.psql("select count(*) from journal_events where user_id = :'v1'", uid) == "0":
        journal = Journal(world.stack, uid, None)
        today = datetime.now(journal.zone).replace(hour=9, minute=0, second=0, microsecond=0)
        for back in range(1, 15):
            start = today - timedelta(days=back)
            journal.session(start, "coding", pauses=[(5, 2, "door")], activity="tea_coffee")
            journal.session(start + timedelta(hours=2), "writing", minutes=12, end="end")
            journal.session(start + timedelta(hours=5), "reading", activity=None)
        journal.write()
    visit(driver, world, world.member.user, "/journal/insights?range=all")


def with_music(path: str, who: str = "member"):
    """A music page with a library track in it, liked by the member and in one of their
    playlists (`{playlist}` in `path` names it); made once."""
    def reach(driver, world):
        if not hasattr(world, "music"):
            track = add_track_cli(world.stack, "ogg", seconds=2, title="Accessible tone")
            music = Music(world.stack, world.member)
            playlist = music.create("Focus mix")
            music.add(playlist, track)
            music.post(f"/music/tracks/{track}/like")
            world.music = {"playlist": playlist, "track": track}
        user = {"member": world.member.user, "admin": world.admin.user, "guest": None}[who]
        become(driver, world, user)
        if user is not None:
            # Open pages (a track's) look their viewer up only when the browser says it signed in.
            driver.add_cookie({"name": "pp_in", "value": "1", "path": "/", "sameSite": "Lax"})
        driver.get(world.base + path.format(**world.music))
    return reach


def member_notices(driver, world):
    """The member's notifications: an unread room invite from the admin and a read achievement."""
    uid = world.stack.psql("select id from users where username = :'v1'", world.member.username)
    if not world.stack.psql("select 1 from notifications where user_id = :'v1' and kind = 'room_invite'", uid):
        world.stack.psql(
            "insert into notifications (user_id, kind, actor_id, subject) select :'v1', 'room_invite', id, :'v3'"
            " from users where username = :'v2'; insert into notifications (user_id, kind, subject, read_at)"
            " values (:'v1', 'achievement', 'first_focus', now())", uid, world.admin.username, world.room.code)
    as_member("/notifications")(driver, world)


def with_conversation(suffix: str = ""):
    """The member's conversation with the admin (friends, a message each way, one with a link);
    `suffix` is appended to its address ("/frame?after=0", or "/report" for the admin's message;
    "list" is /messages)."""
    def reach(driver, world):
        stack, member, admin = world.stack, world.member, world.admin
        befriend_in_db(stack, member, admin)
        if stack.psql("select count(*) from direct_messages where sender_id = (select id from users where username = :'v1')",
                      admin.username) == "0":
            assert send(admin.user, member.username, "Shall we focus at https://example.org/room later?").status_code == 303
            assert send(member.user, admin.username, "Yes, at three.").status_code == 303
        path = f"/messages/{admin.username}"
        if suffix == "list":
            path = "/messages"
        elif suffix == "/report":
            mid = stack.psql("select max(id) from direct_messages "
                             "where sender_id = (select id from users where username = :'v1')", admin.username)
            path += f"/{mid}/report"
        elif suffix:
            path += suffix
        visit(driver, world, member.user, path)
    return reach


def member_board(suffix: str = ""):
    """The member's whiteboard (made on the first visit), or one of its pages by `suffix`."""
    def reach(driver, world):
        visit(driver, world, world.member.user, "/me/board")
        board = driver.find_element(By.ID, "board-page").get_attribute("data-board")
        if suffix:
            driver.get(f"{world.base}/me/board/{board}{suffix}")
    return reach


def stale_board_note(driver, world):
    """A note added from a tab drawn before the board last changed: the 409 page."""
    member_board()(driver, world)
    drawn = driver.find_element(By.CSS_SELECTOR, "#add-note [name=version]").get_attribute("value")
    form = driver.find_element(By.ID, "add-note")
    form.find_element(By.NAME, "text").send_keys("From this tab")
    form.submit()
    wait(driver, PAGE_SECONDS).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#add-note [name=version]").get_attribute("value") != drawn,
        message="adding a note did not move the board's version")
    driver.execute_script(f"document.querySelector('#add-note [name=version]').value = '{drawn}';")
    form = driver.find_element(By.ID, "add-note")
    form.find_element(By.NAME, "text").send_keys("From an old tab")
    form.submit()


def refused_count(driver, world):
    """Today's count set out of range, past the browser's own check: the 422 page."""
    visit(driver, world, world.member.user, "/timer")
    driver.execute_script("var i = document.getElementById('count-input'); i.removeAttribute('max'); i.value = '1001';")
    driver.find_element(By.ID, "timer-count-form").submit()


def member_tasks(driver, world):
    """The member's /me/tasks: a second list, open tasks with notes and due dates (one overdue),
    a done one, and every <details> open."""
    user = world.member.user
    if not task_titles(user):
        today = default_list(user)
        add_ok(user, today, "Read chapter 3", notes="Pages **40-60**, see [notes](https://example.org/n)", due="2020-01-01")
        add_ok(user, today, "Write the intro", due="2099-12-31")
        done = add_ok(user, today, "Outline")
        assert post(user, f"/me/tasks/{done}/complete").status_code == 303
        assert post(user, "/me/tasks/lists", name="Errands").status_code == 303
    visit(driver, world, user, "/me/tasks")
    driver.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")


def voice_entry(with_note: bool):
    """The debug-only page of one of the diarist's journal entries (issue 15): the voice-note form
    with the recorder journal_voice.js adds, or a note (player, delete button, "transcribing…")."""
    def reach(driver, world):
        voice = Voice(world.stack, world.diarist)
        entry = add_entries(world.stack, voice.uid, 1)[0]
        if with_note:
            tone = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1",
                                   "-c:a", "libopus", "-f", "ogg", "-"], capture_output=True, check=True, timeout=30).stdout
            ok(voice.send("break", entry.break_, tone, filename="tone.ogg", content_type="audio/ogg"), "a voice note")
        visit(driver, world, world.diarist.user, f"/_test/journal/voice?target=break&id={entry.break_}")
    return reach


def transcript_refused(driver, world):
    """A voice note's transcript page (issue 15) after an edit over 10,000 characters: the 422 page
    with the reason and what was typed."""
    voice = Voice(world.stack, world.diarist)
    entry = add_entries(world.stack, voice.uid, 1)[0]
    tone = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1",
                           "-c:a", "libopus", "-f", "ogg", "-"], capture_output=True, check=True, timeout=30).stdout
    ok(voice.send("interruption", entry.interruption, tone, filename="tone.ogg", content_type="audio/ogg"), "a voice note")
    note = voice.note_of("interruption", entry.interruption)
    visit(driver, world, world.diarist.user, f"/journal/audio/{note}/transcript")
    driver.execute_script("document.getElementById('transcript-text').value = 'x'.repeat(10001);"
                          "document.getElementById('transcript-edit').submit();")
    wait(driver, 10).until(lambda d: d.find_elements(By.ID, "transcript-error"))


def member_journal(driver, world):
    """The member's /journal: a completed session (a pause, a break for tea) on the day list, and a
    paused one in the panel, with every <details> open (the chips and the voice-note forms)."""
    user = world.member.user
    uid = world.stack.psql("select id from users where username = :'v1'", world.member.username)
    if not world.stack.psql("select 1 from journal_sessions where user_id = :'v1' limit 1", uid):
        token = user.csrf("/journal")

        def step(path, **fields):
            assert user.post_form(path, {"csrf": token, **fields}).status_code == 303, f"POST {path}"

        def open_session():
            return world.stack.psql("select id from journal_sessions where user_id = :'v1' and status in"
                                    " ('running', 'interrupted')", uid)
        step("/journal/start", intent="coding")
        sid = open_session()
        step(f"/journal/sessions/{sid}/pause", category="door")
        step(f"/journal/sessions/{sid}/resume")
        step(f"/journal/sessions/{sid}/complete")
        brk = world.stack.psql("select id from journal_breaks where user_id = :'v1'", uid)
        step(f"/journal/breaks/{brk}/activity", activity="tea_coffee")
        step("/journal/start", intent="writing")
        step(f"/journal/sessions/{open_session()}/pause", category="work_call")
    visit(driver, world, user, "/journal")
    driver.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")


def member_journal_session(driver, world):
    """The member's completed session on its own page: the chips that change each choice."""
    member_journal(driver, world)
    uid = world.stack.psql("select id from users where username = :'v1'", world.member.username)
    sid = world.stack.psql("select id from journal_sessions where user_id = :'v1' and status = 'completed' limit 1", uid)
    visit(driver, world, world.member.user, f"/journal/sessions/{sid}")
    driver.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")


def get(path: str, who: str | None = None):
    def reach(driver, world):
        user = None if who is None else {"member": world.member.user, "admin": world.admin.user,
                                         "host": world.room.host, "guest": world.room.guest,
                                         "newcomer admin": world.newcomer_admin.user,
                                         "admin elsewhere": world.admin_elsewhere}[who]
        visit(driver, world, user, path.format(code=world.room.code, member=world.member.username))
    return reach


def new_recovery_codes(driver, world):
    """The admin asks for new recovery codes with a code from their app: the page that shows them."""
    visit(driver, world, world.admin.user, "/admin/2fa/recovery-codes")
    wait(driver, PAGE_SECONDS).until(lambda d: d.find_elements(By.ID, "recovery-form"))
    code = fresh_totp(world.stack, world.admin.email, known_second_factor(world.admin.email).secret)
    driver.find_element(By.ID, "recovery-code").send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "#recovery-form button[type=submit]").click()


def signed_in_view(path: str, who: str):
    """As `who` on an open page, which looks its viewer up when the browser says it signed in (pp_in)."""
    def reach(driver, world):
        become(driver, world, {"member": world.member.user, "admin": world.admin.user}[who])
        driver.add_cookie({"name": "pp_in", "value": "1", "path": "/"})
        driver.get(world.base + path.format(member=world.member.username))
    return reach


def catalogue_track(driver, world):
    """A catalogue track's page with its recommendations, opened from the room (queue forms)."""
    found = User(world.base).get("/music/search?q=rainy+day+piano")
    assert found.status_code == 200, f"search: {found.status_code}"
    tid = world.stack.psql("select id from tracks where title = 'rainy day piano (song 1)'")
    visit(driver, world, world.room.host, f"/music/tracks/{tid}?room={world.room.code}")


def mailed(link: str):
    def reach(driver, world):
        visit(driver, world, None, getattr(world, link))
    return reach


def moderation(path: str):
    """An admin page of issue 17 as the admin, with a report of the member's profile in the queue
    (the admin filed it) and {member_id}, {report} and {code} filled in."""
    def reach(driver, world):
        stack, admin = world.stack, world.admin.user
        member_id = stack.psql("select id from users where username = :'v1'", world.member.username)
        if not stack.psql("select id from reports where subject = 'profile' and subject_id = :'v1' limit 1", member_id):
            where = f"/u/{world.member.username}/report"
            ok(admin.post_form(where, {"csrf": page_csrf(admin, where, where), "reason": "spam", "details": "Looks like spam"}),
               "reporting the member's profile")
        report = stack.psql("select max(id) from reports where subject = 'profile' and subject_id = :'v1'", member_id)
        visit(driver, world, admin, path.format(member_id=member_id, report=report, code=world.room.code,
                                                member=world.member.username))
    return reach


# ----------------------------------------------------------------------------------------- the pages

@dataclass
class Page:
    name: str
    template: str  # Templates/<template>.mustache draws it
    shows: str  # a CSS selector only that page has
    reach: Callable  # (driver, world) -> None; takes on an identity and goes there
    says: str = ""  # text the page must show (which error it is)


def all_pages() -> list[Page]:
    rows = [
        Page("home", "home", "#create-room", get("/")),
        Page("home after an unknown code", "home", "#join-error", get("/join?code=ZZZ-ZZZ")),
        Page("room to join", "room", "#join-room", get("/join?code={code}")),
    ]
    for theme in THEMES:
        rows.append(Page(f"room as host, {theme}", "room", "#timer-controls", room_as("host", theme)))
    rows += [
        Page("room as host, paused", "room", "#timer-controls", room_as("host", timer="paused")),
        Page("room as guest", "room", "#propose-form", room_as("guest")),
        Page("room as guest, paused", "room", "#propose-form", room_as("guest", timer="paused")),
        Page("moderation", "moderate", "#mod-participants", get("/r/{code}/moderate", "host")),
        Page("room with music, as host", "room", "#soundtrack-controls", room_with_music("host")),
        Page("room with music, as guest", "room", "#soundtrack-proposed", room_with_music("guest")),
        Page("confirm ending the session", "confirm", "#confirm-form", confirm_ending),
        Page("presence frame", "here", "#presence-note", get("/r/{code}/here", "guest")),
        Page("stats", "stats", "#daily-stats", stats_with_figures),
        Page("sign up", "signup", "#signup-form", get("/signup")),
        Page("sign in", "login", "#login-form", get("/login")),
        Page("forgot password", "forgot", "#forgot-form", get("/password/forgot")),
        Page("check your email", "check_email", "#check-email", asked_for_a_link),
        Page("mailed sign-up link, other browser", "mail_link", "#mail-link-without-password", mailed("verify_link")),
        Page("mailed reset link", "mail_link", "#new-password", mailed("reset_link")),
        Page("mailed delete link", "mail_link", "#mail-link-form button.danger", mailed("delete_link")),
        Page("link a provider", "link_consent", "#link-consent", link_consent),
        Page("profile", "profile", "#profile .social-links", get("/u/{member}")),
        Page("own profile with achievements, and the notice", "profile", "#achievement-notice ~ main #achievements li",
             achiever_profile),
        Page("personal stats", "user_stats", "#hours-table", personal_stats),
        Page("dashboard", "me", "#me #recent-rooms", get("/me", "member")),
        Page("vault", "me_vault", "#vault-quotes li[data-favourite]", with_vault("")),
        Page("vault: edit a quote", "me_vault_edit", "#vault-edit", with_vault("/{id}/edit")),
        Page("vault: import", "me_vault_import", "#vault-import", get("/me/vault/import", "member")),
        Page("vault: a random quote", "me_vault_random", "#random-quote blockquote", with_vault("/random")),
        Page("room as a signed-in member: star and invite", "room", "#room-social #favorite",
             as_member("/r/{code}")),
        Page("private tasks", "me_tasks", "#open-tasks li.task .task-notes", member_tasks),
        Page("personal timer", "timer", "#ptimer-controls", get("/timer", "member")),
        Page("personal timer as a guest", "timer", "#ptimer-controls", get("/timer")),
        Page("personal timer's history", "timer_history", "#timer-history", get("/timer/history", "member")),
        Page("focus journal", "journal", "#journal-pause", member_journal),
        Page("a session in the journal", "journal_session", "#journal-entry form.journal-choice", member_journal_session),
        Page("journal insights", "journal_insights", "#focus-hours-table", member_insights),
        Page("today's count refused", "timer_count", "#timer-count-page", refused_count),
        Page("settings: timer", "settings_timer", "#timer-settings-form", get("/settings/timer", "member")),
        Page("settings: API tokens", "settings_api", "#api-token-form", get("/settings/api", "member")),
        Page("whiteboard", "me_board", "#add-note", member_board()),
        Page("whiteboard's versions", "me_board_history", "#versions", member_board("/history")),
        Page("whiteboard changed elsewhere", "me_board_conflict", "#reload-board", stale_board_note),
        Page("notifications", "notifications", "#notice-list .notice-item.unread", member_notices),
        Page("settings: profile", "settings_profile", "#profile-form", get("/settings/profile", "member")),
        Page("settings: preferences", "settings_preferences", "#preferences-form",
             get("/settings/preferences", "member")),
        Page("settings: sessions", "settings_sessions", "#end-others-form", get("/settings/sessions", "member")),
        Page("settings: password", "settings_password", "#password-form", get("/settings/password", "member")),
        Page("settings: account", "settings_account", "#delete-form", get("/settings/account", "member")),
        Page("admin dashboard", "admin", "#figure-focus svg", get("/admin", "admin")),
        Page("admin: set up two-factor", "admin_2fa_enrol", "#two-factor-qr svg", get("/admin/2fa/enrol", "newcomer admin")),
        Page("admin: two-factor code", "admin_2fa", "#two-factor-form", get("/admin/2fa", "admin elsewhere")),
        Page("admin: recovery codes left", "admin_2fa_recovery", "#recovery-form",
             get("/admin/2fa/recovery-codes", "admin")),
        Page("admin: new recovery codes", "admin_2fa_recovery", "#recovery-codes li", new_recovery_codes),
        Page("admin: users", "admin_users", "#admin-users-table", moderation("/admin/users?q={member}")),
        Page("admin: a user", "admin_user", "#suspend-form", moderation("/admin/users/{member_id}")),
        Page("admin: reports", "admin_reports", "#reports-table", moderation("/admin/reports")),
        Page("admin: a report", "admin_report", "#resolve-form", moderation("/admin/reports/{report}")),
        Page("admin: rooms", "admin_rooms", "#rooms-table", moderation("/admin/rooms")),
        Page("admin: a room", "admin_room", "#admin-chat .hidden-mark", moderation("/admin/rooms/{code}")),
        Page("admin: audit log", "admin_audit", "#audit-filter", moderation("/admin/audit")),
        Page("report a profile", "report", "#report-form", moderation("/u/{member}/report")),
        Page("report sent", "report_sent", "#report-back", moderation("/reports/sent?back=/u/{member}")),
        Page("leaderboards", "leaderboards", "#rank-summary", ranked("/leaderboards", "member")),
        Page("leaderboards as a guest", "leaderboards", "#rank-guest", ranked("/leaderboards?board=consistency", None)),
        Page("leaderboards as admin", "leaderboards", "#board-reports", ranked("/leaderboards?board=alltime", "admin")),
        Page("report an entry", "leaderboard_report", "#report-form",
             get("/leaderboards/report?board=weekly&user={member}", "admin")),
        Page("friends", "friends", "#add-friend-form", get("/friends?q=a", "member")),
        Page("profile with friend buttons", "profile", "#friend-actions #block", signed_in_view("/u/{member}", "admin")),
        Page("messages", "messages", "#conversation-list", with_conversation("list")),
        Page("conversation", "conversation", "#dm-form", with_conversation()),
        Page("conversation's no-JavaScript frame", "conversation_frame", "#dm-new", with_conversation("/frame?after=0")),
        Page("report a message", "message_report", "#report-form", with_conversation("/report")),
        Page("music library from a room", "music_library", "#library-tracks .add-to-room",
             with_music("/music/library?room=ABC-DEF", "guest")),
        Page("my playlists", "music_playlists", "#playlist-list", with_music("/music/playlists")),
        Page("a playlist", "music_playlist", "#playlist-tracks .add-to-playlist", with_music("/music/playlists/{playlist}")),
        Page("liked songs", "music_liked", "#liked-tracks .like-form", with_music("/music/liked?room=ABC-DEF")),
        Page("admin: music library", "admin_library", "#library-table", with_music("/admin/library", "admin")),
        Page("a library track's page, signed in", "music_track", "#track-keep .add-to-playlist",
             with_music("/music/tracks/{track}")),
        Page("voice-note form with its recorder (debug page)", "test_journal_voice", "#voice-check .journal-recorder meter",
             voice_entry(with_note=False)),
        Page("voice note (debug page)", "test_journal_voice", "#voice-check .journal-note audio", voice_entry(with_note=True)),
        Page("voice note's transcript, refused edit", "journal_transcript", "#transcript-page #transcript-error",
             transcript_refused),
        Page("music", "music", "#trending .catalogue-track", get("/music")),
        Page("music, choosing for a room", "music", "#music-room", as_member("/music?room={code}")),
        Page("music search from a room", "music_search", "#results .catalogue-queue",
             get("/music/search?q=calm+piano&room={code}", "host")),
        Page("music search refused", "music_search", "#music-search-error", get("/music/search?q=%20")),
        Page("a catalogue track", "music_track", "#related .catalogue-track", catalogue_track),
        Page("404", "error", "#error-message", get("/no/such/page"), says="Error 404"),
        Page("403", "error", "#error-message", forged_form, says="Error 403"),
        Page("429", "error", "#error-message", too_many_sign_ins, says="Error 429"),
    ]
    return rows


PAGES = all_pages()


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_is_accessible(world, shared_browser, scheme, page):
    driver = shared_browser
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    page.reach(driver, world)
    try:
        wait(driver, PAGE_SECONDS).until(lambda d: d.find_elements(By.CSS_SELECTOR, page.shows))
    except TimeoutException:
        problem = [el.text for el in driver.find_elements(By.CSS_SELECTOR, "#error-message, [role=alert]")]
        pytest.fail(f"{page.name}: no {page.shows} at {driver.current_url} (title {driver.title!r}, says {problem})")
    assert page.says in driver.find_element(By.ID, "main").text, f"{page.name}: {page.says!r} is not on the page"
    assert_accessible(driver, f"{page.name} ({scheme})")


def test_every_page_template_has_a_row():
    templates = {p.stem for p in (PROJECT_ROOT / "Templates").glob("*.mustache")} - {"layout"}
    covered = {p.template for p in PAGES}
    assert not templates - covered, f"page templates no accessibility check visits: {sorted(templates - covered)}; " \
                                    "add a row to PAGES"
    assert not covered - templates, f"rows name templates that do not exist: {sorted(covered - templates)}"
