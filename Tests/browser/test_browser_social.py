"""The social journey of issue 12 in headless Chromium, with JavaScript on and off, two people each
in their own browser: Ana and Ben sign up and become friends, write to each other (live with
JavaScript, through the conversation's refreshing frame without), see each other focusing in a
room and meet there, and then Ana blocks Ben."""

import pytest
from selenium.webdriver.common.by import By

from account_steps import arrive, fill, follow, form_for, press, signed_up, submit
from browser_kit import (
    assert_not_reloaded,
    create_room,
    frame_text,
    join_here,
    mark_page,
    start_timer,
    wait,
)

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
LIVE_SECONDS = 10  # a live change: the channel wakes within a second; spare for a slow runner
FRAME_SECONDS = 15  # the no-JavaScript frame reloads every 10 s


def row(driver, list_id, username):
    """The row for `username` in the list #list_id, or None."""
    found = driver.find_elements(By.CSS_SELECTOR, f"#{list_id} li[data-user='{username}']")
    return found[0] if found else None


def header_count(driver, what):
    return driver.find_element(By.ID, f"nav-{what}-count").text


def sees_count(driver, js, what, expected, mark=None):
    """The header's count of `what` reads `expected`: live on the open page with JavaScript (not
    reloaded), on the next load without."""
    if js:
        wait(driver, LIVE_SECONDS).until(lambda d: header_count(d, what) == expected,
                                         message=f"the header's {what} count did not become {expected!r} live "
                                                 f"on {driver.current_url}")
        assert_not_reloaded(driver, mark, f"the {what} count")
    else:
        driver.refresh()
        assert header_count(driver, what) == expected, \
            f"the header's {what} count is {header_count(driver, what)!r} after a reload, not {expected!r}"


@JS_MODES
def test_two_friends_write_meet_in_a_room_and_one_blocks_the_other(stack, browser, mailbox, js):
    base = stack.base_url
    ana, ben = browser(js=js), browser(js=js)
    ana_name = signed_up(ana, base, mailbox, "ana")
    ben_name = signed_up(ben, base, mailbox, "ben")

    become_friends(base, ana, ana_name, ben, ben_name, js)
    exchange_messages(base, ana, ana_name, ben, ben_name, js)
    focus_together(base, ana, ana_name, ben, ben_name, js)
    block(base, ana, ana_name, ben, ben_name)


def become_friends(base, ana, ana_name, ben, ben_name, js):
    # Ben waits on /me, where signing up left him.
    ben_mark = mark_page(ben) if js else None
    ana.get(f"{base}/u/{ben_name}")
    arrive(ana, "profile", what="Ben's profile")
    press(ana, "/friends/requests", "request-sent", "Ana pressing Add friend on Ben's profile")

    sees_count(ben, js, "notifications", "(1)", ben_mark)
    follow(ben, "/notifications", "notice-list", "Ben's notifications link")
    notice = ben.find_element(By.CSS_SELECTOR, "#notice-list li[data-kind=friend_request]")
    assert f"{ana_name} sent you a friend request" in notice.text, f"the notice says {notice.text!r}"
    press(ben, "/notifications/" + notice.get_attribute("id").removeprefix("notice-") + "/open", "friends",
          "Ben opening the friend request notice")
    asking = row(ben, "incoming-requests", ana_name)
    assert asking is not None, f"Ben's /friends does not list Ana's request: {ben.find_element(By.ID, 'friends').text!r}"
    accept = asking.find_element(By.CSS_SELECTOR, "form[action$='/accept']").get_dom_attribute("action")
    press(ben, accept, "friends", "Ben accepting Ana's request on /friends", within=asking)

    assert row(ben, "friends-list", ana_name) is not None, "Ben's /friends does not list Ana after accepting"
    follow(ana, "/friends", "friends", "Ana's friends link")
    assert row(ana, "friends-list", ben_name) is not None, "Ana's /friends does not list Ben after he accepted"


