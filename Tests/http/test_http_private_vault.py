"""The motivational vault (issue 14, seed 003 §2.5): an account's own quotes in Markdown with a
source and tags; filtering, favourites, search; edits checked against the version they were made
from (409 with a way to reload); Markdown import and export; a random quote (favourites weighted)
on /me and in a room's break; privacy (every route with another person's ids is a 404 and changes
nothing, admins included); the export and account deletion."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import private_tasks_kit as tasks
from accounts_kit import brief, location, make_admin, post_on
from board_kit import Board
from rooms_kit import new_room
from vault_kit import Vault, fill_vault, parse, quote_html

ROUTES_FILE = Path(__file__).resolve().parents[2] / "Sources/App/Core/Routes.swift"
LIMIT = 2000  # VaultLimits.quotesPerAccount


@pytest.fixture
def vault(stack, account):
    return Vault(stack, account("vault"))


@pytest.fixture
def other_vault(stack, account):
    return Vault(stack, account("thief"))


def test_add_list_edit_favourite_and_delete(stack, vault):
    first = vault.add("Be **here**, now.", source="Ram Dass", tags="Focus, deep work")
    second = vault.add("Small steps.\n\nEvery day.", tags="#habits")
    assert vault.listed() == [second, first], "the list shows the newest first"
    doc = vault.page()
    item = doc.by_id(f"quote-{first}")
    assert item.find("strong").clean_text() == "here", "the Markdown is rendered"
    assert "— Ram Dass" in item.clean_text()
    assert [a.clean_text() for a in item.find_all("a", cls="vault-tag")] == ["#focus", "#deep-work"], "tags normalised"
    assert doc.by_id("vault-count").clean_text() == "2 of 2,000"

    r = vault.favourite(first)
    assert r.status_code == 303 and location(r) == f"/me/vault#quote-{first}", brief(r)
    assert vault.page().by_id(f"quote-{first}").get("data-favourite") is not None
    assert vault.version(first) == 1, "a star does not make an edit in another tab stale"

    edit_page = vault.user.page(f"/me/vault/{first}/edit")
    assert edit_page.find("textarea", name="body").text() == "Be **here**, now."
    assert edit_page.find("input", name="version").get("value") == "1"
    r = vault.edit(first, 1, "Be here now.", source="R. D.", tags="calm")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select body || '|' || source || '|' || array_to_string(tags, ',') || '|' || version"
                      " from vault_quotes where id = :'v1'", str(first)) == "Be here now.|R. D.|calm|2"

    r = vault.post(f"/me/vault/{second}/delete")
    assert r.status_code == 303, brief(r)
    assert vault.listed() == [first]
    assert vault.post(f"/me/vault/{second}/delete").status_code == 404, "deleting twice: the quote is gone"


def test_filters_by_tag_favourites_and_search_in_own_text(stack, vault, other_vault):
    calm = vault.add("Breathe in, breathe out.", tags="calm")
    percent = vault.add("Give 100% to one thing_at a time.", source="Anon", tags="focus, calm")
    plain = vault.add("Nothing special here.", source="A 100 people")
    other_vault.add("Breathe like the 100% sea.", tags="calm")
    vault.favourite(plain)

    assert vault.listed("?tag=calm") == [percent, calm]
    assert vault.listed("?tag=%23Calm") == [percent, calm], "the filter's tag is normalised like a stored one"
    assert vault.listed("?favourites=1") == [plain]
    assert vault.listed("?tag=calm&favourites=1") == []
    assert vault.listed("?q=BREATHE") == [calm], "any case, and only the owner's own quotes"
    assert vault.listed("?q=anon") == [percent], "the source is searched too"
    assert vault.listed("?q=100%25") == [percent], "% is matched as typed, not as a wildcard"
    assert vault.listed("?q=g__e") == [], "_ is matched as typed"
    assert vault.listed("?q=thing_at") == [percent]
    doc = vault.page("?tag=calm")
    assert "2 quotes match the tag #calm" in doc.by_id("vault-matching").clean_text()


def test_a_stale_edit_is_a_409_that_keeps_the_typed_text_and_offers_a_reload(stack, vault):
    qid = vault.add("Version one.")
    assert vault.edit(qid, 1, "Edited in tab A.").status_code == 303
    before = vault.rows()
    r = vault.edit(qid, 1, "Edited in tab B.")
    assert r.status_code == 409, brief(r)
    doc = parse(r)
    assert doc.find("textarea", name="body").text() == "Edited in tab B.", "what was typed is kept"
    assert "Edited in tab A." in doc.by_id("vault-stored").clean_text(), "the stored quote is shown"
    assert doc.by_id("vault-reload").get("href") == f"/me/vault/{qid}/edit"
    assert doc.find("input", name="version").get("value") == "2", "saving again replaces the other tab's edit on purpose"
    assert vault.rows() == before, "a stale edit changes nothing"
    assert vault.edit(qid, 2, "Edited in tab B.").status_code == 303


def test_markdown_export_and_import_round_trip(stack, vault, account):
    vault.add("First *one*\n\nwith two paragraphs", source="Someone", tags="a, b")
    vault.add("Second, no source", tags="calm")
    vault.add("Third, bare")
    r = vault.user.get("/me/vault/export.md")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/markdown"), r.status_code
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.text
    assert text.count("\n---\n") == 2 and "— Someone\ntags: a, b" in text

    newcomer = Vault(stack, account("importer"))
    r = newcomer.import_text("", file=text.encode())
    assert r.status_code == 303 and "imported=3" in location(r), brief(r)
    assert newcomer.user.get("/me/vault/export.md").text == text, "an import of an export gives the same export"
    r = newcomer.import_text(text)
    assert r.status_code == 303 and "imported=0&skipped=3" in location(r), brief(r)
    assert "3 already in your vault" in newcomer.user.page(location(r)).by_id("vault-imported").clean_text()
    assert int(stack.psql("select count(*) from vault_quotes where user_id = :'v1'", newcomer.uid)) == 3


def test_an_import_with_bad_blocks_stores_nothing_and_names_them(stack, vault):
    before = vault.rows()
    text = "Good one\n---\n" + "x" * 4001 + "\n---\nAlso good\ntags: ok\n---\nBad tags\ntags: no;way\n"
    r = vault.import_text(text)
    assert r.status_code == 422, brief(r)
    doc = parse(r)
    assert [li.get("data-block") for li in doc.by_id("vault-import-problems").find_all("li")] == ["2", "4"]
    assert "Block 2: A quote can be at most 4,000 characters" in doc.by_id("vault-import-problems").clean_text()
    assert doc.find("textarea", name="markdown").text() == text, "the text is kept to be fixed"
    assert vault.rows() == before


def test_limits_hold_for_adds_and_imports(stack, vault):
    fill_vault(stack, vault.uid, LIMIT - 1)
    before_import = vault.rows()
    r = vault.import_text("one\n---\ntwo\n")
    assert r.status_code == 422 and "limit" in brief(r), brief(r)
    assert vault.rows() == before_import, "an import past the cap stores none of it"
    vault.add("The last one that fits.")
    r = vault.post("/me/vault", body="One too many.", source="", tags="")
    assert r.status_code == 422, brief(r)
    doc = parse(r)
    assert "2,000 quotes" in doc.by_id("vault-add-error").clean_text()
    assert doc.find("textarea", name="body").text() == "One too many.", "what was typed is kept"
    assert int(stack.psql("select count(*) from vault_quotes where user_id = :'v1'", vault.uid)) == LIMIT
    assert "Page 1 of 40" in vault.page().by_id("vault-pages").clean_text()


def test_the_random_quote_weights_favourites(stack, vault):
    plain = vault.add("The plain one.")
    fav = vault.add("The favourite one.")
    vault.favourite(fav)
    draws = 200
    seen = {plain: 0, fav: 0}
    for _ in range(draws):
        doc = vault.user.page("/me/vault/random")
        seen[int(doc.by_id("random-quote").get("data-quote"))] += 1
    # Expected 150 : 50 (3 : 1). 120 is five standard deviations below 150; a uniform draw gives
    # about 100, so this tells weighted from not without failing by chance.
    assert seen[fav] >= 120 and seen[plain] >= 15, f"favourite {seen[fav]}, plain {seen[plain]} of {draws}"


def test_me_shows_a_quote_unless_turned_off(stack, vault):
    doc = vault.user.page("/me")
    assert "Your vault is empty" in doc.by_id("me-vault").clean_text()
    qid = vault.add("Keep *going*.", source="Me")
    doc = vault.user.page("/me")
    assert doc.by_id("me-quote").get("data-quote") == str(qid)
    assert quote_html(doc, "me-quote").find("em").clean_text() == "going"
    assert doc.by_id("me-vault-heading").find("a").get("href") == "/me/vault"

    r = vault.post("/me/vault/preference", show="")
    assert r.status_code == 303, brief(r)
    doc = vault.user.page("/me")
    assert doc.by_id("me-quote") is None and "turned quotes off" in doc.by_id("me-vault").clean_text()
    assert vault.page().find("input", name="show").get("checked") is None
    vault.post("/me/vault/preference", show="on")
    assert vault.user.page("/me").by_id("me-quote") is not None


def test_me_gathers_tasks_due_the_latest_board_and_links_each_section(stack, vault):
    doc = vault.user.page("/me")
    assert "Nothing due today" in doc.by_id("me-tasks").clean_text()
    assert "No board yet" in doc.by_id("me-board").clean_text()
    for heading, href in (("me-vault-heading", "/me/vault"), ("me-tasks-heading", "/me/tasks"),
                          ("me-board-heading", "/me/board"), ("me-stats-link", None)):
        link = doc.by_id(heading) if href is None else doc.by_id(heading).find("a")
        assert link is not None and link.get("href"), f"#{heading} links nowhere"
        if href:
            assert link.get("href") == href

    # The account's zone is UTC unless set: its day is the UTC day.
    today = datetime.now(UTC).date()
    lst = tasks.default_list(vault.user)
    due_today = tasks.add_ok(vault.user, lst, "Due today", due=today.isoformat())
    overdue = tasks.add_ok(vault.user, lst, "Overdue one", due=(today - timedelta(days=3)).isoformat())
    tasks.add_ok(vault.user, lst, "Tomorrow's", due=(today + timedelta(days=1)).isoformat())
    tasks.add_ok(vault.user, lst, "No date")
    board = Board.open(vault.user)
    assert board.add_note("On the board").status_code == 303

    doc = vault.user.page("/me")
    items = doc.by_id("me-tasks").find_all("li")
    assert [li.get("data-id") for li in items] == [overdue, due_today], "overdue first, only what is due"
    assert items[0].get("data-overdue") is not None and "overdue since" in items[0].clean_text()
    assert items[1].find("a").get("href") == f"/me/tasks?list={lst}#task-{due_today}"
    thumb = doc.by_id("me-board").find("a")
    assert thumb.get("href") == f"/me/board/{board.id}" and thumb.find("svg") is not None


def test_a_room_shows_the_viewer_their_own_quote_during_a_break(stack, vault, other_vault):
    vault.add("Rest is part of the work.")
    room = new_room(stack, vault.user, "Vera Vault")
    guest = room.join("Gus Guest")
    doc = room.host.page()
    quote = doc.by_id("break-quote")
    assert quote is not None and quote.get("hidden") is not None, "before the break the quote waits hidden"
    room.host.ok("/timer", action="start", at="0")
    room.host.ok("/timer", action="skip", at="0")
    doc = room.host.page()
    assert doc.find("div", cls="timer-state").get("data-kind") == "break"
    quote = doc.by_id("break-quote")
    assert quote.get("hidden") is None and "Rest is part of the work." in quote.clean_text()
    assert guest.page().by_id("break-quote") is None, "nobody else sees it"
    vault.post("/me/vault/preference", show="")
    assert room.host.page().by_id("break-quote") is None, "turned off, it is not shown in rooms either"


def test_export_json_has_the_vault_and_deletion_removes_it(stack, vault):
    qid = vault.add("Exported.", source="Src", tags="t1")
    vault.favourite(qid)
    data = vault.user.get("/settings/export.json").json()
    assert data["vault"]["show_quotes"] is True
    assert [(q["text"], q["source"], q["tags"], q["favourite"]) for q in data["vault"]["quotes"]] == \
        [("Exported.", "Src", ["t1"], True)]
    r = post_on(vault.user, "/settings/account", "/settings/delete", password=vault.account.password)
    assert r.status_code == 303, brief(r)
    assert stack.psql("select count(*) from vault_quotes where user_id = :'v1'", vault.uid) == "0"


# ----------------------------------------------------------------------------------------- privacy

def vault_routes() -> set[tuple[str, str]]:
    """Every /me/vault route in the route table."""
    text = ROUTES_FILE.read_text()
    return set(re.findall(r'user\("(GET|POST)", "(/me/vault[^"]*)"', text))


# What each route is asked with someone else's quote id (or, without an id, what it may show).
ID_ROUTES = {
    ("GET", "/me/vault/:id/edit"): {},
    ("POST", "/me/vault/:id"): {"version": "1", "body": "Stolen.", "source": "", "tags": ""},
    ("POST", "/me/vault/:id/delete"): {},
    ("POST", "/me/vault/:id/favourite"): {},
    ("POST", "/me/vault/:id/unfavourite"): {},
}
OWN_ROUTES = {("GET", "/me/vault"), ("POST", "/me/vault"), ("GET", "/me/vault/random"), ("POST", "/me/vault/preference"),
              ("GET", "/me/vault/export.md"), ("GET", "/me/vault/import"), ("POST", "/me/vault/import")}


def test_the_walk_covers_every_vault_route():
    assert vault_routes() == set(ID_ROUTES) | OWN_ROUTES, "a new vault route needs its place in the privacy walk"


def revealed(text: str) -> bool:
    """Whether a page shows anything of the owner's secret quote (its text, source or tag)."""
    return any(part in text for part in ("My secret quote", "Secret source", 'href="/me/vault?tag=secret"'))


