"""The vault's fields through QUALITY.md's bad-input tables (issue 14): each refused request is a
clear 4xx that keeps what was typed and changes nothing stored; accepted text is shown inert."""

import re

import pytest

from accounts_kit import brief
from pomopomo_testkit import raw_http
from vault_kit import Vault, parse

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](javascript:alert(1))",
    "![pic](https://evil.example/track.png)",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    '" autofocus onfocus=alert(1) x="',
    "{{> layout}} {{{x}}}",
]


@pytest.fixture(scope="module")
def shared(stack, mailbox):
    """One account for the tests whose requests are all refused, or that add inert text."""
    from accounts_kit import register
    acct = register(stack.base_url, mailbox, "vbad")
    yield Vault(stack, acct)
    acct.user.http.close()


def assert_inert(html: str):
    """Nothing live in the page: scripts only from /static/, no event handler attributes, no
    frames or SVG, links and images only to safe places."""
    for el in parse(html).iter():
        assert el.tag not in ("iframe", "svg", "object", "embed"), f"a <{el.tag}> was rendered"
        if el.tag == "script":
            assert (el.get("src") or "").startswith("/static/"), "an inline or foreign script was rendered"
        if el.tag == "img":
            assert (el.get("src") or "").startswith("/"), f"an image from {el.get('src')!r} was rendered"
        for name, value in el.attrs.items():
            assert not name.startswith("on"), f"an {name} attribute was rendered on <{el.tag}>"
            if name in ("href", "src", "action") and value:
                assert scheme(value) in (None, "http", "https", "mailto"), f"unsafe {name}={value!r}"


