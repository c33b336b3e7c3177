"""The room's soundtrack in Chromium (issue 16), the journey of the issue: the host finds two tracks
(the self-hosted library, opened from the room) and a song (searching the catalogue, against the fake
Piped instance), queues them and plays; a guest joins late and lands within a second of the host
(read from each page's <audio>.currentTime); the host seeks and the guest follows; the track ends and
the next one begins in both; a listener who drifts is brought back by the playback rate; the room's
mode and the timer's phase set the volume on every page. The same room without JavaScript shows the
track and its catch-up link, a media fragment at the room's position.

The tracks are real audio made with sox, stored as the library's upload leaves them (the row and the
file under POMOPOMO_UPLOADS/library), and served by the library's file route through nginx."""

import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_kit import assert_not_reloaded, create_room, join_by_code, mark_page, start_timer, wait
from soundtrack_kit import library_track

FIRST_SECONDS, SECOND_SECONDS = 20, 40
IN_STEP = 1.0  # seconds: the bound for a late joiner


def tone(seconds: int, hz: int) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "tone.ogg")
        subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", str(path), "synth", str(seconds), "sine", str(hz), "vol", "0.2"],
                       check=True, capture_output=True, timeout=30)
        return path.read_bytes()


@pytest.fixture(scope="module")
def tracks(stack):
    return (library_track(stack, "First Light", FIRST_SECONDS, audio=tone(FIRST_SECONDS, 440)),
            library_track(stack, "Second Wind", SECOND_SECONDS, audio=tone(SECOND_SECONDS, 660)))


PLAYER = """
var a = document.getElementById('soundtrack-audio');
return a ? {t: a.currentTime, paused: a.paused, src: a.getAttribute('data-src') || '', now: Date.now(),
            ready: a.readyState} : null;
"""


RATE = "return document.getElementById('soundtrack-audio').playbackRate;"
VOLUME = "var a = document.getElementById('soundtrack-audio'); return a ? Math.round(a.volume * 100) / 100 : null;"


def player(driver):
    return driver.execute_script(PLAYER)


def apart(a, b) -> float:
    """Seconds between two players' positions at the same moment (each read carries its clock)."""
    return abs((a["t"] + (b["now"] - a["now"]) / 1000) - b["t"])


def choose_mode(driver, mode: str):
    """The host picks how the music follows the timer; live updates may redraw the form meanwhile."""
    def attempt(d):
        Select(d.find_element(By.ID, "soundtrack-mode")).select_by_value(mode)
        d.find_element(By.CSS_SELECTOR, "#soundtrack-mode-form button[type=submit]").click()
        return True
    wait(driver, 5).until(attempt)
    wait(driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#soundtrack-mode option[selected]").get_attribute("value") == mode,
        message=f"the room's mode did not become {mode}")


def in_step(host, guest, what: str):
    """Within a second of the host, and soon: the player is set where the room is as it starts, and
    only small drift is left to the gentle correction."""
    wait(guest, 3).until(lambda d: apart(player(host), player(d)) <= IN_STEP,
                         message=f"{what} is {apart(player(host), player(guest)):.2f} s away from the host")


def playing_past(driver, seconds: float, src_end: str, what: str):
    wait(driver, 15).until(
        lambda d: (lambda p: p and not p["paused"] and p["src"].endswith(src_end) and p["t"] > seconds)(player(d)),
        message=f"{what}: the page's player is not playing {src_end} past {seconds} s: {player(driver)}")
    return player(driver)


