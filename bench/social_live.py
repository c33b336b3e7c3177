#!/usr/bin/python3
"""Issue 12's live channel under load; run by bench/social_live.sh, which seeds the accounts.

presence: the friends of bench_star park `GET /me/poll?since=V` (half through edge a, half through b);
bench_star sits down in a room, then starts, pauses and resumes its timer through edge b, one change a
round, following each form's 303 as a browser does. Each answer's arrival (the kernel's receive time of
its last bytes) minus the time the change was sent; the answer must name bench_star. Target p99 <= 200 ms.

messages: each bench_rN parks its channel through edge a; bench_sN posts a direct message to bench_rN
through edge b, 50 senders at a time. Per pair: the recipient's answer's arrival minus that message's
send. Target p99 <= 100 ms.

Standard library only; raw HTTP from bench/bench_kit.py.
"""

import argparse
import base64
import hashlib
import json
import re
import select
import subprocess
import sys
import time

sys.dont_write_bytecode = True
import bench_kit as kit  # noqa: E402

log = kit.logger("social_live")


def cookie(username):
    return base64.urlsafe_b64encode(hashlib.sha256(b"pomopomo-bench:" + username.encode()).digest()).rstrip(b"=").decode()


class Conn:
    __slots__ = ("sock", "out", "buf", "need", "status", "state", "done_at", "arrived", "who", "sent_at")

    def __init__(self, sock, out, who=None):
        self.sock, self.out, self.who = sock, out, who
        self.buf, self.need, self.status, self.state, self.done_at = b"", None, None, "connecting", None
        self.arrived = None
        self.sent_at = None


class Client:
    """Many non-blocking HTTP exchanges over one epoll."""

    def __init__(self):
        self.ep = select.epoll()
        self.conns = {}

    def open(self, site, request, who=None):
        s = kit.connecting(site)
        c = Conn(s, request, who)
        self.conns[s.fileno()] = c
        self.ep.register(s.fileno(), select.EPOLLOUT | select.EPOLLIN | select.EPOLLRDHUP)
        return c

    def pump(self, timeout):
        for fd, ev in self.ep.poll(timeout, 4096):
            c = self.conns[fd]
            now = time.monotonic()
            if c.state == "connecting":
                if kit.send_when_connected(self.ep, fd, c, ev) == "sent":
                    c.sent_at = time.time()
                elif c.state == "connecting" and ev & (select.EPOLLERR | select.EPOLLHUP):
                    c.state, c.status, c.done_at = "done", "connect-error", now
                continue
            data = kit.receive(c)
            if data is None:
                continue
            if not data:
                c.state, c.done_at = "done", now
                self.ep.unregister(fd)
                continue
            c.buf += data
            if kit.response_complete(c):
                c.state, c.done_at = "done", now
                self.ep.unregister(fd)

    def close(self):
        kit.close_all(self.conns.values(), self.ep)


def get(site, path, username, accept="application/json"):
    return (f"GET {path} HTTP/1.1\r\nHost: {site.host_header}\r\nAccept: {accept}\r\n"
            f"Cookie: pp_sid={cookie(username)}; pp_in=1\r\nConnection: close\r\n\r\n").encode()


def versions(args, usernames):
    """Each account's channel version as /me/poll computes it: max(PostgreSQL's, Redis's, 1)."""
    out = subprocess.run(["psql", args.database, "-XAtq", "-F", "\t", "-c",
                          "select username, id, live_v from users where username like 'bench\\_%'"],
                         capture_output=True, text=True, check=True).stdout
    rows = {u: (i, int(v)) for u, i, v in (line.split("\t") for line in out.splitlines() if line)}
    ids = [rows[u][0] for u in usernames]
    redis_versions = []
    for start in range(0, len(ids), 500):
        got = subprocess.run(["redis-cli", "-s", args.redis, "MGET", *[f"live:user:{i}" for i in ids[start:start + 500]]],
                             capture_output=True, text=True, check=True).stdout.splitlines()
        redis_versions += [int(v) if v.strip().isdigit() else 0 for v in got]
    return {u: max(rows[u][1], r, 1) for u, r in zip(usernames, redis_versions)}


def parked(sites):
    return sum(kit.parked_now(s.base, log) or 0 for s in sites)


def park_all(client, plan, sites, wait=30):
    """Opens every (site, username, since) poll and waits until the responders hold them all."""
    before = parked(sites)
    polls = [client.open(site, get(site, f"/me/poll?since={since}", who), who) for site, who, since in plan]
    deadline = time.monotonic() + wait
    for _ in kit.ticks(client.pump, deadline, every=0.2):
        if parked(sites) - before >= len(polls):
            break
    held = parked(sites) - before
    early = [c for c in polls if c.done_at is not None]
    return polls, held, early