def scheme(url: str) -> str | None:
    """The scheme a browser reads in `url` (after dropping what the URL parser drops: tabs,
    newlines, leading and trailing control characters and spaces); None for a relative URL."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14"
                                                       "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return m.group(1).lower() if m else None


@pytest.mark.parametrize("payload", XSS)
def test_hostile_markdown_source_and_tags_render_inert(stack, shared, payload):
    qid = shared.add(payload, source=payload.split("\n")[0][:200])
    try:
        for path in ("/me/vault", "/me/vault/random", f"/me/vault/{qid}/edit", "/me"):
            r = shared.user.get(path)
            assert r.status_code == 200, brief(r)
            assert_inert(r.text)
        item = shared.page().by_id(f"quote-{qid}")
        if payload.startswith("{{"):
            assert "{{> layout}} {{{x}}}" in item.clean_text(), "template syntax shows literally"
        if payload.startswith("<script>"):
            assert "<script>alert(1)</script>" in item.clean_text(), "raw HTML shows as text"
    finally:
        shared.post(f"/me/vault/{qid}/delete")


def test_tags_refuse_markup_and_attribute_breakouts(stack, shared):
    before = shared.rows()
    for tags in ['" onfocus=alert(1) x="', "<b>", "a'b", "x;drop table users"]:
        r = shared.post("/me/vault", body="Fine text.", source="", tags=tags)
        assert r.status_code == 422, f"tags {tags!r}: {brief(r)}"
        assert parse(r).find("input", name="tags").get("value") == tags, "what was typed is kept"
    assert shared.rows() == before


LONG = [
    ("body", "q" * 4001, "4,000 characters"),
    ("body", "", "cannot be empty"),
    ("body", "evil \u202e txt", "text-direction"),
    ("body", "Heading\n---\nmore", "separates quotes"),
    ("source", "s" * 201, "200 characters"),
    ("source", "two\nlines", "one line"),
    ("tags", ",".join(f"t{i}" for i in range(11)), "at most 10 tags"),
    ("tags", "t" * 33, "32 characters"),
]


@pytest.mark.parametrize("field,value,says", LONG, ids=[f"{f}-{s}" for f, _, s in LONG])
def test_over_long_and_malformed_fields_are_422_and_kept(stack, shared, field, value, says):
    before = shared.rows()
    fields = {"body": "Fine text.", "source": "", "tags": ""}
    fields[field] = value
    r = shared.post("/me/vault", **fields)
    assert r.status_code == 422 and says in brief(r), brief(r)
    doc = parse(r)
    kept = doc.find("textarea", name="body").text() if field == "body" else doc.find("input", name=field).get("value")
    assert kept == value, "what was typed is kept"
    assert shared.rows() == before
    # An edit refuses it alike.
    made = shared.stack.psql("insert into vault_quotes (user_id, body) values (:'v1', 'edit me') returning id", shared.uid)
    qid = int(made.splitlines()[0])
    before = shared.rows()
    r = shared.edit(qid, 1, **fields)
    assert r.status_code == 422, brief(r)
    assert shared.rows() == before
    shared.post(f"/me/vault/{qid}/delete")


@pytest.mark.parametrize("raw_id", ["0", "-1", "9223372036854775808", "1e3", "0x10", "1%20OR%201=1", "'%3B--", "%C0%AE"])
def test_odd_ids_are_missing_quotes(stack, shared, raw_id):
    before = shared.rows()
    status, _, _ = raw_http(stack.base_url, "GET", f"/me/vault/{raw_id}/edit",
                            headers={"Cookie": f"pp_sid={shared.user.sid}"})
    assert status in (400, 404), f"{raw_id}: {status}"
    status, _, _ = raw_http(stack.base_url, "POST", f"/me/vault/{raw_id}/delete",
                            headers={"Cookie": f"pp_sid={shared.user.sid}",
                                     "Content-Type": "application/x-www-form-urlencoded"},
                            body=f"csrf={shared.token}".encode())
    assert status in (400, 404), f"{raw_id}: {status}"
    assert shared.rows() == before


@pytest.mark.parametrize("query,says", [
    ("?q=" + "x" * 101, "100 characters"),
    ("?tag=%3Cscript%3E", "letters, digits"),
    ("?tag=a&tag=b", "once at most"),
    ("?favourites=yes", "favourites is 1"),
    ("?page=0", "page is a number"),
    ("?page=99999999999999999999", "page is a number"),
    ("?q=%27%20OR%201%3D1--", None),
])
def test_odd_filters_are_clear_refusals(stack, shared, query, says):
    r = shared.user.get("/me/vault" + query)
    if says is None:
        assert r.status_code == 200 and parse(r).by_id("vault-quotes").tag == "p", "SQL text is searched for, as text"
        return
    assert r.status_code == 422 and says in brief(r), f"{query}: {brief(r)}"
    if query.startswith("?q="):
        assert parse(r).find("input", name="q").get("value") == "x" * 101, "the typed search is kept"


def test_invalid_utf8_nul_and_duplicate_fields_are_400(stack, shared):
    before = shared.rows()
    for body in [b"body=%FF%FE&source=&tags=", b"body=a%00b&source=&tags=", b"body=a&body=b&source=&tags="]:
        r = shared.user.post_form("/me/vault", f"csrf={shared.token}&".encode() + body)
        assert r.status_code in (400, 422), f"{body!r}: {brief(r)}"
    assert shared.rows() == before


def test_csrf_and_methods(stack, shared):
    before = shared.rows()
    qid = shared.add("CSRF target.")
    before = shared.rows()
    for path in ("/me/vault", f"/me/vault/{qid}/delete", f"/me/vault/{qid}/favourite", "/me/vault/preference"):
        r = shared.user.post_form(path, {"body": "x"})
        assert r.status_code == 403, f"{path} without a token: {r.status_code}"
        r = shared.user.post_form(path, {"csrf": "forged", "body": "x"})
        assert r.status_code == 403, f"{path} with a forged token: {r.status_code}"
    r = shared.user.get(f"/me/vault/{qid}/delete")
    assert r.status_code == 405 and "POST" in r.headers.get("Allow", "")
    r = shared.user.request("TRACE", "/me/vault")
    assert r.status_code in (405, 400)
    assert shared.rows() == before
    shared.post(f"/me/vault/{qid}/delete")


def test_stale_versions_and_odd_versions(stack, shared):
    qid = shared.add("Versioned.")
    shared.edit(qid, 1, "Versioned twice.")
    before = shared.rows()
    for version in ["1", "0", "-1", "abc", "", "99999999999"]:
        r = shared.edit(qid, version, "Overwrite?")
        assert r.status_code in (400, 409), f"version {version!r}: {brief(r)}"
    assert shared.rows() == before
    shared.post(f"/me/vault/{qid}/delete")


def test_imports_refuse_oversized_binary_and_both_inputs(stack, shared):
    before = shared.rows()
    r = shared.import_text("", file=b"x" * (300 * 1024))
    assert r.status_code == 413 and "256 KiB" in brief(r), brief(r)
    r = shared.import_text("q\n" * (140 * 1024))
    assert r.status_code == 413, brief(r)
    r = shared.import_text("", file=b"\x89PNG\r\n\x1a\n\x00\x00binary")
    assert r.status_code == 422 and "not plain text" in brief(r), brief(r)
    r = shared.import_text("pasted", file=b"and a file")
    assert r.status_code == 422 and "not both" in brief(r), brief(r)
    assert parse(r).find("textarea", name="markdown").text() == "pasted"
    r = shared.import_text("\n---\n   \n---\n")
    assert r.status_code == 422 and "no quotes" in brief(r), brief(r)
    r = shared.import_text("fine\n---\n" + "a" + "\u0301" * 16_100 + "\n---\nfine too\n")
    assert r.status_code == 422 and "Block 2: This quote is too long" in parse(r).by_id("vault-import-problems").clean_text()
    r = shared.import_text("<script>alert(1)</script>\n---\n" + "y" * 4001)
    assert r.status_code == 422
    assert_inert(r.text)
    assert "&lt;script&gt;" in r.text, "the kept text is escaped"
    assert shared.rows() == before
