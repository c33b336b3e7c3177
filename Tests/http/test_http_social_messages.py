"""Direct messages (issue 12): sending, reading, paging, deleting, reporting, who may write to
whom, the pace limits, privacy, the live fragment and the no-JavaScript frame, the settings and
the export. Friendships and blocks are written straight into PostgreSQL (social_kit); the
friendship flow itself is another file's."""

import concurrent.futures
import json
import re
import time
from urllib.parse import quote, urlencode, urlsplit

import pytest

from account_forms_kit import assert_refused, raw_post
from accounts_kit import brief, page_csrf, register, user_row
from messages_kit import calm_down, fake_user, message_count, seed_conversation, send, shown, uid
from pomopomo_testkit import parse_html, pomopomo_run
from social_kit import befriend_in_db, block_in_db

_PEOPLE = {}


@pytest.fixture(scope="module")
def people(stack, mailbox):
    """alice and bob are friends; carol is a stranger to both. Registered once for the module."""
    if not _PEOPLE:
        for name in ("alice", "bob", "carol"):
            _PEOPLE[name] = register(stack.base_url, mailbox, f"dm{name}")
        befriend_in_db(stack, _PEOPLE["alice"], _PEOPLE["bob"])
    yield _PEOPLE


@pytest.fixture(autouse=True)
def calm(stack, people):
    """Each test starts with nobody muted and no recent sends counted against anyone."""
    calm_down(stack, *people.values())


def last_message_id(stack, sender, recipient) -> int:
    return int(stack.psql(
        "select max(d.id) from direct_messages d join conversations c on c.id = d.conversation_id "
        "where d.sender_id = :'v1' and (c.user_lo = :'v2' or c.user_hi = :'v2')", uid(stack, sender), uid(stack, recipient)) or 0)


# ------------------------------------------------------------------------------------ send and read

def test_a_message_reaches_the_recipient_linkified_escaped_and_counted(stack, people):
    alice, bob = people["alice"], people["bob"]
    text = 'Look <script>alert(1)</script> at https://example.org/x?a=1&b=2 and javascript:alert(2) "quoted"'
    r = send(alice.user, bob.username, text)
    assert r.status_code == 303, brief(r)
    assert urlsplit(r.headers["Location"]).path == f"/messages/{bob.username}"
    r2 = send(alice.user, bob.username, "second one")
    assert r2.status_code == 303, brief(r2)
    # Bob's list: the conversation with its unread count, before he opens it.
    doc = bob.user.page("/messages")
    line = [li for li in doc.find_all("li", cls="conversation") if f"@{alice.username}" in li.clean_text()]
    assert line, f"/messages does not list alice: {doc.by_id('messages').clean_text()}"
    assert line[0].find("span", cls="badge").clean_text() == "2"
    assert doc.by_id("nav-messages-count").clean_text() == "(2)"
    bid = uid(stack, bob)
    assert stack.psql("select count || ' ' || (read_at is null) from notifications where user_id = :'v1' "
                      "and kind = 'direct_message' and actor_id = :'v2'", bid, uid(stack, alice)) == "2 true"
    # The conversation: escaped, the http(s) link a safe link, javascript: plain text.
    r = bob.user.get(f"/messages/{alice.username}")
    assert r.status_code == 200, brief(r)
    doc = parse_html(r.text)
    msgs = shown(r.text)
    assert [m[2] for m in msgs[-2:]] == [text, "second one"], msgs
    assert doc.find("script") is None or all("alert" not in (s.text() or "") for s in doc.find_all("script"))
    assert "<script>alert(1)" not in r.text
    links = [a for a in doc.find_all("a") if (a.get("href") or "").startswith("https://example.org/x")]
    assert links and links[0].get("rel") == "nofollow noopener ugc", [a.attrs for a in links]
    assert not any((a.get("href") or "").lower().startswith("javascript") for a in doc.find_all("a"))
    assert doc.by_id("nav-messages-count").clean_text() == "", "the page that shows the messages still counts them unread"
    # Viewing marked it read: no unread count, the notice read, the marker at the newest.
    assert stack.psql("select read_at is not null from notifications where user_id = :'v1' and kind = 'direct_message' "
                      "and actor_id = :'v2'", bid, uid(stack, alice)) == "t"
    assert int(stack.psql("select last_read_id from conversation_members where user_id = :'v1' and peer_id = :'v2'",
                          bid, uid(stack, alice))) == msgs[-1][0]
    line = [li for li in bob.user.page("/messages").find_all("li", cls="conversation") if f"@{alice.username}" in li.clean_text()]
    assert line[0].find("span", cls="badge") is None


