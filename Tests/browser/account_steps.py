"""Steps of account journeys in headless Chromium, shared by the browser tests: finding forms by
their action, filling and submitting them, following links, opening mailed links, signing up, in
and out, as a person would."""

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from accounts_kit import STRONG_PASSWORD, unique_email, unique_username
from browser_kit import wait

PAGE_SECONDS = 10  # a form's answer, including a redirect chain through the fake OAuth provider
MAIL_SECONDS = 10  # mail goes out from a background job "within ~1 s"



# ----------------------------------------------------------------------------------------- pages

def path_of(driver):
    return urlsplit(driver.current_url).path


def page_problem(driver):
    """For failure messages: what the page says went wrong, if anything."""
    for selector in ("#error-message", "[role=alert]"):
        els = driver.find_elements(By.CSS_SELECTOR, selector)
        texts = [el.text.strip() for el in els if el.text.strip()]
        if texts:
            return " / ".join(texts)
    return None


def describe(driver):
    title = driver.title
    problem = page_problem(driver)
    return f"{driver.current_url} (title {title!r}" + (f", says {problem!r})" if problem else ")")


def arrive(driver, expected_id, seconds=PAGE_SECONDS, what=None):
    """Waits for a page with #expected_id; fails early and clearly on an error or refused form."""
    def done(d):
        return d.find_elements(By.ID, expected_id) or d.find_elements(By.ID, "error-message") \
            or d.find_elements(By.CSS_SELECTOR, "[role=alert]")
    try:
        wait(driver, seconds).until(done)
    except TimeoutException:
        pytest.fail(f"{what or 'the page'}: no #{expected_id} within {seconds}s at {describe(driver)}")
    if not driver.find_elements(By.ID, expected_id):
        pytest.fail(f"{what or 'the page'}: expected #{expected_id}, got {describe(driver)}")
    return driver.find_element(By.ID, expected_id)


def forms_posting_to(driver, path, within=None):
    """Displayed forms (inside `within`, an element, if given) whose action (as written, resolved
    against the page) has this path. The attribute, not the property: a control named "action"
    would shadow form.action."""
    found = []
    for form in (within or driver).find_elements(By.TAG_NAME, "form"):
        action = form.get_dom_attribute("action")
        target = urljoin(driver.current_url, action) if action else driver.current_url
        if urlsplit(target).path == path and form.is_displayed():
            found.append(form)
    return found


def form_for(driver, path, what, within=None):
    forms = forms_posting_to(driver, path, within)
    if not forms:
        actions = [f.get_dom_attribute("action") for f in (within or driver).find_elements(By.TAG_NAME, "form")]
        pytest.fail(f"{what}: no visible form posting to {path} at {describe(driver)}; forms there post to {actions}")
    return forms[0]


def fill(form, name, value):
    fields = form.find_elements(By.NAME, name)
    assert fields, f"the form posting to {form.get_dom_attribute('action')} has no field {name!r}"
    field = fields[0]
    field.clear()
    field.send_keys(value)


def replaced(page):
    """Like EC.staleness_of, but a navigation caught mid-way (Chromium's "Node with given id does
    not belong to the document") also counts as the old page being gone."""
    def check(_driver):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
    return check


def submit(driver, form, expected_id, what, button_text=None):
    """Presses the form's submit button (the one whose label contains button_text, if given) and
    waits for the next page to show #expected_id."""
    buttons = [b for b in form.find_elements(By.CSS_SELECTOR, "button, input[type=submit]")
               if (b.get_dom_attribute("type") or "submit").lower() == "submit" and b.is_displayed()]
    if button_text is not None:
        buttons = [b for b in buttons
                   if button_text.lower() in ((b.text or "") + " " + (b.get_dom_attribute("value") or "")).lower()]
    assert buttons, f"{what}: the form posting to {form.get_dom_attribute('action')} has no visible " \
                    f"submit button{'' if button_text is None else ' labelled ' + repr(button_text)} at {driver.current_url}"
    page = driver.find_element(By.TAG_NAME, "html")
    buttons[0].click()
    try:
        WebDriverWait(driver, PAGE_SECONDS).until(replaced(page))
    except TimeoutException:
        pytest.fail(f"{what}: pressing the button did not lead to another page within {PAGE_SECONDS}s "
                    f"(still {describe(driver)})")
    return arrive(driver, expected_id, what=what)


def press(driver, path, expected_id, what, within=None):
    """Presses the button of the (first visible) form posting to path (inside `within`, say a row
    of a list, if given)."""
    return submit(driver, form_for(driver, path, what, within), expected_id, what)


