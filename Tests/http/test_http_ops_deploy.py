"""deploy/systemd (issue 17, operations): the units pass `systemd-analyze verify` with nothing to say,
their hardening scores as systemd's own audit reads it, the sysusers and tmpfiles files do what they
claim in a scratch root, `serve --socket` gives each responder its own socket whatever the shared
environment says, and every setting the code reads is documented in the EnvironmentFile example and
in the README's table.

systemd-analyze needs no running systemd (this sandbox has none as PID 1): it loads the unit files
as systemd would and checks their syntax, every directive and value, the dependencies named and that
each Exec program exists. The units name /opt/pomopomo; the copies verified here point that prefix at
a scratch directory holding this build's binary, and differ in nothing else."""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pomopomo_testkit import PROJECT_ROOT, fastcgi_request, pomopomo_bin, pomopomo_env

DEPLOY = PROJECT_ROOT / "deploy" / "systemd"
UNITS = ["pomopomo@.service", "pomopomo.target", "pomopomo-backup.service", "pomopomo-backup.timer"]
ENV_EXAMPLE = DEPLOY / "pomopomo.env.example"


def analyze(*args, cwd) -> subprocess.CompletedProcess:
    tool = shutil.which("systemd-analyze")
    assert tool, "systemd-analyze is missing (package systemd, installed by scripts/deps.sh)"
    return subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def installed(tmp_path) -> Path:
    """The units as an operator installs them, with /opt/pomopomo moved under tmp_path."""
    bin_dir = tmp_path / "opt" / "pomopomo" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "pomopomo").symlink_to(pomopomo_bin())
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        (tmp_path / name).write_text(text.replace("/opt/pomopomo", str(tmp_path / "opt" / "pomopomo")))
    return tmp_path


def test_units_verify_without_a_word(installed):
    out = analyze("verify", "./pomopomo@a.service", "./pomopomo@b.service", "./pomopomo.target",
                  "./pomopomo-backup.service", "./pomopomo-backup.timer", cwd=installed)
    assert out.returncode == 0 and out.stdout == "" and out.stderr == "", f"{out.stdout}\n{out.stderr}"


def test_verify_does_catch_a_broken_unit(installed):
    """The check above means something: a misspelt directive or a missing program is reported."""
    unit = installed / "pomopomo@.service"
    unit.write_text(unit.read_text().replace("NoNewPrivileges=yes", "NoNewPrivilege=yes"))
    out = analyze("verify", "./pomopomo@a.service", cwd=installed)
    assert "NoNewPrivilege" in out.stderr
    (installed / "opt" / "pomopomo" / "bin" / "pomopomo").unlink()
    out = analyze("verify", "./pomopomo@a.service", cwd=installed)
    assert out.returncode != 0 and "is not executable" in out.stderr


@pytest.mark.parametrize("unit", ["pomopomo@a.service", "pomopomo-backup.service"])
def test_hardening_exposure_is_low(installed, unit):
    out = analyze("security", "--offline=yes", "./" + unit, cwd=installed)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", out.stdout)
    assert m, out.stdout[-2000:] + out.stderr
    assert float(m.group(1)) <= 2.0, f"{unit}: exposure {m.group(1)}\n{out.stdout}"


