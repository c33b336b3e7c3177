"""Signing in with GitHub and Google (docs-accounts-spec.md, "OAuth"), through the loopback fake
provider (Tests/fakes/oauth_provider.py): new accounts, coming back, the state checks that stop a
forged or replayed callback, refusals, linking to an existing account only with consent and only
for a verified email, linking while signed in, and PKCE with the right client secret on the wire.

Who is signed in is read from /settings/profile (its username field), so "nothing changed" means
what a person would see. Every identity and email is fresh, so tests never meet each other's."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from accounts_kit import (
    SOMEONE_TRIED,
    OAuthFake,
    form_by_action,
    sign_in,
    sign_out,
    sign_up,
    signed_in_username,
    submit_form,
    unique_email,
    unique_username,
)
from pomopomo_testkit import parse_html

PROVIDERS = pytest.mark.parametrize("provider", ["github", "google"])
SECRETS = {"github": ("gh-client", "gh-secret"), "google": ("google-client", "google-secret")}


def new_identity(oauth: OAuthFake, provider: str, email: str | None = None, verified: bool = True) -> dict:
    """Presets a never-seen identity; for Google, whose users have no login, the username comes
    from the email's local part, so that is made unique too."""
    login = unique_username(provider[:2])
    return oauth.preset(provider, login, email or unique_email(login), verified=verified, name="Olly Auth")


