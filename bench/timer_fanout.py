#!/usr/bin/python3
"""Timer fan-out: N browsers long-poll one room; how fast does the host's timer change reach them all?

    /usr/bin/python3 bench/timer_fanout.py --base http://127.0.0.1:18180 --code ABC-DEF \
        --host-cookie PP_SID [--n 1000] [--rounds 5] [--json OUT.json]

Each round:
1. Reads the room as its host (GET /r/CODE with the host's pp_sid): the CSRF token (#room[data-csrf]),
   the version ([data-live][data-version]), and the timer's status and index (.timer-state).
2. Opens N connections to nginx, each `GET /r/CODE/poll?since=V` with its own random pp_sid cookie (one
   browser may hold at most 16 parked polls, so they must be distinct browsers), and waits until /readyz
   reports them parked (parked_polls grew by N), then --settle seconds more; none may be answered yet.
3. Sends POST /r/CODE/timer (action=pause when running, resume when paused, start when idle; at=<index>;
   csrf) as the host with an Origin header naming the nginx host, on a connection opened beforehand;
   t0 is taken just before the send.
4. Records when each poll's complete response arrives: p50, p95, p99 and max of (arrival - t0), and how
   many were 200 (with the new version and a "timer" fragment). Arrival is the kernel's receive timestamp
   of the answer's last bytes (SO_TIMESTAMPNS, CLOCK_REALTIME, compared with a time.time() t0), so the
   time this one-threaded client needs to read 1,000 sockets is not counted; the time the client first
   saw each answer is reported as well ("seen").
Rounds alternate pause and resume, re-parking every poll with the new version. Before round 1 the host
loads the room once and 2.5 s pass, so the presence batch of the host's return has moved the room
before any poll parks; a round whose polls are all answered before its change anyway is parked again
(at most twice, and reported). At the end: per-round lines and the p99 over all rounds' answers (target:
<= 100 ms).

Standard library only; the raw HTTP and its parsing come from bench/bench_kit.py.
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

log = kit.logger("timer_fanout")


def random_cookie():
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


class Poll:
    __slots__ = ("sock", "out", "buf", "need", "status", "state", "done_at", "arrived")

    def __init__(self, sock, out):
        self.sock, self.out = sock, out
        self.buf, self.need, self.status, self.state, self.done_at = b"", None, None, "connecting", None
        self.arrived = None  # kernel receive time (epoch seconds) of the last bytes read


def read_room(args):
    """The host's view of the room: csrf, version, timer status and index."""
    _, _, page = kit.http_get(f"{args.base}/r/{args.code}", {"Cookie": f"pp_sid={args.host_cookie}"}, timeout=10)
    text = page.decode("utf-8", "replace")
    room = re.search(r'<article[^>]*\bid="room"[^>]*>', text)
    if not room:
        raise SystemExit("timer_fanout: no #room element on the room page")
    room = room.group(0)

    def attr(tag, name):
        m = re.search(rf'\b{name}="([^"]*)"', tag)
        return m[1] if m else None

    live = re.search(r'<[^>]*\bdata-live="[^"]*"[^>]*>', text)
    timer = re.search(r'<[^>]*\bclass="timer-state"[^>]*>', text)
    if not live or not timer:
        raise SystemExit("timer_fanout: no [data-live] or .timer-state on the room page")
    return {
        "role": attr(room, "data-viewer-role"),
        "csrf": attr(room, "data-csrf"),
        "version": int(attr(live.group(0), "data-version")),
        "status": attr(timer.group(0), "data-status"),
        "index": int(attr(timer.group(0), "data-index") or 0),
        "bytes": len(page),
    }


