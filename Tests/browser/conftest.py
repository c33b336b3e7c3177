"""The browser fixtures: fresh headless Chromium instances, each with its own profile (so its own
cookies), JavaScript on or off; `browser` starts new ones per test, `shared_browser` is one per
test module for tests that only look at pages (they set its cookies themselves)."""

import os

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def start_chromium(js: bool = True, extra_args: tuple = ()):
    """A fresh headless Chromium (own profile, so own cookies); `extra_args` are more switches
    (the voice-note test's fake microphone)."""
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip("needs /usr/bin/chromium and /usr/bin/chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                "--disable-gpu", "--no-first-run", "--disable-extensions", "--mute-audio",
                "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(arg)
    for arg in extra_args:
        options.add_argument(arg)
    if not js:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(15)
    driver.pomopomo_js = js
    return driver


def quit_quietly(driver):
    try:
        driver.quit()
    except WebDriverException:
        pass


@pytest.fixture
def browser():
    """browser(js=True, extra_args=()) starts a fresh headless Chromium (own profile, so own cookies)."""
    drivers = []

    def start(js: bool = True, extra_args: tuple = ()):
        drivers.append(start_chromium(js, extra_args))
        return drivers[-1]

    yield start
    for driver in drivers:
        quit_quietly(driver)


@pytest.fixture(scope="module")
def shared_browser():
    """One headless Chromium with JavaScript on for the whole module: starting one costs about a
    second, and tests that only visit pages need no fresh profile (they swap cookies instead)."""
    driver = start_chromium(js=True)
    yield driver
    quit_quietly(driver)