def callback_parts(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def callback_path(path: str, query: dict) -> str:
    return path + "?" + urlencode(query)


def token_requests_for(oauth: OAuthFake, code: str) -> list[dict]:
    return [r for r in oauth.requests() if r["kind"] == "token" and (r["form"] or {}).get("code") == code]


def location_path(r) -> str:
    return urlsplit(r.headers.get("Location", "")).path


def assert_signed_in_to_me(r, what: str):
    assert r.status_code == 303 and location_path(r) == "/me", \
        f"{what}: expected 303 to /me, got {r.status_code} {r.headers.get('Location')}\n{r.text[:500]}"


def assert_refused_and_guest(user, r, what: str):
    assert r.status_code == 400, f"{what}: expected 400, got {r.status_code} {r.headers.get('Location')}\n{r.text[:300]}"
    assert signed_in_username(user) is None, f"{what}: the browser was signed in anyway"


def assert_failed_softly(r, what: str):
    """The spec leaves the page open (an error page, or back to /login); not a crash, not /me."""
    assert r.status_code != 500, f"{what}: 500\n{r.text[:300]}"
    assert not (r.status_code == 303 and location_path(r) == "/me"), f"{what}: sent to /me"


def username_from(login_or_email: str) -> str:
    return login_or_email.split("@")[0].lower()


# ----------------------------------------------------------------------------------------- new and known

@PROVIDERS
def test_a_new_identity_gets_a_new_signed_in_account(new_user, oauth, provider):
    user = new_user()
    who = new_identity(oauth, provider)
    r = oauth.sign_in_with(user, provider)
    assert_signed_in_to_me(r, f"first sign-in with {provider}")
    me = user.page("/me").by_id("me")
    assert me is not None, "/me has no id=me"
    # Username from the login (GitHub) or the email's local part (Google); both are unique here.
    expected = username_from(who["login"] if provider == "github" else who["email"])
    assert (signed_in_username(user) or "").lower() == expected
    assert expected in me.clean_text().lower(), f"/me does not show the username {expected}: {me.clean_text()!r}"


@PROVIDERS
def test_a_known_identity_signs_in_to_the_same_account(new_user, oauth, provider):
    first = new_user()
    new_identity(oauth, provider)
    assert_signed_in_to_me(oauth.sign_in_with(first, provider), "first sign-in")
    username = signed_in_username(first)
    sign_out(first)
    assert signed_in_username(first) is None

    again = new_user()  # another browser, same provider identity
    assert_signed_in_to_me(oauth.sign_in_with(again, provider), "second sign-in")
    assert signed_in_username(again) == username


def test_the_same_login_at_the_other_provider_is_another_identity(new_user, oauth):
    """Identities are keyed by provider and subject: a Google subject that happens to equal a
    GitHub id is not that GitHub user."""
    gh = new_identity(oauth, "github")
    first = new_user()
    assert_signed_in_to_me(oauth.sign_in_with(first, "github"), "GitHub sign-in")
    oauth.preset("google", gh["login"], unique_email("other"), subject=gh["subject"])
    second = new_user()
    assert_signed_in_to_me(oauth.sign_in_with(second, "google"), "Google sign-in")
    assert signed_in_username(second) != signed_in_username(first)


@PROVIDERS
def test_signing_in_with_a_provider_gives_a_new_session_cookie(new_user, oauth, provider):
    """No session fixation: the guest session the flow started in is not the signed-in one."""
    user = new_user()
    new_identity(oauth, provider)
    start = oauth.start(user, provider)
    guest_sid = user.sid
    assert guest_sid, "no pp_sid before signing in"
    assert_signed_in_to_me(oauth.authorize(user, start), "sign-in")
    assert user.sid and user.sid != guest_sid


@PROVIDERS
def test_a_new_account_from_a_verified_email_counts_as_verified(new_user, oauth, mailbox, provider):
    """Signing up again with that email is then "someone tried to sign up", not a confirmation."""
    who = new_identity(oauth, provider)
    assert_signed_in_to_me(oauth.sign_in_with(new_user(), provider), "sign-in")
    r = sign_up(new_user(), who["email"], unique_username("again"))
    assert r.status_code == 200, r.text[:300]
    mailbox.wait_for(who["email"], SOMEONE_TRIED)
    mailbox.none_for(who["email"], subject_contains="Confirm", wait=0.5)


# ----------------------------------------------------------------------------------------- state

def provider_callback(user, oauth, provider):
    """Runs a flow up to the provider's redirect; returns (path, query) of the callback the provider sent."""
    new_identity(oauth, provider)
    return callback_parts(oauth.consent(oauth.start(user, provider)))


STATE_CASES = ["wrong", "missing", "empty", "foreign browser", "other provider"]


@pytest.mark.parametrize("case", STATE_CASES)
@PROVIDERS
def test_a_callback_with_a_bad_state_is_refused_and_changes_nothing(new_user, oauth, provider, case):
    owner = new_user()
    path, query = provider_callback(owner, oauth, provider)
    browser = owner
    if case == "wrong":
        query["state"] = secrets.token_urlsafe(24)
    elif case == "missing":
        del query["state"]
    elif case == "empty":
        query["state"] = ""
    elif case == "foreign browser":
        browser = new_user()
        browser.get("/login")  # a guest session of its own
    elif case == "other provider":
        other = "google" if provider == "github" else "github"
        path = path.replace(f"/auth/{provider}/", f"/auth/{other}/")
    r = browser.get(callback_path(path, query))
    assert_refused_and_guest(browser, r, f"callback with {case} state")
    assert token_requests_for(oauth, query["code"]) == [], \
        "Pomopomo exchanged the code although the state was bad (it must check the state first)"
    if browser is not owner:
        assert signed_in_username(owner) is None


@PROVIDERS
def test_a_replayed_callback_is_refused(new_user, oauth, provider):
    user = new_user()
    path, query = provider_callback(user, oauth, provider)
    assert_signed_in_to_me(user.get(callback_path(path, query)), "the genuine callback")
    username = signed_in_username(user)
    r = user.get(callback_path(path, query))
    assert r.status_code == 400, f"replayed callback: {r.status_code}\n{r.text[:300]}"
    assert signed_in_username(user) == username
    assert len(token_requests_for(oauth, query["code"])) == 1, "the code was sent to the provider twice"

    thief = new_user()  # the same URL from another browser (a leaked Referer, history)
    assert_refused_and_guest(thief, thief.get(callback_path(path, query)), "replay from another browser")


@PROVIDERS
def test_a_state_is_good_for_one_sign_in_only_even_if_the_first_failed(new_user, oauth, provider):
    user = new_user()
    path, query = provider_callback(user, oauth, provider)
    good_code = query["code"]
    query["code"] = "forged-" + secrets.token_urlsafe(16)
    assert_failed_softly(user.get(callback_path(path, query)), "a code the provider refuses")
    assert signed_in_username(user) is None, "a code the provider refused signed the browser in"
    query["code"] = good_code
    assert_refused_and_guest(user, user.get(callback_path(path, query)), "the state a second time")


@PROVIDERS
def test_denying_at_the_provider_signs_nobody_in(new_user, oauth, provider):
    user = new_user()
    new_identity(oauth, provider)
    start = oauth.start(user, provider)
    r = oauth.authorize(user, start, decision="deny")
    assert_failed_softly(r, "access_denied")
    assert signed_in_username(user) is None


# ----------------------------------------------------------------------------------------- linking

@PROVIDERS
def test_a_verified_email_of_an_existing_account_links_after_consent(account, new_user, oauth, provider):
    acct = account()
    new_identity(oauth, provider, email=acct.email, verified=True)
    browser = new_user()
    r = oauth.sign_in_with(browser, provider)
    assert r.status_code == 200, f"expected the link consent page, got {r.status_code} {r.headers.get('Location')}"
    doc = parse_html(r.text)
    assert doc.by_id("link-consent") is not None, f"no id=link-consent:\n{r.text[:500]}"
    assert form_by_action(doc, "/auth/link").find("input", name="pending") is not None
    assert signed_in_username(browser) is None, "signed in before consenting"

    r = submit_form(browser, r.text, "/auth/link")
    assert r.status_code == 303, f"POST /auth/link: {r.status_code}\n{r.text[:300]}"
    assert signed_in_username(browser) == acct.username

    later = new_user()  # linked: next time straight in, no consent page
    assert_signed_in_to_me(oauth.sign_in_with(later, provider), "sign-in after linking")
    assert signed_in_username(later) == acct.username


def test_the_email_match_ignores_case(account, new_user, oauth):
    acct = account()
    new_identity(oauth, "github", email=acct.email.upper(), verified=True)
    r = oauth.sign_in_with(new_user(), "github")
    assert r.status_code == 200 and parse_html(r.text).by_id("link-consent") is not None, \
        f"{acct.email.upper()} did not match {acct.email}: {r.status_code} {r.headers.get('Location')}"


@PROVIDERS
def test_without_consent_nothing_is_linked(account, new_user, oauth, provider):
    acct = account()
    new_identity(oauth, provider, email=acct.email, verified=True)
    first = oauth.sign_in_with(new_user(), provider)
    assert parse_html(first.text).by_id("link-consent") is not None, f"{first.status_code}\n{first.text[:300]}"
    # walked away from the consent page; the next attempt asks again
    browser = new_user()
    again = oauth.sign_in_with(browser, provider)
    assert again.status_code == 200 and parse_html(again.text).by_id("link-consent") is not None
    assert signed_in_username(browser) is None


@PROVIDERS
def test_the_consent_form_is_no_use_to_another_browser(account, new_user, oauth, provider):
    acct = account()
    new_identity(oauth, provider, email=acct.email, verified=True)
    r = oauth.sign_in_with(new_user(), provider)
    pending = form_by_action(parse_html(r.text), "/auth/link").find("input", name="pending").get("value")
    other = new_user()
    r = other.post_form("/auth/link", {"csrf": other.csrf("/login"), "pending": pending})
    assert 400 <= r.status_code < 500, f"another browser's pending link: {r.status_code}\n{r.text[:300]}"
    assert signed_in_username(other) is None


@PROVIDERS
def test_an_unverified_email_never_reaches_the_existing_account(account, new_user, oauth, provider):
    acct = account()
    new_identity(oauth, provider, email=acct.email, verified=False)
    browser = new_user()
    r = oauth.sign_in_with(browser, provider)
    assert r.status_code < 500, f"{r.status_code}\n{r.text[:300]}"
    assert parse_html(r.text).by_id("link-consent") is None, "offered to link on an unverified email"
    assert signed_in_username(browser) != acct.username, "an unverified email signed into the account that has it"
    # Whatever happened, the owner's password still works and the provider identity is not theirs.
    assert_signed_in_to_me(sign_in(new_user(), acct.email), "the owner's password sign-in")
    later = new_user()
    oauth.sign_in_with(later, provider)
    assert signed_in_username(later) != acct.username


@PROVIDERS
def test_a_signed_in_user_links_an_identity(account, new_user, oauth, provider):
    acct = account()
    new_identity(oauth, provider)  # a different email than the account's
    r = oauth.sign_in_with(acct.user, provider, page="/settings/account")
    # A new way into an account is added only after its owner says yes, signed in or not.
    assert r.status_code == 200 and parse_html(r.text).by_id("link-consent") is not None, \
        f"linking callback: {r.status_code}\n{r.text[:300]}"
    r = submit_form(acct.user, r.text, "/auth/link")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/settings/account", \
        f"POST /auth/link: {r.status_code} {r.headers.get('Location')}"
    assert signed_in_username(acct.user) == acct.username, "linking switched the browser to another account"

    elsewhere = new_user()
    assert_signed_in_to_me(oauth.sign_in_with(elsewhere, provider), "sign-in with the linked identity")
    assert signed_in_username(elsewhere) == acct.username


# ----------------------------------------------------------------------------------------- on the wire

def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@PROVIDERS
def test_the_token_request_proves_pkce_and_the_client(stack, new_user, oauth, provider):
    user = new_user()
    new_identity(oauth, provider)
    start = oauth.start(user, provider)
    authorize = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["Location"]).query).items()}
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["redirect_uri"] == f"{stack.base_url}/auth/{provider}/callback"
    assert len(authorize["state"]) >= 16, f"a guessable state: {authorize['state']!r}"
    path, query = callback_parts(oauth.consent(start))
    assert_signed_in_to_me(user.get(callback_path(path, query)), "sign-in")

    [token] = token_requests_for(oauth, query["code"])
    client_id, secret = SECRETS[provider]
    form = token["form"]
    assert token["status"] == 200, token["problem"]
    assert form["grant_type"] == "authorization_code"
    assert (form["client_id"], form["client_secret"]) == (client_id, secret)
    assert form["redirect_uri"] == authorize["redirect_uri"]
    assert 43 <= len(form["code_verifier"]) <= 128
    assert s256(form["code_verifier"]) == authorize["code_challenge"]
    assert "application/json" in token["headers"].get("accept", "")
    api = [r for r in oauth.requests() if r["kind"] == "api"
           and r["headers"].get("authorization", "").split(" ")[-1] == token["issued_token"]]
    assert api and all(r["status"] == 200 for r in api), api


@PROVIDERS
def test_every_attempt_has_its_own_state_and_challenge(new_user, oauth, provider):
    user = new_user()
    seen = []
    for _ in range(2):
        location = oauth.start(user, provider).headers["Location"]
        q = parse_qs(urlsplit(location).query)
        seen.append((q["state"][0], q["code_challenge"][0]))
    assert seen[0][0] != seen[1][0] and seen[0][1] != seen[1][1], seen
