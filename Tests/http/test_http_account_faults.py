"""Accounts when the parts around them fail (QUALITY.md, faults): Redis gone signs nobody out and
sign-in still works; a mail server that is down delays mail but loses none."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from accounts_kit import CONFIRM, sign_in, sign_up, unique_email, unique_username
from pomopomo_testkit import User


def test_redis_down_signs_nobody_out_and_sign_in_still_works(stack, base_url, account):
    me = account()
    other = account()
    stack.redis_stop()
    try:
        r = me.user.get("/me", allow_redirects=False)
        assert r.status_code == 200 and me.username in r.text
        fresh = User(base_url)
        r = sign_in(fresh, other.email)
        assert r.status_code == 303, r.text[:300]
        assert fresh.get("/me", allow_redirects=False).status_code == 200
    finally:
        stack.redis_start()
        stack.wait_live_subscribed()


def _smtp_pid(data_dir: str) -> int:
    return int(Path(data_dir, "helpers", "smtp.pid").read_text().strip())


def _smtp_start(data_dir: str):
    port = os.environ.get("POMOPOMO_SMTP_PORT", "18025")
    host = os.environ.get("POMOPOMO_SMTP_HOST", "127.0.0.1")
    pidfile = Path(data_dir, "helpers", "smtp.pid")
    log = open(Path(data_dir, "log", "smtp.log"), "ab")
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"{host}:{port}", "-c",
                             "aiosmtpd.handlers.Mailbox", str(Path(data_dir, "mail"))],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    pidfile.write_text(str(proc.pid))
    deadline = time.monotonic() + 10
    import socket
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the SMTP catcher did not come back")


def test_mail_waits_while_the_mail_server_is_down_and_arrives_once_it_is_back(stack, data_dir, new_user, mailbox):
    pid = _smtp_pid(data_dir)
    os.kill(pid, signal.SIGTERM)
    for _ in range(50):
        try:
            os.kill(pid, 0)
            time.sleep(0.1)
        except ProcessLookupError:
            break
    email = unique_email("smtpdown")
    try:
        user = new_user()
        r = sign_up(user, email, unique_username("smtpdown"))
        # The reply does not wait for the mail server, and says the same as always.
        assert r.status_code == 200 and 'id="check-email"' in r.text
        # At least one delivery attempt fails meanwhile and is recorded for a retry.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            failed = stack.psql("select count(*) from outbox where recipient = :'v1' and attempts > 0 and sent_at is null", email)
            if failed.strip().splitlines()[0].strip() == "1":
                break
            time.sleep(0.2)
        else:
            raise AssertionError("no failed delivery attempt was recorded")
        mailbox.none_for(email, wait=0.5)
    finally:
        _smtp_start(data_dir)
    # The retry comes within the back-off (5 s after the first failure) and sends it once.
    mail = mailbox.wait_for(email, CONFIRM, timeout=30)
    assert "/auth/verify?token=" in mail.text
    time.sleep(1)
    assert len(mailbox.to(email)) == 1
