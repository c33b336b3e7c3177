"""Bad input (QUALITY.md, "Bad input") for the settings: the profile, preferences, password
change and avatar upload, and stored XSS in everything a profile shows.

Every refusal must be a clear 4xx (never a 500, never internals), a page with an element
role="alert", the typed values kept in the form (never a password), and nothing stored changed:
each case compares the account's row in PostgreSQL (and what its public page shows) before and
after (account_forms_kit.snapshot). Text that is accepted (stored XSS, template syntax) must
come back inert: the tests look at the parsed DOM of /u/{username}, /me and /settings/profile for
script elements, on* attributes and javascript:/data: URLs that came from the user."""

import re
import secrets
import struct
import zlib
from urllib.parse import quote, urlsplit

import pytest

from account_forms_kit import COMMON_LONG, assert_refused, form_post, fullwidth, raw_post, snapshot, typed_value
from accounts_kit import brief, form_by_action, form_fields, page_csrf, png_bytes, signed_in, user_row
from pomopomo_testkit import User, parse_html

# ------------------------------------------------------------------------------------------- profile

def profile_pairs(user: User, **changes) -> list:
    fields = form_fields(form_by_action(user.page("/settings/profile"), "/settings/profile"))
    fields.update(changes)
    return [(k, v) for k, v in fields.items() if k != "csrf" and v is not None]


PROFILE_CASES = [
    ("display_name", "empty", lambda o: ""),
    ("display_name", "blank", lambda o: "   "),
    ("display_name", "41 characters", lambda o: "D" * 41),
    ("display_name", "right-to-left override", lambda o: "\u202eEvil Name"),
    ("display_name", "zero-width space", lambda o: "Ali\u200bce"),
    ("display_name", "bell", lambda o: "Bell\x07"),
    ("display_name", "escape", lambda o: "Esc\x1b[31m"),
    ("username", "taken", lambda o: o.username),
    ("username", "taken, upper case", lambda o: o.username.upper()),
    ("username", "taken, fullwidth", lambda o: fullwidth(o.username)),
    ("username", "reserved admin", lambda o: "admin"),
    ("username", "reserved Settings", lambda o: "Settings"),
    ("username", "reserved me", lambda o: "me"),
    ("username", "Cyrillic a", lambda o: "\u0430lice" + secrets.token_hex(3)),
    ("username", "zero-width space", lambda o: "ali\u200bce" + secrets.token_hex(3)),
    ("username", "right-to-left override", lambda o: "\u202eecila" + secrets.token_hex(3)),
    ("username", "too short", lambda o: "ab"),
    ("username", "31 characters", lambda o: "u" * 31),
    ("username", "empty", lambda o: ""),
    ("username", "SQL", lambda o: "x'; update users set role='ADMIN';--"),
    ("bio", "2001 characters", lambda o: "b" * 2001),
    ("links", "six links", lambda o: "\n".join(f"https://example.org/{i}" for i in range(6))),
    ("links", "a 201-character link", lambda o: "https://example.org/" + "l" * 181),
    ("links", "http", lambda o: "http://example.org/me"),
    ("links", "javascript", lambda o: "javascript:alert(1)"),
    ("links", "JavaScript mixed case", lambda o: "JaVaScRiPt:alert(1)"),
    ("links", "data", lambda o: "data:text/html,<script>alert(1)</script>"),
    ("links", "ftp", lambda o: "ftp://example.org/x"),
    ("links", "scheme-relative", lambda o: "//example.org/x"),
    ("links", "https with no host", lambda o: "https://"),
    ("links", "space in host", lambda o: "https://exa mple.org/"),
    ("links", "quote break-out", lambda o: 'https://example.org/" onmouseover="alert(1)'),
    ("links", "one good, one javascript", lambda o: "https://example.org/ok\njavascript:alert(1)"),
]


