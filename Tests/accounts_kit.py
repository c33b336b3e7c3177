"""Helpers for the account tests (issue 4; contract in docs-accounts-spec.md).

- unique_email / unique_username: fresh values per test, so tests never share an account.
- Mail / Mailbox: the messages the SMTP catcher (aiosmtpd) wrote into a Maildir, parsed the way a
  reader sees them: recipients, subject, text body and the links in it.
- sign_up, verify_from_mail, sign_in, sign_out, register: the account flows a browser goes through.
- user_row, user_id, session_count, signed_in, post_on, mail_link_form, …: what the account tests ask
  the site (GET /me) and PostgreSQL, and how they submit a page's form with its own CSRF token.
- OAuthFake: drives Tests/fakes/oauth_provider.py (presets who signs in, reads what it was asked).
- totp, fresh_totp, enrol_two_factor, pass_two_factor, make_admin: admins' second factor (issue 17),
  with codes computed by oathtool (an independent RFC 6238 implementation), so every test that
  reaches an admin page also proves the codes interoperate.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import secrets
import struct
import subprocess
import time
import zlib
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import requests

from pomopomo_testkit import REQUEST_TIMEOUT, Element, User, parse_html

STRONG_PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 2"

# The subjects of the mails the site sends (what Mailbox.wait_for looks for).
CONFIRM = "Confirm your Pomopomo account"
SOMEONE_TRIED = "Someone tried to sign up with your email"
MAGIC = "Your Pomopomo sign-in link"
RESET = "Reset your Pomopomo password"
CHANGED = "Your Pomopomo password was changed"
DELETE = "Confirm deleting your Pomopomo account"


def brief(r) -> str:
    """A response in one line for assertion messages: status and the page's alert, or where it went."""
    doc = parse_html(r.text)
    alert = doc.find(role="alert")
    if alert is not None:
        return f"{r.status_code} alert={alert.clean_text()!r}"
    return f"{r.status_code} Location={r.headers.get('Location')!r} {r.text[:300]!r}"


def users_count(stack) -> int:
    return int(stack.psql("select count(*) from users"))


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{secrets.token_hex(6)}@example.test"


def unique_username(prefix: str = "user") -> str:
    """prefix_<hex>, cut to the 30 allowed characters; never a reserved name thanks to the suffix."""
    clean = re.sub(r"[^A-Za-z0-9_-]", "", prefix)
    if not clean[:1].isalnum():
        clean = "u" + clean
    return f"{clean[:21]}_{secrets.token_hex(4)}"


# ----------------------------------------------------------------------------------------- forms

def form_by_action(doc: Element, action: str) -> Element:
    """The page's form posting to `action` (the path, ignoring any query)."""
    forms = doc.find_all("form")
    for form in forms:
        if urlsplit(form.get("action") or "").path == action:
            return form
    raise AssertionError(f"no form with action {action!r}; forms: {[f.get('action') for f in forms]}")


def form_fields(form: Element) -> dict:
    """What submitting the form sends by default: named inputs (checked boxes only), textareas, selects."""
    fields = {}
    for el in form.iter():
        name, kind = el.get("name"), (el.get("type") or "text").lower()
        if not name or el.tag not in ("input", "textarea", "select") or kind in ("submit", "button", "image"):
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in el.attrs:
                fields[name] = el.get("value") or "on"
        elif el.tag == "textarea":
            fields[name] = el.text()
        elif el.tag == "select":
            chosen = el.find("option", selected="") or el.find("option")
            fields[name] = (chosen.get("value") if chosen.get("value") is not None else chosen.text()) if chosen else ""
        else:
            fields[name] = el.get("value") or ""
    return fields


def submit_form(user: User, page_html: str, action: str, **overrides) -> requests.Response:
    """Submits the form posting to `action` on this page, as a browser would, with `overrides` typed in."""
    fields = form_fields(form_by_action(parse_html(page_html), action))
    fields.update(overrides)
    return user.post_form(action, fields)


def page_csrf(user: User, path: str, action: str | None = None) -> str:
    """The csrf of the form posting to `action` on page `path` (else of the page's first form)."""
    doc = user.page(path)
    form = form_by_action(doc, action) if action else doc
    field = form.find("input", name="csrf")
    assert field is not None and field.get("value"), f"no csrf field on {path} (form {action})"
    return field.get("value")


