"""Browser journeys through accounts (issue 4) in headless Chromium, driven as a person would:
following links, typing into fields, pressing buttons, and opening the links Pomopomo mails (read
from the test Maildir) in the same browser.

Sign up and confirm by mail, sign out and in with a password, a Markdown profile; a sign-in link
by mail; signing in with the (loopback fake) GitHub and Google; a guest who hosts a room signs up
and keeps the room; signing out really ends the session; "Sign out everywhere else".

Each journey runs twice: with JavaScript on and with JavaScript off (account pages are plain forms
either way). Buttons are found by their form's action (the spec fixes paths and field names, not
button labels)."""

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from account_steps import (
    PAGE_SECONDS,
    arrive,
    assert_signed_in_as,
    confirm_mailed_link,
    console_errors,
    copied_cookie_is_signed_in,
    describe,
    fill,
    follow,
    form_for,
    forms_posting_to,
    path_of,
    press,
    replaced,
    sign_in_with_password,
    sign_out,
    sign_up,
    submit,
)
from accounts_kit import STRONG_PASSWORD, unique_email, unique_username
from browser_kit import create_room, wait

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
BIO = "**bold** and a [link](https://example.org)"


# ----------------------------------------------------------------------------------------- 1

@JS_MODES
def test_sign_up_confirm_sign_out_sign_in_and_a_markdown_profile(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    email, username = unique_email("journey"), unique_username("journey")

    driver.get(base + "/")
    sign_up(driver, base, email, username)
    me = confirm_mailed_link(driver, base, mailbox, email, "Confirm your Pomopomo account", "/auth/verify",
                             "confirming the account by the mailed link")
    assert_signed_in_as(driver, me, username)

    sign_out(driver)
    driver.get(base + "/me")
    arrive(driver, "main")
    assert path_of(driver) == "/login", f"signed out, /me shows {driver.current_url} instead of sending to /login"

    me = sign_in_with_password(driver, base, email, STRONG_PASSWORD)
    assert_signed_in_as(driver, me, username)

    # Profile: the dashboard's "Edit profile" link (or the header's Settings: both lead there).
    follow(driver, "/settings/profile", "settings", "the link to the profile settings")
    form = form_for(driver, "/settings/profile", "the profile settings page")
    username_field = form.find_elements(By.NAME, "username")
    assert username_field and username_field[0].get_attribute("value") == username, \
        "the profile form does not show the current username"
    fill(form, "display_name", "Bea Bold")
    fill(form, "bio", BIO)
    profile = submit(driver, form, "profile", "saving the profile")
    assert path_of(driver).lower() == f"/u/{username}".lower(), f"saving the profile led to {driver.current_url}"

    # What others see: a fresh look at /u/{username}.
    driver.get(f"{base}/u/{username}")
    profile = arrive(driver, "profile", what=f"/u/{username}")
    h1 = profile.find_element(By.TAG_NAME, "h1").text
    assert "Bea Bold" in h1, f"the profile's h1 is {h1!r}, not the display name"
    bio = profile.find_element(By.CSS_SELECTOR, ".bio")
    strong = bio.find_elements(By.TAG_NAME, "strong")
    assert [s.text for s in strong] == ["bold"], f"**bold** is not <strong>bold</strong>: {bio.get_attribute('innerHTML')!r}"
    assert "**" not in bio.text, f"the bio shows raw Markdown: {bio.text!r}"
    anchors = bio.find_elements(By.TAG_NAME, "a")
    assert len(anchors) == 1 and anchors[0].text == "link", f"the bio's link: {bio.get_attribute('innerHTML')!r}"
    href = anchors[0].get_dom_attribute("href")
    assert href in ("https://example.org", "https://example.org/"), f"the bio's link points at {href!r}"
    rel = (anchors[0].get_dom_attribute("rel") or "").split()
    assert "nofollow" in rel, f"the bio's link has rel={rel!r}, no nofollow"
    if js:
        assert not console_errors(driver), f"console errors on {driver.current_url}: {console_errors(driver)}"


# ----------------------------------------------------------------------------------------- 2

@JS_MODES
def test_sign_in_by_a_mailed_link(stack, browser, mailbox, account, js):
    base = stack.base_url
    acct = account()
    driver = browser(js=js)
    driver.get(base + "/")
    follow(driver, "/login", "main", "the sign-in link")
    form = form_for(driver, "/login/magic", "the sign-in page's 'email me a link' form")
    fill(form, "email", acct.email)
    submit(driver, form, "check-email", "asking for a sign-in link")
    me = confirm_mailed_link(driver, base, mailbox, acct.email, "Your Pomopomo sign-in link", "/auth/magic",
                             "signing in by the mailed link")
    assert_signed_in_as(driver, me, acct.username)


# ----------------------------------------------------------------------------------------- 3

def authorize_at_the_fake(driver, base, login, email, name):
    """The fake provider's authorize page: make sure the identity is the one wanted, press Authorize."""
    try:
        wait(driver, PAGE_SECONDS).until(lambda d: d.find_elements(By.NAME, "login"))
    except TimeoutException:
        pytest.fail(f"pressing the provider button did not reach the provider's authorize page: {describe(driver)}")
    assert urlsplit(driver.current_url).netloc != urlsplit(base).netloc, \
        f"the provider button led to {driver.current_url}, not to the configured (fake) provider"
    query = parse_qs(urlsplit(driver.current_url).query)
    assert query.get("code_challenge_method") == ["S256"] and query.get("state"), \
        f"the authorize request lacks PKCE or state: {driver.current_url}"
    form = driver.find_element(By.NAME, "login").find_element(By.XPATH, "ancestor::form")
    for field, value in (("login", login), ("email", email), ("name", name)):
        inputs = form.find_elements(By.NAME, field)
        if inputs and inputs[0].get_attribute("value") != value:
            inputs[0].clear()
            inputs[0].send_keys(value)
    verified = form.find_elements(By.NAME, "verified")
    if verified and not verified[0].is_selected():
        verified[0].click()
    return submit(driver, form, "me", "authorizing at the provider", button_text="Authorize")


@pytest.mark.parametrize("provider,js", [("github", True), ("github", False), ("google", True)],
                         ids=["github-js-on", "github-js-off", "google-js-on"])
def test_sign_in_with_an_oauth_provider(stack, browser, oauth, provider, js):
    base = stack.base_url
    login = unique_username(provider[:2])
    email = unique_email(provider)
    name = "Olly Auth"
    oauth.preset(provider, login, email, verified=True, name=name)
    driver = browser(js=js)
    driver.get(base + "/")
    follow(driver, "/login", "main", "the sign-in link")
    # A link (GET /auth/{provider}) or a button posting there: Chromium applies the site's CSP
    # form-action 'self' to the redirect that follows a form POST, so /login uses links.
    page = driver.find_element(By.TAG_NAME, "html")
    forms = forms_posting_to(driver, f"/auth/{provider}")
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, "a[href]")
             if urlsplit(urljoin(driver.current_url, a.get_dom_attribute("href"))).path == f"/auth/{provider}"
             and a.is_displayed()]
    if links:
        links[0].click()
    elif forms:
        forms[0].find_element(By.CSS_SELECTOR, "button, input[type=submit]").click()
    else:
        pytest.fail(f"/login has no {provider} sign-in (link or form to /auth/{provider}): {describe(driver)}")
    WebDriverWait(driver, PAGE_SECONDS).until(replaced(page))
    me = authorize_at_the_fake(driver, base, login, email, name)
    assert urlsplit(driver.current_url).netloc == urlsplit(base).netloc and path_of(driver) == "/me", \
        f"after authorizing: {driver.current_url}, not {base}/me"
    if provider == "github":
        # A new account's username comes from the provider's login (unique, so unchanged).
        assert_signed_in_as(driver, me, login)
    else:
        # From the email's local part (valid as it is, so unchanged unless taken).
        local = email.split("@")[0]
        assert local.lower() in me.text.lower(), \
            f"/me after Google sign-in does not show a username from {email!r}: {me.text[:300]!r}"
    # Signed in for real: the session survives a reload and a visit elsewhere.
    driver.get(base + "/me")
    arrive(driver, "me", what="/me after signing in with " + provider)


