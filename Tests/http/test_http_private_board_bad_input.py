"""The whiteboard's bad-input table (QUALITY.md, issue 14): strokes with NaN, Infinity, huge
coordinates, too many points or no numbers at all; note positions off the board; over-long or
hostile text; unknown colours, tools and directions; stale or missing versions; limits reached
(seeded with SQL). Each gets a clear 4xx (422 keeps what was typed), and nothing stored changes."""

import pytest

from accounts_kit import brief, register, user_id
from board_kit import Board, stored
from pomopomo_testkit import parse_html

_SHARED = {}


@pytest.fixture
def board(stack, mailbox) -> Board:
    """One board shared by the tests whose requests must all be refused, with one note and one stroke."""
    b = _SHARED.get("board")
    if b is None:
        acct = register(stack.base_url, mailbox, "badboard")
        b = Board.open(acct.user)
        b.add_note("Keep")
        b = b.reload()
        b.post("/strokes", tool="pen", colour="ink", width="thin", points="1 1 9 9")
        b = _SHARED["board"] = b.reload()
        b.email = acct.email
    return b


def refused(stack, board: Board, suffix: str, status: int, **fields):
    before = stored(stack, board.id)
    r = board.post(suffix, **fields)
    assert r.status_code == status, f"{suffix} {fields}: {brief(r)}"
    assert stored(stack, board.id) == before, f"{suffix} {fields} changed the board"
    return r


STROKES = [
    ("nan", "NaN 1 2 3"), ("nan lower", "1 2 nan 3"), ("infinity", "Infinity 1 2 3"), ("inf", "1 inf 2 3"),
    ("negative infinity", "-Infinity 1 2 2"), ("exponent", "1e3 1 2 2"), ("hexadecimal", "0x10 1 2 2"),
    ("negative", "-1 5 2 2"), ("x off the board", "1201 5 2 2"), ("y off the board", "5 801 2 2"),
    ("huge", "99999999999999999999999 1 2 2"), ("2^63", "9223372036854775808 1 2 2"),
    ("odd count", "1 2 3"), ("empty", ""), ("blank", "   "), ("not numbers", "a b c d"),
    ("markup", "<svg onload=alert(1)> 1 2 3"), ("json", "[1,2,3,4]"), ("sql", "1 2'); DROP TABLE boards; -- 3"),
    ("too many points", " ".join(["1 2"] * 2001)), ("full-width digits", "１ 2 3 4"),
]


@pytest.mark.parametrize("name,points", STROKES, ids=[s[0] for s in STROKES])
def test_bad_strokes_are_refused(stack, board, name, points):
    r = refused(stack, board, "/strokes", 422, tool="pen", colour="ink", width="thin", points=points)
    assert parse_html(r.text).by_id("board-error") is not None
    assert "<svg onload" not in r.text


@pytest.mark.parametrize("fields", [
    {"tool": "brush", "colour": "ink", "width": "thin"}, {"tool": "pen", "colour": "gold", "width": "thin"},
    {"tool": "pen", "colour": "ink", "width": "99"}, {"tool": "pen", "colour": "#000\" onload=\"x", "width": "thin"},
])
def test_unknown_tools_colours_and_widths_are_refused(stack, board, fields):
    refused(stack, board, "/strokes", 422, points="1 1 2 2", **fields)


POSITIONS = [("-1", "0"), ("0", "-20"), ("1041", "0"), ("0", "701"), ("1e3", "0"), ("0x10", "0"), ("1.5", "0"),
             ("9223372036854775808", "0"), ("0", ""), ("", "0"), (" 5", "0"), ("5; DROP TABLE boards", "0")]


@pytest.mark.parametrize("x,y", POSITIONS)
def test_positions_off_the_board_are_refused_and_what_was_typed_kept(stack, board, x, y):
    r = refused(stack, board, "/notes", 422, text="Typed text", colour="blue", x=x, y=y)
    form = parse_html(r.text).by_id("add-note")
    assert form.find("textarea").text() == "Typed text" and form.find("input", name="x").get("value") == x
    note = board.note_ids()[0]
    r = refused(stack, board, f"/notes/{note}", 422, text="Edited", colour="blue", x=x, y=y)
    assert parse_html(r.text).by_id(f"note-form-{note}").find("textarea").text() == "Edited"


@pytest.mark.parametrize("text,why", [
    ("x" * 281, "280"), ("", "empty"), ("   \n ", "empty"), ("evil \u202etxt", "direction"), ("bell\x07", "control"),
    ("a\x00b", "not validly encoded"),
])
def test_bad_note_text_is_refused(stack, board, text, why):
    # A NUL byte is refused with every form, before the board sees it (400).
    status = 400 if "\x00" in text else 422
    r = refused(stack, board, "/notes", status, text=text, colour="yellow", x="", y="")
    assert why in parse_html(r.text).find(role="alert").clean_text()


def test_unknown_colours_and_directions_are_refused(stack, board):
    refused(stack, board, "/notes", 422, text="Hi", colour="red", x="", y="")
    note = board.note_ids()[0]
    refused(stack, board, f"/notes/{note}/move", 422, direction="diagonal")
    refused(stack, board, f"/notes/{note}/move", 422, direction="")


