"""Issue 14's first journey in headless Chromium, with JavaScript on and off: a new account makes
a list and tasks on /me/tasks (notes in Markdown, a due date), puts them in order (dragging with
JavaScript, the ↑ button without), opens a room, adds one of the tasks there from its list, ticks
it in the room, and finds it done in the list."""

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from account_steps import arrive, fill, form_for, signed_up, submit
from browser_kit import assert_not_reloaded, create_room, mark_page, wait

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])

# Drag-and-drop as the browser reports it: Chromium's WebDriver moves the pointer but starts no
# HTML5 drag, so the drag's events are dispatched as a person's drag would fire them.
DRAG = """
var source = document.getElementById(arguments[0]), target = document.getElementById(arguments[1]);
var data = new DataTransfer();
function fire(el, type) {
  var box = el.getBoundingClientRect();
  el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data,
                                        clientX: box.left + 10, clientY: box.top + 2}));
}
fire(source, "dragstart"); fire(target, "dragenter"); fire(target, "dragover"); fire(target, "drop");
fire(source, "dragend");
"""


def open_titles(driver):
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, "#open-tasks li.task .task-text")]


def task_id(driver, title):
    for li in driver.find_elements(By.CSS_SELECTOR, "#open-tasks li.task"):
        if li.find_element(By.CSS_SELECTOR, ".task-text").text == title:
            return li.get_attribute("id")
    pytest.fail(f"no open task {title!r} on {driver.current_url}: {open_titles(driver)}")


def show(driver, details_id):
    """Opens the <details> #details_id by clicking its summary, as a person would."""
    box = driver.find_element(By.ID, details_id)
    if box.get_attribute("open") is None:
        box.find_element(By.TAG_NAME, "summary").click()


def add_task(driver, title, notes="", due=""):
    show(driver, "task-add-box")
    form = driver.find_element(By.ID, "task-add")
    fill(form, "title", title)
    if notes:
        fill(form, "notes", notes)
    if due:
        # A date field takes the digits of the browser's locale order (en-US: month, day, year).
        y, m, d = due.split("-")
        form.find_element(By.NAME, "due").send_keys(m + d + y)
    submit(driver, form, "open-tasks", f"adding {title!r}")
    assert title in open_titles(driver), f"{title!r} is not among the open tasks: {open_titles(driver)}"


@JS_MODES
def test_make_a_list_and_tasks_and_complete_one_from_a_room(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    name = signed_up(driver, base, mailbox, "tasks")

    driver.get(base + "/me/tasks")
    arrive(driver, "task-lists", what="/me/tasks")
    assert [t.text.split()[0] for t in driver.find_elements(By.CSS_SELECTOR, "#task-lists li a")] == ["Today"]

    show(driver, "list-new")
    form = form_for(driver, "/me/tasks/lists", "the new list form")
    fill(form, "name", "Study")
    submit(driver, form, "list-heading", "creating the list Study")
    assert driver.find_element(By.ID, "list-heading").text == "Study"
    study_url = driver.current_url.split("#")[0]

    add_task(driver, "Read chapter 4", notes="Pages **40-60**", due="2026-03-01")
    notes = driver.find_element(By.CSS_SELECTOR, f"#{task_id(driver, 'Read chapter 4')} .task-notes strong")
    assert notes.text == "40-60", "the notes' Markdown is not rendered"
    assert "2026-03-01" in driver.find_element(By.ID, task_id(driver, "Read chapter 4")).text
    add_task(driver, "Write summary")
    add_task(driver, "Plan the week")
    assert open_titles(driver) == ["Read chapter 4", "Write summary", "Plan the week"]

    if js:
        mark = mark_page(driver)
        driver.execute_script(DRAG, task_id(driver, "Plan the week"), task_id(driver, "Read chapter 4"))
        try:
            wait(driver, 10).until(lambda d: open_titles(d) == ["Plan the week", "Read chapter 4", "Write summary"])
        except TimeoutException:
            pytest.fail(f"dragging 'Plan the week' onto the top of the list left it as {open_titles(driver)}")
        assert_not_reloaded(driver, mark, "dragging a task")
    else:
        item = driver.find_element(By.ID, task_id(driver, "Plan the week"))
        submit(driver, item.find_element(By.CSS_SELECTOR, "form.place-up"), "open-tasks", "pressing ↑ on 'Plan the week'")
        item = driver.find_element(By.ID, task_id(driver, "Plan the week"))
        submit(driver, item.find_element(By.CSS_SELECTOR, "form.place-up"), "open-tasks", "pressing ↑ again")
        assert open_titles(driver) == ["Plan the week", "Read chapter 4", "Write summary"]
    driver.get(study_url)
    arrive(driver, "open-tasks", what="the Study list again")
    assert open_titles(driver) == ["Plan the week", "Read chapter 4", "Write summary"], "the new order was not kept"

    code = create_room(driver, base, name)
    form = driver.find_element(By.ID, "task-from-mine")
    Select(form.find_element(By.NAME, "private_task")).select_by_visible_text("Read chapter 4 (due 2026-03-01)")
    Select(form.find_element(By.NAME, "visibility")).select_by_value("public")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    def copy(d):
        found = [li for li in d.find_elements(By.CSS_SELECTOR, "#my-tasks li.task") if "Read chapter 4" in li.text]
        return found[0] if found else None

    wait(driver, 10).until(copy, message=f"'Read chapter 4' did not appear among the room's tasks of {code}")
    assert copy(driver).get_attribute("data-visibility") == "public"
    wait(driver, 10).until(
        lambda d: any("Read chapter 4" in li.text for li in d.find_elements(By.CSS_SELECTOR, "#public-tasks li.task")),
        message="the public copy is not in the room's public tasks")
    copy(driver).find_element(By.CSS_SELECTOR, "button.check").click()
    wait(driver, 10).until(lambda d: (c := copy(d)) is not None and "done" in c.get_attribute("class").split(),
                           message="ticking the task in the room did not mark it done there")

    driver.get(study_url)
    arrive(driver, "done-tasks-box", what="the Study list after ticking in the room")
    assert open_titles(driver) == ["Plan the week", "Write summary"]
    show(driver, "done-tasks-box")
    done = [el.text for el in driver.find_elements(By.CSS_SELECTOR, "#done-tasks li.task .task-text")]
    assert done == ["Read chapter 4"], f"the list's done tasks are {done}"