# ----------------------------------------------------------------------------------------- mail

URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'\]\)]+")


@dataclass
class Mail:
    to: list[str]  # header To plus the envelope recipients (X-RcptTo, added by aiosmtpd's Mailbox)
    subject: str
    text: str  # the decoded text/plain body
    path: str = ""

    @classmethod
    def parse(cls, data: bytes, path: str = "") -> Mail:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        headers = msg.get_all("To", []) + msg.get_all("X-RcptTo", [])
        to = []
        for _, addr in getaddresses([str(h) for h in headers]):
            if addr and addr.lower() not in (a.lower() for a in to):
                to.append(addr)
        body = msg.get_body(preferencelist=("plain",))
        return cls(to, str(msg.get("Subject", "")), body.get_content() if body is not None else "", path)

    @property
    def links(self) -> list[str]:
        return [m.group(0).rstrip(".,;:!?") for m in URL_IN_TEXT.finditer(self.text)]

    def link(self, path_prefix: str) -> str:
        """Path and query of the first link whose path starts with path_prefix (to request on nginx)."""
        for url in self.links:
            parts = urlsplit(url)
            if parts.path.startswith(path_prefix):
                return parts.path + ("?" + parts.query if parts.query else "")
        raise AssertionError(f"no link to {path_prefix} in mail {self.subject!r}; links: {self.links}")

    def __str__(self):
        return f"<mail to {', '.join(self.to)}: {self.subject!r}>"


class Mailbox:
    """The catcher's Maildir. Messages are files that never change, so each is parsed once."""

    def __init__(self, maildir: str):
        self.path = Path(maildir)
        self._parsed: dict[str, Mail] = {}

    def messages(self) -> list[Mail]:
        """Every message, oldest first."""
        files = [f for sub in ("new", "cur") if (self.path / sub).is_dir() for f in (self.path / sub).iterdir()]
        files.sort(key=lambda f: (f.stat().st_mtime_ns, f.name))
        for f in files:
            if f.name not in self._parsed:
                self._parsed[f.name] = Mail.parse(f.read_bytes(), str(f))
        return [self._parsed[f.name] for f in files]

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.messages() if address.lower() in (a.lower() for a in m.to)]

    def wait_for(self, address: str, subject_contains: str, timeout: float = 10, count: int = 1) -> Mail:
        """The newest mail to `address` with that subject, once at least `count` such mails arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.to(address) if subject_contains in m.subject]
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                there = [m.subject for m in self.to(address)]
                raise AssertionError(f"after {timeout}s, {len(found)} of {count} mail(s) to {address} with "
                                     f"{subject_contains!r} in the subject; mail to {address}: {there} "
                                     f"({len(self.messages())} in {self.path})")
            time.sleep(0.1)

    def none_for(self, address: str, wait: float = 1.5, subject_contains: str = ""):
        """Asserts that no mail (with that subject) reaches `address` within `wait` seconds
        (mail leaves from a background job, so an immediate look would prove nothing)."""
        deadline = time.monotonic() + wait
        while True:
            found = [m for m in self.to(address) if subject_contains in m.subject]
            assert not found, f"unexpected mail to {address}: {[str(m) for m in found]}"
            if time.monotonic() > deadline:
                return
            time.sleep(0.1)


# ----------------------------------------------------------------------------------------- flows

@dataclass
class Account:
    user: User  # signed in, in its own cookie jar
    email: str
    username: str
    password: str


def sign_up(user: User, email: str, username: str, password: str = STRONG_PASSWORD) -> requests.Response:
    token = page_csrf(user, "/signup", "/signup")
    return user.post_form("/signup", {"csrf": token, "email": email, "username": username, "password": password})


def open_mail_link(user: User, mailbox: Mailbox, address: str, subject: str, path: str,
                   count: int = 1) -> requests.Response:
    """Waits for the mail, opens its link (a page that changes nothing) and submits the page's form."""
    link = mailbox.wait_for(address, subject, count=count).link(path)
    page = user.get(link)
    assert page.status_code == 200, f"GET {link}: {page.status_code}\n{page.text[:500]}"
    return submit_form(user, page.text, path)


