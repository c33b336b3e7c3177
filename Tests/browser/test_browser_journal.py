"""Issue 15's journey in headless Chromium, with JavaScript on and off: a new account starts a focus
on /timer with the "Coding" chip, pauses for "Door" and resumes, lets the focus run to its end (the
journal session completes with it and the break opens), picks "Tea or coffee" for the break, and
sees the day on /journal. The chips are radio buttons: a tap on the chip's label chooses it."""

import pytest
from selenium.webdriver.common.by import By

from account_steps import arrive, console_errors, follow, form_for, signed_up, submit
from browser_kit import assert_accessible, assert_not_reloaded, mark_page, wait

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
LIVE_SECONDS = 10


def tap_chip(form, value):
    """Taps the chip (the label) of the radio button with this value, as a person would."""
    chip = form.find_element(By.XPATH, f".//label[contains(@class, 'chip')][.//input[@value='{value}']]")
    chip.click()
    assert chip.find_element(By.TAG_NAME, "input").is_selected(), f"tapping the {value} chip did not choose it"


def text_of(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else None


@JS_MODES
def test_start_with_an_intent_pause_for_the_door_complete_pick_tea_and_see_the_day(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    username = signed_up(driver, base, mailbox, "journ")
    user_id = stack.psql("select id from users where username = :'v1'", username)

    follow(driver, "/timer", "ptimer", "the Timer link")
    start = form_for(driver, "/timer/start", "the Start form")
    assert "What is this focus for?" in start.text
    tap_chip(start, "coding")
    submit(driver, start, "journal-open", "starting a focus for coding")
    assert text_of(driver, "journal-open-intent") == "Coding"
    assert driver.find_element(By.ID, "ptimer-state").get_attribute("data-status") == "running"
    if js:
        assert_accessible(driver, "/timer with a journaled focus")

    pause = form_for(driver, "/timer/pause", "the Pause form")
    tap_chip(pause, "door")
    submit(driver, pause, "journal-pause", "pausing for the door")
    assert text_of(driver, "journal-pause-category") == "Door"
    submit(driver, form_for(driver, "/timer/resume", "the Resume form"), "journal-open", "resuming")
    assert driver.find_element(By.ID, "journal-open").get_attribute("data-status") == "running"

    # The focus runs out (moved on in the database, as if it had): the sweeper completes it, and
    # the session with it; the break's chips appear live with JavaScript, on reload without.
    mark = mark_page(driver) if js else None
    stack.psql("update personal_timers set segment_ends_at = now() - interval '200 milliseconds', version = version + 1"
               " where user_id = :'v1' and status = 'running'", user_id)
    if js:
        wait(driver, LIVE_SECONDS).until(lambda d: d.find_elements(By.ID, "journal-break"),
                                         message="the break did not appear live")
        assert_not_reloaded(driver, mark, "the focus ending")
    else:
        def reloaded(d):
            d.refresh()
            arrive(d, "ptimer", what="reloading /timer")
            return d.find_elements(By.ID, "journal-break")
        wait(driver, LIVE_SECONDS).until(reloaded, message="no break after the focus ended")
    assert text_of(driver, "today-count") == "1"

    activity = driver.find_element(By.CSS_SELECTOR, "#journal-break form.journal-choice")
    tap_chip(activity, "tea_coffee")
    submit(driver, activity, "journal-break-activity", "picking tea for the break")
    assert text_of(driver, "journal-break-activity") == "Tea or coffee"

    follow(driver, "/journal", "journal", "the link to the journal")
    day = driver.find_element(By.CSS_SELECTOR, "#journal-days article.journal-day")
    entry = day.find_element(By.CSS_SELECTOR, "li.journal-entry")
    assert entry.get_attribute("data-status") == "completed"
    assert entry.find_element(By.CSS_SELECTOR, ".journal-intent").text == "Coding"
    assert [el.text for el in entry.find_elements(By.CSS_SELECTOR, ".journal-category")] == ["Door"]
    assert entry.find_element(By.CSS_SELECTOR, ".journal-activity").text == "Tea or coffee"
    assert "1 session · 1 completed · 0 ended early" in day.text
    # A voice note can be added to each entry without JavaScript: a file input that opens the recorder.
    voice = entry.find_elements(By.CSS_SELECTOR, "form[action='/journal/audio'] input[type=file][capture]")
    assert len(voice) == 3, "the session, its pause and its break each take a voice note"
    if js:
        assert_accessible(driver, "the journal page")
        assert not console_errors(driver), f"console errors: {console_errors(driver)}"
