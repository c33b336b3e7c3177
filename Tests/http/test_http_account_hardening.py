"""Issue 9, accounts: each finding of the attacker's review, replayed as it was found.

§1 pre-account takeover: an address is owned by whoever proves it; nothing set up on it before
the proof (password, identity, session, username) survives the proof or reveals the address.
§2 hashing is bounded: throttles and token checks run before Argon2id.
§4 smaller holes: outage pages, logs, sessions, OAuth start, magic-link landing page.
"""

import glob
import os
import re
import secrets
import time

from accounts_kit import (
    CONFIRM,
    MAGIC,
    brief,
    form_by_action,
    open_mail_link,
    sign_in,
    sign_out,
    sign_up,
    signed_in_username,
    submit_form,
    unique_email,
    unique_username,
    verify_from_mail,
)
from pomopomo_testkit import User, parse_html

ATTACKER_PASSWORD = "attacker chosen passphrase 42"
VICTIM_PASSWORD = "victims own secret passphrase"


def request_magic_link(user, email):
    doc = user.page("/login")
    form = form_by_action(doc, "/login/magic")
    r = user.post_form("/login/magic", {"csrf": form.find("input", name="csrf").get("value"), "email": email})
    assert r.status_code == 200, brief(r)


def sign_in_by_magic_link(user, mailbox, email, count=1):
    request_magic_link(user, email)
    r = open_mail_link(user, mailbox, email, MAGIC, "/auth/magic", count=count)
    assert r.status_code == 303, brief(r)


def own_confirmation(mailbox, email, username, timeout=10):
    """The confirmation link of the sign-up made with `username` (its mail greets that name)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for mail in mailbox.to(email):
            if CONFIRM in mail.subject and f"Hello {username}," in mail.text:
                return mail.link("/auth/verify")
        time.sleep(0.1)
    raise AssertionError(f"no confirmation mail for {username} at {email}")


# --------------------------------------------------------------------------- §1 pre-account takeover

def test_attackers_signup_password_does_not_survive_the_victims_magic_link(stack, new_user, mailbox):
    victim_email = unique_email("victim")
    attacker, victim = new_user(), new_user()
    r = sign_up(attacker, victim_email, unique_username("squat"), ATTACKER_PASSWORD)
    assert r.status_code == 200, brief(r)
    mailbox.wait_for(victim_email, CONFIRM)
    # The victim never saw that; later they ask for a sign-in link (no account exists yet: none
    # is sent), then sign up themselves and confirm.
    request_magic_link(victim, victim_email)
    mailbox.none_for(victim_email, subject_contains=MAGIC)
    assert sign_in(new_user(), victim_email, ATTACKER_PASSWORD).status_code == 422, \
        "an unconfirmed sign-up signed in with the password its maker chose"
    victim_name = unique_username("victim")
    assert sign_up(victim, victim_email, victim_name, VICTIM_PASSWORD).status_code == 200
    link = own_confirmation(mailbox, victim_email, victim_name)
    r = submit_form(victim, victim.get(link).text, "/auth/verify")
    assert r.status_code == 303, brief(r)
    thief = new_user()
    r = sign_in(thief, victim_email, ATTACKER_PASSWORD)
    assert r.status_code == 422 and signed_in_username(thief) is None, "the attacker's password opens the victim's account"
    assert sign_in(new_user(), victim_email, VICTIM_PASSWORD).status_code == 303


def test_the_attackers_newer_confirmation_link_does_not_set_the_attackers_password(stack, new_user, mailbox):
    victim_email = unique_email("victim")
    victim, attacker = new_user(), new_user()
    assert sign_up(victim, victim_email, unique_username("victim"), VICTIM_PASSWORD).status_code == 200
    mailbox.wait_for(victim_email, CONFIRM)
    assert sign_up(attacker, victim_email, unique_username("squat"), ATTACKER_PASSWORD).status_code == 200
    # The victim opens the newest mail, which is the attacker's, in their own browser.
    newest = mailbox.wait_for(victim_email, CONFIRM, count=2).link("/auth/verify")
    page = victim.get(newest)
    assert page.status_code == 200
    doc = parse_html(page.text)
    assert doc.find("input", name="signup_password") is not None, \
        "a link opened in another browser than the sign-up's must ask for the sign-up's password"
    # Their own password is not the attacker's: refused, nothing set.
    r = submit_form(victim, page.text, "/auth/verify", signup_password=VICTIM_PASSWORD)
    assert r.status_code == 422, brief(r)
    # They confirm without it: signed in, and the attacker's password is not the account's.
    r = victim.post_form("/auth/verify", _form_fields(victim.get(newest).text, "mail-link-without-password"))
    assert r.status_code == 303, brief(r)
    assert signed_in_username(victim) is not None
    assert sign_in(new_user(), victim_email, ATTACKER_PASSWORD).status_code == 422, \
        "the attacker's password became the account's"


def _form_fields(html, form_id):
    form = parse_html(html).by_id(form_id)
    assert form is not None, f"no form #{form_id}"
    return {el.get("name"): el.get("value") or "" for el in form.find_all("input") if el.get("name")}


def test_the_sign_up_password_is_adopted_when_typed_again_in_another_browser(stack, new_user, mailbox):
    email = unique_email("phone")
    laptop, phone = new_user(), new_user()
    assert sign_up(laptop, email, unique_username("phone"), VICTIM_PASSWORD).status_code == 200
    link = mailbox.wait_for(email, CONFIRM).link("/auth/verify")
    r = submit_form(phone, phone.get(link).text, "/auth/verify", signup_password=VICTIM_PASSWORD)
    assert r.status_code == 303, brief(r)
    assert sign_in(new_user(), email, VICTIM_PASSWORD).status_code == 303


def test_oauth_with_an_unverified_email_never_creates_an_account(stack, new_user, oauth, mailbox):
    email = unique_email("unverified")
    browser = new_user()
    oauth.preset("github", unique_username("gh"), email, verified=False)
    callback = oauth.consent(oauth.start(browser, "github"))
    r = browser.http.get(callback, allow_redirects=False)
    assert r.status_code == 400, brief(r)
    assert "not verified" in parse_html(r.text).clean_text()
    assert stack.psql("select count(*) from users where lower(email) = lower(:'v1')", email) == "0"
    assert signed_in_username(browser) is None


def test_an_identity_linked_before_the_address_was_proven_is_gone_once_it_is(stack, new_user, mailbox):
    """A legacy unconfirmed account (made before this fix) with an attacker's identity linked."""
    email = unique_email("legacy")
    username = unique_username("legacy")
    stack.psql("insert into users (email, username, display_name, password_hash)"
               " values (:'v1', :'v2', 'Legacy', 'planted')", email, username)
    stack.psql("insert into oauth_identities (provider, subject, user_id)"
               " select 'github', :'v1', id from users where email = :'v2'", f"attacker-{username}", email)
    # The address's owner signs up and proves it.
    owner = new_user()
    assert sign_up(owner, email, unique_username("owner"), VICTIM_PASSWORD).status_code == 200
    r = verify_from_mail(owner, mailbox, email)
    assert r.status_code == 303, brief(r)
    assert stack.psql("select count(*) from oauth_identities i join users u on u.id = i.user_id"
                      " where u.email = :'v1'", email) == "0"
    assert sign_in(new_user(), email, VICTIM_PASSWORD).status_code == 303