def unit_settings(name: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_responder_unit_says_what_the_issue_asks():
    s = unit_settings("pomopomo@.service")
    assert "LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0" in s["Environment"]
    assert int(s["LimitNOFILE"][0]) >= 20000
    assert s["User"] == ["pomopomo"] and s["User"] != ["root"]
    for key, value in [("ProtectSystem", "strict"), ("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"),
                       ("ProtectHome", "yes"), ("PrivateDevices", "yes")]:
        assert s[key] == [value], key
    writable = " ".join(s["ReadWritePaths"]).split()
    uploads = env_example_values()["POMOPOMO_UPLOADS"]
    assert "/run/pomopomo" in writable and uploads in writable
    assert s["ExecStart"] == ["/opt/pomopomo/bin/pomopomo serve --socket /run/pomopomo/%i.sock"]
    assert s["RuntimeDirectoryPreserve"] == ["yes"], "one instance stopping must not remove the others' sockets"


def test_sysusers_and_tmpfiles_make_the_user_and_the_backup_directory(tmp_path):
    (tmp_path / "etc").mkdir()
    shutil.copy("/etc/group", tmp_path / "etc" / "group")
    for name in ("passwd", "shadow", "gshadow"):
        (tmp_path / "etc" / name).touch()
    subprocess.run(["systemd-sysusers", f"--root={tmp_path}", str(DEPLOY / "pomopomo.sysusers.conf")],
                   check=True, capture_output=True, timeout=30)
    passwd = (tmp_path / "etc" / "passwd").read_text()
    assert re.search(r"^pomopomo:x:\d+:\d+:.*:/var/lib/pomopomo:/usr/sbin/nologin$", passwd, re.M), passwd
    assert re.search(r"^www-data:x:33:.*\bpomopomo\b", (tmp_path / "etc" / "group").read_text(), re.M)
    subprocess.run(["systemd-tmpfiles", f"--root={tmp_path}", "--create", str(DEPLOY / "pomopomo.tmpfiles.conf")],
                   check=True, capture_output=True, timeout=30)
    backups = tmp_path / "var" / "backups" / "pomopomo"
    uid = int(passwd.split("pomopomo:x:")[1].split(":")[0])
    assert backups.is_dir() and backups.stat().st_uid == uid and backups.stat().st_mode & 0o777 == 0o700


def env_example_values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^#?(POMOPOMO_\w+)=(.*)$", line)
        if m:
            values[m.group(1)] = m.group(2)
    return values


def settings_read_by_the_code() -> set[str]:
    names = set()
    for path in (PROJECT_ROOT / "Sources").rglob("*.swift"):
        names |= set(re.findall(r'"(POMOPOMO_[A-Z0-9_]+)"', path.read_text()))
    # Built from the provider's name (OAuthProvider.configured): POMOPOMO_GITHUB_CLIENT_ID, …
    for provider in ("GITHUB", "GOOGLE"):
        names |= {f"POMOPOMO_{provider}_{k}" for k in ("CLIENT_ID", "CLIENT_SECRET", "AUTHORIZE_URL", "TOKEN_URL")}
    return names | {"POMOPOMO_GITHUB_API_URL", "POMOPOMO_GOOGLE_USERINFO_URL"}


def example_settings() -> dict[str, bool]:
    """Each setting in the example, and whether a comment line stands above it (or above the run
    of settings it is part of)."""
    lines = ENV_EXAMPLE.read_text().splitlines()
    setting = re.compile(r"^#?(POMOPOMO_\w+)=")
    out = {}
    for i, line in enumerate(lines):
        m = setting.match(line)
        if m:
            j = i - 1
            while j >= 0 and setting.match(lines[j]):
                j -= 1
            out[m.group(1)] = j >= 0 and lines[j].startswith("# ")
    return out


def readme_table_settings() -> set[str]:
    """Names in the README's configuration table; in a row that starts with
    `POMOPOMO_GITHUB_CLIENT_ID`, `…_CLIENT_SECRET` stands for POMOPOMO_GITHUB_CLIENT_SECRET."""
    names = set()
    for row in (PROJECT_ROOT / "README.md").read_text().splitlines():
        if not row.startswith("| `POMOPOMO_"):
            continue
        cell = row.split("|")[1]
        tokens = re.findall(r"`([^`]+)`", cell)
        prefix = "_".join(tokens[0].split("_")[:2])
        for token in tokens:
            names.add(token if token.startswith("POMOPOMO_") else prefix + token.removeprefix("…"))
    return names


def test_every_setting_is_in_the_example_with_a_comment_and_in_the_readme():
    code = settings_read_by_the_code()
    assert len(code) > 50, code
    documented = example_settings()
    assert sorted(code - set(documented)) == [], "settings the code reads but the example does not list"
    assert sorted(set(documented) - code) == [], "settings the example lists but the code never reads"
    assert [n for n, ok in documented.items() if not ok] == [], "settings without a comment above them"
    assert sorted(code - readme_table_settings()) == [], "settings missing from the README's configuration table"


def test_serve_socket_option_beats_the_environment(stack, tmp_path):
    """Responders sharing one EnvironmentFile: the unit's `serve --socket` decides where each listens."""
    wanted = Path(stack.data_dir) / "run" / "deploy-opt.sock"
    from_env = Path(stack.data_dir) / "run" / "deploy-env.sock"
    env = pomopomo_env(stack)
    env["POMOPOMO_SOCKET"] = str(from_env)
    env["LIBFCGI_OS_CLOSE_POLL_TIMEOUT"] = "0"
    proc = subprocess.Popen([pomopomo_bin(), "serve", "--socket", str(wanted)], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while not wanted.exists():
            assert proc.poll() is None, "serve --socket exited"
            assert time.monotonic() < deadline, "no socket at the --socket path"
            time.sleep(0.1)
        assert fastcgi_request(str(wanted), "GET", "/healthz").status == 200
        assert not from_env.exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    assert not wanted.exists(), "the socket is removed on SIGTERM"