def verify_from_mail(user: User, mailbox: Mailbox, email: str) -> requests.Response:
    return open_mail_link(user, mailbox, email, CONFIRM, "/auth/verify")


def sign_in(user: User, email: str, password: str = STRONG_PASSWORD, next: str | None = None) -> requests.Response:
    token = page_csrf(user, "/login", "/login")
    fields = {"csrf": token, "email": email, "password": password}
    if next is not None:
        fields["next"] = next
    return user.post_form("/login", fields)


def sign_out(user: User) -> requests.Response:
    r = user.post_form("/logout", {"csrf": user.csrf("/")})
    assert r.status_code == 303, f"POST /logout: {r.status_code}\n{r.text[:300]}"
    return r


def signed_in_username(user: User) -> str | None:
    """Who this browser is signed in as (the username on /settings/profile), None for a guest."""
    r = user.get("/settings/profile")
    if r.status_code == 303 and urlsplit(r.headers.get("Location", "")).path == "/login":
        return None
    assert r.status_code == 200, f"GET /settings/profile: {r.status_code}\n{r.text[:300]}"
    field = parse_html(r.text).find("input", name="username")
    assert field is not None, "/settings/profile has no username input"
    return field.get("value")


def register(base_url: str, mailbox: Mailbox, prefix: str = "user") -> Account:
    """A fresh account, verified and signed in, in a new browser."""
    user = User(base_url)
    address, username = unique_email(prefix), unique_username(prefix)
    r = sign_up(user, address, username)
    assert r.status_code == 200 and parse_html(r.text).by_id("check-email") is not None, \
        f"sign-up of {address}: {r.status_code}\n{r.text[:500]}"
    r = verify_from_mail(user, mailbox, address)
    assert r.status_code == 303, f"verifying {address}: {r.status_code}\n{r.text[:500]}"
    return Account(user, address, username, STRONG_PASSWORD)


# ----------------------------------------------------------------------------------------- asking the site

def location(r) -> str:
    return r.headers.get("Location", "")


def post_on(user: User, page: str, action: str, **fields):
    """Submits `fields` to `action` with the csrf of that form on `page`, as a browser would."""
    token = page_csrf(user, page, action)
    return user.post_form(action, {"csrf": token, **fields})


def signed_in(user: User) -> bool:
    """Asks the site: /me is the dashboard when signed in, a redirect to /login for a guest."""
    r = user.get("/me")
    if r.status_code == 303:
        assert urlsplit(r.headers["Location"]).path == "/login", f"/me redirected a guest to {r.headers['Location']}"
        return False
    assert r.status_code == 200, f"GET /me: {brief(r)}"
    assert parse_html(r.text).by_id("me") is not None, "/me answered 200 without #me"
    return True


def me_username(user: User) -> str | None:
    return signed_in_username(user)


def accounts_in_db(stack, n: int, prefix: str, width: int = 0) -> list[tuple[str, str]]:
    """n proven accounts made with SQL (never signed in), for tests that only need people to rank,
    ask or count: [(id, username)] in the order made. Usernames are prefix + number (zero-padded
    to `width` digits, so they sort in that order) + "_" + a random tag."""
    tag = secrets.token_hex(3)
    out = stack.psql(
        "insert into users (email, email_verified_at, username, display_name) "
        "select :'v1' || i || '-' || :'v2' || '@example.test', now(), "
        ":'v1' || lpad(i::text, greatest(:'v4'::int, length(i::text)), '0') || '_' || :'v2', "
        "'Person ' || i || ' ' || :'v2' from generate_series(1, :'v3'::int) i returning id || ' ' || username",
        prefix, tag, str(n), str(width))
    return [tuple(line.split()) for line in out.splitlines() if re.fullmatch(r"[0-9a-f-]{36} \S+", line)]


def user_row(stack, email: str) -> dict | None:
    out = stack.psql("select row_to_json(u) from users u where lower(u.email) = lower(:'v1')", email)
    return json.loads(out) if out else None