def test_sending_moves_both_live_channels(stack, people):
    alice, bob = people["alice"], people["bob"]
    before = {p: int(user_row(stack, people[p].email)["live_v"]) for p in ("alice", "bob")}
    r = send(alice.user, bob.username, "live")
    assert r.status_code == 303, brief(r)
    after = {p: int(user_row(stack, people[p].email)["live_v"]) for p in ("alice", "bob")}
    assert after["alice"] > before["alice"] and after["bob"] > before["bob"], (before, after)


def test_conversations_are_listed_newest_first_with_unread_counts_capped_and_paged(stack, account):
    me = account("dmlist")
    others = [fake_user(stack, "dmpeer") for _ in range(32)]
    for i, name in enumerate(others):
        stack.psql("update users set message_policy = 'anyone' where username = :'v1'", name)
        # The first is the oldest conversation; the last, with 120 unread, the newest.
        seed_conversation(stack, name, me, 120 if i == 31 else 2, seconds_ago=3600 - i * 10, spread=0.001)
    doc = me.user.page("/messages")
    items = doc.find_all("li", cls="conversation")
    names = [re.search(r"@(\S+)", li.clean_text()).group(1) for li in items]
    assert names == list(reversed(others))[:30], names
    assert items[0].find("span", cls="badge").clean_text() == "99+"
    assert items[1].find("span", cls="badge").clean_text() == "2"
    older = doc.by_id("older-conversations")
    assert older is not None
    doc2 = me.user.page(older.get("href"))
    names2 = [re.search(r"@(\S+)", li.clean_text()).group(1) for li in doc2.find_all("li", cls="conversation")]
    assert names2 == [others[1], others[0]], names2
    assert doc2.by_id("older-conversations") is None
    assert me.user.get("/messages?before=abc").status_code == 400


def test_a_long_conversation_is_paged_by_keyset_fifty_at_a_time(stack, account):
    me = account("dmpage")
    peer = fake_user(stack, "dmlong")
    ids = seed_conversation(stack, peer, me, 120, spread=0.001)
    r = me.user.get(f"/messages/{peer}")
    page1 = [m[0] for m in shown(r.text)]
    assert page1 == ids[-50:], (page1[:3], ids[-50:][:3])
    older = parse_html(r.text).by_id("older-messages").get("href")
    assert older == f"/messages/{peer}?before={ids[-50]}"
    r2 = me.user.get(older)
    page2 = [m[0] for m in shown(r2.text)]
    assert page2 == ids[-100:-50]
    r3 = me.user.get(parse_html(r2.text).by_id("older-messages").get("href"))
    assert [m[0] for m in shown(r3.text)] == ids[:20]
    assert parse_html(r3.text).by_id("older-messages") is None
    assert parse_html(r3.text).by_id("newest-messages") is not None
    for bad in ("abc", "-1", "1e5", "", "9" * 30):
        assert me.user.get(f"/messages/{peer}?before={quote(bad)}").status_code == 400, bad


# ------------------------------------------------------------------------------------ delete and report