def stats(ms):
    ms = sorted(ms)
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "p50": round(kit.pct(ms, 50), 1), "p95": round(kit.pct(ms, 95), 1),
            "p99": round(kit.pct(ms, 99), 1), "max": round(ms[-1], 1)}


def csrf_for(site, username, path="/"):
    _, _, page = kit.http_get(f"{site.base}{path}", {"Cookie": f"pp_sid={cookie(username)}; pp_in=1"}, timeout=10)
    return kit.csrf_of(page)


def post_and_follow(site, username, path, fields):
    """A form POST as a browser sends it, then the page its 303 names (which the browser loads next)."""
    status, headers, _ = site.request("POST", path, headers={
        "Cookie": f"pp_sid={cookie(username)}; pp_in=1", "Origin": site.base,
        "Content-Type": "application/x-www-form-urlencoded"}, body=urlencode(fields))
    location = dict((k.lower(), v) for k, v in headers).get("location", "").split("#", 1)[0]
    # The change's version cookie (pp_rv) comes along, as a browser sends it, so the page shows it.
    seen = [v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("pp_rv=")]
    if status == 303 and location.startswith("/"):
        site.request("GET", location, headers={"Cookie": "; ".join([f"pp_sid={cookie(username)}", "pp_in=1", *seen])})
    return status, location


def urlencode(fields):
    import urllib.parse
    return urllib.parse.urlencode(fields).encode()


def presence_bench(args, a, b):
    friends = [f"bench_f{i}" for i in range(1, args.friends + 1)]
    code = None
    results = []
    # bench_star comes online first (its friends are told once a second later), so no round
    # measures that instead of its own change.
    csrf_for(b, "bench_star")
    time.sleep(2.5)
    for number in range(1, args.rounds + 1):
        time.sleep(1.5)  # whatever the last round set moving has settled
        known = versions(args, friends)
        plan = [((a if i % 2 == 0 else b), who, known[who]) for i, who in enumerate(friends)]
        client = Client()
        polls, held, early = park_all(client, plan, [a, b])
        problems = []
        if held < len(polls):
            problems.append(f"only {held} of {len(polls)} parked")
        if early:
            problems.append(f"{len(early)} answered before the change: {kit.tally(c.status for c in early)}")
        time.sleep(0.5)
        token = csrf_for(b, "bench_star", f"/r/{code}" if code else "/")
        t0 = time.time()
        if code is None:
            action = "sit down"
            status, location = post_and_follow(b, "bench_star", "/rooms", {"csrf": token, "display_name": "Star"})
            m = re.match(r"^/r/([A-Z0-9-]+)", location)
            code = m.group(1) if m else None
        else:
            action = ["start", "pause", "resume", "pause"][(number - 2) % 4]
            status, _ = post_and_follow(b, "bench_star", f"/r/{code}/timer", {"csrf": token, "action": action, "at": "0"})
        if status != 303:
            problems.append(f"{action} answered {status}")
        waiting = [c for c in polls if c.done_at is None]
        deadline = time.monotonic() + 10
        while any(c.done_at is None for c in waiting) and time.monotonic() < deadline:
            client.pump(0.05)
        lags, named = [], 0
        for c in waiting:
            if c.status == 200 and c.arrived:
                lags.append((c.arrived - t0) * 1000)
                try:
                    body = json.loads(kit.response_body(c))
                    named += any(f.get("user") == "bench_star" for f in body.get("presence", []))
                except ValueError:
                    pass
        unanswered = sum(1 for c in waiting if c.done_at is None)
        if unanswered:
            problems.append(f"{unanswered} never answered")
        if named < len(lags):
            problems.append(f"{len(lags) - named} answers did not name bench_star")
        result = {"round": number, "action": action, "parked": held, **stats(lags), "problems": problems}
        log(f"presence round {number} ({action}): {json.dumps(result)}")
        results.append(result)
        client.close()
    return results


