"""Focus credit (issue 11): moving a room's timer through time, and reading the ledger."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from accounts_kit import sign_up, unique_email, unique_username, user_id, verify_from_mail
from pomopomo_testkit import publish_wake
from rooms_kit import Member, Room, wait_for


def bump(stack, room: Room):
    """Bumps the room's version and announces it (the writer rule), so no cache keeps the old state."""
    version = int(stack.psql("update rooms set version = version + 1, state_v = version + 1, people_v = version + 1"
                             " where id = :'v1' returning version", room.id).splitlines()[0])
    publish_wake(stack, room.id, version)


def time_passes(stack, room: Room, seconds: float):
    """As if `seconds` passed on the room's running timer, with everyone present still watching:
    the segment's end and the focus clock's start move back (so the clock reads that much more)."""
    done = stack.psql(
        "update rooms set segment_ends_at = segment_ends_at - make_interval(secs => :'v2'::float8),"
        " focus_since = focus_since - make_interval(secs => :'v2'::float8)"
        " where id = :'v1' and status = 'running' returning id", room.id, str(seconds))
    assert done.strip(), "time_passes needs a running timer"
    bump(stack, room)


def seat_hash(stack, member: Member) -> str:
    """The member's seat's session hash (hex), which names a guest's ledger rows."""
    return stack.psql("select encode(session_hash, 'hex') from participants where id = :'v1'", member.id).strip()


def seen_now(stack, member: Member):
    """The member is seen again (a page view) and the sighting reaches PostgreSQL, as it would
    with their page polling: their accrued focus is brought up to now."""
    stack.psql("update participants set last_seen_at = now() - interval '30 seconds' where id = :'v1'", member.id)
    bump(stack, member.room)
    member.page()
    wait_for(lambda: stack.psql("select last_seen_at > now() - interval '10 seconds' from participants"
                                " where id = :'v1'", member.id).strip() == "t", 5, f"{member.name}'s sighting being written")


def goes_away(stack, member: Member, minutes: int = 60):
    """The member closed the page `minutes` ago: not seen since."""
    stack.psql("update participants set last_seen_at = now() - make_interval(mins => :'v2'::int) where id = :'v1'",
               member.id, str(minutes))
    bump(stack, member.room)


def ledger(stack, where: str, *args: str) -> list[dict]:
    """Ledger rows matching `where` (psql variables :'v1'…), oldest first."""
    out = stack.psql(
        "select coalesce(json_agg(json_build_object('user', user_id, 'guest', encode(session_hash, 'hex'),"
        " 'room', room_id, 'seconds', seconds, 'day', local_day, 'zone', time_zone, 'completed', completed,"
        " 'present', people_present, 'hosted', hosted, 'start', extract(epoch from started_at),"
        " 'end', extract(epoch from ended_at)) order by ended_at, id), '[]') from focus_credits where " + where, *args)
    return json.loads(out)


def seconds_for_guest(stack, room: Room, guest_hash: str) -> int:
    rows = ledger(stack, "room_id = :'v1' and encode(session_hash, 'hex') = :'v2'", room.id, guest_hash)
    return sum(r["seconds"] for r in rows)


def wait_for_credit(stack, room: Room, rows: int, timeout: float = 5) -> list[dict]:
    """Waits until the room has at least `rows` ledger rows (the sweeper credits in the background)."""
    found: list[dict] = []

    def enough():
        nonlocal found
        found = ledger(stack, "room_id = :'v1'", room.id)
        return len(found) >= rows

    wait_for(enough, timeout, f"{rows} ledger rows for the room")
    return found


FOCUS = 1500  # the classic queue starts with 25 minutes of focus
# Domain Achievement.nightOwlHours and .earlyBirdHours: local hours in which completing a session
# earns Night Owl or Early Bird.
NIGHT_OWL_HOURS = {22, 23, 0, 1, 2, 3}
EARLY_BIRD_HOURS = {4, 5, 6}


def time_of_day_achievements(stack, uid: str) -> set[str]:
    """What the account's completed sessions earn by the local hour they ended in. A test that
    credits at the real clock earns Night Owl or Early Bird too when it runs between 22:00 and
    07:00 (UTC for a guest's credit): First Focus alone is what it earns by day."""
    hours = {datetime.fromtimestamp(r["end"], ZoneInfo(r["zone"])).hour
             for r in ledger(stack, "user_id = :'v1' and completed", uid)}
    return ({"night_owl"} if hours & NIGHT_OWL_HOURS else set()) | ({"early_bird"} if hours & EARLY_BIRD_HOURS else set())


def guest_focuses_a_segment(stack, make_room, browser, name: str) -> tuple[Room, Member]:
    """`browser` joins a fresh room as a guest and is there for its whole first focus segment,
    which the sweeper then credits (to the host and to them)."""
    room = make_room()
    guest = room.join(name, user=browser)
    room.host.ok("/timer", action="start", at="0")
    time_passes(stack, room, FOCUS)
    wait_for_credit(stack, room, 2)
    return room, guest


def signs_up_here(stack, browser, mailbox, prefix: str) -> tuple[str, str]:
    """The browser signs up and opens the mailed link itself, so its guest session becomes the
    account's. Returns (username, user id)."""
    address, name = unique_email(prefix), unique_username(prefix)
    sign_up(browser, address, name)
    r = verify_from_mail(browser, mailbox, address)
    assert r.status_code == 303, f"confirming {address}: {r.status_code}"
    return name, user_id(stack, address)
