"""What the browser journeys share: waiting on a live page (and telling that it was not reloaded),
reading a frame, the home page's create and join forms and a room's Join and Start driven as a
person would, and the accessibility check (axe-core) every page must pass."""

import secrets

import pytest
from axe_selenium_python import Axe
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from pomopomo_testkit import CANONICAL_ROOM_PATH


def wait(driver, seconds):
    # The live script replaces parts of the page while we read them: a stale element just means
    # "look again".
    return WebDriverWait(driver, seconds, poll_frequency=0.05,
                         ignored_exceptions=[StaleElementReferenceException, NoSuchElementException])


def mark_page(driver):
    """Leaves a mark in the page's window (JavaScript on): a reload or navigation wipes it, so
    `assert_not_reloaded` tells a live update from a new page."""
    mark = secrets.token_hex(8)
    driver.execute_script("window.pomopomoMark = arguments[0];", mark)
    return mark


def assert_not_reloaded(driver, mark, what):
    assert driver.execute_script("return window.pomopomoMark || null;") == mark, \
        f"{what}: the page was loaded again ({driver.current_url}), not updated in place"


def frame_text(driver, frame_id):
    """The text of the frame #frame_id as it is now (it may have reloaded itself meanwhile);
    the driver is back on the page afterwards."""
    driver.switch_to.default_content()
    frames = driver.find_elements(By.ID, frame_id)
    if not frames:
        return ""
    driver.switch_to.frame(frames[0])
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.switch_to.default_content()


def names_on_page(driver):
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, "#participants li.participant span.name")]


def submitted(driver, expected_id, seconds=5):
    """Waits for the page after a form submission: the expected element, or an error page."""
    wait(driver, seconds).until(lambda d: d.find_elements(By.ID, expected_id) or d.find_elements(By.ID, "error-message"))
    if not driver.find_elements(By.ID, expected_id):
        pytest.fail(f"{driver.current_url} shows an error instead of #{expected_id}: "
                    f"{driver.find_element(By.ID, 'error-message').text!r}")


def create_room(driver, base_url, name, preset=None):
    driver.get(base_url + "/")
    form = driver.find_element(By.ID, "create-room")
    field = form.find_element(By.NAME, "display_name")
    field.clear()  # signed in, it holds the display name already
    field.send_keys(name)
    if preset is not None:
        fields = form.find_elements(By.NAME, "preset")
        if not fields:
            pytest.fail("the home page's #create-room form has no `preset` field, so a host cannot start "
                        f"with the {preset!r} queue (contract: POST /rooms preset=classic|empty)")
        if fields[0].tag_name == "select":
            Select(fields[0]).select_by_value(preset)
        else:
            form.find_element(By.CSS_SELECTOR, f"[name=preset][value={preset}]").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    submitted(driver, "room-code")
    path = driver.current_url[len(base_url):]
    assert CANONICAL_ROOM_PATH.match(path), f"not on a room page: {driver.current_url}"
    code = driver.find_element(By.ID, "room-code").text
    assert path == f"/r/{code}"
    assert name in driver.find_element(By.ID, "you-are").text
    assert driver.find_element(By.ID, "room").get_attribute("data-viewer-role") == "host"
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
    assert driver.find_element(By.ID, "room").get_attribute("data-viewer-role") == "guest"
    assert names_on_page(driver)[-1] == name


def join_here(driver, what):
    """On a room's page, presses Join with the name the form offers (a signed-in person's display
    name); the page (in place with JavaScript, a new one without) then says who you are."""
    form = driver.find_element(By.ID, "join-room")
    name = form.find_element(By.NAME, "display_name").get_attribute("value")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, 10).until(lambda d: name in d.find_element(By.ID, "you-are").text,
                           message=f"{what}: the room does not say the visitor joined as {name!r}")


def start_timer(driver, what):
    """The host presses Start; the controls then offer Pause."""
    driver.find_element(By.CSS_SELECTOR, "#timer-controls button[name=action][value=start]").click()
    wait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#timer-controls button[name=action][value=pause]"),
        message=f"{what}: after pressing Start the timer offers no Pause")


# axe-core rules switched off for every page, each with the reason; a rule that is wrong for one
# element is better fixed there. Empty: every rule applies.
AXE_RULES_OFF: dict[str, str] = {}

AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, arguments[0]).then(function (results) { done(results.violations); },
                                     function (error) { done({error: String(error)}); });
"""


def assert_accessible(driver, what):
    """Runs axe-core (bundled with axe-selenium-python, so no network) on the page as it is now,
    script-made parts included, and fails on any violation, whatever its impact: the list says
    which rule, how bad, where (CSS selectors), and for contrast the colours and the ratio."""
    Axe(driver).inject()
    options = {"rules": {rule: {"enabled": False} for rule in AXE_RULES_OFF}}
    violations = driver.execute_async_script(AXE_RUN, options)
    if isinstance(violations, dict):
        pytest.fail(f"axe-core could not check {what} at {driver.current_url}: {violations['error']}")
    if violations:
        pytest.fail(f"{what} at {driver.current_url}: {len(violations)} accessibility rule(s) broken "
                    f"(axe-core):\n" + "\n".join(describe_violation(v) for v in violations))


def describe_violation(violation):
    """One line for the rule, one per element: its selector and what axe-core says of it (for
    color-contrast: the colours, the ratio and the ratio needed)."""
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        where = " ".join(" > ".join(t) if isinstance(t, list) else t for t in node["target"])
        failed = node.get("any", []) + node.get("all", []) + node.get("none", [])
        lines.append(f"    {where}: " + " / ".join(check["message"] for check in failed if check.get("message")))
    return "\n".join(lines)