@pytest.mark.parametrize("case", PROFILE_CASES, ids=[f"{c[0]} {c[1]}" for c in PROFILE_CASES])
def test_profile_refuses_bad_fields_and_changes_nothing(stack, me, other, case):
    field, what, make = case
    value = make(other)
    before = snapshot(stack, me)
    r = me.user.post_form("/settings/profile", [("csrf", page_csrf(me.user, "/settings/profile", "/settings/profile"))]
                          + profile_pairs(me.user, **{field: value}))
    assert_refused(r, {422}, f"{field} {what}", kept={field: value})
    assert snapshot(stack, me) == before, f"{field} {what}: something changed"


def test_profile_accepts_a_bio_of_exactly_2000_characters(stack, account):
    acct = account("bio2000")
    bio = ("word " * 400)[:2000]
    r = acct.user.post_form("/settings/profile", [("csrf", page_csrf(acct.user, "/settings/profile", "/settings/profile"))]
                            + profile_pairs(acct.user, bio=bio))
    assert r.status_code == 303, brief(r)
    assert user_row(stack, acct.email)["bio"] == bio


RAW_PROFILE = [
    ("invalid UTF-8 in bio", "bio", b"bio=abc%FF%FE"),
    ("overlong encoding in display name", "display_name", b"display_name=ab%C0%AE"),
    ("NUL in display name", "display_name", b"display_name=Ab%00c"),
    ("NUL in bio", "bio", b"bio=a%00b"),
    ("two display names", "display_name", b"display_name=One&display_name=Two"),
    ("two usernames", "username", b"username=abcdef1&username=abcdef2"),
    ("two bios", "bio", b"bio=one&bio=two"),
]


@pytest.mark.parametrize("case", RAW_PROFILE, ids=[c[0] for c in RAW_PROFILE])
def test_profile_refuses_malformed_bodies(stack, me, case):
    what, field, raw = case
    before = snapshot(stack, me)
    rest = [(k, v) for k, v in profile_pairs(me.user) if k != field]
    body = "&".join(f"{k}={quote(v, safe='')}" for k, v in rest).encode() + b"&" + raw
    r = raw_post(me.user, "/settings/profile", "/settings/profile", body)
    assert_refused(r, {400, 422}, what)
    assert snapshot(stack, me) == before, f"{what}: something changed"


@pytest.mark.parametrize("how", ["missing", "another session's"])
def test_profile_without_a_valid_csrf_is_403(stack, me, other, how):
    before = snapshot(stack, me)
    pairs = profile_pairs(me.user, display_name="Forged Name")
    if how == "another session's":
        pairs = [("csrf", page_csrf(other.user, "/settings/profile", "/settings/profile"))] + pairs
    r = me.user.post_form("/settings/profile", pairs)
    assert_refused(r, {403}, f"csrf {how}")
    assert snapshot(stack, me) == before


# ------------------------------------------------------------------------------------------- preferences

PREFERENCE_CASES = [
    ("theme", "unknown", "neon"),
    ("theme", "empty", ""),
    ("theme", "SQL", "midnight_bloom'--"),
    ("theme", "path", "../midnight_bloom"),
    ("sound", "maybe", "maybe"),
    ("sound", "empty", ""),
    ("sound", "1", "1"),
    ("timezone", "unknown", "Mars/Olympus_Mons"),
    ("timezone", "empty", ""),
    ("timezone", "path traversal", "../../../etc/passwd"),
    ("timezone", "absolute path", "/etc/localtime"),
    ("timezone", "SQL", "UTC'; drop table users;--"),
    ("timezone", "65 characters", "Europe/" + "P" * 58),
    ("timezone", "offset", "+05:00"),
    ("timezone", "newline", "Europe/Paris\nUTC"),
]


def preference_pairs(user: User, **changes) -> list:
    fields = form_fields(form_by_action(user.page("/settings/preferences"), "/settings/preferences"))
    fields.setdefault("sound", "on")
    fields.update(changes)
    return [(k, v) for k, v in fields.items() if k != "csrf"]


