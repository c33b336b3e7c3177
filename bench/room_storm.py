#!/usr/bin/python3
"""A reconnect storm in one big room (issue 9 §5), against a running stack:

    /usr/bin/python3 bench/room_storm.py --base http://127.0.0.1:18180 --n 2000 --pid RESPONDER_PID \
        [--duration 15] [--ramp SECONDS] [--json OUT.json]

needs POMOPOMO_DATABASE_URL (psql) and, for announcing the seeded crowd, POMOPOMO_REDIS (unix:PATH) in
the environment (bench/run.sh's env file has both).

1. Makes two rooms through HTTP (the storm's and a quiet second one), then writes N guests into the
   first straight into PostgreSQL, all last seen five minutes ago (their presence has lapsed); each
   guest's pp_sid is derived from a seed, so the script can be them. Saves the sizes of the host's room
   page and of state.json.
2. The storm: all N guests long-poll the room at the version they last saw, opened within --ramp
   seconds (default N / 2,000: 2,000 new polls a second, 1 s for 2,000, 5 s for 10,000; the responder's
   listen queue is 4,096, and nginx answers 502 when it is full, so 10,000 in the same second measure
   the kernel's queue and this machine's two cores). Every poll is a guest coming back. Like live.js,
   a 200 is followed by a new poll with the new version after a random part of the answer's
   spread_ms (1 s in a small room, N / 2,000 s in a big one), a 204 by a new poll at once, a 429
   after a second, an error after a growing back-off (1, 2, 4... 10 s with jitter).
3. Meanwhile a probe loads `GET /`, the second room's page and /healthz in turn (new connection each
   time), and a sampler reads the responder's thread count and /readyz's parked polls every 0.2 s.

Reported: status counts of the polls (5xx is a failure), how many polls were answered 200 (each is a
people-version bump reaching everyone), the probes' p50/p99/max per page during the storm, when all N
polls were parked again (target: within 5 s), the room's version bumps, and the responder's threads
(target: constant). Exit status 1 when a target is missed.
"""

import argparse
import base64
import hashlib
import heapq
import json
import multiprocessing
import os
import random
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True  # importing bench_kit would leave bench/__pycache__ behind
import bench_kit as kit  # noqa: E402

PROBE_P99_MS = 100
REPARK_S = 5.0
log = kit.logger("room_storm")


def psql(sql, *args):
    cmd = ["psql", os.environ["POMOPOMO_DATABASE_URL"], "-X", "-qAt", "-v", "ON_ERROR_STOP=1"]
    for i, a in enumerate(args, 1):
        cmd += ["-v", f"v{i}={a}"]
    out = subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return out.stdout.strip()


def cookie_for(seed):
    """The well-formed pp_sid (43 base64url characters) the seeding SQL derives from the same seed."""
    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).rstrip(b"=").decode()


def make_room(site, name):
    _, headers, page = site.request("GET", "/")
    cookie = kit.pp_sid_of(headers)
    body = urllib.parse.urlencode({"csrf": kit.csrf_of(page), "display_name": name})
    status, headers, _ = site.request("POST", "/rooms", {"Cookie": f"pp_sid={cookie}", "Origin": f"http://{site.host_header}",
                                                        "Content-Type": "application/x-www-form-urlencoded"}, body)
    location = dict((k.lower(), v) for k, v in headers).get("location", "")
    if status != 303 or not location.startswith("/r/"):
        raise RuntimeError(f"creating a room: {status} {location}")
    return location[3:], cookie


class Poll:
    __slots__ = ("sock", "cookie", "since", "buf", "need", "status", "state", "backoff")

    def __init__(self, cookie, since):
        self.cookie, self.since = cookie, since
        self.sock, self.buf, self.need, self.status, self.state = None, b"", None, None, "idle"
        self.backoff = 0


