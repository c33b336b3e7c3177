"""The test doubles themselves, without Pomopomo: the fake OAuth provider enforces what a real one
would (a lax fake would let client bugs through), and accounts_kit reads mail the way a person does.

    /usr/bin/python3 -m pytest -q Tests/fakes
"""

import base64
import hashlib
import secrets
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from accounts_kit import Mail, Mailbox, OAuthFake  # noqa: E402

FAKE = Path(__file__).resolve().parent / "oauth_provider.py"
CALLBACK = "http://127.0.0.1:18080/auth/github/callback"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(cmd: list[str], port: int):
    """Starts a server process and waits until it accepts connections."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, f"{cmd} did not start"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def fake():
    port = free_port()
    proc = serve([sys.executable, str(FAKE), f"127.0.0.1:{port}"], port)
    yield OAuthFake(f"http://127.0.0.1:{port}")
    proc.terminate()
    proc.wait(5)


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    port, maildir = free_port(), tmp_path_factory.mktemp("mail") / "mail"
    proc = serve(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
                  "aiosmtpd.handlers.Mailbox", str(maildir)], port)
    yield port, Mailbox(str(maildir))
    proc.terminate()
    proc.wait(10)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(provider="github", **changes) -> dict:
    verifier, challenge = pkce()
    params = {"response_type": "code", "client_id": {"github": "gh-client", "google": "google-client"}[provider],
              "redirect_uri": CALLBACK.replace("github", provider), "scope": "read:user user:email",
              "state": secrets.token_urlsafe(16), "code_challenge": challenge, "code_challenge_method": "S256"}
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None} | {"_verifier": verifier}


AUTHORIZE = {"github": "/github/login/oauth/authorize", "google": "/google/o/oauth2/v2/auth"}
TOKEN = {"github": "/github/login/oauth/access_token", "google": "/google/token"}
SECRET = {"github": "gh-secret", "google": "google-secret"}


class FakeStart:
    """Stands in for Pomopomo's 303 to the provider, so OAuthFake.consent can drive the form."""

    def __init__(self, url):
        self.status_code, self.headers, self.text = 303, {"Location": url}, ""


def get_code(fake, provider="github", **typed):
    params = authorize_params(provider)
    verifier = params.pop("_verifier")
    callback = fake.consent(FakeStart(fake.url + AUTHORIZE[provider] + "?" + urlencode(params)), **typed)
    q = parse_qs(urlsplit(callback).query)
    assert q["state"] == [params["state"]]
    return q["code"][0], verifier, params


def exchange(fake, provider, code, verifier, **changes):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK.replace("github", provider),
            "client_id": {"github": "gh-client", "google": "google-client"}[provider],
            "client_secret": SECRET[provider], "code_verifier": verifier} | changes
    form = {k: v for k, v in form.items() if v is not None}  # None: leave the field out
    return requests.post(fake.url + TOKEN[provider], data=form, headers={"Accept": "application/json"}, timeout=5)


def test_github_flow_with_pkce_gives_the_preset_identity(fake):
    fake.reset()
    who = fake.preset("github", "mona", "mona@example.test", name="Mona <Lisa>")
    code, verifier, _ = get_code(fake)
    r = exchange(fake, "github", code, verifier)
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    auth = {"Authorization": f"Bearer {token}", "User-Agent": "t"}
    user = requests.get(fake.url + "/github/api/user", headers=auth, timeout=5).json()
    assert user == {"id": int(who["subject"]), "login": "mona", "name": "Mona <Lisa>", "email": None}
    emails = requests.get(fake.url + "/github/api/user/emails", headers=auth, timeout=5).json()
    assert emails[0]["email"] == "mona@example.test" and emails[0]["verified"] is True
    log = fake.requests()
    assert [e["kind"] for e in log] == ["token", "api", "api"]
    assert log[0]["form"]["code_verifier"] == verifier and log[0]["form"]["client_secret"] == "gh-secret"


