"""Helpers shared by the HTTP and browser tests (Tests/http, Tests/browser).

- parse_html / Element: a tiny DOM over html.parser (Debian's python has no bs4), enough to find
  elements by id, tag and class and to read attribute values the way a browser would.
- User: one visitor with its own cookie jar, talking to nginx with requests.
- fastcgi_request: one request straight to a responder's unix socket, so a test can choose which
  responder answers (nginx round-robins and cannot be steered).
- Stack: the running services (data dir, psql, responders, Redis) as make test / scripts/ set them up.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import socket
import struct
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CANONICAL_ROOM_PATH = re.compile(r"^/r/([2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3})$")
REQUEST_TIMEOUT = 10  # seconds for ordinary requests; a hung responder fails the test, not the suite


# ----------------------------------------------------------------------------------------- HTML

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                 "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parent: Element | None = None
    children: list = field(default_factory=list)  # Element or str

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        out = []
        for child in self.children:
            out.append(child if isinstance(child, str) else child.text())
        return "".join(out)

    def clean_text(self) -> str:
        return " ".join(self.text().split())

    def iter(self) -> Iterable[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Element]:
        found = []
        for el in self.iter():
            if tag and el.tag != tag:
                continue
            if cls and cls not in el.classes:
                continue
            if any(el.attrs.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(el)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Element | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def by_id(self, element_id: str) -> Element | None:
        for el in self.iter():
            if el.attrs.get("id") == element_id:
                return el
        return None


class _TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.current)
        self.current.children.append(el)
        if tag not in VOID_ELEMENTS:
            self.current = el

    def handle_startendtag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.current)
        self.current.children.append(el)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def participant_names(doc: Element) -> list[str]:
    """The names in ul#participants, as a reader sees them."""
    ul = doc.by_id("participants") if doc.tag == "#document" else doc
    assert ul is not None, "the page has no ul#participants"
    return [li.find("span", cls="name").text() for li in ul.find_all("li", cls="participant")]


def fragment_names(fragment_html: str) -> list[str]:
    doc = parse_html(fragment_html)
    return [li.find("span", cls="name").text() for li in doc.find_all("li", cls="participant")]


# ----------------------------------------------------------------------------------------- users

class User:
    """One visitor: a requests.Session (its own pp_sid cookie) pointed at nginx."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "pomopomo-http-tests"

    def url(self, path: str) -> str:
        return self.base_url + path

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", REQUEST_TIMEOUT)
        return self.http.get(self.url(path), **kw)

    def request(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", REQUEST_TIMEOUT)
        return self.http.request(method, self.url(path), **kw)

    def page(self, path: str, expect: int = 200) -> Element:
        r = self.get(path)
        assert r.status_code == expect, f"GET {path}: {r.status_code}\n{r.text[:500]}"
        return parse_html(r.text)

    @property
    def sid(self) -> str | None:
        return self.http.cookies.get("pp_sid")

    def csrf(self, path: str = "/") -> str:
        """Opens a page (which sets the session cookie when new) and reads its form's csrf token."""
        doc = self.page(path)
        field_ = doc.find("input", name="csrf")
        assert field_ is not None and field_.get("value"), f"no csrf field on {path}"
        return field_.get("value")

    def post_form(self, path: str, fields, headers: dict | None = None) -> requests.Response:
        """POSTs urlencoded fields (a list of pairs, a dict, or an already encoded str/bytes body)."""
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        hdrs.update(headers or {})
        return self.request("POST", path, data=fields, headers=hdrs)

    def create_room(self, name: str = "Host") -> str:
        token = self.csrf("/")
        r = self.post_form("/rooms", [("csrf", token), ("display_name", name)])
        assert r.status_code == 303, f"creating a room answered {r.status_code}\n{r.text[:500]}"
        m = CANONICAL_ROOM_PATH.match(r.headers["Location"])
        assert m, f"unexpected Location after create: {r.headers['Location']!r}"
        return m.group(1)

    def join(self, code: str, name: str) -> requests.Response:
        token = self.csrf(f"/r/{code}")
        return self.post_form(f"/r/{code}/join", [("csrf", token), ("display_name", name)])

    def state(self, code: str) -> dict:
        r = self.get(f"/r/{code}/state.json")
        assert r.status_code == 200, f"state.json: {r.status_code} {r.text[:300]}"
        return r.json()

    def version(self, code: str) -> int:
        return self.state(code)["version"]

    def poll(self, code: str, since, timeout: float = 6) -> requests.Response:
        return self.get(f"/r/{code}/poll", params={"since": since}, timeout=timeout,
                        headers={"Accept": "application/json"})


