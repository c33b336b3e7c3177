"""What the benchmark clients in bench/ share (parked_polls.py, timer_fanout.py, room_storm.py, hash_flood.py,
signin_timing.py). Standard library only; imported as `bench_kit` from the scripts' own folder.

- `Site`: the nginx address of a base URL, and one-shot http.client requests (optionally from a given
  source address).
- `http_get`, `parked_now`: urllib GETs, `/readyz`'s parked_polls.
- Raw HTTP/1.1 on non-blocking sockets for the epoll loops: `poll_request` and `form_post` build the
  exact bytes a browser's long-poll or form POST sends, `send_when_connected` finishes a non-blocking
  connect, `open_sent` opens a connection ahead of the change it will carry, `response_complete` and
  `response_body` read an answer as it arrives, `ticks` keeps an epoll loop going between checks, `close_all`
  ends a round.
- `csrf_of`, `pp_sid_of`: the form token of a page and the session cookie an answer sets.
- `pct`, `tally`, `proc_status`, `threads_of`, `raise_nofile`, `logger`.

The connection objects the parsing works on are the scripts' own (they keep different things per poll);
they need `buf` (bytes read so far), `need` (None until the head is parsed; then the length of the whole
answer, or minus the head's length when the body is chunked) and `status`.
"""

import errno
import http.client
import json
import os
import re
import resource
import select
import socket
import struct
import sys
import time
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PP_SID = re.compile(r"pp_sid=([^;]+)")


def logger(name):
    """A log function printing `name: message` to stderr at once (stdout is the scripts' report)."""

    def log(msg):
        print(f"{name}: {msg}", file=sys.stderr, flush=True)

    return log


class Site:
    """The host and port behind a base URL such as http://127.0.0.1:18180."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.base = base
        self.host, self.port = u.hostname, u.port or 80
        self.host_header = f"{self.host}:{self.port}"

    def request(self, method, path, headers=None, body=None, timeout=30, source=None):
        """One request on a new connection: (status, [(name, value)...], body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            conn.close()


def http_get(url, headers=None, timeout=5):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.headers, resp.read()


def parked_now(base, log):
    """/readyz's parked_polls, or None when the responder did not answer in time (the caller tries again)."""
    try:
        _, _, body = http_get(f"{base}/readyz", timeout=2)
        return json.loads(body).get("parked_polls")
    except Exception as e:  # noqa: BLE001 - a busy responder may time out once
        log(f"/readyz: {e}")
        return None


def csrf_of(page, required=True):
    """The hidden csrf input's value in a page (str or bytes); without one: ValueError, or None if not required."""
    text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    m = CSRF.search(text)
    if m:
        return m.group(1)
    if required:
        raise ValueError("no csrf token on the page")
    return None


def pp_sid_of(headers):
    """The last pp_sid set by an answer's headers ((name, value) pairs), or None."""
    cookie = None
    for name, value in headers:
        m = PP_SID.match(value) if name.lower() == "set-cookie" else None
        if m:
            cookie = m.group(1)
    return cookie


def pct(values, p):
    """The p-th percentile (nearest rank) of values, or None when there are none."""
    if not values:
        return None
    v = sorted(values)
    return v[max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))]


def tally(items):
    """{str(item): how often}, in order of first appearance (printed as a plain dict in the reports)."""
    counts = {}
    for item in items:
        counts[str(item)] = counts.get(str(item), 0) + 1
    return counts


def proc_status(pid):
    """VmRSS in kB and Threads of a process."""
    rss = threads = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads


def cpu_ms(pid):
    """CPU time (user + system) a process has used so far, in milliseconds; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def threads_of(pid):
    """The thread count of a process, or None once it is gone."""
    try:
        return proc_status(pid)[1]
    except OSError:
        return None


def raise_nofile(log):
    """Raises the open-files limit to the hard limit (each poll is a socket); returns (soft, hard) after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError) as e:
        log(f"could not raise RLIMIT_NOFILE to {hard}: {e}")
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def poll_request(code, since, host_header, cookie=None, agent=None):
    """The bytes of `GET /r/CODE/poll?since=V` as live.js sends it (plus the bench's User-Agent, if any)."""
    return (f"GET /r/{code}/poll?since={since} HTTP/1.1\r\nHost: {host_header}\r\nAccept: application/json\r\n"
            + (f"Cookie: pp_sid={cookie}\r\n" if cookie else "")
            + (f"User-Agent: {agent}\r\n" if agent else "") + "\r\n").encode()