@pytest.mark.parametrize("version", ["", "abc", "-1", "0", "1e3", "99999999999999999999"])
def test_missing_or_malformed_versions_are_refused(stack, board, version):
    refused(stack, board, "/notes", 422, version=version, text="Versionless", colour="yellow", x="", y="")


def test_stale_versions_are_409_on_every_write(stack, board):
    note = board.note_ids()[0]
    stale = str(int(board.version) - 1)
    for suffix, fields in [("/notes", {"text": "Late", "colour": "yellow", "x": "", "y": ""}),
                           (f"/notes/{note}", {"text": "Late", "colour": "yellow", "x": "0", "y": "0"}),
                           (f"/notes/{note}/move", {"direction": "up"}), (f"/notes/{note}/delete", {}),
                           ("/strokes", {"tool": "pen", "colour": "ink", "width": "thin", "points": "1 1 2 2"}),
                           ("/strokes/clear", {}), ("/history/1/restore", {}), ("/delete", {"confirm": "yes"})]:
        r = refused(stack, board, suffix, 409, version=stale, **fields)
        assert parse_html(r.text).by_id("reload-board") is not None


@pytest.mark.parametrize("path", ["/me/board/0", "/me/board/-1", "/me/board/abc", "/me/board/1e3",
                                  "/me/board/99999999999999999999",
                                  "/me/board/1'%20OR%201=1", "/me/board/.svg", "/me/board/x.svg", "/me/board/1/history/x"])
def test_malformed_ids_are_404(board, path):
    r = board.user.get(path)
    assert r.status_code == 404, f"{path}: {brief(r)}"


@pytest.mark.parametrize("name", ["", "x" * 61, "two\nlines", "rtl \u202e"])
def test_bad_board_names_are_refused(stack, board, name):
    refused(stack, board, "/rename", 422, version=False, name=name)
    before = stack.psql("select count(*) from boards")
    r = board.user.post_form("/me/board", {"csrf": board.csrf, "name": name})
    assert r.status_code == 422, brief(r)
    assert stack.psql("select count(*) from boards") == before


def test_hostile_text_is_stored_as_typed_and_shown_escaped(stack, account):
    acct = account("hostile")
    b = Board.open(acct.user)
    texts = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '" autofocus onfocus=alert(1) x="',
             "{{> layout}} {{{x}}}", "'; DROP TABLE board_notes; --"]
    for text in texts:
        assert b.add_note(text).status_code == 303
        b = b.reload()
    assert b.post("/rename", version=False, name='<b onmouseover=x()>Name</b>').status_code == 303
    page = acct.user.get(f"/me/board/{b.id}").text
    svg = acct.user.get(f"/me/board/{b.id}.svg").text
    for body in (page, svg):
        assert "<script>alert" not in body and "<img src=x" not in body and "<b onmouseover" not in body
        assert 'onfocus=alert(1) x="' not in body
    assert "{{&gt; layout}} {{{x}}}" in page
    assert stack.psql("select count(*) from board_notes where board_id = :'v1'", b.id) == "5"
    assert stack.psql("select text from board_notes where board_id = :'v1' order by id limit 1", b.id) == texts[0]


def test_limits_reached_through_sql_seeding(stack, account):
    acct = account("limits")
    b = Board.open(acct.user)
    # 200 notes.
    stack.psql("insert into board_notes (board_id, text, colour, x, y)"
               " select :'v1', 'n' || i, 'yellow', 0, 0 from generate_series(1, 200) i;"
               " update boards set note_count = 200, note_bytes = 200 * 50 where id = :'v1'", b.id)
    b = b.reload()
    r = refused(stack, b, "/notes", 422, text="One more", colour="yellow", x="", y="")
    assert "200 notes" in r.text and parse_html(r.text).by_id("add-note").find("textarea").text() == "One more"
    # 5,000 strokes.
    stack.psql("insert into board_strokes (board_id, seq, tool, colour, width, points)"
               " select :'v1', i, 'pen', 'ink', 'thin', '{1,1,2,2}' from generate_series(1, 5000) i;"
               " update boards set stroke_count = 5000, stroke_bytes = 5000 * 56 / 10 where id = :'v1'", b.id)
    r = refused(stack, b, "/strokes", 422, tool="pen", colour="ink", width="thin", points="3 3 4 4")
    assert "5000 strokes" in r.text
    # 200 kB.
    stack.psql("delete from board_strokes where board_id = :'v1'; delete from board_notes where board_id = :'v1';"
               " update boards set note_count = 0, stroke_count = 0, note_bytes = 0, stroke_bytes = 199990"
               " where id = :'v1'", b.id)
    r = refused(stack, b, "/strokes", 422, tool="pen", colour="ink", width="thin", points="300 300 400 400")
    assert "200 kB" in r.text
    r = refused(stack, b, "/notes", 422, text="Heavy", colour="yellow", x="", y="")
    assert "200 kB" in r.text
    # Clearing the drawing is always possible, and makes room again.
    assert b.post("/strokes/clear").status_code == 303
    assert b.reload().add_note("Room again").status_code == 303
    assert user_id(stack, acct.email)
