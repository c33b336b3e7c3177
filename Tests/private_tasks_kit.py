"""Private tasks (issue 14, /me/tasks): reading the page as its owner sees it, posting its forms,
and seeding PostgreSQL for the limits, shared by Tests/http/test_http_private_tasks*.py.

- lists / open_tasks / done_tasks: what the page shows (ids, names, titles, in order).
- add / post: the page's forms, with the session's CSRF token.
- stored: everything PostgreSQL holds of one account's lists and tasks, to compare before and after a
  refused request ("nothing changed").
- seed_open_tasks / seed_lists: many rows at once, the way the site stores them, to reach the limits.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import requests

from accounts_kit import Account, brief, user_id
from pomopomo_testkit import Element, User, parse_html

OPEN_LIMIT = 1000  # PrivateTaskLimits.openTasks
LISTS_LIMIT = 50  # PrivateTaskLimits.lists
TITLE_MAX = 200
NOTES_MAX = 5000
LIST_NAME_MAX = 60


def token(user: User) -> str:
    """The session's CSRF token (read once from /me/tasks, then kept)."""
    if getattr(user, "_tasks_csrf", None) is None:
        user._tasks_csrf = user.csrf("/me/tasks")
    return user._tasks_csrf


def post(user: User, path: str, **fields) -> requests.Response:
    """POSTs fields (None ones left out) to path with this browser's token."""
    return user.post_form(path, {"csrf": token(user), **{k: v for k, v in fields.items() if v is not None}})


def page(user: User, list_id: str | None = None, expect: int = 200) -> Element:
    path = "/me/tasks" + (f"?list={list_id}" if list_id else "")
    return user.page(path, expect)


def lists(user: User) -> list[tuple[str, str, int]]:
    """The tabs: (list id, name, open count), in order."""
    out = []
    for li in page(user).by_id("task-lists").find_all("li"):
        a = li.find("a")
        list_id = parse_qs(urlsplit(a.get("href")).query)["list"][0]
        out.append((list_id, a.clean_text(), int(li.find("span", cls="badge").clean_text())))
    return out


def list_id(user: User, name: str) -> str:
    found = [i for i, n, _ in lists(user) if n == name]
    assert found, f"no list named {name!r}: {lists(user)}"
    return found[0]


def _tasks(doc: Element, ul_id: str) -> list[tuple[str, str]]:
    ul = doc.by_id(ul_id)
    if ul is None:
        return []
    return [(li.get("data-id"), li.find("span", cls="task-text").clean_text()) for li in ul.find_all("li", cls="task")]


def open_tasks(user: User, list_id: str | None = None) -> list[tuple[str, str]]:
    """(id, title) of the list's open tasks, in their order."""
    return _tasks(page(user, list_id), "open-tasks")


def done_tasks(user: User, list_id: str | None = None) -> list[tuple[str, str]]:
    return _tasks(page(user, list_id), "done-tasks")


def titles(user: User, list_id: str | None = None) -> list[str]:
    return [t for _, t in open_tasks(user, list_id)]


def add(user: User, list_id: str, title: str, notes: str = "", due: str = "", **extra) -> requests.Response:
    return post(user, "/me/tasks", list=list_id, title=title, notes=notes, due=due, **extra)


def add_ok(user: User, list_id: str, title: str, notes: str = "", due: str = "") -> str:
    """Adds a task and returns its id (from the redirect's #task-ID)."""
    r = add(user, list_id, title, notes, due)
    assert r.status_code == 303, f"adding {title!r}: {brief(r)}"
    m = re.fullmatch(rf"/me/tasks\?list={list_id}#task-([0-9a-f-]{{36}})", r.headers["Location"])
    assert m, f"adding {title!r} redirected to {r.headers['Location']!r}"
    return m.group(1)


def item(user: User, task_id: str, list_id: str | None = None) -> Element:
    li = page(user, list_id).by_id(f"task-{task_id}")
    assert li is not None, f"task {task_id} is not on the page"
    return li


def version(user: User, task_id: str, list_id: str | None = None) -> str:
    return item(user, task_id, list_id).find("input", name="version").get("value")


def default_list(user: User) -> str:
    """The account's first list ("Today", made on the first visit)."""
    return lists(user)[0][0]


def uid(stack, who: Account) -> str:
    return user_id(stack, who.email)


def stored(stack, who: Account) -> str:
    """Everything PostgreSQL holds of this account's lists and tasks, as JSON text."""
    return stack.psql(
        """
        select json_build_object(
          'lists', (select coalesce(json_agg(json_build_object('id', id, 'name', name, 'position', position)
                    order by id), '[]') from private_task_lists where user_id = :'v1'),
          'tasks', (select coalesce(json_agg(json_build_object('id', id, 'list', list_id, 'title', title,
                    'notes', notes, 'due', due_on, 'done', done, 'done_at', done_at, 'position', position,
                    'version', version) order by id), '[]') from private_tasks where user_id = :'v1'))
        """, uid(stack, who))


def stored_task(stack, task_id: str) -> dict | None:
    out = stack.psql("select row_to_json(t) from private_tasks t where id = :'v1'", task_id)
    return json.loads(out) if out else None


def seed_open_tasks(stack, who: Account, list_id: str, n: int):
    """n open tasks at the end of the list, written straight into PostgreSQL."""
    stack.psql(
        """
        insert into private_tasks (user_id, list_id, title, position)
        select :'v1', :'v2', 'seeded ' || g, 100000 + g from generate_series(1, :'v3'::int) g
        """, uid(stack, who), list_id, str(n))


def open_count(stack, who: Account) -> int:
    return int(stack.psql("select count(*) from private_tasks where user_id = :'v1' and not done", uid(stack, who)))


def seed_lists(stack, who: Account, n: int):
    stack.psql(
        """
        insert into private_task_lists (user_id, name, position)
        select :'v1', 'seeded list ' || g, 1000 + g from generate_series(1, :'v2'::int) g
        """, uid(stack, who), str(n))


def alert(r) -> str:
    """The page's #tasks-error text (a refusal keeps the page, with the reason)."""
    el = parse_html(r.text).by_id("tasks-error")
    assert el is not None, f"no #tasks-error: {brief(r)}"
    assert el.get("role") == "alert"
    return el.clean_text()