def follow(driver, path, expected_id, what):
    """Clicks a visible link to path (any query string), preferring one in the page header."""
    links = []
    for a in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
        href = a.get_dom_attribute("href") or ""
        if urlsplit(urljoin(driver.current_url, href)).path == path and a.is_displayed():
            links.append(a)
    if not links:
        pytest.fail(f"{what}: no visible link to {path} at {describe(driver)}")
    in_header = [a for a in links if a.find_elements(By.XPATH, "ancestor::header | ancestor::nav")]
    page = driver.find_element(By.TAG_NAME, "html")
    (in_header or links)[0].click()
    try:
        WebDriverWait(driver, PAGE_SECONDS).until(replaced(page))
    except TimeoutException:
        pytest.fail(f"{what}: the link to {path} did not lead anywhere (still {describe(driver)})")
    return arrive(driver, expected_id, what=what)


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


# ----------------------------------------------------------------------------------------- mail

def mailed_link(mailbox, base, addr, subject, path):
    """The full URL of the link to `path` in the newest mail to addr about subject; it must point at
    this site, or a browser would open it on another origin, without its session."""
    mail = mailbox.wait_for(addr, subject, timeout=MAIL_SECONDS)
    urls = [url for url in mail.links if urlsplit(url).path == path]
    assert urls, f"the mail {mail.subject!r} to {addr} has no link to {path}: {mail.links}"
    url = urls[0]
    assert url.startswith(base + path + "?"), f"the mailed link {url!r} does not point at this site ({base})"
    return url


def confirm_mailed_link(driver, base, mailbox, addr, subject, path, what):
    """Opens the mailed link in this browser (a page that changes nothing by itself), then presses
    its button, which posts the token to the same path and lands on /me."""
    link = mailed_link(mailbox, base, addr, subject, path)
    driver.get(link)
    form = form_for(driver, path, f"{what}: the page the mailed link opens")
    token = parse_qs(urlsplit(link).query).get("token", [""])[0]
    hidden = form.find_elements(By.CSS_SELECTOR, "input[name=token]")
    assert hidden and hidden[0].get_dom_attribute("value") == token, \
        f"{what}: the form at {driver.current_url} does not carry the mailed token in a `token` field"
    me = submit(driver, form, "me", what)
    assert path_of(driver) == "/me", f"{what}: landed on {driver.current_url}, not /me"
    return me


# ----------------------------------------------------------------------------------------- journeys' steps

def sign_up(driver, base, email, username, password=STRONG_PASSWORD):
    """From the current page's nav link to /signup, through the form to the "check your email" page."""
    follow(driver, "/signup", "main", "the sign-up link")
    form = form_for(driver, "/signup", "the sign-up page")
    fill(form, "email", email)
    fill(form, "username", username)
    fill(form, "password", password)
    submit(driver, form, "check-email", "signing up")


def signed_up(driver, base, mailbox, prefix):
    """A new account made as a person makes one: the home page's sign-up link, the form, the mailed
    confirmation link, landing on /me. Returns the username (also the display name)."""
    email, username = unique_email(prefix), unique_username(prefix)
    driver.get(base + "/")
    sign_up(driver, base, email, username)
    confirm_mailed_link(driver, base, mailbox, email, "Confirm your Pomopomo account", "/auth/verify",
                        f"confirming {prefix}'s account by the mailed link")
    return username


def sign_in_with_password(driver, base, email, password, start_at_home=True):
    if start_at_home:
        driver.get(base + "/")
    follow(driver, "/login", "main", "the sign-in link")
    form = form_for(driver, "/login", "the sign-in page")
    fill(form, "email", email)
    fill(form, "password", password)
    me = submit(driver, form, "me", "signing in with a password")
    assert path_of(driver) == "/me", f"signed in, but landed on {driver.current_url}"
    return me


def sign_out(driver):
    """Presses Sign out (wherever the page has it: header or dashboard): 303 to /."""
    page = form_for(driver, "/logout", f"Sign out on {path_of(driver)}")
    submit(driver, page, "main", "signing out")
    assert path_of(driver) == "/", f"after signing out: {driver.current_url}, not /"


def assert_signed_in_as(driver, me, username):
    assert username in me.text, f"/me does not show the username {username!r}: {me.text[:300]!r}"


def copied_cookie_is_signed_in(base, sid):
    """GET /me with only the given pp_sid value: 200 when that session is signed in."""
    r = requests.get(base + "/me", headers={"Cookie": f"pp_sid={sid}"}, allow_redirects=False, timeout=10)
    return r
