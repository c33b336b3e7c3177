"""Admins' second factor in headless Chromium (issue 17), with JavaScript on and off: a new admin
opening /admin is led to set up an authenticator (the QR code on the page, the key as text), types
the code an app computes (oathtool here), keeps the recovery codes and reaches the admin pages;
after signing out and in again, one code from the app opens them again."""

import pytest
from selenium.webdriver.common.by import By

from account_steps import (
    arrive,
    confirm_mailed_link,
    fill,
    follow,
    form_for,
    path_of,
    sign_in_with_password,
    sign_out,
    sign_up,
    submit,
)
from accounts_kit import (
    STRONG_PASSWORD,
    SecondFactor,
    fresh_totp,
    remember_second_factor,
    totp,
    unique_email,
    unique_username,
)
from pomopomo_testkit import pomopomo_run

JS_MODES = pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])


@JS_MODES
def test_a_new_admin_sets_up_two_factor_and_signs_in_with_an_app_code(stack, browser, mailbox, js):
    base = stack.base_url
    driver = browser(js=js)
    email, username = unique_email("tfajourney"), unique_username("tfajourney")
    driver.get(base + "/")
    sign_up(driver, base, email, username)
    confirm_mailed_link(driver, base, mailbox, email, "Confirm your Pomopomo account", "/auth/verify",
                        "confirming the account by the mailed link")
    pomopomo_run(stack, "admin", "grant", email)

    driver.get(base + "/admin")
    arrive(driver, "two-factor-enrol-form", what="opening /admin before two-factor is set up")
    qr = driver.find_element(By.CSS_SELECTOR, "#two-factor-qr svg")
    assert qr.is_displayed() and qr.size["width"] >= 160, f"the QR code is not shown large enough: {qr.size}"
    secret = driver.find_element(By.ID, "two-factor-secret").text.replace(" ", "")
    form = form_for(driver, "/admin/2fa/enrol", "the enrolment page")
    fill(form, "code", "000000" if totp(secret) != "000000" else "111111")
    submit(driver, form, "form-error", "a wrong first code")
    form = form_for(driver, "/admin/2fa/enrol", "the enrolment page again")
    fill(form, "code", totp(secret))
    submit(driver, form, "recovery-codes", "the right first code")
    codes = [li.text.strip() for li in driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")]
    assert len(codes) == 10, codes
    remember_second_factor(email, SecondFactor(secret, codes))
    follow(driver, "/admin", "dashboard-user-search", "continuing once the codes are saved")

    sign_out(driver)
    sign_in_with_password(driver, base, email, STRONG_PASSWORD)
    driver.get(base + "/admin/users")
    form = form_for(driver, "/admin/2fa", "the code form after signing in again")
    fill(form, "code", fresh_totp(stack, email, secret))
    submit(driver, form, "admin-users", "entering the app's code")
    assert path_of(driver) == "/admin/users", f"after the code: {driver.current_url}"
