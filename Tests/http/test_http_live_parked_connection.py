"""Long-polls (issue 18): while a poll is parked the responder keeps only its connection (libfcgi's
stream buffers are freed) and writes the answer's FastCGI records itself. What nginx and the browser
get must not change: complete records carrying the request's own id, the same answer through nginx on a
kept-alive HTTP connection, and a poll whose connection went away is dropped without leaking it."""

import http.client
import json
import os
import socket
import struct
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

from pomopomo_testkit import FCGI_END_REQUEST, FCGI_STDOUT, fastcgi_payload, fragment_names


def poll_payload(user, room, since, request_id=1, keep_conn=False):
    return fastcgi_payload("GET", f"/r/{room}/poll?since={since}", request_id=request_id, keep_conn=keep_conn,
                           headers={"Cookie": f"pp_sid={user.sid}", "Accept": "application/json"})


def read_records(sock, until_end=False):
    """The (type, request id, content) records read from `sock` until the responder closes it (or,
    with `until_end`, until END_REQUEST); the bytes must split into whole records."""
    buf = b""
    records = []
    while True:
        chunk = sock.recv(65536)
        if chunk:
            buf += chunk
        while len(buf) >= 8:
            _, kind, rid, length, padding, _ = struct.unpack(">BBHHBB", buf[:8])
            if len(buf) < 8 + length + padding:
                break
            records.append((kind, rid, buf[8:8 + length]))
            buf = buf[8 + length + padding:]
        if not chunk or (until_end and records and records[-1][0] == FCGI_END_REQUEST):
            assert buf == b"", f"{len(buf)} bytes after the last whole record"
            return records


def assert_complete_answer(records, request_id, since, name):
    kinds = [kind for kind, _, _ in records]
    assert kinds[-2:] == [FCGI_STDOUT, FCGI_END_REQUEST], kinds
    assert set(kinds) == {FCGI_STDOUT, FCGI_END_REQUEST}
    assert all(rid == request_id for _, rid, _ in records), "a record carries another request's id"
    assert records[-2][2] == b"", "the output stream is not ended by an empty STDOUT record"
    assert records[-1][2][:5] == b"\0\0\0\0\0", "END_REQUEST: application status 0, request complete"
    stdout = b"".join(content for kind, _, content in records if kind == FCGI_STDOUT)
    head, _, body = stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert "Status: 200 OK" in lines, lines
    length = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("content-length:")]
    assert length == [str(len(body))], f"Content-Length {length} for a body of {len(body)} bytes"
    answer = json.loads(body)
    assert answer["version"] > since and name in fragment_names(answer["fragments"]["participants"])


def parked_then_woken(stack, host, room, new_user, baseline, request_id, joiner, keep_conn=False):
    """Sends one poll straight to the first responder, waits until it is parked, wakes it with
    `joiner` joining the room, and checks the records it gets back."""
    name = stack.responders[0]
    since = host.version(room)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(stack.socket(name))
        s.sendall(poll_payload(host, room, since, request_id=request_id, keep_conn=keep_conn))
        assert stack.wait_parked(baseline, {name: 1}), "the poll was not parked"
        assert new_user().join(room, joiner).status_code == 303
        # Without FCGI_KEEP_CONN the responder closes the connection after END_REQUEST.
        assert_complete_answer(read_records(s, until_end=keep_conn), request_id, since, joiner)


def open_fds(stack, name):
    with open(os.path.join(stack.data_dir, "run", f"{name}.pid")) as f:
        return len(os.listdir(f"/proc/{int(f.read().strip())}/fd"))


def test_a_parked_poll_is_answered_with_whole_records_carrying_its_request_id(stack, host, room, new_user):
    parked_then_woken(stack, host, room, new_user, stack.parked(), 513, "Rita Records")


def test_a_poll_on_a_kept_fastcgi_connection_is_answered_whole_too(stack, host, room, new_user):
    """nginx asks for this on /poll (fastcgi_keep_conn on): the answer ends with END_REQUEST and the
    connection stays open."""
    parked_then_woken(stack, host, room, new_user, stack.parked(), 2, "Kim Kept", keep_conn=True)