def test_sign_up_does_not_reserve_a_username_only_for_new_addresses(stack, account, new_user, mailbox):
    known = account("known")
    name_for_known, name_for_new = unique_username("probe"), unique_username("probe")
    assert sign_up(new_user(), known.email, name_for_known).status_code == 200
    assert sign_up(new_user(), unique_email("fresh"), name_for_new).status_code == 200
    # Whether each name is taken now must not depend on which address it was tried with.
    taken = [sign_up(new_user(), unique_email("other"), name).status_code for name in (name_for_known, name_for_new)]
    assert taken[0] == taken[1], f"a name tried with a known address answers {taken[0]}, with a new one {taken[1]}"


def test_an_unconfirmed_account_has_no_public_profile(stack, new_user):
    username = unique_username("ghost")
    stack.psql("insert into users (email, username, display_name) values (:'v1', :'v2', 'Ghost')",
               unique_email("ghost"), username)
    assert new_user().get(f"/u/{username}").status_code == 404


# --------------------------------------------------------------------------- §2 hashing is bounded

def test_a_reset_with_a_bad_token_is_refused_before_any_hash(stack, new_user):
    user = new_user()
    token = "A" * 43
    r = user.post_form("/auth/reset", {"csrf": user.csrf("/"), "token": token, "password": "x" * 128})
    assert r.status_code == 400, brief(r)
    # The refusal says the link is bad, not something about the password (which was never looked at).
    assert "not valid" in parse_html(r.text).clean_text()


def test_sign_ups_are_throttled_per_address_even_when_the_username_is_taken(stack, account, new_user):
    taken = account("taken").username
    statuses = [sign_up(new_user(), unique_email("flood"), taken).status_code for _ in range(32)]
    assert statuses.count(422) >= 1 and statuses[-1] == 429, statuses
    r = sign_up(new_user(), unique_email("flood"), unique_username("fresh"))
    assert r.status_code == 429 and r.headers.get("Retry-After"), brief(r)