def user_id(stack, email: str) -> str:
    row = user_row(stack, email)
    assert row, f"no user {email}"
    return row["id"]


def session_count(stack, email: str) -> int:
    return int(stack.psql("select count(*) from sessions s join users u on u.id = s.user_id "
                          "where lower(u.email) = lower(:'v1')", email))


def assert_invalid_link_page(r, what: str):
    assert r.status_code == 400, f"{what}: expected 400, got {brief(r)}"
    doc = parse_html(r.text)
    assert "not valid" in doc.clean_text().lower(), f"{what}: the 400 page does not say the link is not valid"
    for form in doc.find_all("form"):
        assert urlsplit(form.get("action") or "").path not in ("/auth/verify", "/auth/magic", "/auth/reset",
                                                                "/auth/delete"), \
            f"{what}: the refusal still offers the form to use the link"


def post_token(user: User, link_page, action: str, **fields):
    """Posts the token of a mailed link's page (another browser's) with this browser's own csrf."""
    token = form_fields(form_by_action(parse_html(link_page.text), action))["token"]
    return user.post_form(action, {"csrf": user.csrf("/"), "token": token, **fields})


def check_email_page(r, what: str):
    assert r.status_code == 200, f"{what}: {brief(r)}"
    doc = parse_html(r.text)
    assert doc.by_id("check-email") is not None, f"{what}: no #check-email"
    return doc


def normalized(text: str, *secrets_: str) -> str:
    """A page with its csrf token(s) and the typed values replaced, for comparing two answers."""
    doc = parse_html(text)
    for el in doc.find_all("input", name="csrf"):
        if el.get("value"):
            text = text.replace(el.get("value"), "CSRF")
    m = re.search(r'data-csrf="([^"]+)"', text)
    if m:
        text = text.replace(m.group(1), "CSRF")
    for i, s in enumerate(secrets_):
        text = text.replace(s, f"TYPED{i}")
    return text


def mail_link_form(user: User, link: str, action: str):
    """GET of a mailed link: a page with a form posting the token to `action`."""
    r = user.get(link)
    assert r.status_code == 200, f"GET {link}: {brief(r)}"
    form = form_by_action(parse_html(r.text), action)
    assert (form.get("method") or "").lower() == "post", f"the form on {link} does not POST"
    token = form_fields(form).get("token")
    assert token, f"the form on {link} has no token field"
    return r


def profile_fields(user: User) -> dict:
    return form_fields(form_by_action(user.page("/settings/profile"), "/settings/profile"))


