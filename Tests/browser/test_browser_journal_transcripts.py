"""A voice note's transcript in headless Chromium (issue 15): with JavaScript the words replace
"transcribing…" by themselves once the server's job has heard them (no reload; the player is left
alone), and the owner edits them in the note's own form.

It uses the debug-only page /_test/journal/voice (see test_browser_journal_voice.py): one journal
entry's note, drawn by the same partial and script the journal's pages include."""

import pytest
from selenium.webdriver.common.by import By

from account_steps import arrive, console_errors, signed_up
from browser_kit import wait
from journal_audio_kit import add_entries
from journal_transcripts_kit import speak


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    return speak(tmp_path_factory.mktemp("spoken"), "door", "I stopped to answer the door.", "slt")


def test_the_transcript_arrives_live_and_the_owner_edits_it(stack, browser, mailbox, spoken):
    base = stack.base_url
    driver = browser(js=True)
    username = signed_up(driver, base, mailbox, "listener")
    uid = stack.psql("select id from users where username = :'v1'", username)
    entry = add_entries(stack, uid, 1)[0]
    page_url = f"{base}/_test/journal/voice?target=interruption&id={entry.interruption}"
    driver.get(page_url)
    page = arrive(driver, "voice-check", what="the voice-note page")
    form = page.find_element(By.CSS_SELECTOR, "form[data-journal-voice]")
    form.find_element(By.NAME, "voice").send_keys(str(spoken))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    note = wait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "#voice-check .journal-note"))
    # The engine takes seconds; the page is back in a fraction of one.
    assert note.get_attribute("data-transcribing") is not None and "transcribing…" in note.text
    driver.execute_script("window.stillTheSamePage = true;")
    player = note.find_element(By.TAG_NAME, "audio")

    transcript = wait(driver, 90).until(
        lambda d: (t := d.find_element(By.CSS_SELECTOR, ".journal-note p.transcript").text) != "transcribing…" and t)
    assert transcript == "i stopped to answer the door"
    assert driver.execute_script("return window.stillTheSamePage === true;"), "the words came without a reload"
    assert note.get_attribute("data-transcribing") is None
    assert driver.execute_script("return arguments[0].isConnected;", player), "the player was left in place"

    note.find_element(By.CSS_SELECTOR, "details.transcript-edit summary").click()
    box = note.find_element(By.NAME, "transcript")
    assert box.get_attribute("value") == "i stopped to answer the door"
    box.clear()
    box.send_keys("I answered the door: a parcel.")
    note.find_element(By.CSS_SELECTOR, "details.transcript-edit button[type=submit]").click()
    page = arrive(driver, "voice-check", what="back on the note's page after saving")
    assert driver.current_url.split("#")[1].startswith("note-")
    shown = page.find_element(By.CSS_SELECTOR, ".journal-note p.transcript").text
    assert shown == "I answered the door: a parcel. (edited)"
    assert console_errors(driver) == []
