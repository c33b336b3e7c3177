"""Private tasks (issue 14, seed 003 §2.5): each account's own lists at /me/tasks ("Today" made on
the first visit), tasks with Markdown notes and a due date in the owner's zone, completing,
reopening, moving, reordering, the limits, a room's "add from my tasks" kept in step both ways,
export and deletion, and the privacy walk: every route with another account's ids is a 404 that
changes nothing."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from accounts_kit import brief, location, post_on
from pomopomo_testkit import User, parse_html
from private_tasks_kit import (
    LISTS_LIMIT,
    OPEN_LIMIT,
    add,
    add_ok,
    alert,
    default_list,
    done_tasks,
    item,
    list_id,
    lists,
    open_count,
    page,
    post,
    seed_lists,
    seed_open_tasks,
    stored,
    stored_task,
    titles,
    uid,
    version,
)
from rooms_kit import WAKE_WITHIN, new_room

# 2026-03-10 11:30 UTC: already 2026-03-11 (01:30) in Kiritimati (UTC+14), still 2026-03-10 in
# Honolulu (UTC-10).
NOW = str(1773142200)


@pytest.fixture
def owner(account):
    return account("tasker")


def test_first_visit_makes_today_and_a_task_shows_its_notes_and_due_date(stack, owner):
    assert lists(owner.user)[0][1] == "Today"
    assert len(lists(owner.user)) == 1, "a second visit made another default list"
    today = default_list(owner.user)
    tid = add_ok(owner.user, today, "Write the intro", notes="**bold** and a [link](https://example.org/x)", due="2026-03-01")
    li = item(owner.user, tid)
    assert li.find("span", cls="task-text").clean_text() == "Write the intro"
    notes = li.find("div", cls="task-notes")
    assert notes.find("strong").clean_text() == "bold"
    assert notes.find("a").get("href") == "https://example.org/x"
    assert li.get("data-due") in ("overdue", "today", "later")
    row = stored_task(stack, tid)
    assert (row["title"], row["due_on"], row["done"]) == ("Write the intro", "2026-03-01", False)
    assert lists(owner.user)[0][2] == 1, "the tab does not count the open task"


def test_due_today_and_overdue_follow_the_owners_zone(stack, owner):
    today = default_list(owner.user)
    late = add_ok(owner.user, today, "Late", due="2026-03-10")
    now = add_ok(owner.user, today, "Now", due="2026-03-11")
    later = add_ok(owner.user, today, "Later", due="2026-03-12")
    undated = add_ok(owner.user, today, "Whenever")

    def states(zone):
        stack.psql("update users set timezone = :'v2' where id = :'v1'", uid(stack, owner), zone)
        r = owner.user.get(f"/me/tasks?list={today}", headers={"X-Pomopomo-Test-Now": NOW})
        assert r.status_code == 200, brief(r)
        doc = parse_html(r.text)
        return {t: doc.by_id(f"task-{t}").get("data-due") for t in (late, now, later, undated)}, doc

    kiritimati, doc = states("Pacific/Kiritimati")
    assert kiritimati == {late: "overdue", now: "today", later: "later", undated: "none"}
    assert "Overdue (due 2026-03-10)" in doc.by_id(f"task-{late}").clean_text()
    assert "Due today" in doc.by_id(f"task-{now}").clean_text()
    honolulu, _ = states("Pacific/Honolulu")
    assert honolulu == {late: "today", now: "later", later: "later", undated: "none"}


def test_edit_and_a_stale_edit_from_another_tab_is_409_keeping_the_text(stack, owner):
    today = default_list(owner.user)
    tid = add_ok(owner.user, today, "Draft", notes="first")
    seen = version(owner.user, tid)
    r = post(owner.user, f"/me/tasks/{tid}", title="Draft v2", notes="second", due="2026-04-01", version=seen)
    assert r.status_code == 303 and location(r) == f"/me/tasks?list={today}#task-{tid}", brief(r)
    assert (stored_task(stack, tid)["title"], stored_task(stack, tid)["notes"]) == ("Draft v2", "second")
    # The other tab still has the first version.
    before = stored(stack, owner)
    r = post(owner.user, f"/me/tasks/{tid}", title="From the old tab", notes="typed there", due="", version=seen)
    assert r.status_code == 409, brief(r)
    assert "changed" in alert(r)
    doc = parse_html(r.text)
    assert doc.by_id("tasks-reload").get("href") == f"/me/tasks?list={today}"
    form = doc.by_id(f"task-{tid}").find("form", cls="task-edit-form")
    assert form.find("input", name="title").get("value") == "From the old tab"
    assert form.find("textarea", name="notes").text() == "typed there"
    assert "open" in doc.by_id(f"task-{tid}").find("details").attrs
    assert stored(stack, owner) == before, "a stale edit changed something"
    # Saving again from that page (which now carries the current version) replaces deliberately.
    r = post(owner.user, f"/me/tasks/{tid}", title="From the old tab", notes="", due="",
             version=form.find("input", name="version").get("value"))
    assert r.status_code == 303, brief(r)
    assert stored_task(stack, tid)["title"] == "From the old tab"
    r = post(owner.user, f"/me/tasks/{tid}", title="x", notes="", due="", version="abc")
    assert r.status_code == 409, brief(r)


def test_complete_reopen_move_and_delete(stack, owner):
    today = default_list(owner.user)
    a, b = add_ok(owner.user, today, "Alpha"), add_ok(owner.user, today, "Beta")
    r = post(owner.user, f"/me/tasks/{a}/complete")
    assert r.status_code == 303, brief(r)
    assert titles(owner.user, today) == ["Beta"]
    assert done_tasks(owner.user, today) == [(a, "Alpha")]
    assert page(owner.user, today).by_id("done-tasks-box").find("summary").clean_text() == "Done (1)"
    assert stored_task(stack, a)["done_at"] is not None
    assert post(owner.user, f"/me/tasks/{a}/complete").status_code == 303, "completing twice is harmless"
    assert post(owner.user, f"/me/tasks/{a}/reopen").status_code == 303
    assert titles(owner.user, today) == ["Alpha", "Beta"], "a reopened task went back to its place"
    assert stored_task(stack, a)["done_at"] is None

    r = post(owner.user, "/me/tasks/lists", name="Work", list=today)
    assert r.status_code == 303, brief(r)
    work = list_id(owner.user, "Work")
    assert location(r) == f"/me/tasks?list={work}#tasks"
    r = post(owner.user, f"/me/tasks/{b}/move", list=work)
    assert r.status_code == 303 and location(r) == f"/me/tasks?list={work}#task-{b}", brief(r)
    assert titles(owner.user, work) == ["Beta"] and titles(owner.user, today) == ["Alpha"]
    r = post(owner.user, f"/me/tasks/{b}/delete")
    assert r.status_code == 303, brief(r)
    assert stored_task(stack, b) is None and titles(owner.user, work) == []


def test_reorder_with_up_and_down_forms_and_refuse_ids_of_another_list(stack, owner, account):
    today = default_list(owner.user)
    ids = [add_ok(owner.user, today, t) for t in ("one", "two", "three", "four")]
    doc = page(owner.user, today)
    # The first task has no "up", the last no "down"; the forms name their neighbours.
    first, last = doc.by_id(f"task-{ids[0]}"), doc.by_id(f"task-{ids[3]}")
    assert first.find("form", cls="place-up") is None and last.find("form", cls="place-down") is None
    up = doc.by_id(f"task-{ids[2]}").find("form", cls="place-up")
    assert up.find("input", name="before").get("value") == ids[1]
    assert post(owner.user, f"/me/tasks/{ids[2]}/place", before=ids[1]).status_code == 303
    assert titles(owner.user, today) == ["one", "three", "two", "four"]
    assert post(owner.user, f"/me/tasks/{ids[0]}/place", after=ids[3]).status_code == 303
    assert titles(owner.user, today) == ["three", "two", "four", "one"]

    other_list = post(owner.user, "/me/tasks/lists", name="Elsewhere")
    elsewhere = list_id(owner.user, "Elsewhere")
    assert other_list.status_code == 303
    there = add_ok(owner.user, elsewhere, "over there")
    stranger = account("stranger")
    theirs = add_ok(stranger.user, default_list(stranger.user), "not yours")
    done = add_ok(owner.user, today, "finished")
    post(owner.user, f"/me/tasks/{done}/complete")
    before = stored(stack, owner)
    for fields, status in [({"before": there}, 422), ({"after": there}, 422), ({"before": done}, 422),
                           ({"before": theirs}, 404), ({"after": "00000000-0000-0000-0000-000000000000"}, 404),
                           ({"before": "1' or '1'='1"}, 404), ({"before": ids[1], "after": ids[2]}, 422), ({}, 422)]:
        r = post(owner.user, f"/me/tasks/{ids[0]}/place", **fields)
        assert r.status_code == status, f"{fields}: {brief(r)}"
    r = post(owner.user, f"/me/tasks/{done}/place", before=ids[1])
    assert r.status_code == 422, f"placing a done task: {brief(r)}"
    assert stored(stack, owner) == before, "a refused reorder changed something"
    assert titles(owner.user, today) == ["three", "two", "four", "one"]


def test_lists_create_rename_and_delete_asks_before_deleting_tasks(stack, owner):
    today = default_list(owner.user)
    assert post(owner.user, "/me/tasks/lists", name="Errands").status_code == 303
    errands = list_id(owner.user, "Errands")
    r = post(owner.user, f"/me/tasks/lists/{errands}", name="Shopping")
    assert r.status_code == 303, brief(r)
    assert [n for _, n, _ in lists(owner.user)] == ["Today", "Shopping"]
    milk = add_ok(owner.user, errands, "Milk")
    before = stored(stack, owner)
    r = post(owner.user, f"/me/tasks/lists/{errands}/delete")
    assert r.status_code == 422 and "1 task" in alert(r), brief(r)
    assert stored(stack, owner) == before
    r = post(owner.user, f"/me/tasks/lists/{errands}/delete", confirm="yes")
    assert r.status_code == 303 and location(r) == "/me/tasks", brief(r)
    assert [n for _, n, _ in lists(owner.user)] == ["Today"]
    assert stored_task(stack, milk) is None
    empty = post(owner.user, "/me/tasks/lists", name="Empty")
    assert empty.status_code == 303
    assert post(owner.user, f"/me/tasks/lists/{list_id(owner.user, 'Empty')}/delete").status_code == 303
    # Deleting the last list: the next visit starts with "Today" again.
    assert post(owner.user, f"/me/tasks/lists/{today}/delete").status_code == 303
    assert [n for _, n, _ in lists(owner.user)] == ["Today"]


def test_limits_of_1000_open_tasks_and_50_lists_keep_what_was_typed(stack, owner):
    today = default_list(owner.user)
    finished = add_ok(owner.user, today, "finished one")
    assert post(owner.user, f"/me/tasks/{finished}/complete").status_code == 303
    seed_open_tasks(stack, owner, today, OPEN_LIMIT - 1)
    last = add_ok(owner.user, today, "the thousandth")
    assert open_count(stack, owner) == OPEN_LIMIT
    before = stored(stack, owner)
    r = add(owner.user, today, "one too many", notes="keep *me*", due="2026-05-05")
    assert r.status_code == 422, brief(r)
    assert "1,000 open tasks" in alert(r)
    form = parse_html(r.text).by_id("task-add")
    assert form.find("input", name="title").get("value") == "one too many"
    assert form.find("textarea", name="notes").text() == "keep *me*"
    assert form.find("input", name="due").get("value") == "2026-05-05"
    r = post(owner.user, f"/me/tasks/{finished}/reopen")
    assert r.status_code == 422 and "1,000" in alert(r), brief(r)
    assert stored(stack, owner) == before, "a refusal at the limit changed something"
    # Done tasks do not count: completing one makes room.
    assert post(owner.user, f"/me/tasks/{last}/complete").status_code == 303
    add_ok(owner.user, today, "room again")

    seed_lists(stack, owner, LISTS_LIMIT - 1)
    assert len(lists(owner.user)) == LISTS_LIMIT
    before = stored(stack, owner)
    r = post(owner.user, "/me/tasks/lists", name="Fifty-first", list=today)
    assert r.status_code == 422 and "50 lists" in alert(r), brief(r)
    assert parse_html(r.text).by_id("new-list-name").get("value") == "Fifty-first"
    assert stored(stack, owner) == before


def test_concurrent_adds_cannot_pass_the_limit(stack, owner):
    today = default_list(owner.user)
    seed_open_tasks(stack, owner, today, OPEN_LIMIT - 3)
    token = owner.user.csrf("/me/tasks")
    cookies = owner.user.http.cookies

    def one(i):
        u = User(stack.base_url)
        u.http.cookies.update(cookies)
        return u.post_form("/me/tasks", {"csrf": token, "list": today, "title": f"race {i}", "notes": "", "due": ""}).status_code

    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(one, range(12)))
    assert sorted(statuses).count(303) == 3 and statuses.count(422) == 9, statuses
    assert open_count(stack, owner) == OPEN_LIMIT


def test_guests_are_sent_to_sign_in(new_user):
    guest = new_user()
    r = guest.get("/me/tasks")
    assert r.status_code == 303 and location(r).startswith("/login"), brief(r)
    r = guest.post_form("/me/tasks", {"csrf": guest.csrf("/"), "title": "x", "list": "x"})
    assert r.status_code == 403, brief(r)


# ----------------------------------------------------------------------------------------- privacy

def test_every_route_with_another_accounts_ids_is_404_and_changes_nothing(stack, account):
    """The privacy walk: every route this feature adds, used by someone else (admins included)
    with the owner's ids, answers 404 like an id that does not exist, and nothing stored moves."""
    owner, intruder = account("owner"), account("intruder")
    stack.psql("update users set role = 'ADMIN' where id = :'v1'", uid(stack, intruder))
    mine = default_list(owner.user)
    tid = add_ok(owner.user, mine, "secret task", notes="secret notes")
    done = add_ok(owner.user, mine, "secret done")
    post(owner.user, f"/me/tasks/{done}/complete")
    intruders_list = default_list(intruder.user)
    intruders_task = add_ok(intruder.user, intruders_list, "intruder's own")
    seen = version(owner.user, tid)
    before, before_theirs = stored(stack, owner), stored(stack, intruder)

    r = intruder.user.get(f"/me/tasks?list={mine}")
    assert r.status_code == 404 and "secret" not in r.text, brief(r)
    walk = [
        ("/me/tasks", {"list": mine, "title": "planted", "notes": "", "due": ""}),
        (f"/me/tasks/{tid}", {"title": "hijacked", "notes": "", "due": "", "version": seen}),
        (f"/me/tasks/{tid}/complete", {}),
        (f"/me/tasks/{done}/reopen", {}),
        (f"/me/tasks/{tid}/delete", {}),
        (f"/me/tasks/{tid}/move", {"list": intruders_list}),
        (f"/me/tasks/{intruders_task}/move", {"list": mine}),
        (f"/me/tasks/{tid}/place", {"before": done}),
        (f"/me/tasks/{intruders_task}/place", {"before": tid}),
        (f"/me/tasks/lists/{mine}", {"name": "renamed"}),
        (f"/me/tasks/lists/{mine}/delete", {"confirm": "yes"}),
    ]
    for path, fields in walk:
        r = post(intruder.user, path, **fields)
        assert r.status_code == 404, f"POST {path} by someone else: {brief(r)}"
        assert "secret" not in r.text
    assert stored(stack, owner) == before, "another account's requests changed the owner's tasks"
    assert stored(stack, intruder) == before_theirs, "the refused requests changed the intruder's own tasks"
    # The same requests with ids that do not exist answer the same.
    ghost = "00000000-0000-4000-8000-000000000000"
    for path in (f"/me/tasks/{ghost}/complete", f"/me/tasks/lists/{ghost}/delete"):
        assert post(intruder.user, path).status_code == 404