def test_deleting_your_own_message_leaves_message_deleted_in_its_place(stack, people):
    alice, bob = people["alice"], people["bob"]
    assert send(alice.user, bob.username, "oops, wrong window").status_code == 303
    mid = last_message_id(stack, alice, bob)
    # Bob cannot delete alice's message.
    r = bob.user.post_form(f"/messages/{alice.username}/{mid}/delete", {"csrf": bob.user.csrf("/messages")})
    assert r.status_code == 404, brief(r)
    r = alice.user.post_form(f"/messages/{bob.username}/{mid}/delete", {"csrf": alice.user.csrf("/messages")})
    assert r.status_code == 303, brief(r)
    assert stack.psql("select body = '' and deleted_at is not null from direct_messages where id = :'v1'", str(mid)) == "t"
    for viewer, other in ((alice, bob), (bob, alice)):
        page = viewer.user.get(f"/messages/{other.username}").text
        li = parse_html(page).by_id(f"m-{mid}")
        assert li is not None and "message deleted" in li.clean_text() and "oops" not in page
    r = alice.user.post_form(f"/messages/{bob.username}/99999999999/delete", {"csrf": alice.user.csrf("/messages")})
    assert r.status_code == 404


def test_reporting_a_received_message_stores_reporter_message_reason_and_time(stack, people):
    alice, bob = people["alice"], people["bob"]
    assert send(alice.user, bob.username, "something rude").status_code == 303
    mid = last_message_id(stack, alice, bob)
    path = f"/messages/{alice.username}/{mid}/report"
    doc = bob.user.page(path)
    assert "something rude" in doc.by_id("reported-message").clean_text()
    r = bob.user.post_form(path, {"csrf": page_csrf(bob.user, path, path), "reason": "   "})
    assert_refused(r, {422}, "blank reason")
    r = bob.user.post_form(path, {"csrf": page_csrf(bob.user, path, path), "reason": "It is rude"})
    assert r.status_code == 303, brief(r)
    assert bob.user.page(r.headers["Location"]).by_id("dm-reported") is not None
    row = stack.psql("select reporter_id || '|' || message_id || '|' || sender_id || '|' || body || '|' || reason || '|' "
                     "|| (created_at > now() - interval '1 minute') from message_reports where message_id = :'v1'", str(mid))
    assert row == f"{uid(stack, bob)}|{mid}|{uid(stack, alice)}|something rude|It is rude|true", row
    # Your own message, and from the other side: 404.
    r = alice.user.get(f"/messages/{bob.username}/{mid}/report")
    assert r.status_code == 404


