"""Issue 14's journey 3 in headless Chromium, with JavaScript on and off: a new account finds its
empty vault from /me, adds quotes (Markdown, a source, tags), marks a favourite, filters by tag,
imports a block of Markdown, sees one of its quotes on /me, and one during a break in its room."""

import pytest
from selenium.webdriver.common.by import By

from account_steps import arrive, console_errors, fill, follow, form_for, press, signed_up, submit
from browser_kit import assert_accessible, create_room, start_timer, wait

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])

QUOTES = {
    "Small steps, every day.": "habits",
    "Rest is work too.": "calm",
    "Begin anywhere.": "calm",
}


def add_quote(driver, body, source, tags):
    form = form_for(driver, "/me/vault", "the vault's add form")
    fill(form, "body", body)
    fill(form, "source", source)
    fill(form, "tags", tags)
    submit(driver, form, "vault", f"adding {body!r}")


def listed(driver):
    """The quotes' texts on the vault page, in the order shown."""
    return [li.find_element(By.CSS_SELECTOR, ".vault-quote-text").text
            for li in driver.find_elements(By.CSS_SELECTOR, "#vault-quotes li.vault-item")]


@JS_MODES
def test_add_quotes_and_see_one_on_me(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    signed_up(driver, base, mailbox, "quoter")
    assert "Your vault is empty" in arrive(driver, "me-vault").text
    follow(driver, "/me/vault", "vault", "the vault link on /me")

    add_quote(driver, "Small **steps**, every day.", "Anon", "Habits")
    add_quote(driver, "Rest is *work* too.", "", "calm, #Rest")
    assert listed(driver) == ["Rest is work too.", "Small steps, every day."]
    emphasis = driver.find_element(By.CSS_SELECTOR, "#vault-quotes .vault-quote-text em")
    assert emphasis.text == "work", "the Markdown is rendered"

    rest = driver.find_elements(By.CSS_SELECTOR, "#vault-quotes li.vault-item")[0]
    action = rest.find_element(By.CSS_SELECTOR, "form[action$='/favourite']").get_dom_attribute("action")
    press(driver, action, "vault", "marking a favourite", within=rest)
    assert driver.find_elements(By.CSS_SELECTOR, "#vault-quotes li[data-favourite] .vault-star"), "no star after marking"

    driver.find_element(By.CSS_SELECTOR, "#vault-tag-filter a[href='/me/vault?tag=habits']").click()
    arrive(driver, "vault-matching", what="filtering by #habits")
    assert listed(driver) == ["Small steps, every day."]

    follow(driver, "/me/vault/import", "vault-import", "the import link")
    assert "---" in driver.find_element(By.ID, "vault-format").text, "the import page shows the format"
    form = form_for(driver, "/me/vault/import", "the import form")
    fill(form, "markdown", "Begin anywhere.\n— John Cage\ntags: calm")
    submit(driver, form, "vault-imported", "importing one quote")
    assert "Imported 1 quote" in driver.find_element(By.ID, "vault-imported").text
    assert len(listed(driver)) == 3
    if js:  # axe-core runs as a script
        assert_accessible(driver, "the vault page")

    follow(driver, "/me", "me-quote", "the link back to /me")
    shown = driver.find_element(By.CSS_SELECTOR, "#me-quote .vault-quote-text").text
    assert shown in QUOTES, f"/me shows {shown!r}, not one of the quotes added"
    if js:
        assert_accessible(driver, "/me with a quote")
        assert not console_errors(driver), f"console errors: {console_errors(driver)}"

    # In a room: the quote waits hidden during focus and shows in the break (with JavaScript the
    # timer is swapped in place and the stylesheet shows it).
    create_room(driver, base, "Quinn Quoter")
    assert not driver.find_element(By.ID, "break-quote").is_displayed(), "a quote shows before any break"
    start_timer(driver, "the host starting the timer")
    driver.find_element(By.CSS_SELECTOR, "#timer-controls button[name=action][value=skip]").click()
    wait(driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".timer-state").get_attribute("data-kind") == "break",
        message="skipping the focus did not lead to a break")
    wait(driver, 5).until(lambda d: d.find_element(By.ID, "break-quote").is_displayed(),
                          message="no quote shows during the break")
    shown = driver.find_element(By.CSS_SELECTOR, "#break-quote .vault-quote-text").text
    assert shown in QUOTES, f"the break shows {shown!r}"
