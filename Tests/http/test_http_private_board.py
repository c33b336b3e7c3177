"""The private whiteboard (issue 14, seed 003 §2.5): a board made on the first visit, sticky notes
added, edited, moved and deleted with forms, strokes posted as numbers, an SVG built from those
numbers, the version check (409), undo through the kept versions, several named boards, the data
export and deletion, and privacy: every board route answers another person with 404, changing nothing."""

import json

from accounts_kit import brief, location, post_on, user_id
from board_kit import MAX_X, Board, boards_of, stored
from pomopomo_testkit import parse_html


def test_a_first_visit_makes_a_board_and_guests_are_sent_to_sign_in(stack, account, new_user):
    guest = new_user()
    r = guest.get("/me/board")
    assert r.status_code == 303 and location(r) == "/login?next=%2Fme%2Fboard", brief(r)
    acct = account("boarder")
    board = Board.open(acct.user)
    assert board.doc.by_id("board-heading").clean_text() == "My board"
    assert board.version == "1" and board.note_ids() == []
    assert Board.open(acct.user).id == board.id, "a second visit makes no second board"
    assert boards_of(stack, user_id(stack, acct.email)) == 1
    assert board.doc.by_id("board-svg") is not None and board.doc.by_id("stroke-form").get("hidden") is not None


def test_notes_are_added_edited_moved_and_deleted_with_forms(stack, account):
    acct = account("notes")
    board = Board.open(acct.user)
    r = board.add_note("Plan the week", colour="blue", x="100", y="60")
    assert r.status_code == 303 and "#note-" in location(r), brief(r)
    board = board.reload()
    [first] = board.note_ids()
    assert board.version == "2"
    assert board.note_form(first) == {"text": "Plan the week", "x": "100", "y": "60", "colour": "blue"}
    assert board.add_note("Second, placed by itself").status_code == 303
    board = board.reload()
    second = board.note_ids()[1]
    assert board.note_form(second)["x"] == "40" or board.note_form(second)["y"] == "0"
    # Edit text, colour and position.
    r = board.post(f"/notes/{first}", text="Plan the month", colour="green", x=str(MAX_X), y="0")
    assert r.status_code == 303, brief(r)
    board = board.reload()
    assert board.note_form(first) == {"text": "Plan the month", "x": str(MAX_X), "y": "0", "colour": "green"}
    # The arrows move one grid step and stop at the edge.
    assert board.post(f"/notes/{first}/move", direction="right").status_code == 303
    board = board.reload()
    assert board.note_form(first)["x"] == str(MAX_X)
    assert board.post(f"/notes/{first}/move", direction="down").status_code == 303
    board = board.reload()
    assert board.note_form(first)["y"] == "20"
    svg = board.svg()
    assert f'data-note="{first}"' in svg and f"translate({MAX_X} 20)" in svg and "Plan the month" in svg
    assert board.post(f"/notes/{second}/delete").status_code == 303
    board = board.reload()
    assert board.note_ids() == [first]
    assert board.version == "7"


def test_strokes_are_stored_as_simplified_numbers_and_drawn_in_the_svg(stack, account):
    acct = account("drawer")
    board = Board.open(acct.user)
    r = board.post("/strokes", tool="pen", colour="red", width="thick", points="10 10 20 10.2 30 10 40 10 40 50.6")
    assert r.status_code == 303, brief(r)
    assert stack.psql("select tool || ' ' || colour || ' ' || width || ' ' || array_to_string(points, ',') from board_strokes"
                      " where board_id = :'v1'", board.id) == "pen red thick 10,10,40,10,40,51"
    board = board.reload()
    assert board.post("/strokes", tool="eraser", colour="ink", width="thin", points="15 10 25 10").status_code == 303
    svg = board.reload().svg()
    assert '<polyline points="10,10 40,10 40,51" stroke="#d62839" stroke-width="10"/>' in svg
    assert '<polyline points="15,10 25,10" stroke="#fffdf5" stroke-width="6"/>' in svg, "an eraser paints with the paper"
    board = board.reload()
    assert board.post("/strokes/clear").status_code == 303
    assert stack.psql("select count(*) from board_strokes where board_id = :'v1'", board.id) == "0"