def test_sign_in_attempts_are_counted_per_address_before_hashing(stack, account, new_user):
    owner = account("busy")
    # Right passwords too: each costs a hash, so a flood of them from one address is bounded.
    statuses = []
    for _ in range(62):
        statuses.append(sign_in(new_user(), owner.email, owner.password).status_code)
    assert statuses[0] == 303 and statuses[-1] == 429, statuses[-5:]


# --------------------------------------------------------------------------- §4 smaller holes

def test_the_outage_page_never_shows_passwords_or_tokens(stack, new_user, postgres_outage):
    user = new_user()
    csrf = user.csrf("/login")
    with postgres_outage():
        r = user.post_form("/login", {"csrf": csrf, "email": "me@example.test", "password": "hunter2-secret-typed"})
        token = secrets.token_urlsafe(32)
        r2 = user.post_form("/auth/reset", {"csrf": csrf, "token": token, "password": "another-secret-typed"})
    for resp in (r, r2):
        assert resp.status_code == 503, brief(resp)
        assert "secret-typed" not in resp.text, "a typed password was shown back on the outage page"
        assert token not in resp.text, "a token was shown back on the outage page"
    assert "me@example.test" in r.text, "ordinary typed text is still kept"


def test_no_log_line_holds_a_mailed_link_token(stack, account, new_user, mailbox):
    acct = account("logs")
    user = new_user()
    request_magic_link(user, acct.email)
    link = mailbox.wait_for(acct.email, MAGIC).link("/auth/magic")
    token = link.split("token=")[1]
    user.get(link)
    user.get("/auth/magic?token=" + "x" * 43)
    # nginx writes its access log through a buffer flushed every second: wait for these requests' lines.
    access = os.path.join(stack.data_dir, "nginx", "access.log")

    def logged():
        if not os.path.exists(access):
            return False
        with open(access, errors="replace") as f:
            return "/auth/magic" in f.read()

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not logged():
        time.sleep(0.1)
    logs = glob.glob(os.path.join(stack.data_dir, "log", "*.log")) + glob.glob(os.path.join(stack.data_dir, "nginx", "*.log"))
    assert any(p.endswith("access.log") for p in logs), f"nginx writes no access log in the test stack: {logs}"
    assert logged(), "the sign-in link's requests never reached nginx's access log"
    for path in logs:
        with open(path, errors="replace") as f:
            text = f.read()
        assert token not in text, f"{path} holds a mailed token"
        assert not re.search(r"token=[A-Za-z0-9_-]{20,}", text), f"{path} has a token= URL"


def test_signing_out_ends_the_cookies_control_of_its_room_seats(stack, account):
    acct = account("seat")
    code = acct.user.create_room("Seat Holder")
    old_cookie = acct.user.sid
    sign_out(acct.user)
    # A copy of the old cookie (on a shared computer, say) may no longer act as the host.
    copy = User(stack.base_url)
    copy.http.cookies.set("pp_sid", old_cookie)
    page = copy.get(f"/r/{code}")
    assert page.status_code == 200
    assert parse_html(page.text).by_id("timer-controls") is None, "the signed-out cookie still gets the host's controls"
    r = copy.post_form(f"/r/{code}/timer", {"csrf": copy.csrf(f"/r/{code}"), "action": "start", "at": "0"})
    assert r.status_code in (403, 404), brief(r)
    # Signing in again brings the host seat back.
    assert sign_in(acct.user, acct.email, acct.password).status_code == 303
    assert parse_html(acct.user.get(f"/r/{code}").text).by_id("timer-controls") is not None


def test_oauth_start_is_a_post_only(stack, new_user):
    r = new_user().get("/auth/github")
    assert r.status_code in (404, 405), brief(r)


def test_linking_a_provider_to_a_signed_in_account_asks_first(stack, account, oauth):
    acct = account("linker")
    oauth.preset("github", unique_username("lk"), acct.email, verified=True)
    callback = oauth.consent(oauth.start(acct.user, "github", page="/settings/account"))
    r = acct.user.http.get(callback, allow_redirects=False)
    assert r.status_code == 200 and parse_html(r.text).by_id("link-consent") is not None, brief(r)
    assert stack.psql("select count(*) from oauth_identities i join users u on u.id = i.user_id where u.email = :'v1'",
                      acct.email) == "0", "linked before the owner said yes"


def test_the_magic_link_page_names_the_account_it_signs_into(stack, account, new_user, mailbox):
    acct = account("named")
    user = new_user()
    request_magic_link(user, acct.email)
    link = mailbox.wait_for(acct.email, MAGIC).link("/auth/magic")
    named = parse_html(user.get(link).text).by_id("link-account")
    assert named is not None and acct.username in named.clean_text() and acct.email in named.clean_text()
