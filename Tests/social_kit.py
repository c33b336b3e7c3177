"""The social graph (issue 12): setting up who is friends with whom, shared by the social tests.

`befriend_in_db` and `block_in_db` write the rows straight into PostgreSQL, for tests about
something else (messages, notifications) that only need two people to be friends already; the
friendship flow itself is tested through the site in test_http_social_friends.py."""


import requests

from accounts_kit import Account, accounts_in_db, user_id
from pomopomo_testkit import User


def befriend_in_db(stack, a: Account, b: Account):
    """a and b are friends (both directions, as the site stores a friendship)."""
    ia, ib = user_id(stack, a.email), user_id(stack, b.email)
    stack.psql("insert into friendships (user_id, friend_id) values (:'v1', :'v2'), (:'v2', :'v1')"
               " on conflict do nothing", ia, ib)


def block_in_db(stack, blocker: Account, blocked: Account):
    """`blocker` blocked `blocked`, and the two are no longer friends."""
    ia, ib = user_id(stack, blocker.email), user_id(stack, blocked.email)
    stack.psql("delete from friendships where (user_id = :'v1' and friend_id = :'v2') or (user_id = :'v2' and friend_id = :'v1')",
               ia, ib)
    stack.psql("insert into user_blocks (blocker_id, blocked_id) values (:'v1', :'v2') on conflict do nothing", ia, ib)


# ----------------------------------------------------------------------------------------- through the site
# (test_http_social_friends.py; the functions above stay for tests about something else)

def people_in_db(stack, n: int, prefix: str = "fr") -> list[tuple[str, str]]:
    """n proven accounts made with SQL, named so they sort in the order made: [(id, username)]."""
    return accounts_in_db(stack, n, prefix, width=4)


def token(user: User) -> str:
    """This browser's CSRF token (the session's: read once from /friends, then kept)."""
    if getattr(user, "_social_csrf", None) is None:
        user._social_csrf = user.csrf("/friends")
    return user._social_csrf


def request_friend(user: User, username: str, **extra) -> requests.Response:
    """POST /friends/requests naming `username`, as the friends page's form sends it."""
    return user.post_form("/friends/requests", {"csrf": token(user), "username": username, **extra})


def pending_id(stack, sender: Account, receiver: Account) -> str | None:
    """The id of the request waiting from `sender` to `receiver`, if any."""
    return stack.psql("select id from friend_requests where from_id = :'v1' and to_id = :'v2' and status = 'pending'",
                      user_id(stack, sender.email), user_id(stack, receiver.email)) or None


def answer(user: User, request_id: str, how: str) -> requests.Response:
    """accept, decline or cancel request `request_id` with this browser's own token."""
    return user.post_form(f"/friends/requests/{request_id}/{how}", {"csrf": token(user)})


def make_friends(stack, a: Account, b: Account):
    """a asks b through the site and b accepts: friends the way people become friends."""
    r = request_friend(a.user, b.username)
    assert r.status_code == 303, f"{a.username} asking {b.username}: {r.status_code} {r.text[:300]}"
    r = answer(b.user, pending_id(stack, a, b), "accept")
    assert r.status_code == 303, f"{b.username} accepting: {r.status_code} {r.text[:300]}"
    assert are_friends(stack, a, b)


def are_friends(stack, a: Account, b: Account) -> bool:
    """Both rows of the friendship are there (and, if only one were, the test says so)."""
    ia, ib = user_id(stack, a.email), user_id(stack, b.email)
    rows = int(stack.psql("select count(*) from friendships where (user_id = :'v1' and friend_id = :'v2') "
                          "or (user_id = :'v2' and friend_id = :'v1')", ia, ib))
    assert rows in (0, 2), f"a friendship of {a.username} and {b.username} has {rows} rows"
    return rows == 2


def post_as(user: User, path: str, **fields) -> requests.Response:
    """POSTs fields to path with this browser's own token (any page's form carries it)."""
    return user.post_form(path, {"csrf": token(user), **fields})