def png_bytes(width: int = 1, height: int = 1, random_pixels: bool = False) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    if random_pixels:
        raw = b"".join(b"\0" + os.urandom(width * 4) for _ in range(height))
        data = zlib.compress(raw, 0)
    else:
        data = zlib.compress(b"".join(b"\0" + b"\xff\x80\x00\xff" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


# ----------------------------------------------------------------------------------------- OAuth

class OAuthFake:
    """Tests/fakes/oauth_provider.py at `url`: who it signs in as, and what it was sent."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.http = requests.Session()

    def preset(self, provider: str, login: str, email: str, verified: bool = True, subject: str | None = None,
               name: str | None = None) -> dict:
        """The identity the provider's form shows (and so signs in as) until the next preset."""
        body = {"provider": provider, "login": login, "email": email, "verified": verified, "subject": subject,
                "name": name}
        r = self.http.post(self.url + "/_control/identity", json=body, timeout=REQUEST_TIMEOUT)
        assert r.status_code == 200, f"preset {body}: {r.status_code} {r.text}"
        return r.json()

    def requests(self) -> list[dict]:
        """Token and API requests received, oldest first: kind (token/api), provider, path, headers
        (lower-case names), form (token requests), status, problem (why refused), issued_token."""
        r = self.http.get(self.url + "/_control/requests", timeout=REQUEST_TIMEOUT)
        r.raise_for_status()
        return r.json()

    def reset(self):
        self.http.post(self.url + "/_control/reset", timeout=REQUEST_TIMEOUT).raise_for_status()

    def start(self, user: User, provider: str, page: str = "/login") -> requests.Response:
        """Starts "Sign in with …" from `page` (/login, or /settings/account to link) by POST
        /auth/{provider}. The buttons there may be links (GET: a CSP form-action 'self' stops a
        form POST that redirects off-site in Chromium), so the csrf is any form's on that page."""
        doc = user.page(page)
        try:
            form = form_by_action(doc, f"/auth/{provider}")
        except AssertionError:
            form = doc
        field = form.find("input", name="csrf")
        assert field is not None and field.get("value"), f"no csrf on {page}"
        return user.post_form(f"/auth/{provider}", {"csrf": field.get("value")})

    def consent(self, start_response: requests.Response, decision: str = "authorize", **typed) -> str:
        """Follows the 303 to the provider and submits its form (prefilled with the preset; `typed`
        changes fields, e.g. verified=None to untick). Returns the callback URL it redirects to."""
        assert start_response.status_code == 303, \
            f"starting OAuth answered {start_response.status_code}\n{start_response.text[:300]}"
        authorize_url = start_response.headers["Location"]
        assert authorize_url.startswith(self.url + "/"), f"not sent to the fake provider: {authorize_url}"
        page = self.http.get(authorize_url, timeout=REQUEST_TIMEOUT)
        assert page.status_code == 200, f"the provider refused {authorize_url}:\n{page.text[:500]}"
        fields = form_fields(parse_html(page.text).by_id("authorize"))
        fields.update(decision=decision, **typed)
        fields = {k: v for k, v in fields.items() if v is not None}
        r = self.http.post(authorize_url, data=fields, allow_redirects=False, timeout=REQUEST_TIMEOUT)
        assert r.status_code == 302, f"the provider's form answered {r.status_code}\n{r.text[:300]}"
        return r.headers["Location"]

    def authorize(self, user: User, start_response: requests.Response, decision: str = "authorize",
                  **typed) -> requests.Response:
        """consent(), then the browser follows the provider back to Pomopomo: the callback's response."""
        callback = urlsplit(self.consent(start_response, decision, **typed))
        return user.get(callback.path + "?" + callback.query)

    def sign_in_with(self, user: User, provider: str, page: str = "/login") -> requests.Response:
        return self.authorize(user, self.start(user, provider, page))

    def token_requests(self, provider: str) -> list[dict]:
        return [r for r in self.requests() if r["kind"] == "token" and r["provider"] == provider]



# ----------------------------------------------------------------------------------------- admins' second factor

TOTP_PERIOD = 30


@dataclass
class SecondFactor:
    secret: str  # base32, as the enrolment page shows it (spaces dropped)
    recovery_codes: list[str]  # as shown once at enrolment ("ABCDE-FGHJK")


# Secrets of the admins enrolled in this test session, by lower-cased email: a later session of the
# same admin (another browser, a sign-in again) enters codes from them, as the admin's phone would.
_SECOND_FACTORS: dict[str, SecondFactor] = {}


def totp(secret: str, at: float | None = None) -> str:
    """The six-digit code oathtool computes for the base32 `secret` at unix time `at` (now by default)."""
    when = ["-N", f"@{int(at)}"] if at is not None else []
    out = subprocess.run(["oathtool", "--totp", "-b", *when, secret.replace(" ", "")], capture_output=True, text=True,
                         timeout=10)
    assert out.returncode == 0 and re.fullmatch(r"\d{6}", out.stdout.strip()), f"oathtool: {out.stdout} {out.stderr}"
    return out.stdout.strip()


def last_used_step(stack, email: str) -> int | None:
    text = stack.psql("select f.last_used_step from admin_second_factors f join users u on u.id = f.user_id "
                      "where lower(u.email) = lower(:'v1')", email)
    return int(text) if text else None


def fresh_totp(stack, email: str, secret: str) -> str:
    """A code the site takes now: of this step or the next (the site accepts one either side), later
    than the last step it accepted (it takes each step once). With both used, waits for the next step."""
    while True:
        last = last_used_step(stack, email)
        step = int(time.time()) // TOTP_PERIOD
        for candidate in (step, step + 1):
            if last is None or candidate > last:
                return totp(secret, candidate * TOTP_PERIOD)
        time.sleep((step + 1) * TOTP_PERIOD - time.time() + 0.2)


def enrol_two_factor(user: User, next: str = "/admin") -> tuple[SecondFactor, requests.Response]:
    """Sets up the second factor in this browser (an admin without one): reads the key off the
    enrolment page, confirms it with oathtool's code; returns it and the recovery-codes page."""
    r = user.get("/admin/2fa/enrol?next=" + next)
    assert r.status_code == 200, f"GET /admin/2fa/enrol: {brief(r)}"
    doc = parse_html(r.text)
    secret = doc.by_id("two-factor-secret").text().replace(" ", "")
    fields = form_fields(form_by_action(doc, "/admin/2fa/enrol"))
    r = user.post_form("/admin/2fa/enrol", {**fields, "code": totp(secret)})
    assert r.status_code == 200, f"POST /admin/2fa/enrol: {brief(r)}"
    codes = [li.text().strip() for li in parse_html(r.text).by_id("recovery-codes").find_all("li")]
    return SecondFactor(secret, codes), r


def pass_two_factor(stack, user: User, email: str, next: str = "/admin") -> requests.Response:
    """Enters a fresh code for an enrolled admin in this browser; the answer (303 to `next`)."""
    factor = _SECOND_FACTORS[email.lower()]
    token = page_csrf(user, "/admin/2fa?next=" + next, "/admin/2fa")
    r = user.post_form("/admin/2fa", {"csrf": token, "next": next, "code": fresh_totp(stack, email, factor.secret)})
    assert r.status_code == 303, f"POST /admin/2fa: {brief(r)}"
    return r


def admin_two_factor(stack, user: User, email: str) -> SecondFactor:
    """This admin's browser passes the second factor: enrols on the first call for the account,
    enters a fresh code after that."""
    known = _SECOND_FACTORS.get(email.lower())
    if known is not None and last_used_step(stack, email) is not None:
        pass_two_factor(stack, user, email)
        return known
    factor, _ = enrol_two_factor(user)
    _SECOND_FACTORS[email.lower()] = factor
    return factor


def make_admin(stack, user: User, email: str) -> SecondFactor:
    """Makes the account an admin (as `pomopomo admin grant` does) and passes the second factor in
    `user`'s browser, so admin pages answer there."""
    stack.psql("update users set role = 'ADMIN' where lower(email) = lower(:'v1')", email)
    return admin_two_factor(stack, user, email)


def known_second_factor(email: str) -> SecondFactor:
    """The secret and codes the kit enrolled this admin with (admin_two_factor, make_admin)."""
    return _SECOND_FACTORS[email.lower()]


def remember_second_factor(email: str, factor: SecondFactor):
    """For a test that enrolled by hand: later helpers enter codes from this secret."""
    _SECOND_FACTORS[email.lower()] = factor


def read_qr(page_html: str, scale: int = 8) -> str:
    """What a QR reader (zbarimg) reads from the enrolment page's SVG code: the SVG's unit
    rectangles are painted into a PNG, as a phone's camera would see the screen."""
    side = int(re.search(r'<svg[^>]* viewBox="0 0 (\d+) \1"', page_html).group(1))
    dark = [[False] * side for _ in range(side)]
    path = re.search(r'<path fill="#000" d="([^"]*)"', page_html).group(1)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):
        for dx in range(int(w)):
            dark[int(y)][int(x) + dx] = True
    rows = b"".join(b"\0" + bytes(0 if dark[y // scale][x // scale] else 255 for x in range(side * scale))
                    for y in range(side * scale))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side * scale, side * scale, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    out = subprocess.run(["zbarimg", "--raw", "-q", "-"], input=png, capture_output=True, timeout=30)
    if out.returncode != 0:  # older zbarimg reads only files
        path_png = Path(os.environ.get("TMPDIR", "/tmp")) / f"qr-{secrets.token_hex(6)}.png"
        path_png.write_bytes(png)
        try:
            out = subprocess.run(["zbarimg", "--raw", "-q", str(path_png)], capture_output=True, timeout=30)
        finally:
            path_png.unlink()
    assert out.returncode == 0, f"zbarimg read no QR code: {out.stderr.decode()}"
    return out.stdout.decode().strip()
