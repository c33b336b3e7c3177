"""The `browser` fixture for the journeys: fresh headless Chromium instances, each with its own
profile (so its own cookies), JavaScript on or off."""

import os

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser():
    """browser(js=True) starts a fresh headless Chromium (own profile, so own cookies)."""
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip("needs /usr/bin/chromium and /usr/bin/chromedriver")
    drivers = []

    def start(js: bool = True):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                    "--disable-gpu", "--no-first-run", "--disable-extensions", "--mute-audio",
                    "--autoplay-policy=no-user-gesture-required"):
            options.add_argument(arg)
        if not js:
            options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(15)
        driver.pomopomo_js = js
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        try:
            driver.quit()
        except WebDriverException:
            pass
