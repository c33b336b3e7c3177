"""Request logs (issue 17, operations): one line per answered request, parked polls included, with its
id, method, route pattern, status and duration, and never the address asked for (its query may carry
a mailed token)."""

import re
import time
from pathlib import Path

from ops_kit import woken_poll
from pomopomo_testkit import room_db_version


def log_line(stack, responder: str, request_id: str, timeout: float = 3) -> str:
    """The responder's `msg=request` line for this request id (what its X-Request-Id said)."""
    path = Path(stack.data_dir, "log", f"{responder}.log")
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in path.read_text(errors="replace").splitlines()
                 if "msg=request" in line and f" id={request_id} " in line + " "]
        if lines:
            assert len(lines) == 1, f"{len(lines)} lines for request {request_id}: {lines}"
            return lines[0]
        assert time.monotonic() < deadline, f"no log line for request {request_id} in {path}"
        time.sleep(0.05)


def fields(line: str) -> dict:
    return dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', line))


def test_each_request_is_one_line_with_its_route_and_never_its_address(stack):
    token = "Zq9" + "x" * 40
    r = stack.fcgi("a", "GET", f"/auth/magic?token={token}")
    line = log_line(stack, "a", r.headers["x-request-id"])
    f = fields(line)
    assert f["level"] == "info" and f["method"] == "GET" and f["route"] == "/auth/magic"
    assert f["status"] == str(r.status) and re.fullmatch(r"\d+", f["us"])
    assert token not in line and "uri" not in f

    r = stack.fcgi("a", "GET", f"/no/such/{token}?password=hunter2")
    line = log_line(stack, "a", r.headers["x-request-id"])
    assert fields(line)["route"] == "unmatched" and fields(line)["status"] == "404"
    assert token not in line and "hunter2" not in line


def test_a_parked_poll_is_logged_when_it_is_answered(stack, new_user):
    """Woken polls share one rendered answer (its X-Request-Id says "live"); the log line keeps the
    poll's own id."""
    host = new_user()
    code = host.create_room("Logged poll")
    since = room_db_version(stack, code)
    path = Path(stack.data_dir, "log", "b.log")
    start = len(path.read_text(errors="replace").splitlines())
    assert woken_poll(stack, "b", code, since, host.sid).status == 200

    def woken_lines():
        new = [fields(line) for line in path.read_text(errors="replace").splitlines()[start:] if "msg=request" in line]
        return new, [f for f in new if f["route"] == "/r/:code/poll" and f["status"] == "200" and int(f["us"]) >= 400_000]

    # Ordinary lines reach the file through a buffer written every 50 ms.
    deadline = time.monotonic() + 3
    new, polls = woken_lines()
    while not polls and time.monotonic() < deadline:
        time.sleep(0.05)
        new, polls = woken_lines()
    assert len(polls) == 1, new
    assert re.fullmatch(r"[\w-]+-[0-9a-z]+", polls[0]["id"]) and code not in str(polls[0])