# ----------------------------------------------------------------------------------------- rooms

def room_copy(room, title):
    """(room task id, done) of the host's own task with this text."""
    for element_id, text, visibility, done in room.host.own_view()["tasks"]:
        if text == title:
            return element_id.removeprefix("task-"), visibility, done
    raise AssertionError(f"no task {title!r} in the room's own list: {room.host.own_view()['tasks']}")


def room_task_row(room, task_id):
    return next(t for t in room.rows()["tasks"] if t["id"] == task_id)


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_add_from_my_tasks_and_complete_in_the_room_completes_it_in_the_list(stack, owner, visibility):
    today = default_list(owner.user)
    tid = add_ok(owner.user, today, f"Read chapter 4 ({visibility})")
    add_ok(owner.user, today, "Another one")
    room = new_room(stack, owner.user, "Tara Tasks")
    form = room.host.page().by_id("task-from-mine")
    offered = {o.get("value"): o.clean_text() for o in form.find_all("option") if o.get("value") in (tid,)}
    assert offered == {tid: f"Read chapter 4 ({visibility})"}, form.clean_text()
    room.host.ok("/tasks/from-mine", private_task=tid, visibility=visibility)
    copy, shown_visibility, done = room_copy(room, f"Read chapter 4 ({visibility})")
    assert (shown_visibility, done) == (visibility, False)
    public = [t["text"] for t in room.state()["public_tasks"]]
    assert (f"Read chapter 4 ({visibility})" in public) == (visibility == "public")
    room.host.refused(422, "/tasks/from-mine", private_task=tid, visibility="public")  # already here

    room.host.ok(f"/tasks/{copy}/toggle")
    assert stored_task(stack, tid)["done"] is True, "ticking the room copy did not complete the private task"
    assert done_tasks(owner.user, today) == [(tid, f"Read chapter 4 ({visibility})")]
    room.host.ok(f"/tasks/{copy}/toggle")
    assert stored_task(stack, tid)["done"] is False, "unticking the room copy did not reopen the private task"


