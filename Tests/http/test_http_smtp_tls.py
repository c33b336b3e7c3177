"""Mail to a real SMTP server that demands STARTTLS and a login, as most providers do: checked with
`pomopomo send-test-mail` against aiosmtpd on loopback with a throwaway certificate authority."""

import socket
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from pomopomo_testkit import pomopomo_bin, pomopomo_env

USER, PASSWORD = "pomo-mailer", "s3cret mail password"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict:
    """A CA and a server certificate for 127.0.0.1 signed by it."""
    d = tmp_path_factory.mktemp("tls")

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Pomopomo test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    return {"ca": str(d / "ca.pem"), "cert": str(d / "server.pem"), "key": str(d / "server.key")}


class Received:
    """Collects what the server got, and how."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"to": envelope.rcpt_tos, "data": envelope.content.decode("utf-8", "replace"),
                              "tls": session.ssl is not None,
                              "login": session.auth_data if session.authenticated else None})
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, auth_data=USER if ok else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def tls_server(certificates):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    handler = Received()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_required=True, auth_require_tls=True)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def plain_server():
    handler = Received()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def send_test_mail(stack, port: int, **overrides) -> subprocess.CompletedProcess:
    env = pomopomo_env(stack)
    env.update({"POMOPOMO_SMTP_HOST": "127.0.0.1", "POMOPOMO_SMTP_PORT": str(port), "POMOPOMO_SMTP_STARTTLS": "required",
                "POMOPOMO_SMTP_USER": USER, "POMOPOMO_SMTP_PASSWORD": PASSWORD})
    env.update(overrides)
    return subprocess.run([pomopomo_bin(), "send-test-mail", "ops@example.test"], env=env, capture_output=True,
                          text=True, timeout=60)


def test_mail_goes_over_starttls_with_a_login(stack, tls_server, certificates):
    handler, port = tls_server
    out = send_test_mail(stack, port, POMOPOMO_SMTP_CA_FILE=certificates["ca"])
    assert out.returncode == 0, out.stderr
    assert len(handler.messages) == 1
    message = handler.messages[0]
    assert message["tls"] and message["login"] == USER
    assert message["to"] == ["ops@example.test"]
    assert "Subject: Pomopomo test mail" in message["data"]


def test_an_untrusted_certificate_is_refused(stack, tls_server):
    handler, port = tls_server
    out = send_test_mail(stack, port)  # no CA file: the system's CAs do not know ours
    assert out.returncode == 1 and "sending failed" in out.stderr
    assert handler.messages == []


def test_a_wrong_password_is_refused(stack, tls_server, certificates):
    handler, port = tls_server
    out = send_test_mail(stack, port, POMOPOMO_SMTP_CA_FILE=certificates["ca"], POMOPOMO_SMTP_PASSWORD="wrong")
    assert out.returncode == 1 and "sending failed" in out.stderr
    assert handler.messages == []


def test_a_server_without_starttls_gets_nothing_when_tls_is_required(stack, plain_server):
    handler, port = plain_server
    out = send_test_mail(stack, port)
    assert out.returncode == 1, out.stdout
    assert handler.messages == [], "the password and the mail must not go out in clear text"