# ----------------------------------------------------------------------------------------- raw HTTP

def raw_http(base_url: str, method: str, target: str, headers: dict | None = None, body: bytes = b"",
             timeout: float = REQUEST_TIMEOUT):
    """Sends exactly this request line (no re-quoting of the target). Returns (status, headers, body)."""
    import http.client

    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body or method in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


# ----------------------------------------------------------------------------------------- FastCGI

FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR = 1, 3, 4, 5, 6, 7


def _fcgi_record(kind: int, content: bytes, request_id: int = 1) -> bytes:
    padding = (-len(content)) % 8
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), padding, 0) + content + b"\0" * padding


def _fcgi_length(n: int) -> bytes:
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def _fcgi_params(params: dict) -> bytes:
    out = b""
    for k, v in params.items():
        kb, vb = k.encode(), v.encode()
        out += _fcgi_length(len(kb)) + _fcgi_length(len(vb)) + kb + vb
    return out


@dataclass
class FCGIResponse:
    status: int
    headers: dict  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fastcgi_payload(method: str, uri: str, headers: dict | None = None, body: bytes = b"", remote_addr: str = "127.0.0.1",
                    request_id: int = 1, keep_conn: bool = False) -> bytes:
    """The records of one request with the parameters nginx's fastcgi_params would send for a client
    at `remote_addr` (tests of per-address limits use addresses of their own)."""
    path, _, query = uri.partition("?")
    params = {
        "QUERY_STRING": query, "REQUEST_METHOD": method, "CONTENT_TYPE": "", "CONTENT_LENGTH": str(len(body)),
        "SCRIPT_NAME": path, "REQUEST_URI": uri, "DOCUMENT_URI": path, "DOCUMENT_ROOT": str(PROJECT_ROOT / "Public"),
        "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_SCHEME": "http", "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_SOFTWARE": "nginx", "REMOTE_ADDR": remote_addr, "REMOTE_PORT": "40000",
        "SERVER_ADDR": "127.0.0.1", "SERVER_PORT": "80", "SERVER_NAME": "_",
    }
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            params["CONTENT_TYPE"] = value
        else:
            params["HTTP_" + name.upper().replace("-", "_")] = value
    params.setdefault("HTTP_HOST", "127.0.0.1")
    # role RESPONDER; FCGI_KEEP_CONN (1) asks the responder to keep the connection for another request
    payload = _fcgi_record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", 1, 1 if keep_conn else 0), request_id)
    payload += _fcgi_record(FCGI_PARAMS, _fcgi_params(params), request_id) + _fcgi_record(FCGI_PARAMS, b"", request_id)
    for i in range(0, len(body), 32768):
        payload += _fcgi_record(FCGI_STDIN, body[i:i + 32768], request_id)
    return payload + _fcgi_record(FCGI_STDIN, b"", request_id)