def form_post(path, host_header, cookie, fields, origin=None):
    """The bytes of a form POST with a session cookie, closing the connection after the answer."""
    form = urllib.parse.urlencode(fields).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {host_header}\r\n" + (f"Origin: {origin}\r\n" if origin else "")
            + f"Cookie: pp_sid={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n").encode() + form


def send_when_connected(ep, fd, c, ev):
    """For an epoll event on a socket still connecting (registered for EPOLLOUT): sends c.out once it is
    connected and waits for the answer. Returns "sent", None while not connected yet, or the name of the
    connect error (the socket is then unregistered)."""
    if ev & (select.EPOLLERR | select.EPOLLHUP):
        err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        ep.unregister(fd)
        return errno.errorcode.get(err, str(err))
    if not ev & select.EPOLLOUT:
        return None
    c.sock.send(c.out)  # small: fits in the socket buffer
    c.state = "sent"
    ep.modify(fd, select.EPOLLIN | select.EPOLLRDHUP)
    return "sent"


def open_sent(ep, conns, cls, site):
    """A connection opened (blocking) before the change it will carry, so that connecting is not timed;
    registered for reading as conns[fd] = cls(sock, b"") in state "sent"."""
    sock = socket.create_connection((site.host, site.port), timeout=5)
    sock.setblocking(False)
    c = cls(sock, b"")
    c.state = "sent"
    conns[sock.fileno()] = c
    ep.register(sock.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    return c


def response_complete(c):
    """Parses what arrived in c.buf; True once a whole response is in (head + Content-Length or chunked body).
    A status line that is not HTTP counts as a complete answer with status -1."""
    if c.need is None:
        end = c.buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        lines = c.buf[:end].decode("latin-1").split("\r\n")
        try:
            c.status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            c.status = -1
            return True
        length = 0
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if c.status in (204, 304):
            length = 0
        c.need = -(end + 4) if chunked else end + 4 + length
    if c.need < 0:
        return c.buf.endswith(b"0\r\n\r\n")
    return len(c.buf) >= c.need


def response_body(c):
    """The body of a complete response (chunks joined)."""
    if c.need is None:
        return b""
    if c.need >= 0:
        return c.buf[c.buf.find(b"\r\n\r\n") + 4:c.need]
    raw, body = c.buf[-c.need:], b""
    while raw:
        size_line, _, raw = raw.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        body, raw = body + raw[:size], raw[size + 2:]
    return body


def ticks(pump, until, every=0.1):
    """Runs pump(0.05) (one turn of the caller's epoll loop) until the monotonic time `until`, yielding the
    time every `every` seconds, from the first turn on: for checks too slow to make after every turn."""
    last = 0.0
    while time.monotonic() < until:
        pump(0.05)
        now = time.monotonic()
        if now - last >= every:
            last = now
            yield now


def close_all(conns, ep=None):
    """Closes the sockets of connection objects (those not closed yet), and the epoll object."""
    for c in conns:
        try:
            if c.sock is not None:
                c.sock.close()
        except OSError:
            pass
    if ep is not None:
        ep.close()


SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; SCM_TIMESTAMPNS has the same value
CMSG_LEN = socket.CMSG_SPACE(16)


def connecting(site):
    """A non-blocking socket connecting to `site`, with SO_TIMESTAMPNS set so `receive` can say when
    the kernel got each read's bytes; register it for EPOLLOUT and use `send_when_connected`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    try:
        sock.connect((site.host, site.port))
    except BlockingIOError:
        pass
    return sock


def receive(c):
    """One read on c.sock: the bytes (b"" at end of stream or on error), or None when nothing is
    there yet; c.arrived becomes the kernel's receive time (epoch seconds) of what was read."""
    try:
        data, anc, _, _ = c.sock.recvmsg(65536, CMSG_LEN)
    except BlockingIOError:
        return None
    except OSError:
        return b""
    for level, kind, raw in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(raw) >= 16:
            sec, nsec = struct.unpack("qq", raw[:16])
            c.arrived = sec + nsec / 1e9
    return data
