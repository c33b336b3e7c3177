"""Achievements in the browser: with JavaScript on, a room page that stays open tells its
signed-in reader what the segment that just ended earned them, and "Got it" puts it away."""

from selenium.webdriver.common.by import By

from accounts_kit import user_id
from browser_kit import wait
from rooms_kit import new_room
from stats_kit import time_of_day_achievements, time_passes, wait_for_credit

FOCUS = 1500


def test_a_room_page_left_open_shows_first_focus_when_the_segment_ends(stack, account, browser):
    acct = account("live")
    room = new_room(stack, acct.user, "Lou Live")
    room.host.ok("/timer", action="start", at="0")

    driver = browser(js=True)
    driver.get(stack.base_url + "/healthz")  # cookies can only be set for the site the browser is on
    for name in ("pp_sid", "pp_in"):
        driver.add_cookie({"name": name, "value": acct.user.http.cookies.get(name), "path": "/", "sameSite": "Lax"})
    driver.get(f"{stack.base_url}/r/{room.code}")
    wait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-sound-toggle]").is_displayed(),
                           message="the room page's script did not start")
    assert not driver.find_elements(By.ID, "achievement-notice")
    driver.execute_script("window.__notReloaded = true;")

    time_passes(stack, room, FOCUS)
    wait_for_credit(stack, room, 1)
    wait(driver, 10).until(lambda d: d.find_elements(By.ID, "achievement-notice"),
                           message="no notice on the open page after the focus segment ended")
    assert driver.execute_script("return window.__notReloaded === true"), "the page was reloaded to show it"
    notice = driver.find_element(By.ID, "achievement-notice")
    also = time_of_day_achievements(stack, user_id(stack, acct.email))  # from 22:00 to 07:00 UTC
    if also:  # Night Owl or Early Bird at once: the notice counts them and names each
        assert f"You earned {1 + len(also)} achievements" in notice.text and "First Focus" in notice.text, notice.text
    else:
        assert "You earned First Focus" in notice.text

    notice.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, 10).until(lambda d: d.execute_script("return window.__notReloaded !== true")
                           and d.find_elements(By.ID, "room"), message="Got it did not lead back to the room")
    assert driver.current_url.endswith(f"/r/{room.code}")
    assert not driver.find_elements(By.ID, "achievement-notice")
    seen = stack.psql("select seen_at is not null from user_achievements where user_id = :'v1'"
                      " and achievement = 'first_focus'", user_id(stack, acct.email))
    assert seen == "t"