def fastcgi_request(socket_path: str, method: str, uri: str, headers: dict | None = None, body: bytes = b"",
                    timeout: float = REQUEST_TIMEOUT, remote_addr: str = "127.0.0.1") -> FCGIResponse:
    """One request straight to a responder (see `fastcgi_payload`)."""
    payload = fastcgi_payload(method, uri, headers, body, remote_addr)

    stdout = b""
    # A path is a unix socket; "host:port" a responder listening on TCP (the cluster's drills).
    tcp = "/" not in socket_path and ":" in socket_path
    with socket.socket(socket.AF_INET if tcp else socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        if tcp:
            host, _, port = socket_path.rpartition(":")
            s.connect((host, int(port)))
        else:
            s.connect(socket_path)
        s.sendall(payload)
        buf = b""
        ended = False
        while not ended:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 8:
                _, kind, _, length, padding, _ = struct.unpack(">BBHHBB", buf[:8])
                if len(buf) < 8 + length + padding:
                    break
                content = buf[8:8 + length]
                buf = buf[8 + length + padding:]
                if kind == FCGI_STDOUT:
                    stdout += content
                elif kind == FCGI_END_REQUEST:
                    ended = True
                    break
    if not ended:
        raise ConnectionError(f"the responder at {socket_path} closed the connection without answering")
    head, _, body_out = stdout.partition(b"\r\n\r\n")
    hdrs = {}
    status = 200
    for line in head.decode("latin-1").split("\r\n"):
        if ":" not in line:
            continue
        k, v = line.split(":", 1)
        if k.lower() == "status":
            status = int(v.strip().split()[0])
        else:
            hdrs[k.strip().lower()] = v.strip()
    return FCGIResponse(status, hdrs, body_out)


# ----------------------------------------------------------------------------------------- the stack

class Stack:
    """The services make test started: nginx at base_url, responders and Redis under data_dir."""

    def __init__(self, base_url: str, data_dir: str, responders: list[str]):
        self.base_url = base_url.rstrip("/")
        self.data_dir = data_dir
        self.responders = responders
        self.env = read_env_file(os.path.join(data_dir, "env"))

    # --- database
    def psql(self, sql: str, *args: str) -> str:
        """Runs one statement; args are bound as :'v1', :'v2'… psql variables (quoted by psql)."""
        cmd = ["psql", self.env["POMOPOMO_DATABASE_URL"], "-X", "-At", "-v", "ON_ERROR_STOP=1"]
        for i, a in enumerate(args, 1):
            cmd += ["-v", f"v{i}={a}"]
        out = subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=20)
        assert out.returncode == 0, f"psql failed: {out.stderr}"
        return out.stdout.strip()

    def rooms_count(self) -> int:
        return int(self.psql("select count(*) from rooms"))

    def participants_count(self) -> int:
        return int(self.psql("select count(*) from participants"))

    def room_exists(self, code: str) -> bool:
        return self.psql("select count(*) from rooms where code = :'v1'", code.replace("-", "")) == "1"

    # --- responders
    def socket(self, name: str) -> str:
        return os.path.join(self.data_dir, "run", f"{name}.sock")

    def fcgi(self, name: str, method: str, uri: str, **kw) -> FCGIResponse:
        return fastcgi_request(self.socket(name), method, uri, **kw)

    def readyz(self, name: str) -> dict:
        return self.fcgi(name, "GET", "/readyz", timeout=5).json()

    def readyz_status(self, name: str) -> int:
        return self.fcgi(name, "GET", "/readyz", timeout=5).status

    def parked(self) -> dict:
        return {name: self.readyz(name)["parked_polls"] for name in self.responders}

    def wait_parked(self, baseline: dict, at_least: dict | int, timeout: float = 3) -> bool:
        """Waits until each responder holds `at_least` more parked polls than in `baseline`
        (an int means that many in total). True when reached."""
        deadline = time.monotonic() + timeout
        base = dict(baseline)
        while True:
            now = self.parked()
            # Polls left parked by earlier tests may time out meanwhile; ours only arrive.
            base = {n: min(base.get(n, 0), now[n]) for n in now}
            if isinstance(at_least, int):
                ok = sum(now.values()) - sum(base.values()) >= at_least
            else:
                ok = all(now[n] - base.get(n, 0) >= k for n, k in at_least.items())
            if ok:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def run_script(self, *args: str, timeout: float = 60):
        out = subprocess.run(["bash", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)
        assert out.returncode == 0, f"{' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"

    def responder_pid(self, name: str) -> int:
        return int(Path(self.data_dir, "run", f"{name}.pid").read_text().strip())

    def responder_start(self, name: str, env: dict | None = None):
        """Starts responder `name` (extra environment in `env`, e.g. a short poll hold)."""
        if env:
            saved = {k: os.environ.get(k) for k in env}
            os.environ.update(env)
        try:
            self.run_script("scripts/responder.sh", "start", self.data_dir, name)
        finally:
            if env:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
        self.wait_responder_ready(name)

    def responder_stop(self, name: str):
        self.run_script("scripts/responder.sh", "stop", self.data_dir, name)

    def wait_responder_ready(self, name: str, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.fcgi(name, "GET", "/healthz", timeout=2).status == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"responder {name} does not answer after {timeout}s"
            time.sleep(0.1)

    # --- Redis
    def redis_pid(self) -> int | None:
        try:
            return int(Path(self.data_dir, "run", "redis.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def redis_stop(self):
        self.run_script("scripts/services.sh", "redis-stop", self.data_dir)

    def redis_start(self):
        self.run_script("scripts/services.sh", "redis-start", self.data_dir)

    def redis_args(self) -> list[str]:
        """redis-cli's arguments for the stack's Redis: its unix socket, or on the cluster
        (scripts/cluster.sh) the primary its Sentinel names now."""
        if "POMOPOMO_REDIS" in self.env:
            return ["-s", self.env["POMOPOMO_REDIS"].removeprefix("unix:")]
        host, _, port = self.env["POMOPOMO_REDIS_SENTINELS"].split(",")[0].rpartition(":")
        out = subprocess.run(["redis-cli", "-h", host, "-p", port, "--raw", "SENTINEL", "get-master-addr-by-name",
                              self.env["POMOPOMO_REDIS_MASTER"]], capture_output=True, text=True, timeout=10)
        primary = out.stdout.split()
        return ["-h", primary[0], "-p", primary[1]] if len(primary) == 2 else ["-h", host, "-p", "1"]

    def clear_throttle(self):
        """Empties the sign-in and mail counters (Redis keys throttle:*). Every test comes from
        127.0.0.1, so without this one test's attempts would count against the next; a test about
        throttling counts from zero. Quietly does nothing while Redis is down."""
        subprocess.run(["redis-cli", *self.redis_args(), "EVAL",
                        "for _, k in ipairs(redis.call('KEYS', 'throttle:*')) do redis.call('DEL', k) end return 1", "0"],
                       capture_output=True, timeout=10)

    def announce(self, code: str):
        """What every writer outside the responders must do after changing a room: bump its
        version and publish the wake-up, so caches and parked polls learn of it."""
        row = self.psql("update rooms set version = version + 1 where code = :'v1' returning id || ' ' || version",
                        code.replace("-", "")).splitlines()[0]  # psql adds the "UPDATE 1" tag
        out = subprocess.run(["redis-cli", *self.redis_args(), "PUBLISH", "pomopomo:wake", "room:" + row],
                             capture_output=True, text=True, timeout=10)
        assert out.returncode == 0, out.stderr

    def postgres_stop(self):
        self.run_script("scripts/services.sh", "pg-stop", self.data_dir)

    def postgres_start(self):
        self.run_script("scripts/services.sh", "pg-start", self.data_dir)

    def wait_live_subscribed(self, timeout: float = 10):
        """Waits until every responder is subscribed to Redis again (wake-ups are live)."""
        deadline = time.monotonic() + timeout
        while True:
            states = {}
            for name in self.responders:
                try:
                    states[name] = self.readyz(name).get("live_subscribed")
                except OSError as e:
                    states[name] = repr(e)
            if all(v is True for v in states.values()):
                return
            assert time.monotonic() < deadline, f"responders not subscribed to Redis after {timeout}s: {states}"
            time.sleep(0.1)


def read_env_file(path: str) -> dict:
    """DATA/env as written by scripts/services.sh: `export NAME='value'` lines."""
    env = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^export (\w+)='(.*)'$", line.strip())
            if m:
                env[m.group(1)] = m.group(2)
    return env


# ----------------------------------------------------------------------------------------- rooms (issue 3)
# Helpers for the room tests (Tests/http/test_http_room_*.py): the room's id, Redis keys, and the `pomopomo` command
# line (clean-rooms) run with the same environment as the stack's responders.

def pomopomo_bin() -> str:
    """The binary the responders run: $POMOPOMO_BIN, else .build/debug/pomopomo (as scripts/responder.sh)."""
    return os.environ.get("POMOPOMO_BIN") or str(PROJECT_ROOT / ".build" / "debug" / "pomopomo")


def pomopomo_env(stack: Stack) -> dict:
    env = dict(os.environ)
    env.update(stack.env)
    env.setdefault("POMOPOMO_TEMPLATES", str(PROJECT_ROOT / "Templates"))
    env.setdefault("POMOPOMO_PUBLIC", str(PROJECT_ROOT / "Public"))
    return env


def pomopomo_run(stack: Stack, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs `pomopomo ARGS…` to completion (e.g. clean-rooms); asserts it exited 0."""
    out = subprocess.run([pomopomo_bin(), *args], cwd=PROJECT_ROOT, env=pomopomo_env(stack),
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"pomopomo {' '.join(args)} exited {out.returncode}:\n{out.stdout}\n{out.stderr}"
    return out


def pomopomo_start(stack: Stack, *args: str) -> subprocess.Popen:
    """Starts `pomopomo ARGS…` without waiting (two clean-rooms at once)."""
    return subprocess.Popen([pomopomo_bin(), *args], cwd=PROJECT_ROOT, env=pomopomo_env(stack),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def summary_line(output: str) -> dict:
    """The last `key=value key=value…` line of a command's output, as {key: int or str}."""
    for line in reversed(output.strip().splitlines()):
        pairs = re.findall(r"(\w+)=(\S+)", line)
        if pairs and "rooms" in dict(pairs):
            return {k: int(v) if re.fullmatch(r"-?\d+", v) else v for k, v in pairs}
    raise AssertionError(f"no key=value summary line with rooms= in the output:\n{output}")


def room_id(stack: Stack, code: str) -> str:
    """The uuid of the room with this code (ABC-DEF or ABCDEF)."""
    value = stack.psql("select id from rooms where code = :'v1'", code.replace("-", ""))
    assert value, f"no room {code} in the database"
    return value


def room_db_version(stack: Stack, code: str) -> int:
    value = stack.psql("select version from rooms where code = :'v1'", code.replace("-", ""))
    assert value, f"no room {code} in the database"
    return int(value)


def redis_cli(stack: Stack, *args: str) -> str:
    """One Redis command on the stack's Redis; returns its raw output."""
    out = subprocess.run(["redis-cli", *stack.redis_args(), "--raw", *args], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def publish_wake(stack: Stack, room_uuid: str, version: int):
    """The writer rule for tools: after committing a change and its version bump, announce it."""
    redis_cli(stack, "PUBLISH", "pomopomo:wake", f"room:{room_uuid} {version}")


def stable(state: dict) -> dict:
    """state.json without what moves by itself (clocks, the remaining time while running, presence
    and the online count).
    A running timer's ends_at_ms is compared apart: each responder ages its cached time-to-end
    locally, so two reads may differ by a few milliseconds."""
    s = json.loads(json.dumps(state))
    s.pop("server_now_ms", None)
    timer = s.get("timer") or {}
    timer.pop("server_now_ms", None)
    if timer.get("status") == "running":
        timer.pop("remaining_ms", None)
        timer.pop("ends_at_ms", None)
    for p in s.get("participants", []):
        p.pop("online", None)
    s.pop("online_count", None)
    # The soundtrack's clock, and its position while it plays (computed at each read, like the timer's).
    now = (s.get("soundtrack") or {}).get("now") or {}
    now.pop("server_now_ms", None)
    if now.get("playing"):
        now.pop("position_ms", None)
    return s