def test_reports_are_limited_per_account_and_address(stack, people):
    alice, bob = people["alice"], people["bob"]
    stack.clear_throttle()
    assert send(alice.user, bob.username, "report me many times").status_code == 303
    mid = last_message_id(stack, alice, bob)
    path = f"/messages/{alice.username}/{mid}/report"
    token = page_csrf(bob.user, path, path)
    statuses = [bob.user.post_form(path, {"csrf": token, "reason": f"again {i}"}).status_code for i in range(11)]
    assert statuses[:10] == [303] * 10 and statuses[10] == 429, statuses
    r = bob.user.post_form(path, {"csrf": token, "reason": "more"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    stack.clear_throttle()


# ------------------------------------------------------------------------------------ who may write

def test_the_friends_policy_refuses_strangers_until_anyone_is_allowed(stack, people, account):
    carol = people["carol"]
    dora = account("dmdora")
    sent_before = message_count(stack, carol)
    r = carol.user.get(f"/messages/{dora.username}")
    doc = parse_html(r.text)
    assert r.status_code == 200 and doc.by_id("dm-form") is None
    assert "friends only" in doc.by_id("dm-refusal").clean_text()
    r = carol.user.post_form(f"/messages/{dora.username}", {"csrf": carol.user.csrf("/messages"), "text": "hi stranger"})
    assert_refused(r, {403}, "stranger under the friends policy")
    assert message_count(stack, carol) == sent_before
    r = dora.user.post_form("/settings/social", {"csrf": page_csrf(dora.user, "/settings/preferences", "/settings/social"),
                                                 "message_policy": "anyone"})
    assert r.status_code == 303, brief(r)
    assert user_row(stack, dora.email)["message_policy"] == "anyone"
    assert send(carol.user, dora.username, "hi stranger").status_code == 303
    assert message_count(stack, carol) == sent_before + 1


def test_blocked_pairs_cannot_write_either_way(stack, account):
    a, b = account("dmblka"), account("dmblkb")
    befriend_in_db(stack, a, b)
    assert send(a.user, b.username, "before the block").status_code == 303
    block_in_db(stack, b, a)
    stack.psql("update users set message_policy = 'anyone' where id in (:'v1', :'v2')", uid(stack, a), uid(stack, b))
    for sender, recipient in ((a, b), (b, a)):
        r = sender.user.post_form(f"/messages/{recipient.username}", {"csrf": sender.user.csrf("/messages"), "text": "hello?"})
        assert_refused(r, {403}, "blocked")
        page = parse_html(sender.user.get(f"/messages/{recipient.username}").text)
        assert page.by_id("dm-form") is None and page.by_id("dm-refusal") is not None
    assert message_count(stack, a) == 1 and message_count(stack, b) == 0


def test_writing_to_yourself_or_nobody_is_refused(stack, people):
    alice = people["alice"]
    before = message_count(stack, alice)
    r = alice.user.post_form(f"/messages/{alice.username}", {"csrf": alice.user.csrf("/messages"), "text": "note to self"})
    assert_refused(r, {422}, "yourself")
    for name in ("nobody_here_12345", "x" * 80, "%00"):
        assert alice.user.get(f"/messages/{name}").status_code in (400, 404), name
        r = alice.user.post_form(f"/messages/{name}", {"csrf": alice.user.csrf("/messages"), "text": "hello"})
        assert r.status_code in (400, 404), (name, brief(r))
    # An account whose address was never proven is nobody.
    ghost = fake_user(stack, "dmghost")
    stack.psql("update users set email_verified_at = null, message_policy = 'anyone' where username = :'v1'", ghost)
    assert alice.user.get(f"/messages/{ghost}").status_code == 404
    r = alice.user.post_form(f"/messages/{ghost}", {"csrf": alice.user.csrf("/messages"), "text": "hello"})
    assert r.status_code == 404, brief(r)
    assert message_count(stack, alice) == before


def test_a_deleted_account_can_neither_receive_nor_send_and_its_conversations_go(stack, people, account):
    alice = people["alice"]
    gone = account("dmgone")
    befriend_in_db(stack, alice, gone)
    assert send(alice.user, gone.username, "are you there?").status_code == 303
    assert send(gone.user, alice.username, "leaving soon").status_code == 303
    gone_token = gone.user.csrf("/messages")
    doc = gone.user.page("/settings/account")
    assert "deleted too, for both people" in doc.by_id("delete-messages").clean_text()
    r = gone.user.post_form("/settings/delete", {"csrf": page_csrf(gone.user, "/settings/account", "/settings/delete"),
                                                 "password": gone.password})
    assert r.status_code == 303, brief(r)
    # To the deleted account: 404 on the page and the form.
    assert alice.user.get(f"/messages/{gone.username}").status_code == 404
    r = alice.user.post_form(f"/messages/{gone.username}", {"csrf": alice.user.csrf("/messages"), "text": "hello?"})
    assert r.status_code == 404, brief(r)
    assert f"@{gone.username}" not in alice.user.page("/messages").clean_text()
    # From it: its session ended with it.
    r = gone.user.post_form(f"/messages/{alice.username}", {"csrf": gone_token, "text": "from beyond"})
    assert r.status_code == 403, brief(r)
    assert stack.psql("select count(*) from direct_messages "
                      "where body in ('leaving soon', 'from beyond', 'are you there?')") == "0"


# ------------------------------------------------------------------------------------ bad input

BAD_TEXT = [
    ("empty", "", 422),
    ("blank", " \n\t ", 422),
    ("2001 characters", "m" * 2001, 422),
    ("one character heaped with 16100 accents (over the 64 KiB field limit)", "a" + "\u0301" * 16100, 400),
    ("right-to-left override", "hello \u202eevil", 422),
    ("bell", "ding\x07", 422),
    ("escape", "esc\x1b[31m", 422),
]


@pytest.mark.parametrize("case", BAD_TEXT, ids=[c[0] for c in BAD_TEXT])
def test_bad_message_text_is_refused_kept_and_stores_nothing(stack, people, case):
    what, text, status = case
    alice, bob = people["alice"], people["bob"]
    before = message_count(stack, alice)
    r = alice.user.post_form(f"/messages/{bob.username}", {"csrf": alice.user.csrf("/messages"), "text": text})
    assert_refused(r, {status}, what, kept={"text": text} if text.strip() else None)
    assert message_count(stack, alice) == before


RAW_TEXT = [("invalid UTF-8", b"text=abc%FF%FE"), ("overlong encoding", b"text=ab%C0%AE"), ("NUL", b"text=a%00b"),
            ("two texts", b"text=one&text=two")]


@pytest.mark.parametrize("case", RAW_TEXT, ids=[c[0] for c in RAW_TEXT])
def test_malformed_message_bodies_are_a_clear_400(stack, people, case):
    what, body = case
    alice, bob = people["alice"], people["bob"]
    before = message_count(stack, alice)
    r = raw_post(alice.user, f"/messages/{bob.username}", f"/messages/{bob.username}", body)
    assert_refused(r, {400}, what)
    assert message_count(stack, alice) == before


def test_exactly_2000_characters_with_emoji_and_lines_are_kept(stack, people):
    alice, bob = people["alice"], people["bob"]
    # 2,000 characters as people count them: the family emoji is one (five code points).
    text = "👩‍👩‍👧 line one\nline two " + "z" * 1980
    assert len(text) == 2004
    r = send(alice.user, bob.username, "  " + text + "\n")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select body = :'v1' from direct_messages where id = :'v2'", text,
                      str(last_message_id(stack, alice, bob))) == "t"


BAD_REASONS = [("empty", "", 422), ("blank", "   ", 422), ("501 characters", "r" * 501, 422), ("bell", "a\x07", 422)]


@pytest.mark.parametrize("case", BAD_REASONS, ids=[c[0] for c in BAD_REASONS])
def test_bad_report_reasons_are_refused_and_store_nothing(stack, people, case):
    what, reason, status = case
    alice, bob = people["alice"], people["bob"]
    stack.clear_throttle()
    if not last_message_id(stack, alice, bob):
        assert send(alice.user, bob.username, "to report").status_code == 303
    mid = last_message_id(stack, alice, bob)
    path = f"/messages/{alice.username}/{mid}/report"
    before = stack.psql("select count(*) from message_reports")
    r = bob.user.post_form(path, {"csrf": page_csrf(bob.user, path, path), "reason": reason})
    assert_refused(r, {status}, what, kept={"reason": reason} if reason.strip() and "\x07" not in reason else None)
    assert stack.psql("select count(*) from message_reports") == before
    for raw in (b"reason=abc%FF", b"reason=a%00b"):
        r = raw_post(bob.user, path, path, raw)
        assert_refused(r, {400}, f"{what}: {raw!r}")


BAD_SETTINGS = [
    ("no policy", [("appear_offline", "on")]),
    ("unknown policy", [("message_policy", "everyone")]),
    ("policy in capitals", [("message_policy", "ANYONE")]),
    ("two policies", [("message_policy", "friends"), ("message_policy", "anyone")]),
    ("appear offline yes", [("message_policy", "anyone"), ("appear_offline", "yes")]),
    ("appear offline twice", [("message_policy", "anyone"), ("appear_offline", "on"), ("appear_offline", "on")]),
]


@pytest.mark.parametrize("case", BAD_SETTINGS, ids=[c[0] for c in BAD_SETTINGS])
def test_bad_message_settings_are_refused_and_save_nothing(stack, people, case):
    what, pairs = case
    carol = people["carol"]
    before = user_row(stack, carol.email)
    r = carol.user.post_form("/settings/social", [("csrf", page_csrf(carol.user, "/settings/preferences", "/settings/social"))]
                             + pairs)
    assert_refused(r, {400, 422}, what)
    assert user_row(stack, carol.email) == before


def test_appear_offline_is_saved_and_shown(stack, account):
    a = account("dmoffline")
    r = a.user.post_form("/settings/social", {"csrf": page_csrf(a.user, "/settings/preferences", "/settings/social"),
                                              "message_policy": "friends", "appear_offline": "on"})
    assert r.status_code == 303, brief(r)
    assert user_row(stack, a.email)["appear_offline"] is True
    assert a.user.page("/settings/preferences").by_id("appear-offline").get("checked") is not None
    r = a.user.post_form("/settings/social", {"csrf": page_csrf(a.user, "/settings/preferences", "/settings/social"),
                                              "message_policy": "friends"})
    assert r.status_code == 303 and user_row(stack, a.email)["appear_offline"] is False


# ------------------------------------------------------------------------------------ pace

def test_thirty_a_minute_then_429_with_the_text_kept(stack, people, account):
    alice = people["alice"]
    fast = account("dmfast")
    befriend_in_db(stack, fast, alice)
    # 30 sent over the last minute, spaced so no burst is among them.
    seed_conversation(stack, fast, alice, 30, seconds_ago=12, spread=1.0)
    r = fast.user.post_form(f"/messages/{alice.username}", {"csrf": fast.user.csrf("/messages"), "text": "number 31"})
    assert_refused(r, {429}, "31st in a minute", kept={"text": "number 31"})
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert message_count(stack, fast) == 30


def fcgi_send(stack, responder, acct, to, text, token):
    body = urlencode({"csrf": token, "text": text}).encode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in acct.user.http.cookies)
    return stack.fcgi(responder, "POST", f"/messages/{to}", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Host": urlsplit(stack.base_url).netloc})


def test_a_burst_through_two_responders_is_counted_exactly_and_mutes_with_a_notice(stack, people, account):
    alice = people["alice"]
    spam = account("dmburst")
    befriend_in_db(stack, spam, alice)
    token = spam.user.csrf("/messages")
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda n: fcgi_send(stack, stack.responders[n % len(stack.responders)], spam,
                                                    alice.username, f"burst {n}", token), range(14)))
    statuses = sorted(a.status for a in answers)
    assert statuses == [303] * 8 + [429] * 6, statuses
    assert message_count(stack, spam) == 8
    assert stack.psql("select dm_muted_until > now() + interval '9 minutes' from users where id = :'v1'", uid(stack, spam)) == "t"
    r = spam.user.post_form(f"/messages/{alice.username}", {"csrf": token, "text": "let me talk"})
    assert_refused(r, {429}, "muted", kept={"text": "let me talk"})
    assert int(r.headers["Retry-After"]) > 500
    assert re.search(r"until \d\d:\d\d UTC", parse_html(r.text).find(role="alert").clean_text())
    notice = spam.user.page(f"/messages/{alice.username}").by_id("dm-muted")
    assert notice is not None and "until" in notice.clean_text()
    # Alice sees every message that went through, none hidden.
    assert len([m for m in shown(alice.user.get(f"/messages/{spam.username}").text) if m[2].startswith("burst")]) == 8