@pytest.mark.parametrize("case", PREFERENCE_CASES, ids=[f"{c[0]} {c[1]}" for c in PREFERENCE_CASES])
def test_preferences_refuse_bad_values_and_change_nothing(stack, me, case):
    field, what, value = case
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/preferences", "/settings/preferences", preference_pairs(me.user, **{field: value}))
    assert_refused(r, {422}, f"{field} {what}")
    assert snapshot(stack, me) == before, f"{field} {what}: something changed"


@pytest.mark.parametrize("raw", [b"timezone=Europe/Paris%00", b"timezone=Europe%2FParis&timezone=UTC",
                                 b"theme=sunrise&theme=forest_calm", b"timezone=%FF%FE"],
                         ids=["NUL", "two timezones", "two themes", "invalid UTF-8"])
def test_preferences_refuse_malformed_bodies(stack, me, raw):
    before = snapshot(stack, me)
    names = {p.split(b"=")[0].decode() for p in raw.split(b"&")}
    rest = [(k, v) for k, v in preference_pairs(me.user) if k not in names]
    body = "&".join(f"{k}={quote(v, safe='')}" for k, v in rest).encode() + b"&" + raw
    r = raw_post(me.user, "/settings/preferences", "/settings/preferences", body)
    assert_refused(r, {400, 422}, raw.decode("latin-1"))
    assert snapshot(stack, me) == before


# ------------------------------------------------------------------------------------------- password change

PASSWORD_CHANGE_CASES = [
    ("wrong current", lambda a: ("not my password!", "a good new passphrase")),
    ("empty current", lambda a: ("", "a good new passphrase")),
    ("new too short", lambda a: (a.password, "short pw 11")),
    ("new 129 characters", lambda a: (a.password, "n" * 129)),
    ("new too common", lambda a: (a.password, COMMON_LONG)),
    ("new too common, capitals", lambda a: (a.password, "WINNIEthePOOH")),
    ("new empty", lambda a: (a.password, "")),
]


@pytest.mark.parametrize("case", PASSWORD_CHANGE_CASES, ids=[c[0] for c in PASSWORD_CHANGE_CASES])
def test_password_change_refuses_bad_input_and_changes_nothing(stack, me, new_user, mailbox, case):
    what, make = case
    current, new = make(me)
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/password", "/settings/password",
                  [("current_password", current), ("new_password", new)])
    secrets_ = tuple(p for p in (current, new) if len(p) >= 4)
    doc = assert_refused(r, {422}, what, never=secrets_)
    for name in ("current_password", "new_password"):
        field = doc.find("input", name=name)
        assert field is None or not field.get("value"), f"{what}: {name} is filled in again"
    if "common" in what:
        assert "too common" in doc.find(role="alert").clean_text().lower()
    assert snapshot(stack, me) == before, f"{what}: the account changed"
    assert signed_in(me.user)
    mailbox.none_for(me.email, wait=0.5, subject_contains="password was changed")


def test_password_change_refuses_duplicates_and_missing_csrf(stack, me):
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/password", "/settings/password",
                  [("current_password", me.password), ("new_password", "first new passphrase"),
                   ("new_password", "second new passphrase")])
    assert_refused(r, {400, 422}, "two new passwords", never=("first new passphrase", "second new passphrase"))
    r = me.user.post_form("/settings/password", [("current_password", me.password),
                                                ("new_password", "first new passphrase")])
    assert_refused(r, {403}, "no csrf", never=(me.password, "first new passphrase"))
    assert snapshot(stack, me) == before


# ------------------------------------------------------------------------------------------- avatar upload

def png_of_size(size: int) -> bytes:
    """A valid PNG of exactly `size` bytes (stored, uncompressed random pixels plus a tEXt pad)."""
    base = png_bytes(360, 360, random_pixels=True)
    assert len(base) + 12 + 1 <= size, len(base)
    pad = size - len(base) - 12  # a tEXt chunk: 12 bytes of framing
    body = b"pad\0" + b"x" * (pad - 4)
    text = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    out = base[:-12] + text + base[-12:]  # before IEND
    assert len(out) == size
    return out


