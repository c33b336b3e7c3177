"""Moderation (issue 17): the audit log. Every admin action appends a line (who, what, target,
reason, before and after, when); the table is append-only for the role the app connects as; the
log page filters and exports CSV; non-admins get 404 on all of it."""

import csv
import io
import secrets

import pytest

from accounts_kit import brief
from admin_kit import admin_page, admin_post, audit_count, audit_rows, make_admin, psql_as_app, uid
from library_kit import audio_file, upload


@pytest.fixture
def boss(stack, account):
    return make_admin(stack, account("boss"))


def test_a_role_change_is_recorded_with_before_after_and_reason(stack, account, boss):
    alice = account("alice")
    alice_id = uid(stack, alice)
    r = admin_post(boss.user, f"/admin/users/{alice_id}", f"/admin/users/{alice_id}/role", role="ADMIN",
                   reason="Helps with the reports")
    assert r.status_code == 303, brief(r)
    lines = audit_rows(stack, "target_id = :'v1'", alice_id)
    assert len(lines) == 1
    line = lines[0]
    assert (line["action"], line["actor_name"], line["actor_id"], line["target_kind"], line["target_label"]) == \
        ("role_change", boss.username, uid(stack, boss), "user", alice.username)
    assert (line["before"], line["after"], line["reason"]) == ("USER", "ADMIN", "Helps with the reports")

    # The log page shows it, and its filters find it.
    doc = admin_page(boss.user, f"/admin/audit?action=role_change&actor={boss.username}&target={alice.username}")
    table = doc.by_id("audit-table")
    assert table is not None and "Helps with the reports" in table.text() and alice.username in table.text()
    assert admin_page(boss.user, "/admin/audit?action=ban&target=" + alice.username).by_id("audit-empty") is not None
    assert admin_page(boss.user, "/admin/audit?actor=nobody-" + secrets.token_hex(3)).by_id("audit-empty") is not None


