"""The personal timer's journey of issue 13 in headless Chromium, with JavaScript on and off: a
person signs up, sets a short focus on /settings/timer, starts it on /timer, lets it run to its end,
sees today's count go up, sets the count by hand, and sees a second tab of theirs follow: live with
JavaScript, on its next load without."""

import pytest
from selenium.webdriver.common.by import By

from account_steps import arrive, fill, follow, form_for, press, signed_up, submit
from browser_kit import assert_not_reloaded, mark_page, wait

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
LIVE_SECONDS = 10  # the sweeper moves an ended segment within a second or so; spare for a slow runner


def count_on(driver) -> str:
    return driver.find_element(By.ID, "today-count").text


def phase_on(driver) -> str:
    return driver.find_element(By.ID, "ptimer-state").get_attribute("data-phase")


def sees(driver, js, what, check, mark=None):
    """`check(driver)` comes true: live on the open page with JavaScript (not reloaded), on the
    next load without."""
    if js:
        wait(driver, LIVE_SECONDS).until(lambda d: check(d), message=f"{what} did not happen live on {driver.current_url}")
        assert_not_reloaded(driver, mark, what)
    else:
        # Reloading as a person would (the sweeper may take a moment to move the timer on).
        def reloaded(d):
            d.refresh()
            arrive(d, "ptimer", what=what)
            return check(d)
        wait(driver, LIVE_SECONDS).until(reloaded, message=f"{what}: not so after reloading {driver.current_url}")


@JS_MODES
def test_configure_run_a_focus_to_its_end_set_the_count_and_see_another_tab_follow(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    username = signed_up(driver, base, mailbox, "tim")

    # Configure: a one-minute focus, breaks that wait to be started.
    driver.get(base + "/settings/timer")
    form = form_for(driver, "/settings/timer", "the timer settings page")
    fill(form, "focus_minutes", "1")
    fill(form, "short_break_minutes", "1")
    auto_breaks = form.find_element(By.ID, "ts-auto-breaks")
    if auto_breaks.is_selected():
        auto_breaks.click()
    submit(driver, form, "saved", "saving the timer settings")

    # Start the focus from /timer, reached from the navigation.
    follow(driver, "/timer", "ptimer", "the Timer link")
    assert count_on(driver) == "0"
    assert "Focus 1 of 4" in driver.find_element(By.ID, "ptimer-cycle").text
    press(driver, "/timer/start", "ptimer", "pressing Start")
    state = driver.find_element(By.ID, "ptimer-state")
    assert state.get_attribute("data-status") == "running"
    assert driver.find_element(By.ID, "ptimer-clock").text in ("01:00", "00:59", "00:58")
    assert driver.find_element(By.ID, "ptimer-ends").get_attribute("datetime"), "the page does not carry the absolute end"

    # A second tab of the same person on /timer.
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(base + "/timer")
    arrive(driver, "ptimer", what="the second tab")
    second = driver.current_window_handle
    second_mark = mark_page(driver) if js else None
    driver.switch_to.window(first)
    first_mark = mark_page(driver) if js else None

    # The minute passes (moved on in the database, as if it had): the sweeper ends the focus.
    user_id = stack.psql("select id from users where username = :'v1'", username)
    stack.psql("update personal_timers set segment_ends_at = now() - interval '200 milliseconds', version = version + 1"
               " where user_id = :'v1' and status = 'running'", user_id)
    sees(driver, js, "the focus ending and today's count reaching 1",
         lambda d: count_on(d) == "1" and phase_on(d) == "short_break", first_mark)
    assert driver.find_element(By.ID, "ptimer-state").get_attribute("data-status") == "idle", \
        "the break started by itself although auto-start of breaks is off"
    if js:
        assert driver.title.startswith("Timer") or "Short break" in driver.title

    # Set the count by hand.
    form = form_for(driver, "/timer/count", "the count form")
    fill(form, "count", "7")
    submit(driver, form, "ptimer", "setting today's count to 7")
    assert count_on(driver) == "7"
    assert driver.find_elements(By.ID, "today-count-manual"), "the page does not say the count was set by hand"

    # The other tab follows.
    driver.switch_to.window(second)
    sees(driver, js, "the second tab showing the count set in the first", lambda d: count_on(d) == "7", second_mark)
    assert phase_on(driver) == "short_break"

    # A bad count is refused with the reason, and the count stays.
    driver.switch_to.window(first)
    driver.get(base + "/timer")
    driver.execute_script("var i = document.getElementById('count-input'); i.removeAttribute('max'); i.value = '1001';")
    form = form_for(driver, "/timer/count", "the count form")
    submit(driver, form, "timer-count-page", "setting today's count to 1001")
    assert "1000" in driver.find_element(By.ID, "count-error").text
    driver.get(base + "/timer")
    assert count_on(driver) == "7"

    # The history shows today's session and the count set by hand.
    driver.get(base + "/timer/history")
    arrive(driver, "timer-history", what="the history page")
    assert "7" in driver.find_element(By.ID, "history-today-count").text
    assert "Set by hand" in driver.find_element(By.ID, "history-events").text