# ------------------------------------------------------------------------------------ privacy

def test_other_peoples_message_ids_answer_404_admins_included(stack, people, mailbox):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    assert send(alice.user, bob.username, "between us").status_code == 303
    mid = last_message_id(stack, alice, bob)
    stack.psql("update users set message_policy = 'anyone' where id = :'v1'", uid(stack, alice))
    assert send(carol.user, alice.username, "hi alice").status_code == 303
    admin = register(stack.base_url, mailbox, "dmadmin")
    pomopomo_run(stack, "admin", "grant", admin.email)
    token = carol.user.csrf("/messages")
    for who, tok in ((carol, token), (admin, admin.user.csrf("/messages"))):
        for peer in (alice.username, bob.username):
            assert who.user.post_form(f"/messages/{peer}/{mid}/delete", {"csrf": tok}).status_code == 404
            assert who.user.get(f"/messages/{peer}/{mid}/report").status_code == 404
            assert who.user.post_form(f"/messages/{peer}/{mid}/report", {"csrf": tok, "reason": "x"}).status_code == 404
            assert who.user.get(f"/messages/{peer}/after/{mid}").status_code == 404
            assert "between us" not in who.user.get(f"/messages/{peer}").text
    assert stack.psql("select body from direct_messages where id = :'v1'", str(mid)) == "between us"
    stack.psql("update users set message_policy = 'friends' where id = :'v1'", uid(stack, alice))
    # A guest is sent to sign in.
    from pomopomo_testkit import User
    guest = User(stack.base_url)
    r = guest.get(f"/messages/{alice.username}")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/login"


