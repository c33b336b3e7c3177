"""Helpers for the vault tests (issue 14): a signed-in account's vault as its owner sees it, and
what PostgreSQL holds for it.

- Vault(stack, account): add, edit, delete, (un)favourite, import and read quotes through the
  pages, with the account's own CSRF token (one per session, so fetched once).
- rows(stack, uid): the stored quotes (id, body, source, tags, favourite, version, updated_at),
  to compare before and after a request that must change nothing.
"""

from __future__ import annotations

import requests

from accounts_kit import brief, user_id
from pomopomo_testkit import Element, parse_html


class Vault:
    def __init__(self, stack, account):
        self.stack = stack
        self.account = account
        self.user = account.user
        self.uid = user_id(stack, account.email)
        self.token = self.user.csrf("/me/vault")

    def post(self, path: str, **fields) -> requests.Response:
        return self.user.post_form(path, {"csrf": self.token, **fields})

    def post_pairs(self, path: str, pairs: list) -> requests.Response:
        return self.user.post_form(path, [("csrf", self.token)] + pairs)

    def add(self, body: str, source: str = "", tags: str = "") -> int:
        """Adds a quote through the form; returns its id (from the redirect's #quote-ID)."""
        r = self.post("/me/vault", body=body, source=source, tags=tags)
        assert r.status_code == 303, f"adding {body[:40]!r}: {brief(r)}"
        return int(r.headers["Location"].rsplit("#quote-", 1)[1])

    def edit(self, qid: int, version: int, body: str, source: str = "", tags: str = "") -> requests.Response:
        return self.post(f"/me/vault/{qid}", version=str(version), body=body, source=source, tags=tags)

    def favourite(self, qid: int, on: bool = True) -> requests.Response:
        return self.post(f"/me/vault/{qid}/{'favourite' if on else 'unfavourite'}")

    def import_text(self, text: str, file: bytes | None = None, filename: str = "quotes.md") -> requests.Response:
        """POSTs the import form as a browser does (multipart), pasted text and/or a file."""
        files = {"csrf": (None, self.token), "markdown": (None, text)}
        if file is not None:
            files["file"] = (filename, file, "text/markdown")
        return self.user.request("POST", "/me/vault/import", files=files)

    def page(self, query: str = "") -> Element:
        return self.user.page("/me/vault" + query)

    def listed(self, query: str = "") -> list[int]:
        """Quote ids on the list page, in the order shown."""
        ul = self.page(query).by_id("vault-quotes")
        if ul is None or ul.tag != "ul":
            return []
        return [int(li.get("id").removeprefix("quote-")) for li in ul.find_all("li", cls="vault-item")]

    def rows(self) -> str:
        return rows(self.stack, self.uid)

    def version(self, qid: int) -> int:
        return int(self.stack.psql("select version from vault_quotes where id = :'v1'", str(qid)))


def rows(stack, uid: str) -> str:
    """Everything stored for one owner's vault, as text to compare."""
    return stack.psql(
        "select coalesce(string_agg(concat_ws('|', id, body, source, array_to_string(tags, ','), favourite, version, updated_at),"
        " E'\\n' order by id), '') || ' shown=' || (select vault_quotes_shown from users where id = :'v1')"
        " from vault_quotes where user_id = :'v1'", uid)


def quote_html(doc: Element, element_id: str) -> Element | None:
    """The rendered quote (blockquote) inside #element_id."""
    holder = doc.by_id(element_id)
    return holder.find("blockquote", cls="vault-quote") if holder is not None else None


def fill_vault(stack, uid: str, n: int, favourite: bool = False, prefix: str = "filled"):
    """n quotes made with SQL (for limits and big vaults)."""
    stack.psql("insert into vault_quotes (user_id, body, favourite) select :'v1', :'v2' || ' ' || i, :'v3'::bool"
               " from generate_series(1, :'v4'::int) i", uid, prefix, "t" if favourite else "f", str(n))


def parse(r) -> Element:
    """A response's (or a page text's) document."""
    return parse_html(r if isinstance(r, str) else r.text)
