"""Direct messages (issue 12): sending, reading and setting up conversations for the tests.

- send: POSTs a message through a conversation page's own form (its CSRF token).
- shown: the messages a conversation page (or fragment) shows, as (id, author, text) triples.
- seed_conversation: many messages written straight into PostgreSQL (paging, unread counts, the
  limits), the way the site stores them.
- fake_user: an account row with a proven address and no way to sign in (someone to have
  conversations with)."""

import secrets

from accounts_kit import Account, page_csrf, user_id
from pomopomo_testkit import User, parse_html


def send(user: User, to: str, text: str):
    token = page_csrf(user, f"/messages/{to}", f"/messages/{to}") if _has_form(user, to) else user.csrf("/messages")
    return user.post_form(f"/messages/{to}", {"csrf": token, "text": text})


def _has_form(user: User, to: str) -> bool:
    r = user.get(f"/messages/{to}")
    return r.status_code == 200 and parse_html(r.text).by_id("dm-form") is not None


def shown(html_text: str) -> list[tuple[int, str, str]]:
    doc = parse_html(html_text)
    out = []
    for li in doc.find_all("li", cls="dm"):
        author = li.find("span", cls="author")
        text = li.find("span", cls="text")
        out.append((int(li.get("data-id")), author.clean_text() if author else "", text.clean_text() if text else ""))
    return out


def fake_user(stack, prefix: str = "fake") -> str:
    """A proven account nobody signs in to; returns its username."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    stack.psql("insert into users (email, username, display_name, email_verified_at) values (:'v1', :'v2', :'v2', now())",
               f"{name}@example.test", name)
    return name


def uid(stack, who) -> str:
    if isinstance(who, Account):
        return user_id(stack, who.email)
    return stack.psql("select id from users where lower(username) = lower(:'v1')", who)


def seed_conversation(stack, sender, recipient, count: int, seconds_ago: float = 3600, spread: float = 1.0,
                      read: bool = False) -> list[int]:
    """`count` messages from `sender` to `recipient` (Accounts or usernames), the newest
    `seconds_ago` seconds old and each `spread` seconds after the last; returns their ids, oldest
    first. `read`: the recipient has read them."""
    s, r = uid(stack, sender), uid(stack, recipient)
    out = stack.psql(
        """
        insert into conversations (user_lo, user_hi)
        values (least(:'v1'::uuid, :'v2'::uuid), greatest(:'v1'::uuid, :'v2'::uuid))
        on conflict (user_lo, user_hi) do update set user_lo = excluded.user_lo returning id as cid \\gset
        insert into direct_messages (conversation_id, sender_id, body, sent_at)
        select :cid, :'v1', 'seeded message ' || g,
               now() - make_interval(secs => :'v4'::float8 + (:'v3'::int - g) * :'v5'::float8)
        from generate_series(1, :'v3'::int) g order by g;
        with m as (select id, sent_at from direct_messages where conversation_id = :cid order by id desc limit 1),
        u as (update conversations c set last_message_id = m.id, last_message_at = m.sent_at from m where c.id = :cid)
        insert into conversation_members as cm (user_id, conversation_id, peer_id, last_message_id, last_read_id)
        select x.me, :cid, x.them, m.id, case when x.me = :'v1'::uuid or :'v6'::boolean then m.id else 0 end
        from m, (values (:'v1'::uuid, :'v2'::uuid), (:'v2'::uuid, :'v1'::uuid)) as x (me, them)
        on conflict (user_id, conversation_id) do update set last_message_id = excluded.last_message_id,
            last_read_id = case when cm.user_id = :'v1'::uuid or :'v6'::boolean
                                then excluded.last_message_id else cm.last_read_id end;
        select id from direct_messages where conversation_id = :cid and sender_id = :'v1' order by id desc limit :'v3'::int;
        """, s, r, str(count), str(seconds_ago), str(spread), "true" if read else "false")
    ids = [int(line) for line in out.splitlines() if line.strip().isdigit()]
    return sorted(ids)


def message_count(stack, sender) -> int:
    return int(stack.psql("select count(*) from direct_messages where sender_id = :'v1'", uid(stack, sender)))


def calm_down(stack, *people):
    """Forgets how fast these people sent (their messages move two minutes back) and lifts any
    mute, so one test's sends do not count against the next's."""
    for who in people:
        i = uid(stack, who)
        stack.psql("update direct_messages set sent_at = sent_at - interval '2 minutes' "
                   "where sender_id = :'v1' and sent_at > now() - interval '2 minutes'; "
                   "update users set dm_muted_until = null where id = :'v1'", i)