# A 1x1 baseline JPEG: JFIF, one quantisation table, SOF0, one-symbol DC and AC Huffman tables,
# one block coded as DC difference 0 then end-of-block.
JPEG = bytes.fromhex(
    "ffd8"
    "ffe000104a46494600010100000100010000"
    "ffdb004300" + "01" * 64 +
    "ffc0000b080001000101011100"
    "ffc4001400" + "01" + "00" * 15 + "00"
    "ffc4001410" + "01" + "00" * 15 + "00"
    "ffda0008010100003f00"
    "3f"
    "ffd9")


# The well-known 1x1 lossless (VP8L) WebP.
WEBP = bytes.fromhex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")


PNG = png_bytes(2, 2)


GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


BAD_UPLOADS = [
    ("HTML named .png", "me.png", "image/png", HTML),
    ("SVG named .png", "me.png", "image/png", SVG),
    ("SVG as SVG", "me.svg", "image/svg+xml", SVG),
    ("empty", "me.png", "image/png", b""),
    ("PNG signature only", "me.png", "image/png", PNG[:8]),
    ("PNG cut inside IHDR", "me.png", "image/png", PNG[:20]),
    ("JPEG start only", "me.jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("RIFF without WEBP", "me.webp", "image/webp", b"RIFF\x1a\x00\x00\x00WAVEfmt " + b"\0" * 18),
    ("GIF", "me.gif", "image/gif", GIF),
    ("HTML after a PNG signature", "me.png", "image/png", b"\x89PNG\r\n\x1a\n" + HTML),
    ("over 1 MiB", "big.png", "image/png", None),
]


def upload(user: User, content: bytes | None, filename: str = "me.png", ctype: str = "image/png", csrf: bool = True):
    """POSTs multipart/form-data: csrf (unless csrf=False) and the file `avatar` (unless content is None)."""
    token = page_csrf(user, "/settings/profile", "/settings/avatar")
    files = [("csrf", (None, token))] if csrf else []
    if content is not None:
        files.append(("avatar", (filename, content, ctype)))
    if not files:
        files = [("other", (None, "x"))]
    return user.request("POST", "/settings/avatar", files=files)


def avatar_state(stack, acct) -> tuple:
    row = user_row(stack, acct.email)
    r = User(stack.base_url).get(f"/u/{row['username']}/avatar")
    return row["avatar_file"], row["avatar_type"], r.status_code


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
def test_avatar_refuses_what_is_not_a_small_png_jpeg_or_webp(stack, me, case):
    what, filename, ctype, content = case
    if content is None:
        content = png_of_size(1024 * 1024 + 64 * 1024)
    before = snapshot(stack, me)
    r = upload(me.user, content, filename, ctype)
    assert_refused(r, {422}, f"avatar {what}")
    assert snapshot(stack, me) == before, f"avatar {what}: stored"
    assert avatar_state(stack, me)[2] == 404


@pytest.mark.parametrize("how", ["no file field", "no csrf", "no boundary", "text/plain body"])
def test_avatar_refuses_broken_requests(stack, me, how):
    before = snapshot(stack, me)
    if how == "no file field":
        r = upload(me.user, None)
        statuses = {400, 422}
    elif how == "no csrf":
        r = upload(me.user, PNG, csrf=False)
        statuses = {403}
    else:
        token = page_csrf(me.user, "/settings/profile", "/settings/avatar")
        ctype = "multipart/form-data" if how == "no boundary" else "text/plain"
        body = (f'--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n--x--\r\n').encode()
        r = me.user.request("POST", "/settings/avatar", data=body, headers={"Content-Type": ctype})
        statuses = {400, 403, 415, 422}
    assert_refused(r, statuses, how)
    assert snapshot(stack, me) == before


GOOD_UPLOADS = [
    ("PNG", "me.png", "image/png", PNG, "image/png"),
    ("JPEG", "me.jpg", "image/jpeg", JPEG, "image/jpeg"),
    ("WebP", "me.webp", "image/webp", WEBP, "image/webp"),
    ("PNG sent as text/html", "evil.html", "text/html", PNG, "image/png"),
    ("JPEG named .png", "me.png", "image/png", JPEG, "image/jpeg"),
    ("PNG with a path in its name", "../../../etc/passwd.png", "image/png", PNG, "image/png"),
    ("PNG of exactly 1 MiB", "big.png", "image/png", None, "image/png"),
]


@pytest.mark.parametrize("case", GOOD_UPLOADS, ids=[c[0] for c in GOOD_UPLOADS])
def test_avatar_is_stored_and_served_by_what_its_bytes_are(stack, account, new_user, case):
    what, filename, ctype, content, served_type = case
    if content is None:
        content = png_of_size(1024 * 1024)
    acct = account("avatar")
    r = upload(acct.user, content, filename, ctype)
    assert r.status_code == 303 and r.headers["Location"] == "/settings/profile", f"{what}: {brief(r)}"
    row = user_row(stack, acct.email)
    assert row["avatar_type"] == served_type
    assert ".." not in row["avatar_file"] and "/" not in row["avatar_file"]

    doc = new_user().page(f"/u/{acct.username}")
    img = doc.by_id("profile").find("img", cls="avatar")
    assert img is not None, "the profile shows no avatar image"
    assert urlsplit(img.get("src")).path == f"/u/{acct.username}/avatar"
    r = new_user().get(img.get("src"))
    assert r.status_code == 200, brief(r)
    assert r.headers["Content-Type"].split(";")[0].strip() == served_type
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    csp = r.headers.get("Content-Security-Policy", "")
    assert "sandbox" in csp and "default-src 'none'" in csp, f"avatar CSP {csp!r}"
    assert r.content == content, "the avatar served is not the one uploaded"

    r = acct.user.post_form("/settings/avatar/delete", {"csrf": page_csrf(acct.user, "/settings/profile",
                                                                          "/settings/avatar/delete")})
    assert r.status_code == 303, brief(r)
    assert new_user().get(f"/u/{acct.username}/avatar").status_code == 404
    assert new_user().page(f"/u/{acct.username}").by_id("profile").find("span", cls="avatar-initials") is not None


def test_someone_elses_avatar_cannot_be_deleted(stack, account, new_user):
    alice = account("alice")
    assert upload(alice.user, PNG).status_code == 303
    guest = new_user()
    r = guest.post_form("/settings/avatar/delete", {"csrf": guest.csrf("/")})
    assert r.status_code == 403, brief(r)
    assert new_user().get(f"/u/{alice.username}/avatar").status_code == 200


# ------------------------------------------------------------------------------------------- stored XSS

XSS = [
    ("display_name", "script break-out", '"><script>alert(1)</script>'),
    ("display_name", "attribute break-out", '" autofocus onfocus="alert(1)" x="'),
    ("display_name", "img onerror", "<img src=x onerror=alert(1)>"),
    ("display_name", "svg onload", "<svg onload=alert(1)>"),
    ("display_name", "template partial", "{{> layout}}"),
    ("display_name", "template triple", "{{{x}}}"),
    ("bio", "script", "<script>alert(1)</script>"),
    ("bio", "img onerror", "<img src=x onerror=alert(1)>"),
    ("bio", "svg onload", "<svg onload=alert(1)>"),
    ("bio", "raw a href javascript", '<a href="javascript:alert(1)">x</a>'),
    ("bio", "markdown javascript link", "[x](javascript:alert(1))"),
    ("bio", "markdown mixed-case javascript link", "[x](JaVaScRiPt:alert(1))"),
    ("bio", "markdown entity-encoded javascript link", "[x](&#106;avascript:alert(1))"),
    ("bio", "markdown entity-encoded colon", "[x](javascript&#58;alert(1))"),
    ("bio", "markdown javascript with a leading space", "[x]( javascript:alert(1))"),
    ("bio", "markdown javascript autolink", "<javascript:alert(1)>"),
    ("bio", "markdown javascript image", "![i](javascript:alert(1))"),
    ("bio", "markdown data link", "[x](data:text/html,<script>alert(1)</script>)"),
    ("bio", "markdown data image", "![i](data:image/svg+xml,<svg onload=alert(1)>)"),
    ("bio", "markdown vbscript link", "[x](vbscript:msgbox(1))"),
    ("bio", "markdown title break-out", '[x](https://example.org "a\\" onmouseover=\\"alert(1)")'),
    ("bio", "markdown reference javascript link", "[x][1]\n\n[1]: javascript:alert(1)"),
    ("bio", "template partial", "{{> layout}}"),
    ("bio", "template triple", "{{{x}}}"),
    ("bio", "SQL", "'); delete from users; --"),
]


URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data", "cite")


def assert_inert(doc, where: str):
    for el in doc.iter():
        if el.tag == "script":
            assert (el.get("src") or "").startswith("/static/") and not el.text().strip(), \
                f"{where}: a <script> that is not the site's own: {el.attrs} {el.text()[:80]!r}"
        assert el.tag not in ("svg", "iframe", "object", "embed", "base", "form") or \
            el.tag == "form" and (el.get("action") or "").startswith("/"), f"{where}: a <{el.tag}> element"
        for name, value in el.attrs.items():
            assert not name.startswith("on"), f"{where}: <{el.tag} {name}={value!r}>"
            if name in URL_ATTRS:
                squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), \
                    f"{where}: <{el.tag} {name}={value!r}>"
        if el.tag == "meta":
            assert (el.get("http-equiv") or "").lower() != "refresh" or "url" not in (el.get("content") or "").lower(), \
                f"{where}: a meta refresh"
    assert len(doc.find_all("main")) == 1 and len(doc.find_all("header", cls="site-header")) == 1, \
        f"{where}: the layout is there twice (template syntax was expanded)"