def test_completing_in_the_list_ticks_the_room_copy_and_wakes_the_room(stack, owner):
    today = default_list(owner.user)
    tid = add_ok(owner.user, today, "Shared goal")
    room = new_room(stack, owner.user, "Lia List")
    room.host.ok("/tasks/from-mine", private_task=tid, visibility="public")
    copy, _, _ = room_copy(room, "Shared goal")
    since = room.db_version()
    watcher = User(stack.base_url)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(watcher.poll, room.code, since, 10)
        time.sleep(0.5)
        started = time.monotonic()
        r = post(owner.user, f"/me/tasks/{tid}/complete")
        assert r.status_code == 303, brief(r)
        answer = waiting.result()
        took = time.monotonic() - started
    assert answer.status_code == 200, answer.status_code
    assert took < WAKE_WITHIN + 1, f"the room's parked poll was answered {took:.2f}s after the completion"
    assert answer.json()["version"] > since
    assert room_task_row(room, copy)["done"] is True
    assert [t["done"] for t in room.state()["public_tasks"] if t["id"] == copy] == [True]
    assert room_copy(room, "Shared goal")[2] is True
    assert post(owner.user, f"/me/tasks/{tid}/reopen").status_code == 303
    assert room_task_row(room, copy)["done"] is False
    # Deleting the private task leaves the room's copy as an ordinary task.
    assert post(owner.user, f"/me/tasks/{tid}/delete").status_code == 303
    assert room_task_row(room, copy)["text"] == "Shared goal"
    room.host.ok(f"/tasks/{copy}/toggle")