# ------------------------------------------------------------------------------------ live and no-JS

def test_the_fragment_returns_new_messages_rendered_like_the_page(stack, people):
    alice, bob = people["alice"], people["bob"]
    doc = bob.user.page(f"/messages/{alice.username}")
    last = int(doc.by_id("conversation").get("data-last-id"))
    assert send(alice.user, bob.username, "fresh <b>news</b> https://example.org/n").status_code == 303
    r = bob.user.get(f"/messages/{alice.username}/after/{last}")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json"), brief(r)
    body = r.json()
    items = shown(body["html"])
    assert [m[2] for m in items] == ["fresh <b>news</b> https://example.org/n"], items
    assert body["last_id"] == items[-1][0] and body["more"] is False
    assert 'rel="nofollow noopener ugc"' in body["html"] and "<b>news" not in body["html"]
    again = bob.user.get(f"/messages/{alice.username}/after/{body['last_id']}").json()
    assert again["html"].strip() == "" and again["last_id"] == body["last_id"]
    assert bob.user.get(f"/messages/{alice.username}/after/abc").status_code == 400


def test_without_javascript_a_self_refreshing_frame_shows_new_messages(stack, people):
    alice, bob = people["alice"], people["bob"]
    r = bob.user.get(f"/messages/{alice.username}")
    doc = parse_html(r.text)
    last = doc.by_id("conversation").get("data-last-id")
    assert f'src="/messages/{alice.username}/frame?after={last}"' in r.text and "<noscript>" in r.text
    frame = bob.user.get(f"/messages/{alice.username}/frame?after={last}")
    assert frame.status_code == 200 and frame.headers["Refresh"] == "10"
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert parse_html(frame.text).by_id("frame-empty") is not None
    assert send(alice.user, bob.username, "seen in the frame").status_code == 303
    frame = bob.user.get(f"/messages/{alice.username}/frame?after={last}")
    assert [m[2] for m in shown(frame.text)] == ["seen in the frame"]
    assert all(f.get("target") == "_top" for f in parse_html(frame.text).find_all("a", cls="dm-report"))