def messages_bench(args, a, b, dm_path, dm_field):
    pairs = list(range(1, args.pairs + 1))
    recipients = [f"bench_r{i}" for i in pairs]
    # The senders open their conversations first; their coming online reaches the recipients'
    # channels within a second or two, before the recipients park.
    tokens = {i: csrf_for(b, f"bench_s{i}", dm_path.format(to=f"bench_r{i}")) for i in pairs}
    time.sleep(3)
    known = versions(args, recipients)
    client = Client()
    polls, held, early = park_all(client, [(a, who, known[who]) for who in recipients], [a, b])
    problems = [] if held >= len(polls) else [f"only {held} of {len(polls)} parked"]
    if early:
        problems.append(f"{len(early)} answered before any message")
    time.sleep(0.5)
    by_recipient = {c.who: c for c in polls}
    sends = {}
    batch = args.dm_batch
    for start in range(0, len(pairs), batch):
        group = pairs[start:start + batch]
        posts = []
        for i in group:
            body = urlencode({"csrf": tokens[i], dm_field: f"Hello number {i}"})
            path = dm_path.format(to=f"bench_r{i}")
            req = (f"POST {path} HTTP/1.1\r\nHost: {b.host_header}\r\nOrigin: {b.base}\r\n"
                   f"Cookie: pp_sid={cookie(f'bench_s{i}')}; pp_in=1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
            posts.append((i, client.open(b, req, f"bench_s{i}")))
        deadline = time.monotonic() + 10
        while any(p.done_at is None for _, p in posts) and time.monotonic() < deadline:
            client.pump(0.02)
        for i, p in posts:
            sends[i] = p
            if p.status != 303:
                problems.append(f"message {i} answered {p.status}")
    deadline = time.monotonic() + 10
    while any(c.done_at is None for c in polls) and time.monotonic() < deadline:
        client.pump(0.05)
    lags, uncounted, posts_ms, after_answer = [], 0, [], []
    for i in pairs:
        poll, post = by_recipient[f"bench_r{i}"], sends.get(i)
        if poll.status == 200 and poll.arrived and post and post.sent_at:
            try:
                counted = json.loads(kit.response_body(poll)).get("messages", 0) >= 1
            except ValueError:
                counted = False
            if counted:
                lags.append((poll.arrived - post.sent_at) * 1000)
                if post.arrived:
                    posts_ms.append((post.arrived - post.sent_at) * 1000)
                    after_answer.append((poll.arrived - post.arrived) * 1000)
            else:
                uncounted += 1
    if uncounted:
        problems.append(f"{uncounted} answers did not count the new message")
    missing = len(pairs) - len(lags)
    if missing:
        problems.append(f"{missing} recipients not answered after their message")
    client.close()
    result = {"pairs": len(pairs), "parked": held, "at_once": batch, **stats(lags), "post": stats(posts_ms),
              "after_post_answer": stats(after_answer), "problems": problems[:10]}
    log(f"messages: {json.dumps(result)}")
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--a", required=True)
    p.add_argument("--b", required=True)
    p.add_argument("--friends", type=int, default=1000)
    p.add_argument("--pairs", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--database", required=True)
    p.add_argument("--redis", required=True)
    p.add_argument("--only", choices=["presence", "messages"])
    p.add_argument("--dm-path", default="/messages/{to}")
    p.add_argument("--dm-field", default="text")
    p.add_argument("--dm-batch", type=int, default=10, help="messages sent at once")
    args = p.parse_args()
    kit.raise_nofile(log)
    a, b = kit.Site(args.a), kit.Site(args.b)
    report = {}
    if args.only in (None, "presence"):
        rounds = presence_bench(args, a, b)
        lags_p99 = max((r.get("p99", 0) for r in rounds), default=0)
        report["presence"] = {"friends": args.friends, "rounds": rounds, "worst_round_p99_ms": lags_p99}
        print(f"Presence fan-out: {args.friends} friends' channels parked on two responders; per round p50/p99/max ms:")
        for r in rounds:
            print(f"  {r['action']:<9} n={r.get('n')} p50={r.get('p50')} p99={r.get('p99')} max={r.get('max')}"
                  + (f"  PROBLEMS {r['problems']}" if r["problems"] else ""))
        print(f"  worst round p99 {lags_p99} ms (target <= 200 ms)")
    if args.only in (None, "messages"):
        m = messages_bench(args, a, b, args.dm_path, args.dm_field)
        report["messages"] = m
        print(f"DM delivery: {m['pairs']} pairs, {m['at_once']} sent at a time, recipient parked on a, sender on b: "
              f"p50={m.get('p50')} p99={m.get('p99')} max={m.get('max')} ms (target p99 <= 100 ms); "
              f"of which the POST itself p50={m['post'].get('p50')} p99={m['post'].get('p99')}, "
              f"its answer to the recipient's p50={m['after_post_answer'].get('p50')} p99={m['after_post_answer'].get('p99')}"
              + (f"  PROBLEMS {m['problems']}" if m["problems"] else ""))
    print(json.dumps(report), file=sys.stderr)


if __name__ == "__main__":
    main()
