"""Helpers for the moderation tests (issue 17): making an admin, posting the admin forms as a
browser does (the form's own CSRF token, from the page that shows it), and reading the audit log
back from PostgreSQL.

Admins are made in one place (`make_admin`), so a later step before admin pages (a second factor)
changes this file, not every test."""

import json
import subprocess
import time

from accounts_kit import Account, brief, page_csrf, user_id
from accounts_kit import make_admin as grant_and_pass_two_factor
from pomopomo_testkit import Element, parse_html


def make_admin(stack, acct: Account) -> Account:
    """Gives `acct` the ADMIN role (as `pomopomo admin grant` does), passes the second factor in
    its browser (admin pages answer nothing else), and returns it."""
    grant_and_pass_two_factor(stack, acct.user, acct.email)
    return acct


def admin_post(user, page: str, target: str, /, **fields):
    """Submits `fields` to the form posting to `target` with that form's CSRF token on `page`
    (positional: "action" is a field of the report forms)."""
    token = page_csrf(user, page, target)
    return user.post_form(target, {"csrf": token, **fields})


def admin_page(user, path: str, expect: int = 200) -> Element:
    r = user.get(path)
    assert r.status_code == expect, f"GET {path}: {brief(r)}"
    return parse_html(r.text)


def audit_rows(stack, where: str = "true", *args: str) -> list[dict]:
    """Audit lines matching `where` (psql variables :'v1'…), oldest first."""
    out = stack.psql(
        "select json_agg(a order by id) from (select id, actor_id::text, actor_name, action, target_kind, target_id, "
        f"target_label, reason, before, after from admin_audit where {where}) a", *args)
    return json.loads(out) if out else []


def audit_count(stack) -> int:
    return int(stack.psql("select count(*) from admin_audit"))


def psql_as_app(stack, sql: str) -> subprocess.CompletedProcess:
    """Runs `sql` as the role the app connects as, returning the result whether it failed or not."""
    return subprocess.run(["psql", stack.env["POMOPOMO_DATABASE_URL"], "-X", "-At", "-v", "ON_ERROR_STOP=1"], input=sql,
                          capture_output=True, text=True, timeout=20)


def logged(stack, *needles: str, within: float = 2.0) -> bool:
    """Whether one line of a responder's log holds every needle, within `within` seconds (ordinary
    lines reach the file through a buffer written every 50 ms)."""
    deadline = time.monotonic() + within
    while True:
        if _logged_now(stack, needles):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _logged_now(stack, needles) -> bool:
    for name in stack.responders:
        try:
            with open(f"{stack.data_dir}/log/{name}.log", encoding="utf-8", errors="replace") as f:
                if any(all(n in line for n in needles) for line in f):
                    return True
        except FileNotFoundError:
            continue
    return False


def uid(stack, acct: Account) -> str:
    return user_id(stack, acct.email)