def exchange_messages(base, ana, ana_name, ben, ben_name, js):
    # Ben opens the conversation from Ana's profile and leaves it open.
    ben.get(f"{base}/u/{ana_name}")
    arrive(ben, "profile", what="Ana's profile")
    follow(ben, f"/messages/{ana_name}", "conversation", "the Send a message link on Ana's profile")
    assert ben.find_elements(By.ID, "no-messages"), "a new conversation does not say it has no messages yet"
    ben_mark = mark_page(ben) if js else None

    hello = "Hello Ben, focus at ten?"
    ana.get(f"{base}/u/{ben_name}")
    arrive(ana, "profile", what="Ben's profile")
    follow(ana, f"/messages/{ben_name}", "conversation", "the Send a message link on Ben's profile")
    form = form_for(ana, f"/messages/{ben_name}", "Ana's conversation with Ben")
    fill(form, "text", hello)
    submit(ana, form, "conversation", "Ana sending a message")
    assert hello in ana.find_element(By.ID, "dm-list").text, "Ana's message is not in her conversation"
    # Ana moves on, so Ben's answer waits for her unread.
    follow(ana, "/me", "me", "Ana's link to /me")
    ana_mark = mark_page(ana) if js else None

    if js:
        wait(ben, LIVE_SECONDS).until(lambda d: hello in d.find_element(By.ID, "dm-list").text,
                                      message="Ana's message did not appear in Ben's open conversation")
        assert_not_reloaded(ben, ben_mark, "Ben's conversation")
    else:
        wait(ben, FRAME_SECONDS).until(lambda d: hello in frame_text(d, "dm-frame"),
                                       message="Ana's message did not appear in the refreshing frame of Ben's "
                                               f"conversation within {FRAME_SECONDS}s")

    reply = "Yes! See you in a room."
    form = form_for(ben, f"/messages/{ana_name}", "Ben's conversation with Ana")
    fill(form, "text", reply)
    submit(ben, form, "conversation", "Ben replying")
    listed = ben.find_element(By.ID, "dm-list").text
    assert hello in listed and reply in listed and listed.index(hello) < listed.index(reply), \
        f"Ben's conversation does not show both messages in order: {listed!r}"

    # Ana has one unread message from Ben, in the header and on /messages, until she opens it.
    sees_count(ana, js, "messages", "(1)", ana_mark)
    follow(ana, "/messages", "conversation-list", "Ana's messages link")
    item = ana.find_element(By.XPATH, f"//ul[@id='conversation-list']/li[a[@href='/messages/{ben_name}']]")
    badge = item.find_elements(By.CSS_SELECTOR, ".badge")
    assert badge and badge[0].text == "1", f"/messages does not count 1 unread from Ben: {item.text!r}"
    assert reply in item.text, f"/messages does not preview Ben's reply: {item.text!r}"
    follow(ana, f"/messages/{ben_name}", "conversation", "Ana opening the conversation from /messages")
    assert reply in ana.find_element(By.ID, "dm-list").text, "Ben's reply is not in Ana's conversation"
    assert header_count(ana, "messages") == "", "opening the conversation did not clear Ana's unread count"


def focus_together(base, ana, ana_name, ben, ben_name, js):
    if js:
        # Ana keeps /me open; Ben's row arrives there by itself.
        follow(ana, "/me", "me", "Ana's link to /me")
        ana_mark = mark_page(ana)
    code = create_room(ben, base, ben_name)
    start_timer(ben, "Ben starting the room's timer")
    focusing = f"Focusing in room {code} (25 min left)"

    def ben_focusing(d):
        found = row(d, "me-friends", ben_name)
        return found is not None and found.get_attribute("data-presence") == "focusing" \
            and found.find_element(By.CSS_SELECTOR, ".presence").text == focusing and found

    if js:
        friend = wait(ana, LIVE_SECONDS).until(ben_focusing, message=f"Ana's open /me did not show Ben {focusing!r}")
        assert_not_reloaded(ana, ana_mark, "Ana's /me")
    else:
        follow(ana, "/me", "me", "Ana's link to /me")
        friend = ben_focusing(ana)
        assert friend, f"Ana's /me does not show Ben {focusing!r}: {ana.find_element(By.ID, 'me').text!r}"
    link = friend.find_element(By.CSS_SELECTOR, "a.presence-room")
    assert link.get_dom_attribute("href") == f"/r/{code}", f"the link next to Ben goes to {link.get_dom_attribute('href')}"

    link.click()
    arrive(ana, "join-room", what="the room Ana followed Ben into")
    assert ana.find_element(By.ID, "room-code").text == code
    join_here(ana, "Ana joining Ben's room")
    wait(ana, LIVE_SECONDS if js else 1).until(
        lambda d: (r := row(d, "room-friends", ben_name)) is not None and r.get_attribute("data-presence") == "focusing",
        message="the room's side column does not list Ben focusing, for Ana")


def block(base, ana, ana_name, ben, ben_name):
    # Ben has the conversation open and a message typed when Ana blocks him.
    ben.get(f"{base}/messages/{ana_name}")
    arrive(ben, "conversation", what="Ben's conversation with Ana")
    form = form_for(ben, f"/messages/{ana_name}", "Ben's conversation with Ana")
    late = "Are you coming back?"
    fill(form, "text", late)

    ana.get(f"{base}/u/{ben_name}")
    arrive(ana, "profile", what="Ben's profile")
    press(ana, "/friends/block", "profile-unavailable", "Ana blocking Ben on his profile")
    assert ana.find_elements(By.ID, "unblock"), "Ana's view of Ben's profile after blocking him offers no Unblock"

    submit(ben, form, "conversation", "Ben sending after Ana blocked him")
    refusal = ben.find_elements(By.ID, "dm-refusal")
    assert refusal and refusal[0].text == f"You cannot send messages to @{ana_name}.", \
        f"the refused message does not say why: {ben.find_element(By.ID, 'conversation').text!r}"
    assert not ben.find_elements(By.ID, "dm-form"), "the conversation still offers to send to someone who blocked you"
    assert late not in ben.find_element(By.ID, "dm-list").text, "the refused message was shown as sent"

    follow(ben, "/friends", "friends", "Ben's friends link")
    assert row(ben, "friends-list", ana_name) is None, "Ben's /friends still lists Ana after she blocked him"
    ben.get(f"{base}/u/{ana_name}")
    said = arrive(ben, "not-available", what="Ana's profile, for Ben").text
    assert said == "This profile is not available.", f"Ana's profile says {said!r} to Ben"
