"""Journey 2 of issue 14 in headless Chromium, with JavaScript on and off: a new account opens its
whiteboard, puts a note on it with the form, edits it and moves it with the arrow buttons; with
JavaScript it also draws with the pointer and drags the note, both saved without a reload."""

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from account_steps import arrive, fill, form_for, signed_up, submit
from browser_kit import assert_accessible, assert_not_reloaded, mark_page, wait

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
SAVE_SECONDS = 10


def version(driver):
    return int(driver.find_element(By.ID, "board-page").get_dom_attribute("data-version"))


def note_x_y(driver, note):
    form = driver.find_element(By.ID, f"note-form-{note}")
    return tuple(int(form.find_element(By.NAME, name).get_attribute("value")) for name in ("x", "y"))


@JS_MODES
def test_notes_on_the_board_and_drawing_with_javascript(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    signed_up(driver, base, mailbox, "boardjourney")
    driver.get(base + "/me/board")
    arrive(driver, "board-page", what="the whiteboard")
    board = driver.find_element(By.ID, "board-page").get_dom_attribute("data-board")
    assert driver.find_element(By.ID, "stroke-form").is_displayed() == js, "the drawing tools show only with JavaScript"

    form = form_for(driver, f"/me/board/{board}/notes", "the add-a-note form")
    fill(form, "text", "Water the plants <b>today</b>")
    Select(form.find_element(By.NAME, "colour")).select_by_value("green")
    fill(form, "x", "100")
    fill(form, "y", "40")
    submit(driver, form, "note-list", "adding a note")
    [item] = driver.find_elements(By.CSS_SELECTOR, "#note-list li.board-note")
    note = item.get_dom_attribute("data-note")
    shown = driver.find_element(By.CSS_SELECTOR, f"#board-svg g[data-note='{note}']")
    assert "Water the plants" in shown.text and "<b>today</b>" in shown.text, f"the note in the picture reads {shown.text!r}"
    assert note_x_y(driver, note) == (100, 40)

    edit = form_for(driver, f"/me/board/{board}/notes/{note}", "the note's form")
    fill(edit, "text", "Water the plants")
    submit(driver, edit, "note-list", "editing the note")
    move = form_for(driver, f"/me/board/{board}/notes/{note}/move", "the note's arrows")
    submit(driver, move, "note-list", "moving the note right", button_text="→")
    assert note_x_y(driver, note) == (120, 40)
    placed = driver.find_element(By.CSS_SELECTOR, f"#board-svg g[data-note='{note}']")
    assert placed.get_dom_attribute("transform") == "translate(120 40)"

    if js:
        assert_accessible(driver, "the whiteboard")
        mark = mark_page(driver)
        before = version(driver)
        svg = driver.find_element(By.ID, "board-svg")
        # A stroke in the empty lower half of the board.
        ActionChains(driver).move_to_element_with_offset(svg, -150, 100).click_and_hold() \
            .move_by_offset(40, 10).move_by_offset(40, 25).move_by_offset(40, -30).release().perform()
        wait(driver, SAVE_SECONDS).until(lambda d: version(d) == before + 1, message="the stroke was not saved")
        # Drag the note down and to the right.
        shown = driver.find_element(By.CSS_SELECTOR, f"#board-svg g[data-note='{note}']")
        ActionChains(driver).click_and_hold(shown).move_by_offset(60, 40).move_by_offset(60, 40).release().perform()
        wait(driver, SAVE_SECONDS).until(lambda d: version(d) == before + 2, message="the dragged note was not saved")
        dropped = note_x_y(driver, note)
        assert dropped[0] > 120 and dropped[1] > 40, f"the note was dropped at {dropped}"
        assert driver.find_element(By.ID, "board-status").text == ""
        assert_not_reloaded(driver, mark, "drawing and dragging")
        driver.refresh()
        arrive(driver, "board-page", what="the whiteboard again")
        strokes = driver.find_elements(By.CSS_SELECTOR, "#board-strokes polyline")
        assert len(strokes) == 1, "the stroke is not on the reloaded board"
        assert note_x_y(driver, note) == dropped
        assert stack.psql("select count(*) from board_strokes where board_id = :'v1'", board) == "1"
    else:
        clear = form_for(driver, f"/me/board/{board}/strokes/clear", "the clear-the-drawing form")
        submit(driver, clear, "board-page", "clearing the drawing")
    assert driver.find_element(By.ID, "board-download").get_dom_attribute("href") == f"/me/board/{board}.svg"