def test_a_kept_fastcgi_connection_takes_the_next_requests_after_a_parked_poll(stack, host, room, new_user):
    """After a parked poll's answer nginx may send any request on the kept connection: another poll
    (kept again) and then a page (keep_conn off, as every other route is sent), after which the
    responder closes it."""
    name = stack.responders[0]
    since = host.version(room)
    baseline = stack.parked()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(stack.socket(name))
        s.sendall(poll_payload(host, room, since, request_id=7, keep_conn=True))
        assert stack.wait_parked(baseline, {name: 1}), "the poll was not parked"
        assert new_user().join(room, "Karl Kept").status_code == 303
        assert_complete_answer(read_records(s, until_end=True), 7, since, "Karl Kept")
        # The room moved past `since`, so this poll is answered at once, on the same connection.
        s.sendall(poll_payload(host, room, since, request_id=8, keep_conn=True))
        assert_complete_answer(read_records(s, until_end=True), 8, since, "Karl Kept")
        # And it parks again: the next change wakes it there too.
        now = host.version(room)
        s.sendall(poll_payload(host, room, now, request_id=9, keep_conn=True))
        assert stack.wait_parked(baseline, {name: 1}), "the second poll on the kept connection was not parked"
        assert new_user().join(room, "Kora Kept").status_code == 303
        assert_complete_answer(read_records(s, until_end=True), 9, now, "Kora Kept")
        s.sendall(fastcgi_payload("GET", f"/r/{room}/state.json", request_id=10,
                                  headers={"Cookie": f"pp_sid={host.sid}", "Accept": "application/json"}))
        records = read_records(s)  # to the responder's close: this request did not ask to keep it
        stdout = b"".join(content for kind, _, content in records if kind == FCGI_STDOUT)
        assert records[-1][0] == FCGI_END_REQUEST and stdout.startswith(b"Status: 200"), stdout[:80]
        assert all(rid == 10 for _, rid, _ in records)


def test_a_kept_fastcgi_connection_closed_by_nginx_is_closed_by_the_responder(stack, host, room, new_user):
    """Idle kept connections hold no thread and no buffer, and when nginx drops them (its keepalive
    timeout, a reload) the responder closes its end: nothing leaks."""
    name = stack.responders[0]
    fds_before = open_fds(stack, name)
    since = host.version(room)
    assert since >= 1
    sockets = []
    try:
        for i in range(20):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(stack.socket(name))
            s.sendall(poll_payload(host, room, since - 1, request_id=20 + i, keep_conn=True))
            sockets.append(s)
        for i, s in enumerate(sockets):
            kinds = [kind for kind, _, _ in read_records(s, until_end=True)]
            assert kinds[-1] == FCGI_END_REQUEST, f"poll {i}: {kinds}"
        assert open_fds(stack, name) >= fds_before + 20 - 2, "the answered kept connections were closed"
    finally:
        for s in sockets:
            s.close()
    deadline = time.monotonic() + 5
    while open_fds(stack, name) > fds_before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_fds(stack, name) <= fds_before + 2, f"{open_fds(stack, name)} descriptors open, {fds_before} before"


def test_a_parked_poll_whose_connection_closed_is_dropped_without_leaking_it(stack, host, room, new_user):
    name = stack.responders[0]
    since = host.version(room)
    baseline = stack.parked()
    fds_before = open_fds(stack, name)
    for _ in range(5):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(stack.socket(name))
        s.sendall(poll_payload(host, room, since))
        s.close()
    assert stack.wait_parked(baseline, {name: 5}), "the polls were not parked"
    assert new_user().join(room, "Gone Gary").status_code == 303
    deadline = time.monotonic() + 5
    while stack.parked()[name] > baseline[name] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stack.parked()[name] == baseline[name], "the abandoned polls are still parked"
    # Their descriptors are closed (a little slack: the responder may open a database connection meanwhile).
    deadline = time.monotonic() + 5
    while open_fds(stack, name) > fds_before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_fds(stack, name) <= fds_before + 2, f"{open_fds(stack, name)} descriptors open, {fds_before} before"
    # And the responder still parks and answers polls.
    parked_then_woken(stack, host, room, new_user, baseline, 3, "Next Nell")


def test_a_parked_poll_is_answered_on_a_kept_alive_http_connection_that_then_serves_more(stack, host, room, new_user):
    since = host.version(room)
    url = urlparse(stack.base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"Cookie": f"pp_sid={host.sid}", "Accept": "application/json"}
    baseline = stack.parked()
    try:
        conn.request("GET", f"/r/{room}/poll?since={since}", headers=headers)
        sock = conn.sock
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(conn.getresponse)
            assert stack.wait_parked(baseline, 1), "the poll was not parked"
            assert new_user().join(room, "Alma Alive").status_code == 303
            r = future.result(timeout=10)
            body = r.read()
        assert r.status == 200 and not r.will_close
        assert "Alma Alive" in fragment_names(json.loads(body)["fragments"]["participants"])
        conn.request("GET", f"/r/{room}/state.json", headers=headers)
        again = conn.getresponse()
        assert again.status == 200 and again.read()
        assert conn.sock is sock, "the HTTP connection was not kept alive after the parked poll's answer"
    finally:
        conn.close()
