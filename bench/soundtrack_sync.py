#!/usr/bin/python3
"""Soundtrack sync: N listeners long-poll one room whose music plays; the host seeks. How far is each
listener's computed position from the host's?

    /usr/bin/python3 bench/soundtrack_sync.py --base http://127.0.0.1:18580 --base http://127.0.0.1:18581 \
        --code ABC-DEF --host-cookie PP_SID [--n 1000] [--rounds 5] [--json OUT.json]

Each --base is one responder's nginx (bench/soundtrack_sync.sh starts two): the polls are spread over
them, and the seek goes through the last, so the wake-up crosses Redis to the others.

Each round:
1. Reads the room as its host (GET /r/CODE): the CSRF token, the version, the current queue entry and
   the track's length (#soundtrack-now).
2. Parks N listeners' polls (`GET /r/CODE/poll?since=V`, each its own browser cookie) and the host's own
   poll, and waits until every responder's /readyz counts them parked.
3. The host seeks (POST /r/CODE/soundtrack/seek, a new position each round).
4. Every answer carries `soundtrack.position_ms` (the position when the responder wrote it). A browser
   (Public/js/soundtrack.js) computes its position as that plus the time since the answer arrived;
   arrival is the kernel's receive timestamp of the answer's last bytes (SO_TIMESTAMPNS), so this
   one-threaded client's own reading time is not counted. At any moment T, listener i is at
   P_i + (T - A_i) and the host at P_h + (T - A_h): the difference, |(P_i - A_i) - (P_h - A_h)|, does
   not depend on T. Reported: its p50, p99 and max over all listeners and rounds (target: p99 <= 250 ms),
   and the answers' arrival after the seek was sent.

Standard library only; raw HTTP and its parsing come from bench/bench_kit.py.
"""

import argparse
import base64
import json
import os
import re
import select
import sys
import time

sys.dont_write_bytecode = True  # importing bench_kit would leave bench/__pycache__ behind
import bench_kit as kit  # noqa: E402

log = kit.logger("soundtrack_sync")


def random_cookie():
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


class Poll:
    __slots__ = ("sock", "out", "buf", "need", "status", "state", "done_at", "arrived")

    def __init__(self, sock, out):
        self.sock, self.out = sock, out
        self.buf, self.need, self.status, self.state, self.done_at = b"", None, None, "connecting", None
        self.arrived = None


def read_room(args):
    _, _, page = kit.http_get(f"{args.base[0]}/r/{args.code}", {"Cookie": f"pp_sid={args.host_cookie}"}, timeout=10)
    text = page.decode("utf-8", "replace")

    def attr(pattern, name):
        tag = re.search(pattern, text)
        m = tag and re.search(rf'\b{name}="([^"]*)"', tag.group(0))
        if not m:
            raise SystemExit(f"soundtrack_sync: no {name} in {pattern} on the room page")
        return m[1]

    return {
        "csrf": attr(r'<article[^>]*\bid="room"[^>]*>', "data-csrf"),
        "version": int(attr(r'<[^>]*\bdata-live="[^"]*"[^>]*>', "data-version")),
        "entry": attr(r'<div id="soundtrack-now"[^>]*>', "data-entry"),
        "duration_ms": int(attr(r'<div id="soundtrack-now"[^>]*>', "data-duration-ms")),
    }


def parked(args):
    counts = [kit.parked_now(base, log) for base in args.base]
    return None if None in counts else sum(counts)


