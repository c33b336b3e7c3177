"""Accounts (issue 4, contract in docs-accounts-spec.md): the settings pages: sessions, the
public profile, preferences and the data export.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

import json
import os
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from accounts_kit import (
    MAGIC,
    brief,
    check_email_page,
    form_by_action,
    form_fields,
    location,
    post_on,
    profile_fields,
    sign_in,
    signed_in,
    unique_username,
    user_row,
)
from pomopomo_testkit import User, parse_html

# ------------------------------------------------------------------------------------------- sessions page

def session_rows(user: User):
    doc = user.page("/settings/sessions")
    table = doc.by_id("sessions")
    assert table is not None, "/settings/sessions has no #sessions"
    return table.find_all("tr", cls="session")


def test_sessions_page_lists_both_browsers_and_ends_the_other(stack, account, new_user):
    acct = account("sess")
    laptop = new_user()
    laptop.http.headers["User-Agent"] = "Laptop browser 1.0"
    assert sign_in(laptop, acct.email, acct.password).status_code == 303
    rows = session_rows(acct.user)
    assert len(rows) == 2, f"{len(rows)} sessions listed"
    assert [("current" in tr.classes) for tr in rows].count(True) == 1
    assert any("Laptop browser" in tr.clean_text() for tr in rows), "the sessions page does not say which browser"

    r = post_on(acct.user, "/settings/sessions", "/settings/sessions/end-others")
    assert r.status_code == 303 and location(r) == "/settings/sessions", brief(r)
    assert not signed_in(laptop), "end-others left the other browser signed in"
    assert signed_in(acct.user)
    rows = session_rows(acct.user)
    assert len(rows) == 1 and "current" in rows[0].classes


def test_ending_one_session_from_its_row(stack, account, new_user):
    acct = account("sessone")
    phone = new_user()
    phone.http.headers["User-Agent"] = "Phone browser 2.0"
    assert sign_in(phone, acct.email, acct.password).status_code == 303
    [row] = [tr for tr in session_rows(acct.user) if "current" not in tr.classes]
    form = row.find("form")
    action = form.get("action")
    assert re.fullmatch(r"/settings/sessions/[^/]+/end", action), action
    r = acct.user.post_form(action, form_fields(form))
    assert r.status_code == 303, brief(r)
    assert not signed_in(phone) and signed_in(acct.user)


def test_someone_elses_session_cannot_be_ended(stack, account, new_user):
    alice, mallory = account("alice"), account("mallory")
    phone = new_user()
    assert sign_in(phone, alice.email, alice.password).status_code == 303
    [row] = [tr for tr in session_rows(alice.user) if "current" not in tr.classes]
    action = row.find("form").get("action")
    token = mallory.user.csrf("/settings/sessions")
    r = mallory.user.post_form(action, {"csrf": token})
    assert r.status_code == 404, f"ending another user's session answered {brief(r)}"
    assert signed_in(alice.user) and signed_in(phone), "Mallory ended Alice's session"


# ------------------------------------------------------------------------------------------- profile

def save_profile(user: User, **changes):
    fields = profile_fields(user)
    fields.update(changes)
    fields = {k: v for k, v in fields.items() if v is not None}
    return user.post_form("/settings/profile", fields)


def test_profile_edit_shows_on_the_public_page_with_the_bio_rendered(stack, account, new_user):
    acct = account("prof")
    bio = "I like **bold** plans and _quiet_ rooms.\n\n- one\n- two\n\nSee [my site](https://example.org/ada)."
    r = save_profile(acct.user, display_name="Ada Lovelace", bio=bio,
                     links="https://example.org/ada\nhttps://social.example/@ada")
    assert r.status_code == 303 and r.headers["Location"] == f"/u/{acct.username}", brief(r)

    for viewer in (new_user(), acct.user):
        doc = viewer.page(f"/u/{acct.username}")
        prof = doc.by_id("profile")
        assert prof is not None
        assert prof.find("h1").clean_text() == "Ada Lovelace"
        bio_div = prof.find("div", cls="bio")
        assert bio_div.find("strong").text() == "bold" and bio_div.find("em").text() == "quiet"
        assert [li.clean_text() for li in bio_div.find_all("li")] == ["one", "two"]
        a = bio_div.find("a")
        assert a.get("href") == "https://example.org/ada" and a.text() == "my site"
        links = prof.find("ul", cls="social-links").find_all("a")
        assert [x.get("href") for x in links] == ["https://example.org/ada", "https://social.example/@ada"]
        for x in links:
            assert set(x.get("rel", "").split()) >= {"me", "nofollow", "noopener"}
        initials = prof.find("span", cls="avatar-initials")
        assert initials is not None and initials.clean_text() == "AL"
    assert new_user().get(f"/u/{acct.username.upper()}").status_code == 200, "profile URLs are not case-insensitive"
    assert new_user().get(f"/u/{unique_username('nobody')}").status_code == 404


def test_changing_the_username_moves_the_profile(stack, account, new_user):
    acct = account("rename")
    new_name = unique_username("renamed")
    r = save_profile(acct.user, username=new_name)
    assert r.status_code == 303 and r.headers["Location"] == f"/u/{new_name}", brief(r)
    assert new_user().get(f"/u/{new_name}").status_code == 200
    assert new_user().get(f"/u/{acct.username}").status_code == 404
    assert user_row(stack, acct.email)["username"] == new_name


def test_recent_rooms_show_to_others_only_when_allowed(stack, account, new_user):
    acct = account("recent")
    code = acct.user.create_room("Rita Recent")
    owner_view = acct.user.page(f"/u/{acct.username}").by_id("recent-rooms")
    assert owner_view is not None and code in owner_view.clean_text() + " ".join(
        a.get("href", "") for a in owner_view.find_all("a")), "the owner does not see their recent room"
    assert new_user().page(f"/u/{acct.username}").by_id("recent-rooms") is None, "recent rooms shown while hidden"
    assert save_profile(acct.user, show_recent_rooms="on").status_code == 303
    other_view = new_user().page(f"/u/{acct.username}").by_id("recent-rooms")
    assert other_view is not None and code in other_view.clean_text() + " ".join(
        a.get("href", "") for a in other_view.find_all("a"))
    assert save_profile(acct.user, show_recent_rooms=None).status_code == 303  # unticked: not sent
    assert new_user().page(f"/u/{acct.username}").by_id("recent-rooms") is None, "unticking did not hide them"


# ------------------------------------------------------------------------------------------- preferences

def test_preferences_are_saved_and_applied(stack, account):
    acct = account("prefs")
    before = user_row(stack, acct.email)
    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="forest_calm", sound="off",
                timezone="Mars/Olympus_Mons")
    assert r.status_code == 422, f"unknown timezone: {brief(r)}"
    assert parse_html(r.text).find(role="alert") is not None
    assert user_row(stack, acct.email) == before, "a refused preferences form changed the account"

    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="forest_calm", sound="off",
                timezone="Europe/Paris")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/settings/preferences", brief(r)
    row = user_row(stack, acct.email)
    assert (row["theme"], row["sound_on"], row["timezone"]) == ("forest_calm", False, "Europe/Paris")
    saved = form_fields(form_by_action(acct.user.page("/settings/preferences"), "/settings/preferences"))
    assert (saved["theme"], saved.get("timezone")) == ("forest_calm", "Europe/Paris")
    assert saved.get("sound") in ("off", None), f"the sound choice shows {saved.get('sound')!r}"

    home = acct.user.page("/")
    select = home.by_id("create-theme")
    chosen = [o.get("value") for o in select.find_all("option") if "selected" in o.attrs]
    assert chosen == ["forest_calm"], f"the home page preselects {chosen}"
    assert acct.user.page("/me").find("body").get("data-sound") == "off"
    assert acct.user.page("/me").find("body").get("data-theme") == "forest_calm", "the theme does not colour /me"

    # Times on account pages are in the chosen zone (Tokyo: +09:00 all year, never equal to UTC).
    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="forest_calm", sound="off",
                timezone="Asia/Tokyo")
    assert r.status_code == 303, brief(r)
    now = datetime.now(UTC)
    local = {(now + timedelta(minutes=d)).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") for d in (-1, 0, 1)}
    utc = {(now + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}
    [current] = [tr for tr in session_rows(acct.user) if "current" in tr.classes]
    text = current.clean_text()
    assert any(t in text for t in local), f"the session times are not in Asia/Tokyo ({sorted(local)}): {text!r}"
    assert not any(t in text for t in utc), f"the session times are still in UTC: {text!r}"
    code = acct.user.create_room("Sam Silent")
    assert acct.user.page(f"/r/{code}").find("body").get("data-sound") == "off", "the room would still chime"


IANA_ZONES = ["Asia/Kolkata", "Etc/UTC", "Europe/Kyiv", "America/Argentina/Buenos_Aires", "Pacific/Kanton",
              "America/Ciudad_Juarez", "Asia/Kathmandu"]


@pytest.mark.parametrize("zone", IANA_ZONES)
def test_every_current_iana_time_zone_is_accepted(stack, account, zone):
    """Names from the tz database (/usr/share/zoneinfo/tzdata.zi), including India's and Etc/UTC."""
    assert os.path.exists(f"/usr/share/zoneinfo/{zone}"), f"{zone} is not in this machine's tz database"
    acct = account("zone")
    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="sunrise", sound="on", timezone=zone)
    assert r.status_code == 303, f"timezone={zone}: {brief(r)}"
    assert user_row(stack, acct.email)["timezone"] == zone


