"""The focus journey of issue 11 in headless Chromium, with JavaScript on and off: a guest makes a
room and focuses through a whole segment, signs up in the same browser, and finds the minutes on
/me with their place on this week's board, First Focus announced, and the same on their stats page."""

import pytest
from selenium.webdriver.common.by import By

from account_steps import arrive, confirm_mailed_link, follow, sign_up
from accounts_kit import unique_email, unique_username
from browser_kit import create_room, wait
from pomopomo_testkit import User
from rooms_kit import Room, wait_for
from stats_kit import time_passes, wait_for_credit

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
FOCUS = 1500


@JS_MODES
def test_a_guest_focuses_signs_up_and_finds_their_minutes_rank_and_first_focus(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    code = create_room(driver, base, "Greta Guest")
    driver.find_element(By.CSS_SELECTOR, "#timer-controls button[name=action][value=start]").click()
    room = Room(stack, code, User(base), "Greta Guest")
    wait_for(lambda: stack.psql("select status from rooms where id = :'v1'", room.id) == "running", 5,
             "the timer running after pressing Start")

    # The whole focus segment passes with the page open; the guest is credited for it.
    time_passes(stack, room, FOCUS)
    wait_for_credit(stack, room, 1)

    email, username = unique_email("focuser"), unique_username("focuser")
    driver.get(base + "/")
    sign_up(driver, base, email, username)
    me = confirm_mailed_link(driver, base, mailbox, email, "Confirm your Pomopomo account", "/auth/verify",
                             "confirming the account by the mailed link")

    today = me.find_element(By.ID, "me-today").text
    assert today in ("25 min", "24 min"), f"/me says today's focus is {today!r}, not the 25 minutes focused as a guest"
    assert me.find_element(By.ID, "me-sessions").text == "1"
    assert me.find_element(By.ID, "me-streak").text.startswith("1")
    rank = me.find_element(By.ID, "me-rank").text
    assert rank.startswith("This week you are #") and "leaderboards" in rank, f"/me shows no place: {rank!r}"
    notice = driver.find_elements(By.ID, "achievement-notice")
    assert notice and "First Focus" in notice[0].text, "signing up did not announce First Focus"

    follow(driver, f"/u/{username}/stats", "figures", "the link to all my focus stats")
    figures = driver.find_element(By.ID, "figures").text
    assert "25 min" in figures or "24 min" in figures, f"the stats page does not show the minutes: {figures[:300]!r}"
    driver.get(f"{base}/u/{username}")
    arrive(driver, "achievements", what="my profile")
    wait(driver, 5).until(lambda d: "First Focus" in d.find_element(By.ID, "achievements").text,
                          message="First Focus is not on my profile")
