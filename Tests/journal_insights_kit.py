"""Helpers for the journal's insights and export tests (issue 15): a journal built the way the
truth is kept, as events in `journal_events` (payloads as Domain JournalEvent writes them), then
`pomopomo journal rebuild --user ID` makes the projections from them.

- Journal(stack, uid, zone): session(...) queues the events of one session (start, pauses with
  their categories, the end or completion, the break's activity and end, voice notes with
  transcripts); write() inserts them in order and rebuilds. Times are aware datetimes; a
  session's journal day is its start's date on the owner's wall clock (no personal timer, so
  the day boundary is midnight in `zone`, which is set as the account's zone).
- counts(stack, uid): rows per journal table (events and the five projections), for "deleting
  the account deletes the journal".
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pomopomo_testkit import pomopomo_run

JOURNAL_TABLES = ("journal_events", "journal_days", "journal_sessions", "journal_interruptions", "journal_breaks",
                  "audio_assets")


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Made:
    """The ids of one session's entities, as its events named them."""
    session: str
    interruptions: list[str] = field(default_factory=list)
    break_id: str | None = None
    notes: list[str] = field(default_factory=list)


class Journal:
    def __init__(self, stack, uid: str, zone: str | None = "UTC"):
        """`zone` becomes the account's zone; None keeps the one it has."""
        self.stack = stack
        self.uid = uid
        if zone is None:
            zone = stack.psql("select timezone from users where id = :'v1'", uid)
        else:
            stack.psql("update users set timezone = :'v2' where id = :'v1'", uid, zone)
        self.zone = ZoneInfo(zone)
        self.events: list[dict] = []

    def event(self, kind: str, at: datetime, **payload):
        self.events.append({"kind": kind, "at": at.isoformat(), "payload": payload})

    def note(self, at: datetime, target: str, target_id: str, transcript: str | None) -> str:
        """A voice note attached to a session, interruption or break, with its transcript."""
        audio = new_id()
        self.event("audio_recorded", at, audio=audio, file=f"{audio[:8]}.webm", mime="audio/webm", bytes=4000,
                   duration_seconds=6)
        self.event("audio_attached", at, audio=audio, target=target, target_id=target_id)
        if transcript is not None:
            self.event("transcript_set", at, audio=audio, text=transcript, source="engine")
        return audio

    def session(self, start: datetime, intent: str = "coding", minutes: int = 25,
                pauses: list[tuple[int, int, str]] = (), end: str | None = "complete",
                activity: str | None = "tea_coffee", break_minutes: int | None = 5,
                intent_note: str | None = None, pause_notes: list[str] = (), break_note: str | None = None) -> Made:
        """One session from `start`: `pauses` are (minute of focus it came at, minutes paused,
        category); `end` is complete, end (ended early) or None (still open); after a completion
        the break gets `activity` and ends after `break_minutes` (None: still on)."""
        s = Made(new_id())
        day = start.astimezone(self.zone).date().isoformat()
        self.event("session_started", start, session=s.session, intent=intent, day=day, place="timer")
        if intent_note is not None:
            s.notes.append(self.note(start, "session", s.session, intent_note))
        t, focused = start, 0
        for i, (at_minute, paused, category) in enumerate(pauses):
            t += timedelta(minutes=at_minute - focused)
            focused = at_minute
            interruption = new_id()
            s.interruptions.append(interruption)
            self.event("session_paused", t, session=s.session, interruption=interruption, category=category)
            if i < len(pause_notes):
                s.notes.append(self.note(t, "interruption", interruption, pause_notes[i]))
            t += timedelta(minutes=paused)
            if end is not None or i < len(pauses) - 1:
                self.event("session_resumed", t, session=s.session)
        if end is None:
            return s
        t += timedelta(minutes=minutes - focused)
        if end == "end":
            self.event("session_ended", t, session=s.session)
            return s
        s.break_id = new_id()
        self.event("session_completed", t, session=s.session, **{"break": s.break_id})
        if activity is not None:
            self.event("break_activity_chosen", t, activity=activity, **{"break": s.break_id})
        if break_note is not None:
            s.notes.append(self.note(t, "break", s.break_id, break_note))
        if break_minutes is not None:
            self.event("break_ended", t + timedelta(minutes=break_minutes), **{"break": s.break_id})
        return s

    def write(self):
        """Appends the queued events in time order (sessions may be queued in any order, but must
        not overlap) and rebuilds the owner's projections from them."""
        self.events.sort(key=lambda e: datetime.fromisoformat(e["at"]))
        # A few hundred at a time: each batch is one command-line argument of psql.
        for i in range(0, len(self.events), 300):
            self.stack.psql(
                "insert into journal_events (user_id, kind, at, payload) "
                "select :'v1', e->>'kind', (e->>'at')::timestamptz, e->'payload' "
                "from jsonb_array_elements(:'v2'::jsonb) with ordinality as t(e, n) order by n",
                self.uid, json.dumps(self.events[i:i + 300]))
        self.events = []
        pomopomo_run(self.stack, "journal", "rebuild", "--user", self.uid)


def counts(stack, uid: str) -> dict[str, int]:
    """Rows per journal table for one owner."""
    out = stack.psql(" union all ".join(f"select '{t}', count(*) from {t} where user_id = :'v1'" for t in JOURNAL_TABLES),
                     uid)
    return {name: int(n) for name, n in (line.split("|") for line in out.splitlines())}


def table_rows(doc, table_id: str) -> list[list[str]]:
    """A table's body rows as lists of cell texts (the row header first)."""
    table = doc.by_id(table_id)
    assert table is not None, f"no #{table_id} on the page"
    body = table.find("tbody")
    return [[c.clean_text() for c in tr.iter() if c.tag in ("th", "td")] for tr in body.find_all("tr")]


def as_dict(rows: list[list[str]]) -> dict[str, list[str]]:
    """{row header: the other cells}."""
    return {r[0]: r[1:] for r in rows}


def page_text(el) -> str:
    """What a text browser prints of an element: every text on its own (w3m lays out blocks and
    cells apart), spaces squeezed."""
    def strings(e):
        return [c for child in e.children for c in ([child] if isinstance(child, str) else strings(child))]
    return " ".join(" ".join(t.split()) for t in strings(el) if t.strip())