def test_listen_together_late_joiner_seek_and_next_track(stack, browser, tracks):
    base = stack.base_url
    first, second = tracks
    host = browser(js=True)
    code = create_room(host, base, "Hana Host")

    # The host opens the library from the room and adds both tracks to it.
    host.get(f"{base}/music/library?room={code}")
    for track in (first, second):
        wait(host, 10).until(lambda d, t=track: d.find_elements(By.CSS_SELECTOR, f"#track-{t} form.add-to-room button"),
                             message="the library offers no “Add to room” for the test's tracks")
        host.find_element(By.CSS_SELECTOR, f"#track-{track} form.add-to-room button").click()
        wait(host, 10).until(lambda d: "/music/library" in d.current_url)
    # And searches the catalogue from the room (when this server has one), queueing a song after them.
    wanted = ["First Light", "Second Wind"]
    if os.environ.get("POMOPOMO_PIPED_URL"):
        host.get(f"{base}/r/{code}")
        host.find_element(By.CSS_SELECTOR, f'#soundtrack-add a[href="/music?room={code}"]').click()
        host.find_element(By.ID, "music-q").send_keys("focus beats")
        host.find_element(By.CSS_SELECTOR, "#music-search button[type=submit]").click()
        found = wait(host, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li.catalogue-track"),
                                     message="the catalogue search found nothing to queue")
        wanted.append(found[0].find_element(By.CSS_SELECTOR, ".catalogue-title").text)
        found[0].find_element(By.CSS_SELECTOR, "form.catalogue-queue button").click()
        wait(host, 10).until(lambda d: d.find_elements(By.ID, "music-queued"), message="no word that the song was queued")
    host.get(f"{base}/r/{code}")
    titles = [el.text for el in host.find_elements(By.CSS_SELECTOR, "#soundtrack-up-next .track-title")]
    assert titles == wanted, titles

    host.find_element(By.ID, "soundtrack-play-pause").click()
    wait(host, 10).until(lambda d: d.find_element(By.ID, "soundtrack-title").text == "First Light")
    playing_past(host, 2.0, f"/music/tracks/{first}/file", "the host after Play")

    # A guest joins late and lands where the host is.
    guest = browser(js=True)
    join_by_code(guest, base, code, "Gina Guest")
    mark = mark_page(guest)
    playing_past(guest, 2.5, f"/music/tracks/{first}/file", "the late guest")
    in_step(host, guest, "the late joiner")

    # The host seeks near the end; the guest follows without reloading.
    seek = host.find_element(By.ID, "soundtrack-position")
    seek.send_keys("0:15")
    host.find_element(By.ID, "soundtrack-seek").click()
    playing_past(host, 14.5, f"/music/tracks/{first}/file", "the host after seeking")
    wait(guest, 10).until(lambda d: (lambda p: p and p["t"] >= 14.5 and p["src"].endswith(f"{first}/file"))(player(d)),
                          message=f"the guest did not follow the seek: {player(guest)}")
    in_step(host, guest, "after the seek, the guest")

    # The track ends; the server moves on, and both play the next one from its start, in step.
    for driver, who in ((host, "the host"), (guest, "the guest")):
        playing_past(driver, 0.3, f"/music/tracks/{second}/file", f"{who} after the first track ended")
    wait(guest, 10).until(lambda d: d.find_element(By.ID, "soundtrack-title").text == "Second Wind")
    assert [el.text for el in guest.find_elements(By.CSS_SELECTOR, "#soundtrack-history .track-title")] == ["First Light"]
    in_step(host, guest, "on the next track, the guest")

    # A listener who drifts 600 ms behind is brought back gently: faster playback, not a jump.
    guest.execute_script("var a = document.getElementById('soundtrack-audio'); a.currentTime = a.currentTime - 0.6;")
    wait(guest, 3).until(lambda d: d.execute_script(RATE) > 1, message="the drift was not corrected by the playback rate")
    wait(guest, 15).until(lambda d: apart(player(host), player(d)) <= 0.3 and d.execute_script(RATE) == 1,
                          message=f"the guest is still {apart(player(host), player(guest)):.2f} s away after the correction")

    # The timer's phase sets the volume: with music in breaks only, a focus segment silences it on
    # every page (it plays on, in step, for the break); quieter during focus turns it down.
    for mode, focus_volume in (("breaks", 0), ("quieter", 0.3)):
        choose_mode(host, mode)
        if mode == "breaks":
            start_timer(host, "the host")
        wait(guest, 10).until(lambda d, v=focus_volume: d.execute_script(VOLUME) == v,
                              message=f"in mode {mode}, during focus the guest's volume is {guest.execute_script(VOLUME)}")
    assert not player(guest)["paused"]
    assert_not_reloaded(guest, mark, "the guest's room page")

    # Without JavaScript: the track, and a link to it at the room's position; the page reloads when it ends.
    plain = browser(js=False)
    before = player(host)["t"]
    plain.get(f"{base}/r/{code}")
    after = player(host)["t"]
    assert plain.find_element(By.ID, "soundtrack-title").text == "Second Wind"
    link = plain.find_element(By.ID, "soundtrack-catch-up")
    m = re.fullmatch(rf"{re.escape(base)}/music/tracks/{second}/file#t=(\d+)", link.get_attribute("href"))
    assert m, link.get_attribute("href")
    # The page was drawn while the host's player went from `before` to `after`.
    assert before - 1 <= int(m.group(1)) <= after + 1, \
        f"the catch-up link starts at {m.group(1)} s, the room was at {before:.1f}–{after:.1f} s"
    refresh = int(plain.find_element(By.CSS_SELECTOR, "meta[http-equiv=refresh]").get_attribute("content"))
    assert SECOND_SECONDS - after <= refresh <= SECOND_SECONDS - before + 2, \
        f"the page reloads in {refresh} s, the track ends in {SECOND_SECONDS - after:.0f}–{SECOND_SECONDS - before:.0f} s"