# ------------------------------------------------------------------------------------ export

def test_the_export_holds_conversations_and_messages(stack, people):
    alice, bob = people["alice"], people["bob"]
    assert send(alice.user, bob.username, "for the export").status_code == 303
    data = json.loads(alice.user.get("/settings/export.json").text)
    assert any(c["with"] == bob.username for c in data["conversations"])
    mine = [m for m in data["direct_messages"] if m["text"] == "for the export"]
    assert mine and mine[0]["from_me"] is True and mine[0]["with"] == bob.username
    theirs = json.loads(bob.user.get("/settings/export.json").text)
    assert any(m["text"] == "for the export" and m["from_me"] is False for m in theirs["direct_messages"])


INERT = ["x'); delete from direct_messages;--", '<img src=x onerror=alert(1)>', '<svg onload=alert(1)>',
         '" autofocus onfocus=alert(1) x="', "{{> layout}} {{{csrf}}}", "[click](javascript:alert(1))",
         "JaVaScRiPt:alert(1) data:text/html,<script>alert(1)</script> &#106;avascript:alert(1)"]


def test_markup_sql_and_template_syntax_in_messages_show_literally(stack, people):
    alice, bob = people["alice"], people["bob"]
    for i, text in enumerate(INERT):
        if i and i % 6 == 0:
            calm_down(stack, alice)
        assert send(alice.user, bob.username, text).status_code == 303, text
    r = bob.user.get(f"/messages/{alice.username}")
    texts = [m[2] for m in shown(r.text)][-len(INERT):]
    assert texts == INERT, texts
    doc = parse_html(r.text)
    dm_list = doc.by_id("dm-list")
    for el in dm_list.iter():
        assert el.tag not in ("img", "svg", "script"), el.tag
        assert not any(k.startswith("on") or k == "autofocus" for k in el.attrs), el.attrs
        assert not (el.get("href") or "").lower().startswith(("javascript", "data")), el.attrs


