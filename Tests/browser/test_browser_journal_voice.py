"""Voice notes in headless Chromium (issue 15). With JavaScript: Record, a level meter that moves with
the sound, Stop, the note sent and shown in the form's place, and it plays; Chromium's fake
microphone plays a sentence espeak-ng spoke. Without JavaScript: the form's file field (which
opens the recorder on phones) sends a recording, and the page shows the note.

Both use the debug-only page /_test/journal/voice, which shows one journal entry's note or the
form to add one: the same partials and script the journal's own pages include."""

import subprocess

import pytest
import requests
from selenium.webdriver.common.by import By

from account_steps import arrive, console_errors, signed_up
from browser_kit import assert_accessible, wait
from journal_audio_kit import SENTENCE, add_entries, notes


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """The sentence as the fake microphone's WAV, and as an Ogg/Opus file to choose in the file field."""
    d = tmp_path_factory.mktemp("mic")
    wav, ogg = d / "sentence.wav", d / "sentence.ogg"
    subprocess.run(["espeak-ng", "-w", str(wav), SENTENCE], check=True, timeout=60)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", "libopus", str(ogg)],
                   check=True, timeout=60)
    return {"wav": wav, "ogg": ogg}


def journal_entry(stack, username):
    uid = stack.psql("select id from users where username = :'v1'", username)
    return uid, add_entries(stack, uid, 1)[0]


def open_entry(driver, base, target, target_id):
    driver.get(f"{base}/_test/journal/voice?target={target}&id={target_id}")
    return arrive(driver, "voice-check", what="the voice-note page")


def test_record_a_voice_note_and_play_it(stack, browser, mailbox, recordings):
    base = stack.base_url
    driver = browser(js=True, extra_args=(
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={recordings['wav']}"))
    uid, entry = journal_entry(stack, signed_up(driver, base, mailbox, "speaker"))
    page = open_entry(driver, base, "interruption", entry.interruption)
    form = page.find_element(By.CSS_SELECTOR, "form[data-journal-voice]")
    record = wait(driver, 5).until(lambda d: form.find_element(By.CSS_SELECTOR, "button.journal-record"))
    assert form.find_element(By.NAME, "voice").is_displayed(), "the file field stays, as the other way to send one"
    assert_accessible(driver, "the voice-note form with its recorder")

    record.click()
    stop = form.find_element(By.CSS_SELECTOR, "button.journal-stop")
    wait(driver, 10).until(lambda d: stop.is_displayed())
    level = form.find_element(By.CSS_SELECTOR, "meter.journal-level")
    wait(driver, 10).until(lambda d: float(level.get_attribute("value") or 0) > 0.02)  # the meter moves with the voice
    clock = form.find_element(By.CSS_SELECTOR, ".journal-clock")
    wait(driver, 15).until(lambda d: clock.text.startswith("0:03"))
    assert clock.text.endswith("/ 2:00"), "the cap is shown"
    stop.click()

    note = wait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "#voice-check .journal-note"))
    stored = notes(stack, uid)
    assert [n["id"] for n in stored] == [note.get_attribute("data-journal-note")], "the note shown is the one stored"
    assert stored[0]["mime"] == "audio/webm" and 2 <= stored[0]["duration_seconds"] <= 5, stored
    assert "transcribing…" in note.text
    assert not page.find_elements(By.CSS_SELECTOR, "form[data-journal-voice]"), "the note took the form's place"

    audio = note.find_element(By.TAG_NAME, "audio")
    driver.execute_script("arguments[0].play();", audio)
    wait(driver, 10).until(lambda d: d.execute_script("return arguments[0].currentTime;", audio) > 0.5)
    assert driver.execute_script("return arguments[0].error;", audio) is None
    assert console_errors(driver) == []

    page = open_entry(driver, base, "interruption", entry.interruption)
    assert page.find_element(By.CSS_SELECTOR, ".journal-note").get_attribute("data-journal-note") == stored[0]["id"]


def test_without_javascript_the_file_field_sends_a_recording(stack, browser, mailbox, recordings):
    base = stack.base_url
    driver = browser(js=False)
    uid, entry = journal_entry(stack, signed_up(driver, base, mailbox, "typist"))
    page = open_entry(driver, base, "break", entry.break_)
    form = page.find_element(By.CSS_SELECTOR, "form[data-journal-voice]")
    field = form.find_element(By.NAME, "voice")
    assert field.get_attribute("capture") is not None and field.get_attribute("accept") == "audio/*"
    assert not form.find_elements(By.CSS_SELECTOR, "button.journal-record"), "no recorder without JavaScript"
    field.send_keys(str(recordings["ogg"]))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    page = arrive(driver, "voice-check", what="back on the page after sending")
    note = page.find_element(By.CSS_SELECTOR, ".journal-note")
    stored = notes(stack, uid)
    assert [n["id"] for n in stored] == [note.get_attribute("data-journal-note")] and stored[0]["mime"] == "audio/ogg"
    src = note.find_element(By.TAG_NAME, "audio").get_attribute("src")
    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    r = requests.get(src, cookies=cookies, timeout=10)
    assert r.status_code == 200 and r.content == recordings["ogg"].read_bytes()