def test_google_flow_and_an_unticked_verified_box(fake):
    fake.preset("google", "g", "gina@example.test", subject="g-123", name="Gina")
    code, verifier, _ = get_code(fake, "google", verified=None)
    token = exchange(fake, "google", code, verifier).json()["access_token"]
    info = requests.get(fake.url + "/google/v1/userinfo", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert info.json() == {"sub": "g-123", "name": "Gina", "email": "gina@example.test", "email_verified": False}
    # a Google token is no GitHub token
    other = requests.get(fake.url + "/github/api/user", headers={"Authorization": f"Bearer {token}",
                                                                   "User-Agent": "t"}, timeout=5)
    assert other.status_code == 401


@pytest.mark.parametrize("change", [
    {"code_verifier": "x" * 43}, {"code_verifier": None}, {"client_secret": "nope"}, {"client_id": "google-client"},
    {"redirect_uri": "http://127.0.0.1:18080/auth/github/callback?x=1"}, {"grant_type": "password"},
])
def test_token_endpoint_refuses_a_wrong_grant(fake, change):
    code, verifier, _ = get_code(fake)
    r = exchange(fake, "github", code, verifier, **change)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text


def test_codes_are_single_use(fake):
    code, verifier, _ = get_code(fake)
    assert exchange(fake, "github", code, verifier).status_code == 200
    assert exchange(fake, "github", code, verifier).status_code == 400


def test_deny_redirects_with_access_denied(fake):
    params = authorize_params()
    params.pop("_verifier")
    callback = fake.consent(FakeStart(fake.url + AUTHORIZE["github"] + "?" + urlencode(params)), decision="deny")
    assert parse_qs(urlsplit(callback).query) == {"error": ["access_denied"], "state": [params["state"]]}


@pytest.mark.parametrize("change", [
    {"client_id": "other"}, {"redirect_uri": None}, {"redirect_uri": "http://evil.test/steal"},
    {"response_type": "token"}, {"code_challenge_method": "plain"}, {"code_challenge": None}, {"state": None},
])
def test_authorize_page_refuses_bad_parameters(fake, change):
    params = authorize_params(**change)
    params.pop("_verifier")
    r = requests.get(fake.url + AUTHORIZE["github"] + "?" + urlencode(params), timeout=5)
    assert r.status_code == 400 and 'id="error"' in r.text


def test_authorize_page_escapes_what_it_shows(fake):
    fake.preset("github", "x", "a@example.test", name='"><script>alert(1)</script>')
    params = authorize_params()
    params.pop("_verifier")
    r = requests.get(fake.url + AUTHORIZE["github"] + "?" + urlencode(params | {"scope": "<b>"}), timeout=5)
    assert "<script>" not in r.text and "<b>" not in r.text and "&lt;script&gt;" in r.text


def test_api_needs_a_bearer_token_and_github_a_user_agent(fake):
    assert requests.get(fake.url + "/github/api/user", timeout=5).status_code == 401
    assert requests.get(fake.url + "/google/v1/userinfo", headers={"Authorization": "Bearer nope"},
                        timeout=5).status_code == 401
    code, verifier, _ = get_code(fake)
    token = exchange(fake, "github", code, verifier).json()["access_token"]
    r = requests.get(fake.url + "/github/api/user", headers={"Authorization": f"Bearer {token}", "User-Agent": ""},
                     timeout=5)
    assert r.status_code == 403


def test_mailbox_reads_what_smtp_delivered(smtp):
    port, box = smtp
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "pomopomo@localhost", "Ana <Ana@Example.test>", "Confirm your Pomopomo account"
    msg.set_content("Bonjour Ana, é!\nConfirm: http://127.0.0.1:18080/auth/verify?token=a_B-c.\n"
                    "Or ignore (http://127.0.0.1:18080/login).\n", charset="utf-8", cte="quoted-printable")
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.send_message(msg, to_addrs=["ana@example.test", "bcc@example.test"])
    mail = box.wait_for("ana@example.test", "Confirm", timeout=5)
    assert "é" in mail.text
    assert mail.links == ["http://127.0.0.1:18080/auth/verify?token=a_B-c", "http://127.0.0.1:18080/login"]
    assert mail.link("/auth/verify") == "/auth/verify?token=a_B-c"
    assert box.to("bcc@example.test") == [mail]
    with pytest.raises(AssertionError, match="/auth/reset"):
        mail.link("/auth/reset")
    with pytest.raises(AssertionError, match="Confirm your Pomopomo account"):
        box.wait_for("ana@example.test", "Confirm", timeout=0.3, count=2)
    box.none_for("nobody@example.test", wait=0.3)
    with pytest.raises(AssertionError):
        box.none_for("ana@example.test", wait=0.3)


def test_mail_parses_multipart_and_base64():
    msg = EmailMessage()
    msg["To"], msg["Subject"] = "b@example.test", "Reset your Pomopomo password"
    msg.set_content("Reset: https://pomopomo.test/auth/reset?token=T1&x=2", cte="base64")
    msg.add_alternative("<a href='https://pomopomo.test/nope'>html</a>", subtype="html")
    mail = Mail.parse(msg.as_bytes())
    assert mail.to == ["b@example.test"] and mail.link("/auth/reset") == "/auth/reset?token=T1&x=2"
