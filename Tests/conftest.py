"""Fixtures for the HTTP (Tests/http) and browser (Tests/browser) tests.

They run against a live stack: nginx at POMOPOMO_TEST_URL in front of the responders named in
POMOPOMO_TEST_SOCKETS (sockets DATA/run/NAME.sock), with PostgreSQL and Redis under
POMOPOMO_TEST_DATA_DIR. `make test` (scripts/test.sh) sets all three, and for the account tests
POMOPOMO_TEST_MAILDIR (the SMTP catcher's Maildir) and POMOPOMO_TEST_OAUTH_URL (the fake OAuth
provider). To run them by hand against a stack of your own, see scripts/test.sh and export the same.
"""

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accounts_kit import Mailbox, OAuthFake, register  # noqa: E402
from pomopomo_testkit import Stack, User  # noqa: E402
from rooms_kit import new_room  # noqa: E402


def pytest_collection_modifyitems(session, config, items):
    """Tests that kill a responder run last: afterwards nginx avoids that responder for a few
    seconds (fail_timeout), which would skew tests that need polls on every responder."""
    items.sort(key=lambda item: "responder_killer" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def base_url() -> str:
    return os.environ.get("POMOPOMO_TEST_URL", "http://127.0.0.1:18080").rstrip("/")


@pytest.fixture(scope="session")
def data_dir() -> str:
    value = os.environ.get("POMOPOMO_TEST_DATA_DIR")
    if not value or not os.path.isfile(os.path.join(value, "env")):
        pytest.exit("POMOPOMO_TEST_DATA_DIR must name the data dir of a running stack (run `make test`)", returncode=4)
    return value


@pytest.fixture(scope="session")
def stack(base_url, data_dir) -> Stack:
    try:
        requests.get(base_url + "/healthz", timeout=5).raise_for_status()
    except requests.RequestException as e:
        pytest.exit(f"no Pomopomo answering at {base_url} ({e}); run `make test` or set POMOPOMO_TEST_URL", returncode=4)
    names = os.environ.get("POMOPOMO_TEST_SOCKETS", "a b").split()
    return Stack(base_url, data_dir, names)


@pytest.fixture(scope="session")
def env(stack) -> dict:
    """DATA/env: POMOPOMO_DATABASE_URL, POMOPOMO_REDIS, …"""
    return stack.env


@pytest.fixture(autouse=True)
def fresh_throttle(stack):
    """Each test starts with empty sign-in and mail counters (see Stack.clear_throttle)."""
    stack.clear_throttle()


@pytest.fixture
def new_user(stack):
    """Makes a fresh visitor (own cookie jar) on each call."""
    users = []

    def make() -> User:
        user = User(stack.base_url)
        users.append(user)
        return user

    yield make
    for user in users:
        user.http.close()


@pytest.fixture(scope="session")
def mailbox() -> Mailbox:
    """The Maildir the SMTP catcher writes every mail the responders send into."""
    path = os.environ.get("POMOPOMO_TEST_MAILDIR")
    if not path:
        pytest.fail("POMOPOMO_TEST_MAILDIR must name the SMTP catcher's Maildir (run `make test`)")
    return Mailbox(path)


@pytest.fixture(scope="session")
def oauth() -> OAuthFake:
    """The fake GitHub/Google (Tests/fakes/oauth_provider.py), emptied once per session."""
    fake = OAuthFake(os.environ.get("POMOPOMO_TEST_OAUTH_URL", "http://127.0.0.1:18097"))
    try:
        fake.reset()
    except requests.RequestException as e:
        pytest.fail(f"no fake OAuth provider at {fake.url} ({e}); run `make test` or set POMOPOMO_TEST_OAUTH_URL")
    return fake


@pytest.fixture
def account(stack, mailbox):
    """Makes a fresh account (signed up, verified, signed in in its own browser) on each call."""
    made = []

    def make(prefix: str = "user"):
        made.append(register(stack.base_url, mailbox, prefix))
        return made[-1]

    yield make
    for acct in made:
        acct.user.http.close()


@pytest.fixture
def host(new_user) -> User:
    return new_user()


@pytest.fixture
def room(host):
    """A fresh room hosted by `host` (display name "Hana Host"); returns its code (ABC-DEF)."""
    return host.create_room("Hana Host")


@pytest.fixture
def make_room(stack, new_user):
    """make_room(preset=None, theme=None, name="Hana Host", user=None) -> a rooms_kit.Room hosted by a
    fresh visitor (or `user`); the browsers that joined it are closed afterwards."""
    made = []

    def make(preset: str | None = None, theme: str | None = None, name: str = "Hana Host",
             user: User | None = None):
        room = new_room(stack, user or new_user(), name, preset, theme)
        made.append(room)
        return room

    yield make
    for room in made:
        for user in room.users:
            user.http.close()


@pytest.fixture
def redis_outage(stack):
    """A context manager that stops Redis and, whatever happens, starts it again (empty) and
    waits until every responder is subscribed once more."""

    @contextlib.contextmanager
    def outage():
        stack.redis_stop()
        try:
            yield
        finally:
            stack.redis_start()
            stack.wait_live_subscribed()

    return outage


@pytest.fixture
def postgres_outage(stack):
    """A context manager that stops PostgreSQL and, whatever happens, starts it again."""

    @contextlib.contextmanager
    def outage():
        stack.postgres_stop()
        try:
            yield
        finally:
            stack.postgres_start()

    return outage


@pytest.fixture
def redis_hang(stack):
    """A context manager that freezes Redis with SIGSTOP (it accepts connections but never
    answers) and always resumes it."""

    @contextlib.contextmanager
    def hang():
        pid = stack.redis_pid()
        assert pid, "Redis is not running"
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)
            stack.wait_live_subscribed()

    return hang


@pytest.fixture
def responder_killer(stack):
    """kill(name): SIGKILLs a responder; it is always started again at teardown."""
    killed = []

    def kill(name: str):
        pid = stack.responder_pid(name)
        killed.append(name)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        break
            except FileNotFoundError:
                break
            time.sleep(0.02)

    yield kill
    for name in killed:
        stack.responder_start(name)
    if killed:
        stack.wait_live_subscribed()