def test_add_from_my_tasks_is_for_your_own_open_tasks(stack, owner, account):
    today = default_list(owner.user)
    room = new_room(stack, owner.user, "Olga Owner")
    stranger = account("stranger")
    theirs = add_ok(stranger.user, default_list(stranger.user), "someone else's")
    done = add_ok(owner.user, today, "already done")
    post(owner.user, f"/me/tasks/{done}/complete")
    before = room.rows()
    room.host.refused(404, "/tasks/from-mine", private_task=theirs, visibility="private")
    room.host.refused(404, "/tasks/from-mine", private_task=done, visibility="private")
    room.host.refused(404, "/tasks/from-mine", private_task="'; drop table tasks; --", visibility="private")
    guest = room.join("Gus Guest")
    assert guest.page().by_id("task-from-mine") is None, "a guest is offered tasks from a list"
    guest.refused(422, "/tasks/from-mine", private_task=theirs, visibility="private")
    after = room.rows()
    assert after["tasks"] == before["tasks"], "a refused copy changed the room's tasks"


# ----------------------------------------------------------------------------------------- export, deletion

def test_export_has_lists_and_tasks_and_deleting_the_account_removes_them(stack, owner):
    today = default_list(owner.user)
    tid = add_ok(owner.user, today, "Exported", notes="with *notes*", due="2026-07-01")
    export = owner.user.get("/settings/export.json").json()
    assert [(x["id"], x["name"]) for x in export["private_task_lists"]] == [(today, "Today")]
    task = next(t for t in export["private_tasks"] if t["id"] == tid)
    assert (task["list"], task["title"], task["notes"], task["due_on"], task["done"]) == \
        ("Today", "Exported", "with *notes*", "2026-07-01", False)
    me = uid(stack, owner)
    r = post_on(owner.user, "/settings/account", "/settings/delete", password=owner.password)
    assert r.status_code == 303, brief(r)
    for table in ("private_tasks", "private_task_lists"):
        assert stack.psql(f"select count(*) from {table} where user_id = :'v1'", me) == "0", f"{table} left behind"
    assert json.loads(stack.psql("select json_build_object('n', count(*)) from private_tasks where id = :'v1'", tid))["n"] == 0