def test_the_csv_export_has_every_column_and_defuses_formulas(stack, account, boss):
    eve = account("eve")
    reason = "=HYPERLINK(\"http://evil\",\"x\"), with a comma"
    r = admin_post(boss.user, f"/admin/users/{uid(stack, eve)}", f"/admin/users/{uid(stack, eve)}/role", role="ADMIN",
                   reason=reason)
    assert r.status_code == 303, brief(r)
    r = boss.user.get(f"/admin/audit.csv?target={eve.username}")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), brief(r)
    assert "attachment" in r.headers.get("Content-Disposition", "")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["id", "at_utc", "actor_id", "actor", "action", "target_kind", "target_id", "target", "reason", "before",
                       "after"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert (row["actor"], row["action"], row["target"], row["before"], row["after"]) == \
        (boss.username, "role_change", eve.username, "USER", "ADMIN")
    assert row["reason"] == "'" + reason, "a cell starting with = must not be a spreadsheet formula"


def test_leaderboard_hide_and_unhide_are_recorded(stack, account, boss):
    cheat = account("cheat")
    cid = uid(stack, cheat)
    before = audit_count(stack)
    token = boss.user.csrf("/leaderboards")
    assert boss.user.post_form(f"/admin/leaderboards/{cid}/hide", {"csrf": token, "board": "weekly"}).status_code == 303
    assert boss.user.post_form(f"/admin/leaderboards/{cid}/unhide", {"csrf": token, "board": "weekly"}).status_code == 303
    lines = audit_rows(stack, "target_id = :'v1' and id > :'v2'", cid, str(before))
    assert [(x["action"], x["before"], x["after"], x["target_label"]) for x in lines] == [
        ("leaderboard_hide", "shown", "hidden", cheat.username), ("leaderboard_unhide", "hidden", "shown", cheat.username)]


def test_library_uploads_and_deletes_are_recorded(stack, account, boss):
    title = "Audit tone " + secrets.token_hex(3)
    r = upload(boss.user, boss.user.csrf("/admin/library"), audio_file("ogg", seconds=1.0), filename="tone.ogg",
               content_type="audio/ogg", title=title)
    assert r.status_code == 303, brief(r)
    track = stack.psql("select id from tracks where title = :'v1'", title)
    assert track
    r = boss.user.post_form(f"/admin/library/{track}/delete", {"csrf": boss.user.csrf("/admin/library")})
    assert r.status_code == 303, brief(r)
    lines = audit_rows(stack, "target_id = :'v1'", track)
    assert [(x["action"], x["target_kind"], x["target_label"]) for x in lines] == [
        ("library_upload", "track", title), ("library_delete", "track", title)]


@pytest.mark.parametrize("statement", [
    "update admin_audit set reason = 'rewritten'",
    "delete from admin_audit",
    "truncate admin_audit",
])
def test_the_app_role_cannot_change_or_remove_audit_lines(stack, account, boss, statement):
    alice = account("alice")
    admin_post(boss.user, f"/admin/users/{uid(stack, alice)}", f"/admin/users/{uid(stack, alice)}/role", role="ADMIN")
    before = stack.psql("select count(*), coalesce(string_agg(reason, '|' order by id), '') from admin_audit")
    out = psql_as_app(stack, statement)
    assert out.returncode != 0, f"{statement} was allowed"
    assert "permission denied" in out.stderr or "append-only" in out.stderr, out.stderr
    assert stack.psql("select count(*), coalesce(string_agg(reason, '|' order by id), '') from admin_audit") == before
    # INSERT and SELECT are what the app keeps.
    grants = stack.psql("select string_agg(privilege_type, ',' order by privilege_type) "
                        "from information_schema.role_table_grants where table_name = 'admin_audit' and grantee = current_user")
    assert grants == "INSERT,SELECT"


BAD_FILTERS = [
    ("unknown action", "action=erase_everything", 422),
    ("unknown kind", "kind=planet", 422),
    ("month 13", "from=2026-13-01", 422),
    ("not a day", "to=yesterday", 422),
    ("overlong day", "from=2026-001-01", 422),
    ("negative cursor", "before=-1", 422),
    ("huge cursor", "before=99999999999999999999", 422),
    ("hex cursor", "before=0x10", 422),
    ("two actions", "action=ban&action=suspend", 400),
    ("overlong target", "target=" + "x" * 101, 422),
    ("invalid utf-8", "target=%C0%AE", 400),
]


@pytest.mark.parametrize("query,status", [(q, s) for _, q, s in BAD_FILTERS], ids=[n for n, _, _ in BAD_FILTERS])
def test_bad_filters_get_a_clear_error(boss, query, status):
    for path in ("/admin/audit?", "/admin/audit.csv?"):
        r = boss.user.get(path + query)
        assert r.status_code == status, f"{path}{query}: {brief(r)}"
        assert "text/csv" not in r.headers.get("Content-Type", "")


def test_filters_with_sql_and_markup_match_nothing_and_show_escaped(stack, boss):
    for value in ["' or 1=1 --", "%", "_", "<script>alert(1)</script>"]:
        r = boss.user.get("/admin/audit", params={"target": value, "actor": value})
        assert r.status_code == 200, brief(r)
        assert "<script>alert(1)</script>" not in r.text
        assert 'id="audit-empty"' in r.text


def test_a_reason_with_markup_is_shown_as_text(stack, account, boss):
    bob = account("bob")
    admin_post(boss.user, f"/admin/users/{uid(stack, bob)}", f"/admin/users/{uid(stack, bob)}/role", role="ADMIN",
               reason="<img src=x onerror=alert(1)> {{> layout}}")
    r = boss.user.get("/admin/audit?target=" + bob.username)
    assert "<img src=x" not in r.text and "&lt;img src=x onerror=alert(1)&gt; {{&gt; layout}}" in r.text


@pytest.mark.parametrize("who", ["guest", "user"])
@pytest.mark.parametrize("path", ["/admin/audit", "/admin/audit.csv", "/admin/audit?action=role_change"])
def test_non_admins_get_404(new_user, account, who, path):
    user = new_user() if who == "guest" else account("plain").user
    r = user.get(path)
    assert r.status_code == 404, brief(r)
    assert "audit" not in r.text.lower() or "text/csv" not in r.headers.get("Content-Type", "")