@pytest.mark.parametrize("as_admin", [False, True], ids=["user", "admin"])
def test_another_persons_quotes_are_404_and_unchanged_everywhere(stack, vault, other_vault, new_user, as_admin):
    secret = vault.add("My secret quote.", source="Secret source", tags="secret")
    vault.favourite(secret)
    if as_admin:
        make_admin(stack, other_vault.user, other_vault.account.email)
        assert other_vault.user.get("/admin").status_code == 200, "the thief is an admin now"
    before = vault.rows()
    thief = other_vault
    for (method, path), fields in ID_ROUTES.items():
        target = path.replace(":id", str(secret))
        r = thief.user.get(target) if method == "GET" else thief.post(target, **fields)
        assert r.status_code == 404, f"{method} {target}: {brief(r)}"
        assert not revealed(r.text), f"{method} {target} shows the quote"
    # The routes without an id act on the thief's own vault only.
    thief.add("Thief's own.")
    thief.post("/me/vault/preference", show="")
    assert thief.import_text("Imported by the thief.").status_code == 303
    for path in ("/me/vault", "/me/vault?q=secret", "/me/vault?tag=secret", "/me/vault/random", "/me/vault/export.md",
                 "/me/vault/import", "/me"):
        r = thief.user.get(path)
        assert r.status_code == 200 and not revealed(r.text), f"GET {path} shows another person's quote"
    assert not revealed(thief.user.get("/settings/export.json").text)
    assert vault.rows() == before, "another person's requests changed the vault"
    # Guests are sent to sign in (GET) or refused (POST).
    guest = new_user()
    for (method, path) in sorted(set(ID_ROUTES) | OWN_ROUTES):
        target = path.replace(":id", str(secret))
        r = guest.get(target) if method == "GET" else guest.post_form(target, {"csrf": guest.csrf("/")})
        assert r.status_code in (303, 403), f"a guest's {method} {target}: {r.status_code}"
        if method == "GET":
            assert location(r).startswith("/login"), location(r)
    assert vault.rows() == before
