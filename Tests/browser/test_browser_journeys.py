"""Browser journeys in headless Chromium: two people meet in a room, with JavaScript on (live
updates without reload), with JavaScript off (the same pages work by reloading), and while Redis
is down (updates slow down but still arrive)."""

import os
import time

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from pomopomo_testkit import CANONICAL_ROOM_PATH

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = "/tmp/pomopomo-room.png"


@pytest.fixture
def browser():
    """browser(js=True) starts a fresh headless Chromium (own profile, so own cookies)."""
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip("needs /usr/bin/chromium and /usr/bin/chromedriver")
    drivers = []

    def start(js: bool = True):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                    "--disable-gpu", "--no-first-run", "--disable-extensions"):
            options.add_argument(arg)
        if not js:
            options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(15)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        try:
            driver.quit()
        except WebDriverException:
            pass


def wait(driver, seconds):
    # The live script replaces the list while we read it: a stale element just means "look again".
    return WebDriverWait(driver, seconds, poll_frequency=0.05, ignored_exceptions=[StaleElementReferenceException])


def names_on_page(driver):
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, "#participants li.participant span.name")]


def submitted(driver, expected_id, seconds=5):
    """Waits for the page after a form submission: the expected element, or an error page."""
    wait(driver, seconds).until(lambda d: d.find_elements(By.ID, expected_id) or d.find_elements(By.ID, "error-message"))
    if not driver.find_elements(By.ID, expected_id):
        pytest.fail(f"{driver.current_url} shows an error instead of #{expected_id}: "
                    f"{driver.find_element(By.ID, 'error-message').text!r}")


def create_room(driver, base_url, name):
    driver.get(base_url + "/")
    form = driver.find_element(By.ID, "create-room")
    form.find_element(By.NAME, "display_name").send_keys(name)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    submitted(driver, "room-code")
    path = driver.current_url[len(base_url):]
    assert CANONICAL_ROOM_PATH.match(path), f"not on a room page: {driver.current_url}"
    code = driver.find_element(By.ID, "room-code").text
    assert path == f"/r/{code}"
    assert name in driver.find_element(By.ID, "you-are").text
    return code


def join_by_code(driver, base_url, code, name):
    """Home page -> join-by-code form (typed in lower case without the hyphen) -> room -> join."""
    driver.get(base_url + "/")
    form = driver.find_element(By.ID, "join-by-code")
    form.find_element(By.NAME, "code").send_keys(code.lower().replace("-", ""))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    submitted(driver, "join-room")
    assert driver.current_url == f"{base_url}/r/{code}"
    join = driver.find_element(By.ID, "join-room")
    join.find_element(By.NAME, "display_name").send_keys(name)
    join.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    submitted(driver, "you-are")
    assert name in driver.find_element(By.ID, "you-are").text
    assert names_on_page(driver)[-1] == name


def test_with_javascript_a_joiner_appears_without_reload(stack, browser):
    a, b = browser(js=True), browser(js=True)
    code = create_room(a, stack.base_url, "Ada Alpha")
    section = a.find_element(By.CSS_SELECTOR, "[data-live]")
    version_before = int(section.get_attribute("data-version"))
    marker = a.execute_script("window.__notReloaded = true; return window.__notReloaded;")
    assert marker is True

    join_by_code(b, stack.base_url, code, "Bob Bravo")
    joined_at = time.monotonic()

    wait(a, 2).until(lambda d: "Bob Bravo" in names_on_page(d),
                     message="browser A did not show the new participant within 2 s")
    lag = time.monotonic() - joined_at
    assert lag <= 1.5, f"the new participant appeared after {lag:.2f}s"
    assert a.execute_script("return window.__notReloaded === true"), "the page was reloaded"
    assert names_on_page(a) == ["Ada Alpha", "Bob Bravo"]
    assert a.find_element(By.ID, "participant-count").text.startswith("2 people")
    assert int(section.get_attribute("data-version")) > version_before
    assert a.find_element(By.ID, "you-are").is_displayed()

    a.save_screenshot(SCREENSHOT)
    logs = [entry for entry in a.get_log("browser") if entry.get("level") == "SEVERE"]
    assert not logs, f"console errors in the room page: {logs}"


def test_without_javascript_a_joiner_appears_after_reload(stack, browser):
    a, b = browser(js=False), browser(js=False)
    code = create_room(a, stack.base_url, "Nora NoScript")
    # JavaScript really is off: the <noscript> hint is rendered as visible content.
    hint = a.find_element(By.CSS_SELECTOR, "[data-live] noscript p")
    assert hint.is_displayed() and "Reload" in hint.text
    section = a.find_element(By.CSS_SELECTOR, "[data-live]")
    version_before = section.get_attribute("data-version")

    join_by_code(b, stack.base_url, code, "Otto Offline")
    # With JS on this would have arrived well within a second; without it nothing may change.
    time.sleep(1.5)
    assert names_on_page(a) == ["Nora NoScript"]
    assert section.get_attribute("data-version") == version_before, "something updated the page without JS"

    a.refresh()
    assert names_on_page(a) == ["Nora NoScript", "Otto Offline"]
    assert a.find_element(By.ID, "participant-count").text.startswith("2 people")
    assert int(a.find_element(By.CSS_SELECTOR, "[data-live]").get_attribute("data-version")) > int(version_before)


def test_with_redis_down_a_joiner_still_appears_live(stack, browser, redis_outage):
    a, b = browser(js=True), browser(js=True)
    code = create_room(a, stack.base_url, "Rosa Resilient")
    with redis_outage():
        join_by_code(b, stack.base_url, code, "Dora Down")
        wait(a, 5).until(lambda d: "Dora Down" in names_on_page(d),
                         message="without Redis, browser A did not show the new participant within 5 s")
        assert names_on_page(a) == ["Rosa Resilient", "Dora Down"]
