"""Rooms (issue 3): chat: messages in the page and the poll, text shown as text, links, the
spam protection (auto-mute, 429) and the host's moderation.

Every refused request must answer the documented status with the room page's #room-error and change
nothing: the tests compare state.json before and after (volatile clock fields left out), always
reading the state that matches the room's version in PostgreSQL (rooms_kit.Room.state)."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from pomopomo_testkit import parse_html
from rooms_kit import WAKE_WITHIN, Room, assert_unchanged, excerpt, fragment


def chat_texts(container) -> list[str]:
    return [li.find("span", cls="text").clean_text() for li in container.find_all("li", cls="message")]


def chat_items(doc) -> list:
    ol = doc.by_id("chat-messages")
    assert ol is not None, "the page has no #chat-messages"
    return ol.find_all("li", cls="message")


def message_texts_in_state(room: Room) -> list[str]:
    return [m["text"] for m in room.state()["messages"]]


def test_message_reaches_the_other_participant_in_page_and_poll(stack, make_room):
    room = make_room()
    guest = room.join("Cleo Chatter")
    room.state()
    since = room.db_version()
    baseline = stack.parked()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(lambda: (room.host.poll(since, timeout=10), time.monotonic()))
        assert stack.wait_parked(baseline, 1)
        guest.ok("/messages", text="Hello, focus friends!")
        sent_at = time.monotonic()
        r, answered_at = future.result(timeout=10)
    assert r.status_code == 200 and answered_at - sent_at <= WAKE_WITHIN
    frags = r.json()["fragments"]
    assert "chat-messages" in frags
    assert chat_texts(fragment(frags["chat-messages"])) == ["Hello, focus friends!"]
    assert "timer" not in frags and "queue" not in frags
    items = chat_items(room.host.page())
    assert [li.find("span", cls="author").clean_text() for li in items] == ["Cleo Chatter"]
    assert chat_texts(room.host.page().by_id("chat-messages")) == ["Hello, focus friends!"]
    [m] = room.state()["messages"]
    assert (m["author"], m["text"]) == ("Cleo Chatter", "Hello, focus friends!")
    assert items[0].get("data-id") == str(m["id"]) and items[0].get("id") == f"msg-{m['id']}"


@pytest.mark.parametrize("text,status", [("x" * 501, 422), ("", 422), ("   \n\t ", 422)],
                         ids=["501 characters", "empty", "blank"])
def test_bad_message_is_refused_and_keeps_the_input(make_room, text, status):
    room = make_room()
    guest = room.join("Lars Long")
    before = room.state()
    doc = guest.refused(status, "/messages", text=text)
    assert doc.by_id("chat-text").get("value") == text, "the typed message was not kept"
    assert_unchanged(room, before, "a refused message")


def test_message_of_500_characters_after_trimming_is_accepted(make_room):
    room = make_room()
    guest = room.join("Max Max")
    guest.ok("/messages", text="  " + "m" * 500 + "  ")
    assert message_texts_in_state(room) == ["m" * 500]


@pytest.mark.parametrize("payload,forbidden_tag", [
    ("<script>alert(1)</script>", "script"),
    ("<img src=x onerror=alert(1)>", "img"),
    ("<svg onload=alert(1)>", "svg"),
    ('"><iframe src=//evil.example>', "iframe"),
])
def test_hostile_messages_are_shown_as_text(make_room, payload, forbidden_tag):
    room = make_room()
    guest = room.join("Xena Xss")
    guest.ok("/messages", text=payload)
    for who in (room.host, guest):
        doc = who.page()
        box = doc.by_id("chat-messages")
        assert not box.find_all(forbidden_tag), f"<{forbidden_tag}> made it into the chat"
        assert not [el for el in box.iter() if any(a.startswith("on") for a in el.attrs)], "an event handler attribute"
        assert chat_texts(box) == [payload]
    r = room.host.poll(0, timeout=3)
    assert f"<{forbidden_tag}" not in r.json()["fragments"]["chat-messages"]
    state = room.host.user.get(f"/r/{room.code}/state.json")
    assert "<" not in state.text, "state.json carries raw angle brackets"
    assert message_texts_in_state(room) == [payload]


@pytest.mark.parametrize("payload", ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)",
                                     "[click](javascript:alert(1))", "data:text/html,<script>alert(1)</script>",
                                     "vbscript:msgbox(1)"])
def test_non_http_links_are_not_linked(make_room, payload):
    room = make_room()
    guest = room.join("Jay Js")
    guest.ok("/messages", text=payload)
    box = room.host.page().by_id("chat-messages")
    # Inside the messages' text (each message also has its "Report" link beside it).
    links = [a for text in box.find_all("span", cls="text") for a in text.find_all("a")]
    assert links == [], f"{payload!r} became a link: {[a.attrs for a in links]}"
    assert "javascript:" not in room.host.raw_page().lower().replace(payload.lower(), "")
    if not payload.startswith("["):
        assert chat_texts(box) == [payload]


def test_https_links_are_linked_with_nofollow_noopener(make_room):
    room = make_room()
    guest = room.join("Lina Linker")
    guest.ok("/messages", text="Notes at https://example.com/notes?a=1&b=2 and http://example.org/x too")
    box = room.host.page().by_id("chat-messages")
    links = [a for text in box.find_all("span", cls="text") for a in text.find_all("a")]
    assert [a.get("href") for a in links] == ["https://example.com/notes?a=1&b=2", "http://example.org/x"]
    for a in links:
        rel = set(a.get("rel", "").split())
        assert {"nofollow", "noopener"} <= rel, f"rel={a.get('rel')!r}"
        assert a.get("target") == "_blank"
    assert "Notes at" in chat_texts(box)[0]


def test_flooding_sender_is_auto_muted_and_sees_its_messages_alone(stack, make_room):
    room = make_room()
    flooder = room.join("Fifi Flood")
    started = time.monotonic()
    for i in range(1, 21):
        r = flooder.post("/messages", text=f"flood {i:02d}")
        assert r.status_code == 303, f"message {i}: {r.status_code} {excerpt(r)}"
    assert time.monotonic() - started < 10, "the test could not send 20 messages within 10 s"
    time.sleep(1)
    later = flooder.post("/messages", text="flood later")
    assert later.status_code == 303
    visible = [f"flood {i:02d}" for i in range(1, 9)]
    hidden = [f"flood {i:02d}" for i in range(9, 21)] + ["flood later"]

    # The others: the first eight only, in pages, polls and state.json.
    assert message_texts_in_state(room) == visible
    other = room.join("Olga Other")
    for who in (room.host, other, room.visitor()):
        text = who.raw_page()
        assert chat_texts(parse_html(text).by_id("chat-messages")) == visible
        for h in hidden:
            assert h not in text, f"{h!r} reached someone else's page"
    r = room.host.poll(0, timeout=3)
    assert chat_texts(fragment(r.json()["fragments"]["chat-messages"])) == visible
    assert "flood 09" not in r.text and "flood later" not in r.text
    r = flooder.poll(0, timeout=3)
    assert "flood 09" not in r.text, "a shadow-hidden message went out in the shared poll answer"

    # The sender: everything, its hidden ones marked local.
    items = chat_items(flooder.page())
    assert [li.find("span", cls="text").clean_text() for li in items] == visible + hidden
    assert [li.get("data-local") for li in items] == [None] * 8 + ["1"] * len(hidden)
    assert stack.psql("select is_muted from participants where id = :'v1'", flooder.id) == "t"


def test_host_mutes_and_unmutes_a_participant(stack, make_room):
    room = make_room()
    guest = room.join("Mo Quiet")
    guest.ok("/messages", text="before mute")
    room.host.ok(f"/participants/{guest.id}/mute")
    # The host sees the mute on the moderation page; the shared room page does not tell the muted one.
    mod = room.host.user.page(f"/r/{room.code}/moderate")
    li = mod.find("li", data_participant_id=guest.id)
    assert li is not None and "muted" in li.clean_text().lower(), "the moderation page does not show the mute"
    shared = guest.page().by_id("participants").find("li", data_participant_id=guest.id)
    assert "muted" not in shared.clean_text().lower() and "muted" not in " ".join(shared.classes)
    assert guest.user.get(f"/r/{room.code}/moderate").status_code == 403
    guest.ok("/messages", text="while muted")
    assert message_texts_in_state(room) == ["before mute"]
    assert "while muted" not in room.host.raw_page()
    items = chat_items(guest.page())
    assert [(li.find("span", cls="text").clean_text(), li.get("data-local")) for li in items] == \
        [("before mute", None), ("while muted", "1")]
    room.host.ok(f"/participants/{guest.id}/unmute")
    guest.ok("/messages", text="after unmute")
    assert message_texts_in_state(room) == ["before mute", "after unmute"]
    assert chat_texts(room.host.page().by_id("chat-messages")) == ["before mute", "after unmute"]


def test_host_removes_a_message_and_guests_cannot(make_room):
    room = make_room()
    guest = room.join("Del Deleted")
    guest.ok("/messages", text="oops, wrong room")
    guest.ok("/messages", text="hello all")
    msgs = room.state()["messages"]
    oops = [m["id"] for m in msgs if m["text"] == "oops, wrong room"][0]
    another = room.join("Ann Another")
    before = room.state()
    guest.refused(403, f"/messages/{oops}/delete")
    another.refused(403, f"/messages/{oops}/delete")
    assert_unchanged(room, before, "a guest removing a message")
    room.host.refused(404, "/messages/999999999/delete")
    room.host.refused(404, "/messages/nope/delete")
    room.host.ok(f"/messages/{oops}/delete")
    assert message_texts_in_state(room) == ["hello all"]
    for who in (room.host, guest):
        assert chat_texts(who.page().by_id("chat-messages")) == ["hello all"]


@pytest.mark.parametrize("action", ["mute", "unmute", "remove", "host"])
def test_guests_cannot_moderate(make_room, action):
    room = make_room()
    guest = room.join("Gwen Guest")
    target = room.join("Tia Target")
    before = room.state()
    guest.refused(403, f"/participants/{target.id}/{action}")
    guest.refused(403, f"/participants/{room.host.id}/{action}")
    assert_unchanged(room, before, f"a guest's {action}")
    room.host.refused(404, f"/participants/{uuid.uuid4()}/{action}")
    assert_unchanged(room, before, f"{action} of an unknown participant")


def test_thirty_first_message_in_a_minute_is_429_with_retry_after(stack, make_room):
    room = make_room()
    chatty = room.join("Cal Chatty")
    started = time.monotonic()
    for i in range(1, 31):
        r = chatty.post("/messages", text=f"msg {i}")
        assert r.status_code == 303, f"message {i}: {r.status_code} {excerpt(r)}"
    r = chatty.post("/messages", text="msg 31")
    assert time.monotonic() - started < 60
    assert r.status_code == 429, f"the 31st message answered {r.status_code} {excerpt(r)}"
    retry = r.headers.get("Retry-After", "")
    assert retry.isdigit() and 1 <= int(retry) <= 60, f"Retry-After: {retry!r}"
    stored = stack.psql("select count(*) from messages where participant_id = :'v1'", chatty.id)
    assert stored == "30"
    assert "msg 31" not in chatty.raw_page()