# ------------------------------------------------------------------------------------------- export

def test_export_holds_my_data_and_no_secrets(stack, account, new_user):
    acct = account("export")
    code = acct.user.create_room("Eve Export")
    token = acct.user.csrf(f"/r/{code}")
    assert acct.user.post_form(f"/r/{code}/tasks", {"csrf": token, "text": "Export this task", "visibility": "private",
                                                    "segment": ""}).status_code == 303
    assert acct.user.post_form(f"/r/{code}/messages", {"csrf": token, "text": "export this message"}).status_code == 303
    r = acct.user.get("/settings/export.json")
    assert r.status_code == 200, brief(r)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers.get("Content-Disposition", "").startswith("attachment")
    data = r.json()
    assert set(data) >= {"user", "sessions", "rooms", "tasks", "messages", "oauth_identities"}
    assert data["user"]["email"] == acct.email and data["user"]["username"] == acct.username
    text = json.dumps(data)
    assert code in text or code.replace("-", "") in text
    assert "Export this task" in text and "export this message" in text
    assert len(data["sessions"]) >= 1
    lowered = text.lower()
    for secret in ("password_hash", "token_hash", "id_hash", "$argon2", "session_hash"):
        assert secret not in lowered, f"the export contains {secret}"
    assert acct.user.sid not in text, "the export contains the session cookie"
    guest = new_user()
    r = guest.get("/settings/export.json")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/login"


def test_mail_is_plain_text_with_the_display_name_as_typed(stack, account, new_user, mailbox):
    """Mail is text/plain: nothing in it is HTML-escaped, so a name with & and < reads as typed,
    and the whole text is exactly the template's."""
    acct = account("plain")
    name = 'a&b<c> "d"'
    assert save_profile(acct.user, display_name=name).status_code == 303
    check_email_page(post_on(new_user(), "/login", "/login/magic", email=acct.email), "magic link request")
    mail = mailbox.wait_for(acct.email, MAGIC)
    [link] = [u for u in mail.links if urlsplit(u).path == "/auth/magic"]
    assert mail.text.rstrip("\n") == (f"Hello {name},\n\nSign in to Pomopomo with this link:\n\n{link}\n\n"
                                      "It works once, for 15 minutes. If you did not ask for it, ignore this mail."), mail.text