# ----------------------------------------------------------------------------------------- 4

@JS_MODES
def test_a_guest_host_signs_up_and_keeps_their_room(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    code = create_room(driver, base, "Gina Guesthost")
    assert driver.find_elements(By.ID, "timer-controls"), "the new room's host has no #timer-controls"

    email, username = unique_email("guesthost"), unique_username("guesthost")
    sign_up(driver, base, email, username)
    me = confirm_mailed_link(driver, base, mailbox, email, "Confirm your Pomopomo account", "/auth/verify",
                             "confirming the account by the mailed link")
    assert_signed_in_as(driver, me, username)
    recent = me.find_elements(By.ID, "recent-rooms")
    assert recent and code in recent[0].text, \
        f"/me does not list the room {code} the guest hosted before signing up: {me.text[:400]!r}"

    driver.get(f"{base}/r/{code}")
    arrive(driver, "room", what=f"the room /r/{code} after signing up")
    role = driver.find_element(By.ID, "room").get_attribute("data-viewer-role")
    assert role == "host", f"after signing up in the same browser, the room's creator is {role!r}, not host"
    assert driver.find_elements(By.ID, "you-are"), "after signing up, the room no longer knows who I am"
    assert "Gina Guesthost" in driver.find_element(By.ID, "you-are").text
    start = driver.find_elements(By.CSS_SELECTOR, "#timer-controls button[name=action][value=start]")
    assert start and start[0].is_displayed(), "after signing up, the host no longer sees the timer's start button"
    assert not driver.find_elements(By.ID, "join-room"), "after signing up, the host is asked to join their own room"


# ----------------------------------------------------------------------------------------- 5

@JS_MODES
def test_signing_out_ends_the_session(stack, browser, account, js):
    base = stack.base_url
    acct = account()
    driver = browser(js=js)
    driver.get(base + "/")
    before = driver.get_cookie("pp_sid")
    sign_in_with_password(driver, base, acct.email, acct.password, start_at_home=False)
    cookie = driver.get_cookie("pp_sid")
    assert cookie and cookie.get("value"), "signed in without a pp_sid cookie"
    assert before is None or before.get("value") != cookie["value"], "signing in kept the guest's session id"
    sid = cookie["value"]
    r = copied_cookie_is_signed_in(base, sid)
    assert r.status_code == 200, f"the signed-in cookie, copied: GET /me answered {r.status_code} (test premise)"

    sign_out(driver)
    driver.get(base + "/me")
    arrive(driver, "main")
    assert path_of(driver) == "/login", f"after signing out, /me shows {driver.current_url}, not /login"
    assert parse_qs(urlsplit(driver.current_url).query).get("next") == ["/me"], \
        f"the redirect to /login does not keep next=/me: {driver.current_url}"

    r = copied_cookie_is_signed_in(base, sid)
    assert r.status_code == 303, f"the cookie from before signing out still opens /me ({r.status_code})"
    assert urlsplit(r.headers.get("Location", "")).path == "/login", \
        f"the old cookie is sent to {r.headers.get('Location')!r}, not /login"


# ----------------------------------------------------------------------------------------- 6

@JS_MODES
def test_sign_out_everywhere_else(stack, browser, account, js):
    base = stack.base_url
    acct = account()
    other = acct.user.http
    r = other.get(base + "/me", allow_redirects=False, timeout=10)
    assert r.status_code == 200, f"the account fixture's session is not signed in (GET /me: {r.status_code})"

    driver = browser(js=js)
    sign_in_with_password(driver, base, acct.email, acct.password)
    mine = driver.get_cookie("pp_sid")["value"]

    follow(driver, "/settings/profile", "settings", "the link to the settings")
    table = follow(driver, "/settings/sessions", "sessions", "the settings' Sessions link")
    rows = table.find_elements(By.CSS_SELECTOR, "tr.session")
    current = table.find_elements(By.CSS_SELECTOR, "tr.session.current")
    assert len(rows) >= 2, f"two signed-in sessions, but #sessions lists {len(rows)}"
    assert len(current) == 1, f"{len(current)} rows are marked current"
    for row in rows:
        if row not in current:
            assert forms_posting_to_within(row, driver, "/settings/sessions/", "/end"), \
                f"another session's row has no form ending it: {row.text!r}"

    press(driver, "/settings/sessions/end-others", "sessions", "pressing Sign out everywhere else")
    assert path_of(driver) == "/settings/sessions", f"ending the others led to {driver.current_url}"
    table = driver.find_element(By.ID, "sessions")
    rows = table.find_elements(By.CSS_SELECTOR, "tr.session")
    assert len(rows) == 1 and "current" in (rows[0].get_attribute("class") or "").split(), \
        f"after ending the others, #sessions lists {[r.get_attribute('class') for r in rows]}"

    r = other.get(base + "/me", allow_redirects=False, timeout=10)
    assert r.status_code == 303 and urlsplit(r.headers.get("Location", "")).path == "/login", \
        f"the other session still works after 'Sign out everywhere else' (GET /me: {r.status_code} {r.headers.get('Location')})"
    assert driver.get_cookie("pp_sid")["value"] == mine
    driver.get(base + "/me")
    me = arrive(driver, "me", what="/me in the browser that signed the others out")
    assert_signed_in_as(driver, me, acct.username)


def forms_posting_to_within(element, driver, prefix, suffix):
    for form in element.find_elements(By.TAG_NAME, "form"):
        action = form.get_dom_attribute("action") or ""
        path = urlsplit(urljoin(driver.current_url, action)).path
        if path.startswith(prefix) and path.endswith(suffix):
            return True
    return False