@pytest.mark.parametrize("segment", ["x'%20or%201=1--", "9223372036854775808", "0x10", "1e3", "-1", "0"])
def test_odd_message_ids_and_names_in_the_path_are_404(stack, people, segment):
    alice, bob = people["alice"], people["bob"]
    token = alice.user.csrf("/messages")
    for path in (f"/messages/{bob.username}/{segment}/delete", f"/messages/{bob.username}/{segment}/report"):
        assert alice.user.post_form(path, {"csrf": token, "reason": "x"}).status_code in (400, 404), path
    assert alice.user.get(f"/messages/{bob.username}/{segment}/report").status_code in (400, 404)
    assert alice.user.get(f"/messages/{segment}").status_code in (400, 404)
    if segment != "0":  # after/0: from the first message on
        assert alice.user.get(f"/messages/{bob.username}/after/{segment}").status_code in (400, 404)


def test_sending_needs_the_csrf_token_and_a_post(stack, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    before = message_count(stack, alice)
    assert alice.user.post_form(f"/messages/{bob.username}", {"text": "no token"}).status_code == 403
    assert alice.user.post_form(f"/messages/{bob.username}", {"csrf": carol.user.csrf("/messages"),
                                                              "text": "foreign token"}).status_code == 403
    r = alice.user.post_form(f"/messages/{bob.username}", {"csrf": alice.user.csrf("/messages"), "text": "cross-site"},
                             headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert alice.user.get(f"/messages/{bob.username}/1/delete").status_code == 405
    assert message_count(stack, alice) == before


def test_two_people_writing_to_each_other_at_once_share_one_conversation(stack, account):
    a, b = account("dmcrossa"), account("dmcrossb")
    befriend_in_db(stack, a, b)
    tokens = {a.username: a.user.csrf("/messages"), b.username: b.user.csrf("/messages")}
    jobs = [(a, b), (b, a)] * 4
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda n: fcgi_send(stack, stack.responders[n % len(stack.responders)], jobs[n][0],
                                                    jobs[n][1].username, f"cross {n}", tokens[jobs[n][0].username]),
                                range(len(jobs))))
    assert [x.status for x in answers] == [303] * len(jobs)
    assert time.monotonic() - started < 5, "the sends queued behind deadlocks"
    assert stack.psql("select count(*) from conversations where :'v1' in (user_lo, user_hi)", uid(stack, a)) == "1"
    assert message_count(stack, a) == 4 and message_count(stack, b) == 4