def test_the_svg_download_is_built_from_numbers_with_note_text_escaped(stack, account):
    acct = account("svg")
    board = Board.open(acct.user)
    assert board.add_note('<script>alert(1)</script><svg onload="x()">', colour="pink").status_code == 303
    board = board.reload()
    assert board.post("/strokes", tool="pen", colour="blue", width="thin", points="1 2 300 400").status_code == 303
    r = acct.user.get(f"/me/board/{board.id}.svg")
    assert r.status_code == 200, brief(r)
    assert r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.headers["Content-Disposition"] == f'attachment; filename="board-{board.id}.svg"'
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    body = r.text
    assert body.startswith("<?xml") and "<script" not in body and "onload=" not in body.replace("onload=&quot;", "")
    assert "&lt;script&gt;alert(1)" in body and '<polyline points="1,2 300,400"' in body
    page = acct.user.get(f"/me/board/{board.id}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_stale_version_is_a_409_with_a_way_to_reload_and_nothing_lost(stack, account):
    acct = account("twotabs")
    tab_one = Board.open(acct.user)
    tab_two = Board.open(acct.user)
    assert tab_one.add_note("From tab one").status_code == 303
    before = stored(stack, tab_one.id)
    for suffix, fields in [("/notes", {"text": "From tab two", "colour": "yellow", "x": "", "y": ""}),
                           ("/strokes", {"tool": "pen", "colour": "ink", "width": "thin", "points": "1 1 5 5"}),
                           ("/strokes/clear", {}), ("/delete", {"confirm": "yes"})]:
        r = tab_two.post(suffix, **fields)
        assert r.status_code == 409, f"{suffix}: {brief(r)}"
        doc = parse_html(r.text)
        assert doc.by_id("reload-board").get("href") == f"/me/board/{tab_two.id}"
        assert "version 1" in doc.by_id("error-message").clean_text() and "version 2" in doc.by_id("error-message").clean_text()
        if suffix == "/notes":
            assert "From tab two" in r.text, "what was typed is shown back"
        assert stored(stack, tab_one.id) == before, f"{suffix} changed the board"
    note = tab_one.reload().note_ids()[0]
    r = tab_two.post(f"/notes/{note}", text="Overwritten?", colour="pink", x="0", y="0")
    assert r.status_code == 409 and "Overwritten?" in r.text
    assert stored(stack, tab_one.id) == before
    # Reloading gives the current version, and the same change now goes through.
    assert tab_two.reload().add_note("From tab two").status_code == 303


def test_undo_lists_the_last_20_versions_and_restores_one_as_a_new_version(stack, account):
    acct = account("undo")
    board = Board.open(acct.user)
    board.add_note("Keep me", colour="orange")
    board = board.reload()
    kept_note = board.note_ids()[0]
    board.post("/strokes", tool="pen", colour="ink", width="medium", points="100 100 200 200")
    board = board.reload()
    assert board.version == "3"
    board.post(f"/notes/{kept_note}/delete")
    board = board.reload()
    board.post("/strokes/clear")
    board = board.reload()
    doc = acct.user.page(f"/me/board/{board.id}/history")
    items = doc.by_id("versions").find_all("li")
    assert [li.get("id") for li in items] == ["version-5", "version-4", "version-3", "version-2", "version-1"]
    assert "Drawing cleared" in items[0].clean_text() and "(current)" in items[0].clean_text()
    assert "Drawn with the pen" in items[2].clean_text() and "1 note, 1 stroke" in items[2].clean_text()
    r = post_on(acct.user, f"/me/board/{board.id}/history", f"/me/board/{board.id}/history/3/restore", version="5")
    assert r.status_code == 303, brief(r)
    board = board.reload()
    assert board.version == "6" and board.note_ids() == [kept_note], "the note is back with its id"
    assert board.note_form(kept_note)["colour"] == "orange"
    points = stack.psql("select array_to_string(points, ',') from board_strokes where board_id = :'v1'", board.id)
    assert points == "100,100,200,200"
    doc = acct.user.page(f"/me/board/{board.id}/history")
    assert "Version 3 restored" in doc.by_id("version-6").clean_text()
    # Only the last 20 are kept.
    for i in range(17):
        assert board.post(f"/notes/{kept_note}/move", direction="right" if i % 2 else "left").status_code == 303
        board = board.reload()
    versions = stack.psql("select min(version) || '-' || max(version) || ' ' || count(*) from board_versions"
                          " where board_id = :'v1'", board.id)
    assert versions == "4-23 20", versions
    r = board.post("/history/2/restore")
    assert r.status_code == 404, "a forgotten version is gone"


def test_several_named_boards_rename_delete_and_the_cap(stack, account):
    acct = account("boards")
    first = Board.open(acct.user)
    r = post_on(acct.user, "/me/board", "/me/board", name="Ideas")
    assert r.status_code == 303, brief(r)
    ideas = Board.open(acct.user, location(r))
    assert ideas.id != first.id and ideas.doc.by_id("board-heading").clean_text() == "Ideas"
    names = [li.clean_text() for li in ideas.doc.by_id("boards").find_all("li")]
    assert names == ["Ideas", "My board"]
    assert Board.open(acct.user).id == ideas.id, "/me/board shows the most recently changed board"
    assert ideas.post("/rename", version=False, name="Big ideas").status_code == 303
    assert ideas.reload().doc.by_id("board-heading").clean_text() == "Big ideas"
    r = ideas.post("/delete")
    assert r.status_code == 422 and "Tick" in r.text, "deleting asks for the box to be ticked"
    r = ideas.post("/delete", confirm="yes")
    assert r.status_code == 303 and location(r) == "/me/board"
    assert stack.psql("select count(*) from board_versions where board_id = :'v1'", ideas.id) == "0"
    uid = user_id(stack, acct.email)
    stack.psql("insert into boards (user_id, name) select :'v1', 'Seeded ' || i from generate_series(1, 19) i", uid)
    page = Board.open(acct.user)
    assert page.doc.by_id("new-board") is None and "20 boards, the limit" in page.doc.by_id("board-page").clean_text()
    r = acct.user.post_form("/me/board", {"csrf": page.csrf, "name": "One too many"})
    assert r.status_code == 422 and "20 boards" in r.text, brief(r)
    assert boards_of(stack, uid) == 20


def test_export_has_boards_as_data_and_svg_and_deletion_removes_them(stack, account, new_user):
    acct = account("exporter")
    board = Board.open(acct.user)
    board.add_note("Exported <b>note</b>", colour="purple", x="20", y="40")
    board = board.reload()
    board.post("/strokes", tool="pen", colour="green", width="thin", points="5 5 6 9")
    export = acct.user.get("/settings/export.json").json()
    [exported] = export["boards"]
    assert exported["name"] == "My board" and exported["version"] == 3
    assert [(n["text"], n["colour"], n["x"], n["y"]) for n in exported["notes"]] == [("Exported <b>note</b>", "purple", 20, 40)]
    assert exported["strokes"] == [{"tool": "pen", "colour": "green", "width": "thin", "points": [5, 5, 6, 9]}]
    assert exported["svg"].startswith("<svg") and "&lt;b&gt;note" in exported["svg"]
    uid = user_id(stack, acct.email)
    r = post_on(acct.user, "/settings/account", "/settings/delete", password=acct.password)
    assert r.status_code == 303, brief(r)
    assert stack.psql("select count(*) from boards where user_id = :'v1'", uid) == "0"
    assert stack.psql("select count(*) from board_notes where board_id = :'v1'", board.id) == "0"
    assert stack.psql("select count(*) from board_versions where board_id = :'v1'", board.id) == "0"


def test_every_board_route_answers_another_person_404_and_changes_nothing(stack, account):
    owner, intruder = account("owner"), account("intruder")
    board = Board.open(owner.user)
    board.add_note("Private")
    board = board.reload()
    note = board.note_ids()[0]
    board.post("/strokes", tool="pen", colour="ink", width="thin", points="1 1 9 9")
    board = board.reload()
    mine = Board.open(intruder.user)
    mine.add_note("Intruder's own")
    my_note = mine.reload().note_ids()[0]
    before = stored(stack, board.id)
    own_before = stored(stack, mine.id)
    gets = [f"/me/board/{board.id}", f"/me/board/{board.id}.svg", f"/me/board/{board.id}/history"]
    posts = [
        ("/rename", {"name": "Mine now"}), ("/delete", {"confirm": "yes"}),
        ("/notes", {"text": "Planted", "colour": "yellow", "x": "0", "y": "0"}),
        (f"/notes/{note}", {"text": "Changed", "colour": "pink", "x": "0", "y": "0"}),
        (f"/notes/{note}/move", {"direction": "left"}), (f"/notes/{note}/delete", {}),
        ("/strokes", {"tool": "pen", "colour": "ink", "width": "thin", "points": "1 1 2 2"}), ("/strokes/clear", {}),
        ("/history/1/restore", {}),
    ]

    def walk(who):
        for path in gets:
            r = who.user.get(path)
            assert r.status_code == 404, f"GET {path}: {brief(r)}"
            assert "Private" not in r.text
        for suffix, fields in posts:
            r = who.user.post_form(f"/me/board/{board.id}{suffix}", {"csrf": mine.csrf, "version": board.version, **fields})
            assert r.status_code == 404, f"POST {suffix}: {brief(r)}"
            assert "Private" not in r.text
        # The owner's note id through the intruder's own board, and the intruder's note through the owner's.
        for suffix in [f"/notes/{note}", f"/notes/{note}/move", f"/notes/{note}/delete"]:
            r = who.user.post_form(f"/me/board/{mine.id}{suffix}", {"csrf": mine.csrf, "version": mine.reload().version,
                                                                     "text": "x", "colour": "blue", "x": "0", "y": "0",
                                                                     "direction": "up"})
            assert r.status_code == 404, f"own board, other's note {suffix}: {brief(r)}"
        r = who.user.post_form(f"/me/board/{board.id}/notes/{my_note}/delete", {"csrf": mine.csrf, "version": board.version})
        assert r.status_code == 404
        # Invalid input on someone else's board is not shown their board either.
        r = who.user.post_form(f"/me/board/{board.id}/notes",
                               {"csrf": mine.csrf, "version": board.version, "text": "", "colour": "x"})
        assert r.status_code == 404 and "Private" not in r.text, brief(r)
        assert stored(stack, board.id) == before
        assert stored(stack, mine.id) == own_before

    walk(intruder)
    # Admins too.
    stack.psql("update users set role = 'ADMIN' where id = :'v1'", user_id(stack, intruder.email))
    walk(intruder)
    export = intruder.user.get("/settings/export.json").json()
    assert [b["name"] for b in export["boards"]] == ["My board"] and "Private" not in json.dumps(export["boards"])