def one_round(args, number, sites):
    result = {"round": number, "n": args.n, "problems": []}
    room = read_room(args)
    if not room["entry"]:
        raise SystemExit("soundtrack_sync: nothing plays in the room")
    target_ms = (number * 37_000) % max(room["duration_ms"] - 60_000, 1)  # a new place each round
    parked0 = parked(args) or 0
    ep = select.epoll()
    conns = {}
    cookies = [args.host_cookie] + [random_cookie() for _ in range(args.n)]
    for i, cookie in enumerate(cookies):
        site = sites[i % len(sites)]
        s = kit.connecting(site)
        c = Poll(s, kit.poll_request(args.code, room["version"], site.host_header, cookie=cookie, agent="bench-soundtrack"))
        conns[s.fileno()] = c
        ep.register(s.fileno(), select.EPOLLOUT | select.EPOLLIN | select.EPOLLRDHUP)
    polls = list(conns.values())
    host_poll = polls[0]

    def pump(timeout):
        for fd, ev in ep.poll(timeout, 4096):
            c = conns[fd]
            now = time.monotonic()
            if c.state == "connecting":
                if kit.send_when_connected(ep, fd, c, ev) not in (None, "sent"):
                    c.state, c.status, c.done_at = "done", "connect-error", now
                continue
            data = kit.receive(c)
            if data is None:
                continue
            if not data:
                c.state, c.done_at = "done", now
                ep.unregister(fd)
                continue
            c.buf += data
            if kit.response_complete(c):
                c.state, c.done_at = "done", now
                ep.unregister(fd)

    deadline = time.monotonic() + args.park_wait
    now_parked = None
    for _ in kit.ticks(pump, deadline):
        if any(c.state == "connecting" for c in polls):
            continue
        now_parked = parked(args)
        if now_parked is not None and now_parked - parked0 >= len(polls):
            break
    result["parked"] = None if now_parked is None else now_parked - parked0
    if now_parked is None or now_parked - parked0 < len(polls):
        result["problems"].append(f"only {result['parked']} of {len(polls)} polls parked")
    end = time.monotonic() + args.settle
    while time.monotonic() < end:
        pump(0.05)
    early = [c for c in polls if c.done_at is not None]
    if early:
        result["problems"].append(f"{len(early)} polls answered before the seek: {kit.tally(c.status for c in early)}")

    site = sites[-1]
    post = kit.form_post(f"/r/{args.code}/soundtrack/seek", site.host_header, args.host_cookie,
                         {"csrf": room["csrf"], "entry": room["entry"], "position": f"{target_ms / 1000:.3f}"},
                         origin=args.base[0])  # the site's own origin (POMOPOMO_BASE_URL), whichever nginx carries it
    pc = kit.open_sent(ep, conns, Poll, site)
    t0_wall = time.time()
    t0 = time.monotonic()
    pc.sock.sendall(post)
    while (pc.done_at is None or any(c.done_at is None for c in polls)) and time.monotonic() < t0 + args.wake_wait:
        pump(0.05)
    result["post_status"] = pc.status
    if pc.status != 303:
        result["problems"].append(f"the seek answered {pc.status}")

    def carried(c):
        """(position_ms, arrival in ms on the wall clock) of an answered poll, or None."""
        if c.status != 200 or c.arrived is None:
            return None
        try:
            now = json.loads(kit.response_body(c))["soundtrack"]
        except (ValueError, KeyError):
            return None
        return now["position_ms"], c.arrived * 1000

    host = carried(host_poll)
    if host is None:
        result["problems"].append(f"the host's poll was not answered with a position ({host_poll.status})")
        kit.close_all(conns.values(), ep)
        return result, []
    offsets, arrivals = [], []
    for c in polls[1:]:
        got = carried(c)
        if got is None:
            continue
        # Listener minus host at any common moment: (P_i + T - A_i) - (P_h + T - A_h).
        offsets.append(abs((got[0] - got[1]) - (host[0] - host[1])))
        arrivals.append(got[1] - t0_wall * 1000)
    missing = args.n - len(offsets)
    if missing:
        result["problems"].append(f"{missing} listeners got no position: {kit.tally(c.status for c in polls[1:])}")
    offsets.sort()
    arrivals.sort()
    result.update(target_ms=target_ms, answered=len(offsets), host_position_ms=host[0],
                  host_arrival_ms=round(host[1] - t0_wall * 1000, 1))
    if offsets:
        result.update(p50_ms=round(kit.pct(offsets, 50), 1), p99_ms=round(kit.pct(offsets, 99), 1),
                      max_ms=round(offsets[-1], 1), arrival_p50_ms=round(kit.pct(arrivals, 50), 1),
                      arrival_p99_ms=round(kit.pct(arrivals, 99), 1))
    kit.close_all(conns.values(), ep)
    log(f"round {number}: seek to {target_ms} ms -> {pc.status}; {len(offsets)}/{args.n} listeners; "
        f"|listener - host| p50 {result.get('p50_ms')} p99 {result.get('p99_ms')} max {result.get('max_ms')} ms; "
        f"answers arrived p50 {result.get('arrival_p50_ms')} p99 {result.get('arrival_p99_ms')} ms after the seek")
    return result, offsets


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, action="append", help="a responder's nginx (repeat for each)")
    ap.add_argument("--code", required=True)
    ap.add_argument("--host-cookie", required=True)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--park-wait", type=float, default=30.0)
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--wake-wait", type=float, default=10.0)
    ap.add_argument("--target-ms", type=float, default=250.0)
    ap.add_argument("--json")
    args = ap.parse_args()
    kit.raise_nofile(log)
    sites = [kit.Site(base) for base in args.base]
    rounds, everything = [], []
    for number in range(1, args.rounds + 1):
        result, offsets = one_round(args, number, sites)
        rounds.append(result)
        everything += offsets
        time.sleep(1.0)
    everything.sort()
    summary = {
        "n": args.n, "rounds": rounds, "target_ms": args.target_ms, "answered": len(everything),
        "expected": args.n * args.rounds,
        "p50_ms": round(kit.pct(everything, 50), 1) if everything else None,
        "p99_ms": round(kit.pct(everything, 99), 1) if everything else None,
        "max_ms": round(everything[-1], 1) if everything else None,
        "problems": sum(len(r["problems"]) for r in rounds),
    }
    summary["ok"] = (summary["answered"] == summary["expected"] and summary["problems"] == 0
                     and summary["p99_ms"] is not None and summary["p99_ms"] <= args.target_ms)
    for r in rounds:
        print(f"round {r['round']}: seek to {r.get('target_ms')} ms -> {r.get('post_status')}; parked {r.get('parked')}; "
              f"listeners {r.get('answered')}/{args.n}; |listener - host| p50 {r.get('p50_ms')} p99 {r.get('p99_ms')} "
              f"max {r.get('max_ms')} ms; arrival after the seek p50 {r.get('arrival_p50_ms')} "
              f"p99 {r.get('arrival_p99_ms')} ms" + "".join(f"\n         problem: {p}" for p in r["problems"]))
    print(f"overall: {summary['answered']}/{summary['expected']} listener positions; |listener - host| p50 "
          f"{summary['p50_ms']} p99 {summary['p99_ms']} max {summary['max_ms']} ms (target p99 <= {args.target_ms:g} ms: "
          f"{'meets' if summary['ok'] else 'MISSES'})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