@pytest.mark.parametrize("case", XSS, ids=[f"{c[0]} {c[1]}" for c in XSS])
def test_stored_xss_renders_inert(stack, account, new_user, case):
    field, what, payload = case
    acct = account("xss")
    pairs = [("csrf", page_csrf(acct.user, "/settings/profile", "/settings/profile"))] + \
        profile_pairs(acct.user, **{field: payload})
    r = acct.user.post_form("/settings/profile", pairs)
    assert r.status_code == 303, f"{field} {what}: {brief(r)}"
    assert user_row(stack, acct.email)[field if field != "links" else "social_links"] == payload, "not stored as typed"

    pages = {"/u (stranger)": new_user().get(f"/u/{acct.username}"), "/u (owner)": acct.user.get(f"/u/{acct.username}"),
             "/me": acct.user.get("/me"), "/settings/profile": acct.user.get("/settings/profile")}
    for where, resp in pages.items():
        assert resp.status_code == 200, f"{where}: {brief(resp)}"
        assert_inert(parse_html(resp.text), f"{field} {what} on {where}")
    prof = parse_html(pages["/u (stranger)"].text).by_id("profile")
    if field == "display_name":
        assert prof.find("h1").text().strip() == payload.strip(), "the display name is not shown as typed"
    if "template" in what:
        shown = prof.find("h1").text() if field == "display_name" else prof.find("div", cls="bio").text()
        assert payload in shown, f"the template syntax is not shown literally: {shown!r}"
    settings = parse_html(pages["/settings/profile"].text)
    assert typed_value(settings, field) == payload, "the profile form does not show the saved value as typed"


def test_a_javascript_social_link_is_refused(stack, me):
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/profile", "/settings/profile",
                  profile_pairs(me.user, links="javascript:alert(1)"))
    assert_refused(r, {422}, "javascript: social link", kept={"links": "javascript:alert(1)"})
    assert_inert(parse_html(r.text), "the refusal page")
    assert snapshot(stack, me) == before
