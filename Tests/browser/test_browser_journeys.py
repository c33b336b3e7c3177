"""Browser journeys in headless Chromium: two people meet in a room, with JavaScript on (live
updates without reload), with JavaScript off (the same pages work by reloading), and while Redis
is down (updates slow down but still arrive)."""

import os
import time

from selenium.webdriver.common.by import By

from browser_kit import create_room, join_by_code, names_on_page, wait

SCREENSHOT = "pomopomo-room.png"  # in the stack's data dir: `KEEP=1 make test` keeps it


def test_with_javascript_a_joiner_appears_without_reload(stack, browser, data_dir):
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

    a.save_screenshot(os.path.join(data_dir, SCREENSHOT))
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
