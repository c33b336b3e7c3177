"""Backups (issue 17, operations): `pomopomo backup` writes the database (pg_dump, custom format) and
the uploads into one dated directory; `pomopomo restore` puts them into a fresh PostgreSQL cluster
(made by scripts/services.sh, as the unprivileged user the test stack's cluster runs as) and an empty
uploads directory, and a responder on the restored site renders the same room, profile and stats
pages, picture included, from a Redis that was never filled."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from ops_kit import comparable, site_with_content
from pomopomo_testkit import PROJECT_ROOT, fastcgi_request, parse_html, pomopomo_bin, pomopomo_env, pomopomo_run, read_env_file


def backup(stack, into: Path) -> Path:
    out = pomopomo_run(stack, "backup", "--to", str(into), timeout=120)
    m = re.search(r"^backup=(\S+) database_bytes=(\d+) uploads_bytes=(\d+) elapsed_ms=\d+$", out.stdout, re.M)
    assert m, out.stdout + out.stderr
    made = Path(m.group(1))
    assert made.parent == into and re.fullmatch(r"pomopomo-\d{8}-\d{6}Z", made.name), made
    assert sorted(p.name for p in made.iterdir()) == ["MANIFEST", "database.pgdump", "uploads.tar"]
    assert (made / "database.pgdump").read_bytes()[:5] == b"PGDMP", "not pg_dump's custom format"
    assert not list(into.glob(".partial-*")), "a partial backup was left behind"
    return made


class Fresh:
    """A second site: a fresh PostgreSQL cluster and Redis (scripts/services.sh) under its own data
    dir, with the stack's POMOPOMO_SECRET (a restore reuses the site's settings), and later a
    responder named `restored` on it."""

    def __init__(self, stack):
        self.stack = stack
        self.dir = Path(tempfile.mkdtemp(prefix="pomopomo-restore.", dir="/tmp"))
        self.dir.chmod(0o755)
        shutil.copy(Path(stack.data_dir) / "secret", self.dir / "secret")
        self.run_script("scripts/services.sh", "start", str(self.dir), env={"POMOPOMO_FAST_PG": "1"})
        self.env = read_env_file(str(self.dir / "env"))
        assert self.env["POMOPOMO_SECRET"] == stack.env["POMOPOMO_SECRET"]

    def run_script(self, *args, env=None):
        out = subprocess.run(["bash", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                             env={**os.environ, **(env or {})})
        assert out.returncode == 0, f"{' '.join(args)}:\n{out.stdout}\n{out.stderr}"

    def pomopomo(self, *args) -> subprocess.CompletedProcess:
        env = pomopomo_env(self.stack)
        env.update(self.env)
        return subprocess.run([pomopomo_bin(), *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              timeout=180)

    def start_responder(self):
        self.run_script("scripts/responder.sh", "start", str(self.dir), "restored")

    def get(self, path: str, sid: str | None = None):
        headers = {"Cookie": f"pp_sid={sid}"} if sid else {}
        return fastcgi_request(str(self.dir / "run" / "restored.sock"), "GET", path, headers=headers)

    def tables(self) -> int:
        out = subprocess.run(["psql", self.env["POMOPOMO_DATABASE_URL"], "-XAtc",
                              "select count(*) from pg_tables where schemaname = 'public'"],
                             capture_output=True, text=True, timeout=20)
        return int(out.stdout.strip())

    def close(self):
        subprocess.run(["bash", "scripts/responder.sh", "stop-all", str(self.dir)], cwd=PROJECT_ROOT, capture_output=True)
        subprocess.run(["bash", "scripts/services.sh", "stop", str(self.dir)], cwd=PROJECT_ROOT, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def fresh(stack):
    site = Fresh(stack)
    yield site
    site.close()


def test_a_backup_restored_into_a_fresh_cluster_renders_the_same_pages(stack, account, new_user, fresh, tmp_path):
    acct, room, picture, day = site_with_content(stack, account, new_user)
    sid = acct.user.sid
    pages = [f"/r/{room.code}", f"/u/{acct.username}", f"/u/{acct.username}/stats", "/stats"]
    before = {p: stack.fcgi("a", "GET", p, headers={"Cookie": f"pp_sid={sid}"}) for p in pages}
    for p, r in before.items():
        assert r.status == 200, f"{p}: {r.status}"
    # What the comparison below covers: the room's chat and tasks, the profile, the day of focus, /stats' row.
    room_main = comparable(before[f"/r/{room.code}"].text)
    assert "Backed up &lt;b&gt;twice&lt;/b&gt; &amp; restored" in room_main and "Check the restore" in room_main
    assert "Gus Guest" in room_main
    assert "<strong>copies</strong>" in comparable(before[f"/u/{acct.username}"].text)
    assert f'<th scope="row">{day}</th>' in comparable(before["/stats"].text)

    made = backup(stack, tmp_path / "backups")

    restored = fresh.pomopomo("restore", str(made))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert re.search(r"^restored=\S+ migrations_applied=0 elapsed_ms=\d+$", restored.stdout, re.M), restored.stdout
    fresh.start_responder()

    for p in pages:
        after = fresh.get(p, sid)
        assert after.status == 200, f"{p} on the restored site: {after.status}"
        assert comparable(after.text) == comparable(before[p].text), f"{p} differs after the restore"
    # The picture came back byte for byte, from the restored uploads directory.
    avatar = fresh.get(f"/u/{acct.username}/avatar")
    assert avatar.status == 200 and avatar.body == picture
    # The person is still signed in there (sessions are in PostgreSQL), and a visitor sees the profile too.
    doc = parse_html(fresh.get(f"/u/{acct.username}").text)
    assert doc.by_id("profile").find("h1").clean_text() == "Bea Backup"
    assert doc.by_id("profile").find("div", cls="bio").find("strong").text() == "copies"


def test_restore_refuses_a_database_or_uploads_that_are_not_empty(stack, fresh, tmp_path):
    made = backup(stack, tmp_path / "backups")
    uploads = Path(fresh.env["POMOPOMO_UPLOADS"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "keep.txt").write_text("not ours to overwrite")
    refused = fresh.pomopomo("restore", str(made))
    assert refused.returncode == 1 and "is not empty" in refused.stderr + refused.stdout
    assert fresh.tables() == 0, "a refused restore wrote to the database"
    (uploads / "keep.txt").unlink()

    assert fresh.pomopomo("restore", str(made)).returncode == 0
    again = fresh.pomopomo("restore", str(made))
    assert again.returncode == 1 and "already holds" in again.stderr + again.stdout


def test_restore_refuses_a_damaged_backup(stack, fresh, tmp_path):
    made = backup(stack, tmp_path / "backups")
    with open(made / "uploads.tar", "r+b") as f:
        f.seek(600)
        f.write(b"X")
    refused = fresh.pomopomo("restore", str(made))
    assert refused.returncode == 1 and "SHA-256" in refused.stderr + refused.stdout
    assert fresh.tables() == 0
    assert not any(Path(fresh.env["POMOPOMO_UPLOADS"]).glob("*"))


def test_backup_fails_cleanly_without_the_database(stack, tmp_path):
    env = pomopomo_env(stack)
    env["POMOPOMO_DATABASE_URL"] = "host=/nonexistent dbname=pomopomo user=pomopomo"
    out = subprocess.run([pomopomo_bin(), "backup", "--to", str(tmp_path / "b")], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "backup failed" in out.stderr + out.stdout
    assert list((tmp_path / "b").iterdir()) == [], "a failed backup left something behind"
