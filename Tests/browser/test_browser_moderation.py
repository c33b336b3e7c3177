"""The moderation journey of issue 17 in headless Chromium, with JavaScript on and off: a person
reports a chat message from the message's "Report" link; an admin finds it in the report queue and
resolves it by muting the sender; the sender's next words reach nobody else; the audit log shows
what the admin did. (The admin's second factor has a journey of its own,
test_browser_admin_two_factor.py: here the kit passes it for the admin's browser session.)"""

import pytest
from selenium.webdriver.common.by import By

from account_steps import arrive, fill, follow, form_for, signed_up, submit
from accounts_kit import admin_two_factor
from browser_kit import create_room, join_here, wait
from pomopomo_testkit import User

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])


def say(driver, text):
    field = driver.find_element(By.ID, "chat-text")
    field.clear()
    field.send_keys(text)
    driver.find_element(By.CSS_SELECTOR, "#chat-form button[type=submit]").click()
    wait(driver, 10).until(lambda d: any(text in el.text for el in d.find_elements(By.CSS_SELECTOR, "#chat-messages .text")),
                           message=f"the sender's page does not show {text!r}")


@JS_MODES
def test_a_reported_chat_message_is_resolved_by_muting_the_sender(stack, browser, mailbox, js):
    base = stack.base_url
    sender, reporter, admin = browser(js=js), browser(js=js), browser(js=js)
    signed_up(sender, base, mailbox, "spammer")
    reporter_name = signed_up(reporter, base, mailbox, "reporter")
    admin_name = signed_up(admin, base, mailbox, "modadmin")
    email = stack.psql("update users set role = 'ADMIN' where username = :'v1' returning email", admin_name).splitlines()[0]
    # The second factor is marked on the session: pass it with the browser's own session cookie.
    same_session = User(base)
    same_session.http.cookies.set("pp_sid", admin.get_cookie("pp_sid")["value"])
    admin_two_factor(stack, same_session, email)

    code = create_room(sender, base, "Sam Spammer")
    reporter.get(f"{base}/r/{code}")
    join_here(reporter, "the reporter joins")
    say(sender, "cheap watches at spam.example")

    # The reporter reports the message from its own "Report" link, choosing a reason.
    reporter.get(f"{base}/r/{code}")
    wait(reporter, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat-messages a.report-link"))
    link = next(a for a in reporter.find_elements(By.CSS_SELECTOR, "#chat-messages li.message")
                if "cheap watches" in a.text).find_element(By.CSS_SELECTOR, "a.report-link")
    link.click()
    form = arrive(reporter, "report-form", what="the report form")
    assert "cheap watches" in reporter.find_element(By.ID, "reported-excerpt").text
    form.find_element(By.CSS_SELECTOR, "input[name=reason][value=spam]").click()
    fill(form, "details", "Advertising in every room")
    submit(reporter, form, "report-sent", "sending the report")

    # The admin finds it in the queue and mutes the sender.
    admin.get(base + "/admin")
    follow(admin, "/admin/reports", "reports-table", "the admin menu's reports")
    row = next(tr for tr in admin.find_elements(By.CSS_SELECTOR, "#reports-table tbody tr") if "cheap watches" in tr.text)
    row.find_element(By.TAG_NAME, "a").click()
    arrive(admin, "resolve-form", what="the reported message's page")
    assert reporter_name in admin.find_element(By.ID, "report-list").text
    form = form_for(admin, admin.current_url.split(base)[1] + "/resolve", "the resolve form")
    form.find_element(By.CSS_SELECTOR, "input[name=action][value=mute]").click()
    fill(form, "note", "Spam in chat")
    submit(admin, form, "report-list", "resolving by muting")
    assert "Resolved" in admin.find_element(By.ID, "report-list").text

    # The sender's next message reaches nobody else (they see it themselves).
    say(sender, "more watches")
    reporter.get(f"{base}/r/{code}")
    arrive(reporter, "chat-messages", what="the room")
    assert "more watches" not in reporter.find_element(By.ID, "chat-messages").text

    # The audit log shows both steps, by this admin.
    follow(admin, "/admin/audit", "audit-table", "the admin menu's audit log")
    table = admin.find_element(By.ID, "audit-table").text
    assert "Participant muted" in table and "Report resolved" in table and "Spam in chat" in table and admin_name in table
