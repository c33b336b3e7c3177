"""The social graph (issue 12): setting up who is friends with whom, shared by the social tests.

`befriend_in_db` and `block_in_db` write the rows straight into PostgreSQL, for tests about
something else (messages, notifications) that only need two people to be friends already; the
friendship flow itself is tested through the site in test_http_social_friends.py."""

from accounts_kit import Account, user_id


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