def one_round(args, number, site):
    result = {"round": number, "n": args.n, "problems": []}
    room = read_room(args)
    if room["role"] != "host":
        raise SystemExit(f"timer_fanout: the cookie is not the host's (data-viewer-role={room['role']!r})")
    action = {"running": "pause", "paused": "resume", "idle": "start"}.get(room["status"])
    if action is None:
        raise SystemExit(f"timer_fanout: the timer is {room['status']}; nothing to pause or resume")
    version = room["version"]
    result.update(version_before=version, action=action, at=room["index"], status_before=room["status"])
    parked0 = kit.parked_now(args.base, log) or 0

    # Open the polls, all at once (1,000 is well inside the responder's listen queue of 4,096).
    ep = select.epoll()
    conns = {}
    t_open = time.monotonic()
    for _ in range(args.n):
        s = kit.connecting(site)
        req = kit.poll_request(args.code, version, site.host_header, cookie=random_cookie(), agent="bench-timer-fanout")
        c = Poll(s, req)
        conns[s.fileno()] = c
        ep.register(s.fileno(), select.EPOLLOUT | select.EPOLLIN | select.EPOLLRDHUP)

    def pump(timeout):
        events = ep.poll(timeout, 4096)
        now = time.monotonic()  # after the wait: when these events were seen
        for fd, ev in events:
            c = conns[fd]
            if c.state == "connecting":
                if kit.send_when_connected(ep, fd, c, ev) not in (None, "sent"):
                    c.state, c.status, c.done_at = "done", "connect-error", now
                continue
            data = kit.receive(c)
            if data is None:
                continue
            if not data:
                if c.status is None or c.need is None or len(c.buf) < c.need:
                    c.status = f"eof:{c.status}"
                c.state, c.done_at = "done", now
                ep.unregister(fd)
                continue
            c.buf += data
            if kit.response_complete(c):
                c.state, c.done_at = "done", now
                ep.unregister(fd)

    # Wait until all are sent and parked.
    deadline = time.monotonic() + args.park_wait
    parked = None
    for _ in kit.ticks(pump, deadline):
        if any(c.state == "connecting" for c in conns.values()):
            continue
        parked = kit.parked_now(args.base, log)
        if parked is not None and parked - parked0 >= args.n:
            break
    t_parked = time.monotonic()
    result["park_seconds"] = round(t_parked - t_open, 2)
    result["parked"] = None if parked is None else parked - parked0
    if parked is None or parked - parked0 < args.n:
        result["problems"].append(f"only {result['parked']} of {args.n} polls parked after {args.park_wait} s")
    settle_end = time.monotonic() + args.settle
    while time.monotonic() < settle_end:
        pump(0.05)
    early = [c for c in conns.values() if c.done_at is not None]
    if early:
        kinds = kit.tally(c.status for c in early)
        moved = sorted({str(json.loads(kit.response_body(c)).get("version")) for c in early if c.status == 200})
        result["early_versions"] = moved
        result["problems"].append(f"{len(early)} polls answered before the change: {kinds} (versions {moved})")
        if len(early) == args.n:
            # The room moved on its own (a seeded guest's presence lapsing): nothing to time this round.
            kit.close_all(conns.values(), ep)
            result.update(moved_on_its_own=True, times=[], post_status=None, post_ms=None, answered_200=0)
            return result
    log(f"round {number}: {result['parked']} of {args.n} parked in {result['park_seconds']} s at version {version}; "
        f"{action} at={room['index']}")

    # The change, on a connection opened beforehand.
    post = kit.form_post(f"/r/{args.code}/timer", site.host_header, args.host_cookie,
                     {"csrf": room["csrf"], "action": action, "at": str(room["index"])}, origin=args.base)
    pc = kit.open_sent(ep, conns, Poll, site)
    waiting = [c for c in conns.values() if c.done_at is None and c is not pc]
    t0_wall = time.time()
    t0 = time.monotonic()
    pc.sock.sendall(post)
    wake_deadline = t0 + args.wake_wait
    while (pc.done_at is None or any(c.done_at is None for c in waiting)) and time.monotonic() < wake_deadline:
        pump(0.05)

    result["post_status"] = pc.status
    result["post_ms"] = round((pc.done_at - t0) * 1000, 1) if pc.done_at else None
    if pc.status != 303:
        head = pc.buf.split(b"\r\n\r\n", 1)[0].decode("latin-1", "replace")
        err = re.search(rb'id="room-error"[^>]*>([^<]*)<', pc.buf)
        result["problems"].append(f"POST /timer answered {pc.status}: {err.group(1).decode() if err else head[:200]}")
    statuses = kit.tally(c.status if c.done_at is not None else "no answer" for c in waiting)
    times, seen, versions, timer_status, with_timer = [], [], set(), set(), 0
    for c in waiting:
        if c.done_at is not None and c.status == 200:
            seen.append((c.done_at - t0) * 1000)
            times.append((c.arrived - t0_wall) * 1000 if c.arrived is not None else seen[-1])
            try:
                doc = json.loads(kit.response_body(c))
                versions.add(doc.get("version"))
                timer_status.add((doc.get("timer") or {}).get("status"))
                with_timer += "timer" in (doc.get("fragments") or {})
            except ValueError:
                versions.add("bad json")
    times.sort()
    seen.sort()
    result["kernel_timestamps"] = sum(1 for c in waiting if c.arrived is not None)
    if seen:
        result.update(seen_p50_ms=round(kit.pct(seen, 50), 1), seen_p99_ms=round(kit.pct(seen, 99), 1),
                      seen_max_ms=round(seen[-1], 1))
    result.update(statuses=statuses, answered_200=len(times), answer_versions=sorted(map(str, versions)),
                  answer_timer_status=sorted(map(str, timer_status)), with_timer_fragment=with_timer)
    if times:
        result.update(p50_ms=round(kit.pct(times, 50), 1), p95_ms=round(kit.pct(times, 95), 1),
                      p99_ms=round(kit.pct(times, 99), 1), max_ms=round(times[-1], 1), min_ms=round(times[0], 1))
    if times and with_timer != len(times):
        result["problems"].append(f"{len(times) - with_timer} answers lack the timer fragment")
    result["times"] = [round(t, 2) for t in times]
    kit.close_all(conns.values(), ep)
    log(f"round {number}: {action} answered {pc.status} in {result['post_ms']} ms; {len(times)} of {len(waiting)} "
        f"polls answered 200: p50 {result.get('p50_ms')} p95 {result.get('p95_ms')} p99 {result.get('p99_ms')} "
        f"max {result.get('max_ms')} ms (seen by the client: p50 {result.get('seen_p50_ms')} "
        f"p99 {result.get('seen_p99_ms')} max {result.get('seen_max_ms')}); versions {result['answer_versions']}, "
        f"timer {result['answer_timer_status']}"
        + (f"; statuses {statuses}" if set(statuses) != {"200"} else ""))
    for p in result["problems"]:
        log(f"round {number}: problem: {p}")
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="nginx base URL, e.g. http://127.0.0.1:18180")
    ap.add_argument("--code", required=True, help="room code as in URLs, e.g. ABC-DEF")
    ap.add_argument("--host-cookie", required=True, help="the host's pp_sid")
    ap.add_argument("--n", type=int, default=1000, help="parked polls (distinct browsers)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--park-wait", type=float, default=30.0, help="seconds to wait for the polls to park")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds to wait after they are parked")
    ap.add_argument("--wake-wait", type=float, default=10.0, help="seconds to wait for the answers")
    ap.add_argument("--pause-between", type=float, default=1.0, help="seconds between rounds")
    ap.add_argument("--target-ms", type=float, default=100.0, help="p99 target")
    ap.add_argument("--json", help="write the results here as JSON")
    args = ap.parse_args()

    kit.raise_nofile(log)
    site = kit.Site(args.base)

    # The host's first view brings them back from "away" when the fan-out starts more than a minute after
    # their last visit (run.sh measures other pages in between): the presence batch written a second
    # later bumps the room's people part, which would answer round 1's polls before its change.
    read_room(args)
    time.sleep(2.5)
    rounds = []
    for number in range(1, args.rounds + 1):
        retries = 0
        while True:
            result = one_round(args, number, site)
            time.sleep(args.pause_between)
            if not result.get("moved_on_its_own") or retries == 2:
                break
            retries += 1
            # Something else moved the room (a participant turning away, a host hand-over): the round
            # measured nothing, so its polls are parked again at the new version (and it says so).
            log(f"round {number}: every poll was answered before the change (the room moved to "
                f"{result['early_versions']} on its own); parking them again")
        if retries:
            result["retried"] = retries
        rounds.append(result)
    all_times = sorted(t for r in rounds for t in r.pop("times"))
    summary = {
        "n": args.n, "rounds": rounds, "target_ms": args.target_ms,
        "answered_200": len(all_times), "expected": args.n * args.rounds,
        "p50_ms": round(kit.pct(all_times, 50), 1) if all_times else None,
        "p95_ms": round(kit.pct(all_times, 95), 1) if all_times else None,
        "p99_ms": round(kit.pct(all_times, 99), 1) if all_times else None,
        "max_ms": round(all_times[-1], 1) if all_times else None,
        "worst_round_p99_ms": max((r.get("p99_ms") or 1e9 for r in rounds), default=None),
        "problems": sum(len(r["problems"]) for r in rounds),
    }
    summary["ok"] = (summary["answered_200"] == summary["expected"] and summary["problems"] == 0
                     and summary["p99_ms"] is not None and summary["p99_ms"] <= args.target_ms)
    for r in rounds:
        print(f"round {r['round']}: {r['action']:>6} at={r['at']} -> {r['post_status']} in {r['post_ms']} ms; "
              f"parked {r['parked']}/{args.n} in {r['park_seconds']} s; 200s {r['answered_200']}/{args.n}; "
              f"p50 {r.get('p50_ms')} p95 {r.get('p95_ms')} p99 {r.get('p99_ms')} max {r.get('max_ms')} ms "
              f"(seen: p99 {r.get('seen_p99_ms')} max {r.get('seen_max_ms')})"
              + (f"; parked again {r['retried']}x after the room moved on its own" if r.get("retried") else "")
              + "".join(f"\n         problem: {p}" for p in r["problems"]))
    print(f"overall: {summary['answered_200']}/{summary['expected']} answered 200; p50 {summary['p50_ms']} "
          f"p95 {summary['p95_ms']} p99 {summary['p99_ms']} max {summary['max_ms']} ms; worst round p99 "
          f"{summary['worst_round_p99_ms']} ms (target p99 <= {args.target_ms:g} ms: "
          f"{'meets' if summary['ok'] else 'MISSES'})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
