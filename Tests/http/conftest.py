"""Fixtures for the bad-input tables of Tests/http.

- Rooms (test_http_room_bad_input_*.py): a fresh Scene, a shared calm one, and nginx passing
  requests on before each test (those files ask for it with pytestmark).
- Accounts (test_http_account_bad_input_*.py): `me` and `other`, signed-in accounts shared by the
  tests whose requests must all be refused."""

import time

import pytest
import requests

from account_forms_kit import Shared
from pomopomo_testkit import User
from room_forms_kit import Scene


@pytest.fixture
def responders_in_rotation(stack):
    """Starts each test with nginx passing requests on: a test that made nginx take the responders
    out of rotation (see test_a_field_over_64_kib_or_thousands_of_fields_are_refused) fails itself,
    not every test that runs in the next 10 seconds."""
    # Each nginx worker keeps its own count of failures: ask on several connections.
    deadline = time.monotonic() + 15
    while not all(requests.get(stack.base_url + "/healthz", timeout=5).status_code == 200 for _ in range(12)):
        assert time.monotonic() < deadline, "nginx has had no live responder for 15 s"
        time.sleep(0.5)
    yield


@pytest.fixture
def scene(stack, new_user) -> Scene:
    """A fresh scene, for tests whose request is meant to change it."""
    return Scene(stack, new_user)


_CALM = {}


@pytest.fixture
def calm(stack) -> Scene:
    """A scene shared by tests whose requests must all be refused: each compares what is stored
    before and after itself, and the scene is rebuilt when anything did change (a version moved)."""
    s = _CALM.get("scene")
    if s is None:
        s = _CALM["scene"] = Scene(stack, lambda: User(stack.base_url))
    # Everyone looks at the room first: people coming back from "away" (other tests ran for a
    # minute meanwhile) move the room's version, which is not what this test is about.
    s.stored()
    versions = s.versions()
    yield s
    if s.versions() != versions:
        _CALM.pop("scene", None)


SHARED = Shared()


@pytest.fixture
def me(stack, mailbox):
    """A signed-in account whose refused requests must leave it as it is."""
    return SHARED.get(stack, mailbox, "me")


@pytest.fixture
def other(stack, mailbox):
    """Another account: its username is taken."""
    return SHARED.get(stack, mailbox, "other")
