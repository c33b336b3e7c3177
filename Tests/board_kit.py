"""The whiteboard (/me/board, issue 14) as a test sees it: a person's board page, its version,
posting its forms with the version the page showed, and what is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pomopomo_testkit import User, parse_html

WIDTH, HEIGHT = 1200, 800
MAX_X, MAX_Y = 1040, 700


@dataclass
class Board:
    """One board of a signed-in person, as its page last showed it."""
    user: User
    id: str
    version: str
    csrf: str
    doc: object

    @classmethod
    def open(cls, user: User, path: str = "/me/board") -> Board:
        r = user.get(path)
        assert r.status_code == 200, f"GET {path}: {r.status_code}\n{r.text[:400]}"
        doc = parse_html(r.text)
        page = doc.by_id("board-page")
        assert page is not None, f"{path} is not a board page"
        return cls(user, page.get("data-board"), page.get("data-version"), doc.find("input", name="csrf").get("value"), doc)

    def reload(self) -> Board:
        return Board.open(self.user, f"/me/board/{self.id}")

    def post(self, suffix: str = "", version: str | None = None, **fields):
        """POSTs to /me/board/ID{suffix} with the page's csrf and version (unless given)."""
        data = {"csrf": self.csrf, **fields}
        if version is not False:
            data["version"] = self.version if version is None else version
        return self.user.post_form(f"/me/board/{self.id}{suffix}", data)

    def add_note(self, text: str, colour: str = "yellow", x: str = "", y: str = ""):
        return self.post("/notes", text=text, colour=colour, x=x, y=y)

    def note_ids(self) -> list[str]:
        return [li.get("data-note") for li in self.doc.find_all("li", cls="board-note")]

    def note_form(self, note_id: str) -> dict:
        form = self.doc.by_id(f"note-form-{note_id}")
        return {"text": form.find("textarea").text(), "x": form.find("input", name="x").get("value"),
                "y": form.find("input", name="y").get("value"),
                "colour": next(o.get("value") for o in form.find_all("option") if o.get("selected") is not None)}

    def svg(self) -> str:
        m = re.search(r"<svg[^>]*id=\"board-svg\".*?</svg>", self.doc_text, re.S)
        return m.group(0) if m else ""

    @property
    def doc_text(self) -> str:
        return self.user.get(f"/me/board/{self.id}").text


def stored(stack, board_id: str) -> str:
    """Everything stored about a board in one line, to compare before and after a refused request."""
    return stack.psql(
        "select b.name || '|' || b.version || '|' || b.note_count || '|' || b.stroke_count"
        " || '|' || b.note_bytes || '|' || b.stroke_bytes"
        " || '|' || coalesce((select string_agg(n.id || ':' || n.text || ':' || n.colour || ':' || n.x || ',' || n.y, ';'"
        " order by n.id)"
        " from board_notes n where n.board_id = b.id), '')"
        " || '|' || coalesce((select string_agg(s.seq || ':' || s.tool || ':' || array_to_string(s.points, ' '), ';'"
        " order by s.seq)"
        " from board_strokes s where s.board_id = b.id), '')"
        " || '|' || (select count(*) from board_versions v where v.board_id = b.id)"
        " from boards b where b.id = :'v1'", board_id)


def boards_of(stack, user_id: str) -> int:
    return int(stack.psql("select count(*) from boards where user_id = :'v1'", user_id))