def watch(base, other, other_cookie, pids, stop, results):
    """The probe (GET /, the second room, /healthz in turn) and the sampler (threads, parked polls)."""
    site = kit.Site(base)
    probes = {"/": [], f"/r/{other}": [], "/healthz": []}
    probe_status = {}
    samples = []

    def probe():
        while not stop.is_set():
            for path, sink in probes.items():
                t = time.monotonic()
                try:
                    status, _, _ = site.request("GET", path, {"Cookie": f"pp_sid={other_cookie}"}, timeout=60)
                except Exception as e:
                    status = type(e).__name__
                sink.append((t, (time.monotonic() - t) * 1000))
                probe_status[status] = probe_status.get(status, 0) + 1
            time.sleep(0.02)

    def sample():
        while not stop.is_set():
            t = time.monotonic()
            try:
                _, _, body = site.request("GET", "/readyz", timeout=5)
                parked = json.loads(body).get("parked_polls")
            except Exception:
                parked = None
            samples.append((t, parked, [kit.threads_of(p) for p in pids]))
            time.sleep(0.2)

    workers = [threading.Thread(target=probe), threading.Thread(target=sample)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    results.put((probes, probe_status, samples))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--n", type=int, required=True, help="guests in the room, all coming back at once")
    ap.add_argument("--pid", type=int, action="append", default=[], help="responder pid (repeat for several)")
    ap.add_argument("--duration", type=float, default=15.0, help="seconds the storm is watched")
    ap.add_argument("--ramp", type=float, default=None,
                    help="seconds over which the N polls are opened (default N / 2000: 2,000 a second)")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.ramp is None:
        args.ramp = args.n / 2000
    kit.raise_nofile(log)
    site = kit.Site(args.base)
    result = {"n": args.n, "problems": []}

    # 1. Rooms and the crowd.
    code, host_cookie = make_room(site, "Storm Host")
    other, other_cookie = make_room(site, "Quiet Host")
    prefix = f"storm-{code}-{random.random()}-"
    rid, version = psql(
        "with r as (select id from rooms where code = replace(:'v1', '-', '')),"
        " added as (insert into participants (room_id, session_hash, display_name, role, joined_at, last_seen_at)"
        "  select r.id, sha256(convert_to(rtrim(translate(encode(sha256(convert_to(:'v2' || g, 'UTF8')), 'base64'),"
        "   '+/', '-_'), '='), 'UTF8')), 'Guest ' || g, 'guest', now(), now() - interval '5 minutes'"
        "  from r, generate_series(1, :'v3'::int) g returning 1)"
        " update rooms set version = version + 1, people_v = version + 1 from r"
        " where rooms.id = r.id and (select count(*) from added) > 0 returning rooms.id, rooms.version",
        code, prefix, str(args.n)).split("|")
    redis = os.environ.get("POMOPOMO_REDIS", "")
    if redis.startswith("unix:"):
        subprocess.run(["redis-cli", "-s", redis[5:], "PUBLISH", "pomopomo:wake", f"room:{rid} {version}"],
                       capture_output=True, timeout=10)
    else:
        time.sleep(11)  # without an announcement, caches may keep the room without its crowd for 10 s
    cookies = [cookie_for(f"{prefix}{g}") for g in range(1, args.n + 1)]
    _, _, page = site.request("GET", f"/r/{code}", {"Cookie": f"pp_sid={host_cookie}"})
    _, _, state = site.request("GET", f"/r/{code}/state.json")
    state = json.loads(state)
    result.update(code=code, page_bytes=len(page), state_bytes=len(json.dumps(state)),
                  people=state["participant_count"])
    version = state["version"]
    log(f"room {code}: {state['participant_count']} people; host's page {len(page)} bytes, state.json "
        f"{result['state_bytes']} bytes; second room {other}")

    # 2-3. Probes and sampler, in a process of their own: in this one they would wait for the
    # interpreter while the storm loop parses thousands of answers, and measure that instead.
    _, _, body = site.request("GET", "/readyz")
    parked0 = json.loads(body).get("parked_polls") or 0
    threads0 = [kit.threads_of(p) for p in args.pid]
    stop = multiprocessing.Event()
    results = multiprocessing.Queue()
    watcher = multiprocessing.Process(target=watch, args=(args.base, other, other_cookie, args.pid, stop, results),
                                      daemon=True)
    watcher.start()
    time.sleep(1)  # a quiet baseline for the probes

    # The storm.
    ep = select.epoll()
    polls = {}
    due = []  # (when, index) of polls to (re)send
    statuses = {}
    answered_200 = 0
    t0 = time.monotonic()
    for i in range(len(cookies)):
        heapq.heappush(due, (t0 + args.ramp * i / args.n, i))
    conns = [Poll(c, version) for c in cookies]

    def send(i, now):
        c = conns[i]
        if c.sock is None:
            c.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                c.sock.connect((site.host, site.port))
            except OSError as e:
                statuses[f"connect:{type(e).__name__}"] = statuses.get(f"connect:{type(e).__name__}", 0) + 1
                c.sock.close()
                c.sock = None
                heapq.heappush(due, (now + 1, i))
                return
            c.sock.setblocking(False)
            polls[c.sock.fileno()] = i
            ep.register(c.sock.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
        c.buf, c.need, c.status, c.state = b"", None, None, "sent"
        c.sock.send(kit.poll_request(code, c.since, site.host_header, cookie=c.cookie))

    def drop(c, i, now, retry_in):
        fd = c.sock.fileno()
        ep.unregister(fd)
        polls.pop(fd, None)
        c.sock.close()
        c.sock = None
        heapq.heappush(due, (now + retry_in, i))

    end = t0 + args.duration
    while time.monotonic() < end:
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, i = heapq.heappop(due)
            send(i, now)
        timeout = 0.05 if not due else max(0.0, min(0.05, due[0][0] - time.monotonic()))
        for fd, _ in ep.poll(timeout, 4096):
            i = polls.get(fd)
            if i is None:
                continue
            c = conns[i]
            try:
                data = c.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            now = time.monotonic()
            if not data:
                statuses["eof"] = statuses.get("eof", 0) + 1
                drop(c, i, now, 1.0)
                continue
            c.buf += data
            if not kit.response_complete(c):
                continue
            statuses[c.status] = statuses.get(c.status, 0) + 1
            if c.status == 200:
                answered_200 += 1
                answer = json.loads(kit.response_body(c))
                c.since = answer["version"]
                c.state = "waiting"
                c.backoff = 0
                # live.js waits a random part of the answer's spread_ms (1 s by default)
                heapq.heappush(due, (now + random.random() * min(answer.get("spread_ms", 1000), 10000) / 1000, i))
            elif c.status == 204:
                heapq.heappush(due, (now, i))
            elif c.status == 429:
                heapq.heappush(due, (now + 1, i))
            else:
                # live.js backs off on errors: 1, 2, 4... 10 s, with jitter
                c.backoff = min(c.backoff * 2 if c.backoff else 1.0, 10.0)
                drop(c, i, now, c.backoff / 2 + random.random() * c.backoff / 2)
    stop.set()
    probes, probe_status, samples = results.get(timeout=90)
    watcher.join(timeout=10)
    kit.close_all(conns, ep)

    # Results.
    final_version = int(psql("select version from rooms where id = :'v1'", rid))
    storm = {path: [ms for t, ms in values if t >= t0] for path, values in probes.items()}
    # When all N were first parked, and after that the longest stretch with fewer parked: each
    # wake-up (a people bump) answers them all, and they must be back within REPARK_S.
    all_parked_at = None
    longest_gap = 0.0
    gap_from = None
    for t, parked, _ in samples:
        if t < t0 or parked is None:
            continue
        full = parked - parked0 >= args.n
        if all_parked_at is None:
            if full:
                all_parked_at = t - t0
            continue
        if not full and gap_from is None:
            gap_from = t
        elif full and gap_from is not None:
            longest_gap = max(longest_gap, t - gap_from)
            gap_from = None
    if gap_from is not None:
        longest_gap = max(longest_gap, samples[-1][0] - gap_from)
    last_short = longest_gap
    threads_seen = [th for _, _, ths in samples for th in ths if th is not None]
    five_xx = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500)
    five_xx += sum(v for k, v in probe_status.items() if isinstance(k, int) and k >= 500)
    result.update(
        poll_statuses={str(k): v for k, v in statuses.items()},
        probe_statuses={str(k): v for k, v in probe_status.items()},
        polls_answered_200=answered_200, version_bumps=final_version - version,
        probes={path: {"n": len(v), "p50_ms": kit.pct(v, 50), "p99_ms": kit.pct(v, 99), "max_ms": max(v) if v else None}
                for path, v in storm.items()},
        all_parked_after_s=all_parked_at, longest_repark_s=last_short, ramp_s=args.ramp,
        parked_series=[(round(t - t0, 2), None if parked is None else parked - parked0)
                       for t, parked, _ in samples if t >= t0],
        threads_before=threads0, threads_min=min(threads_seen) if threads_seen else None,
        threads_max=max(threads_seen) if threads_seen else None, five_xx=five_xx)
    for path, p in result["probes"].items():
        if path != "/healthz" and (p["p99_ms"] is None or p["p99_ms"] > PROBE_P99_MS):
            result["problems"].append(f"{path} p99 {p['p99_ms']} ms > {PROBE_P99_MS} ms")
    if five_xx:
        result["problems"].append(f"{five_xx} answers were 5xx")
    if all_parked_at is None:
        result["problems"].append("the polls were never all parked")
    elif all_parked_at > args.ramp + REPARK_S:
        result["problems"].append(f"the polls were first all parked {all_parked_at:.1f}s after the storm began")
    if last_short > REPARK_S:
        result["problems"].append(f"after a wake-up the polls took {last_short:.1f}s to be all parked again")
    if threads_seen and min(threads_seen) != max(threads_seen):
        result["problems"].append(f"responder threads moved: {min(threads_seen)}..{max(threads_seen)}")
    result["ok"] = not result["problems"]

    def fmt(p):
        if not p["n"]:
            return "no samples"
        return f"p50 {p['p50_ms']:.1f} p99 {p['p99_ms']:.1f} max {p['max_ms']:.1f} ms (n={p['n']})"

    print(f"storm N={args.n}: page {result['page_bytes']} B, state.json {result['state_bytes']} B; "
          f"polls {result['poll_statuses']}; version bumps {result['version_bumps']} in {args.duration:.0f}s; "
          f"opened over {args.ramp:.1f}s, "
          f"all parked after {all_parked_at if all_parked_at is None else round(all_parked_at, 2)}s, "
          f"longest re-park after a wake-up {last_short:.2f}s; "
          f"threads {threads0} -> {result['threads_min']}..{result['threads_max']}")
    for path, p in result["probes"].items():
        print(f"  {path}: {fmt(p)}")
    print(f"  {'OK' if result['ok'] else 'MISSED: ' + '; '.join(result['problems'])}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
