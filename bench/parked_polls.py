#!/usr/bin/python3
"""Parked long-polls: what N waiting polls cost the responder, and how fast one change wakes them all.

    /usr/bin/python3 bench/parked_polls.py --base http://127.0.0.1:18180 --code ABC-DEF --n 2000 \
        --pid RESPONDER_PID [--nginx-pid MASTER_PID] [--json OUT.json] [--time-limit 38]

1. Reads the room's version V (GET /r/CODE/state.json) and prepares a fresh guest (cookie + csrf token
   from one GET of the room page; a visitor without a participant row changes nothing).
2. Records the responder's VmRSS and thread count (/proc/PID/status), and nginx's workers' RSS.
3. Opens N connections to nginx, each sending `GET /r/CODE/poll?since=V`, and waits until /readyz says
   parked_polls = N (and no poll was answered yet).
4. Records RSS and threads again, then sends ONE join (POST /r/CODE/join) and measures, from the moment
   it is sent, when each of the N polls receives its complete response: p50, p99 and the last one; and
   the CPU time the responder, nginx's workers and this client used from the join until the last answer
   arrived.

Everything is bounded by --time-limit (default 38 s: nginx's fastcgi_read_timeout for /poll is 40 s,
the responder holds polls for POMOPOMO_POLL_HOLD, which bench/run.sh sets to 60 s). Only the standard
library is used (with bench/bench_kit.py): one epoll loop, non-blocking sockets, no per-connection
objects beyond a small list.
"""

import argparse
import errno
import heapq
import json
import os
import random
import resource
import select
import socket
import sys
import time

sys.dont_write_bytecode = True  # importing bench_kit would leave bench/__pycache__ behind
import bench_kit as kit  # noqa: E402

log = kit.logger("parked_polls")


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return out


def nginx_workers_rss(master):
    if not master:
        return None
    total = 0
    for child in children(master):
        try:
            rss, _ = kit.proc_status(child)
            total += rss or 0
        except OSError:
            pass
    return total


class Conn:
    __slots__ = ("sock", "out", "buf", "done_at", "status", "first_at", "state", "need",
                 "status2", "done2_at", "body")

    def __init__(self, sock, out):
        self.sock = sock
        self.out = out
        self.buf = b""
        self.done_at = None
        self.first_at = None
        self.status = None
        self.state = "connecting"
        self.need = None  # total bytes of a complete response, once the head is parsed
        self.status2 = None  # --repoll: the second poll's outcome
        self.done2_at = None
        self.body = None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="nginx base URL, e.g. http://127.0.0.1:18180")
    ap.add_argument("--code", required=True, help="room code, e.g. ABC-DEF")
    ap.add_argument("--n", type=int, required=True, help="number of parked polls")
    ap.add_argument("--pid", type=int, required=True, help="responder pid")
    ap.add_argument("--nginx-pid", type=int, default=0, help="nginx master pid (for the workers' RSS)")
    ap.add_argument("--json", help="write the results here as JSON")
    ap.add_argument("--time-limit", type=float, default=38.0, help="stop after this many seconds in all")
    ap.add_argument("--wake-wait", type=float, default=10.0, help="seconds to wait for the answers after the change")
    ap.add_argument("--batch", type=int, default=250, help="connections opened per batch")
    ap.add_argument("--repoll", action="store_true",
                    help="after its 200, each connection polls again at once with the new version (as live.js "
                         "does); reports how many of these re-polls get parked and how many fail")
    ap.add_argument("--repoll-jitter", type=float, default=1.0,
                    help="re-polls are sent after a random delay of up to this many seconds (live.js: 1)")
    ap.add_argument("--max-pending", type=int, default=1000,
                    help="open no more while this many sent polls are not parked yet (0: no pacing, one burst)")
    args = ap.parse_args()

    started = time.monotonic()
    deadline = started + args.time_limit
    nofile, hard = kit.raise_nofile(log)
    if nofile != resource.RLIM_INFINITY and args.n + 50 > nofile:
        log(f"N={args.n} needs {args.n + 50} file descriptors here but RLIMIT_NOFILE is {nofile} (hard {hard})")

    site = kit.Site(args.base)
    result = {"n": args.n, "code": args.code, "nofile": nofile, "ok": False, "problems": []}

    # 1. Version and a fresh guest for the change.
    _, _, body = kit.http_get(f"{args.base}/r/{args.code}/state.json")
    version = json.loads(body)["version"]
    _, headers, page = kit.http_get(f"{args.base}/r/{args.code}")
    cookie = kit.pp_sid_of(headers.items())
    csrf = kit.csrf_of(page, required=False)
    if not cookie or not csrf:
        log("could not get a guest cookie and csrf token from the room page")
        return 2
    _, _, body = kit.http_get(f"{args.base}/r/{args.code}/state.json")
    if json.loads(body)["version"] != version:
        result["problems"].append("the room's version moved while preparing (someone else is changing it)")
        version = json.loads(body)["version"]
    result["version_before"] = version

    # 2. Before.
    rss0, threads0 = kit.proc_status(args.pid)
    nginx0 = nginx_workers_rss(args.nginx_pid)
    _, _, body = kit.http_get(f"{args.base}/readyz")
    parked0 = json.loads(body).get("parked_polls")
    result.update(rss_before_kb=rss0, threads_before=threads0, nginx_rss_before_kb=nginx0, parked_before=parked0)
    log(f"N={args.n}: version {version}, responder RSS {rss0} kB, {threads0} threads, parked now {parked0}")

    # 3. Open N polls.
    ep = select.epoll()
    conns = {}
    request = kit.poll_request(args.code, version, site.host_header, agent="bench-parked-polls")
    t_open = time.monotonic()
    opened = 0
    connect_errors = {}
    early = []  # connections answered before the change (should not happen)

    def handle(fd, ev, now):
        c = conns[fd]
        if c.state == "connecting":
            counts["connecting"] -= 1
            outcome = kit.send_when_connected(ep, fd, c, ev)
            if outcome is None:
                counts["connecting"] += 1  # not ready after all
            elif outcome != "sent":
                c.state, c.status, c.done_at = "failed", f"connect:{outcome}", now
            return
        if c.state in ("sent",):
            try:
                data = c.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError) as e:
                data = None
                err = type(e).__name__
            except BlockingIOError:
                return
            else:
                err = "closed"
            if not data:
                c.state = "failed"
                if c.done_at is None:
                    c.status = c.status if isinstance(c.status, int) and c.need is not None else f"eof:{err}"
                    c.done_at = now
                else:
                    c.status2 = f"eof:{err}"
                    c.done2_at = now
                ep.unregister(fd)
                return
            if c.first_at is None:
                c.first_at = now
            c.buf += data
            if kit.response_complete(c):
                if c.done_at is None and c.status == 200 and repoll["request"] is not None:
                    # like live.js: on 200, poll again on the same (kept-alive) connection after a
                    # random delay of up to --repoll-jitter seconds (live.js spreads them over 1 s)
                    c.done_at = now
                    c.body = c.buf
                    c.buf, c.need, c.status = b"", None, 200
                    heapq.heappush(repoll["due"], (now + random.random() * args.repoll_jitter, fd))
                    return
                if c.done_at is None:
                    c.state = "done"
                    c.done_at = now
                else:  # the re-poll's answer
                    c.state = "done"
                    c.status2 = c.status
                    c.status = 200
                    c.done2_at = now
                ep.unregister(fd)

    def send_due_repolls(now):
        while repoll["due"] and repoll["due"][0][0] <= now:
            _, fd = heapq.heappop(repoll["due"])
            c = conns[fd]
            try:
                c.sock.send(repoll["request"])
                repoll["sent"] += 1
            except OSError as e:
                c.status2, c.done2_at, c.state = f"send:{type(e).__name__}", now, "failed"
                ep.unregister(fd)

    def pump(timeout):
        if repoll["due"]:
            timeout = max(0.0, min(timeout, repoll["due"][0][0] - time.monotonic()))
        events = ep.poll(timeout, 4096)
        now = time.monotonic()  # after the wait: when these events were seen
        for fd, ev in events:
            handle(fd, ev, now)
        send_due_repolls(time.monotonic())

    counts = {"connecting": 0}
    repoll = {"request": None, "sent": 0, "due": []}
    stop_opening = False
    paced = 0.0
    while opened < args.n and not stop_opening:
        if time.monotonic() > deadline - args.wake_wait:
            result["problems"].append(f"time limit while opening connections ({opened} opened)")
            break
        # Pacing: the responder accepts from one listen queue (backlog 4,096); do not outrun it.
        if args.max_pending > 0 and opened > 0:
            t_wait = time.monotonic()
            while time.monotonic() < deadline - args.wake_wait:
                p = kit.parked_now(args.base, log)
                ended = sum(1 for c in conns.values() if c.done_at is not None)
                if p is not None and opened - (p - (parked0 or 0)) - ended <= args.max_pending:
                    break
                pump(0.05)
            paced += time.monotonic() - t_wait
        batch_end = min(args.n, opened + args.batch)
        while opened < batch_end:
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            except OSError as e:
                result["problems"].append(f"socket() failed after {opened} connections: {e} (RLIMIT_NOFILE {nofile})")
                stop_opening = True
                break
            s.setblocking(False)
            rc = s.connect_ex((site.host, site.port))
            opened += 1
            if rc not in (0, errno.EINPROGRESS):
                name = errno.errorcode.get(rc, str(rc))
                connect_errors[name] = connect_errors.get(name, 0) + 1
                s.close()
                continue
            conns[s.fileno()] = Conn(s, request)
            counts["connecting"] += 1
            ep.register(s.fileno(), select.EPOLLOUT | select.EPOLLERR | select.EPOLLHUP)
        # let this batch connect and send before the next one (nginx's listen backlog is 4,096)
        t_batch = time.monotonic()
        while counts["connecting"] > 0 and time.monotonic() - t_batch < 5:
            pump(0.05)
    sent = sum(1 for c in conns.values() if c.state in ("sent", "done"))
    t_sent = time.monotonic()
    result["sent"] = sent
    result["open_seconds"] = round(t_sent - t_open, 3)
    result["paced_seconds"] = round(paced, 3)
    result["max_pending"] = args.max_pending
    if connect_errors:
        result["problems"].append(f"connect errors: {connect_errors}")
    log(f"sent {sent} polls in {t_sent - t_open:.2f} s; waiting for the responder to park them")

    # Wait for the responder to report them parked (pumping the sockets meanwhile).
    parked = None
    t_last_increase = time.monotonic()
    stable_since = None
    for now in kit.ticks(pump, deadline - args.wake_wait):
        p = kit.parked_now(args.base, log)
        if p is not None:
            stable_since = stable_since if p == parked else now
            if parked is None or p > parked:
                t_last_increase = now
            parked = p
        if parked is not None and parked >= (parked0 or 0) + sent:
            break
        if stable_since and now - stable_since > 5:
            result["problems"].append(f"parked_polls stuck at {parked} of {sent} for 5 s")
            break
    else:
        result["problems"].append(f"time limit while waiting for polls to park ({parked} of {sent})")
    t_parked = time.monotonic()
    result["parked_seconds"] = round(t_parked - t_sent, 3)
    if parked:
        # from the first request sent to the last increase of the responder's count
        result["park_rate_per_s"] = round((parked - (parked0 or 0)) / max(1e-3, t_last_increase - t_open))
    result["parked_reported"] = parked
    # Let the allocator settle, keep pumping (nothing should arrive).
    settle_end = time.monotonic() + 1.0
    while time.monotonic() < settle_end:
        pump(0.1)
    early = [c for c in conns.values() if c.done_at is not None]
    if early:
        result["problems"].append(f"{len(early)} polls ended before the change: {kit.tally(c.status for c in early)}")
    rss1, threads1 = kit.proc_status(args.pid)
    nginx1 = nginx_workers_rss(args.nginx_pid)
    waiting = [c for c in conns.values() if c.done_at is None]
    result.update(rss_parked_kb=rss1, threads_parked=threads1, nginx_rss_parked_kb=nginx1, waiting=len(waiting))
    if parked:
        result["kb_per_poll"] = round((rss1 - rss0) / parked, 2)
        if nginx0 is not None:
            result["nginx_kb_per_poll"] = round((nginx1 - nginx0) / parked, 2)
    log(f"parked {parked} (took {t_parked - t_sent:.2f} s after sending): responder RSS {rss1} kB "
        f"(+{rss1 - rss0} kB), {threads1} threads; nginx workers {nginx1} kB")

    # 4. One change: a join from a fresh guest, on a connection opened beforehand.
    post = kit.form_post(f"/r/{args.code}/join", site.host_header, cookie,
                     {"csrf": csrf, "display_name": f"Bench {args.n}"})
    join = kit.open_sent(ep, conns, Conn, site)
    if args.repoll:
        repoll["request"] = kit.poll_request(args.code, version + 1, site.host_header, agent="bench-parked-polls")
    # CPU the wake-up costs (load-independent, unlike its wall time on a busy machine).
    cpu0 = kit.cpu_ms(args.pid), sum(kit.cpu_ms(w) for w in children(args.nginx_pid)) if args.nginx_pid else None
    client0 = kit.cpu_ms(os.getpid())
    t0 = time.monotonic()
    join.sock.sendall(post)
    wake_deadline = min(deadline, t0 + args.wake_wait)
    while any(c.done_at is None for c in waiting) or join.done_at is None:
        if time.monotonic() > wake_deadline:
            break
        pump(0.05)
    cpu1 = kit.cpu_ms(args.pid), sum(kit.cpu_ms(w) for w in children(args.nginx_pid)) if args.nginx_pid else None
    result["wake_cpu_ms"] = round(cpu1[0] - cpu0[0])
    result["wake_client_cpu_ms"] = round(kit.cpu_ms(os.getpid()) - client0)
    if cpu0[1] is not None:
        result["wake_nginx_cpu_ms"] = round(cpu1[1] - cpu0[1])
    if args.repoll:
        # Wait until the re-polls are parked again (or stop arriving), keep reading meanwhile.
        rp_deadline = min(deadline, time.monotonic() + 15)
        rp_parked = None
        rp_stable = time.monotonic()
        rp_last_increase = t0
        for now in kit.ticks(pump, rp_deadline):
            p = kit.parked_now(args.base, log)
            if p is None:
                continue
            if rp_parked is None or p != rp_parked:
                rp_stable = now
                if rp_parked is None or p > rp_parked:
                    rp_last_increase = now
            rp_parked = p
            if (p >= repoll["sent"] and not repoll["due"]) or now - rp_stable > 3:
                break
        rp_statuses = kit.tally(c.status2 for c in waiting if c.done2_at is not None)
        result.update(repoll_sent=repoll["sent"], repoll_parked=rp_parked,
                      repoll_parked_ms=round((rp_last_increase - t0) * 1000),
                      repoll_failed=sum(rp_statuses.values()), repoll_statuses=rp_statuses)
        log(f"re-polls: {repoll['sent']} sent, {rp_parked} parked again (last at "
            f"{result['repoll_parked_ms']} ms after the change), answered at once: {rp_statuses}")
    rss2, threads2 = kit.proc_status(args.pid)
    result.update(rss_after_kb=rss2, threads_after=threads2)

    result["join_status"] = join.status
    result["join_ms"] = round((join.done_at - t0) * 1000, 1) if join.done_at else None
    times = []
    first_byte = []
    answers = []
    for c in waiting:
        status1 = 200 if c.body is not None else c.status  # (a re-poll reuses c.status)
        answers.append(status1 if c.done_at is not None else "no answer")
        if c.done_at is not None and status1 == 200:
            times.append((c.done_at - t0) * 1000)
            first_byte.append((c.first_at - t0) * 1000)
    times.sort()
    first_byte.sort()
    statuses = kit.tally(answers)
    result["statuses"] = statuses
    result["answered_200"] = len(times)
    if times:
        result["wake_p50_ms"] = round(kit.pct(times, 50), 1)
        result["wake_p99_ms"] = round(kit.pct(times, 99), 1)
        result["wake_last_ms"] = round(times[-1], 1)
        result["wake_first_ms"] = round(times[0], 1)
    # check that the answers carry the new version
    sample = next((c for c in waiting if c.body is not None or (c.done_at and c.status == 200)), None)
    if sample:
        body = (sample.body or sample.buf).split(b"\r\n\r\n", 1)[1]
        try:
            result["answer_version"] = json.loads(body).get("version")
        except ValueError:
            result["answer_version"] = None
    result["repoll"] = args.repoll
    result["ok"] = (not result["problems"] and len(times) == args.n and
                    threads1 == threads0 and result.get("wake_last_ms", 1e9) <= 1000)
    log(f"change sent; join answered {join.status} in {result['join_ms']} ms; {len(times)} of {len(waiting)} "
        f"polls answered 200; last at {result.get('wake_last_ms')} ms; statuses {statuses}")

    kit.close_all(conns.values(), ep)
    result["total_seconds"] = round(time.monotonic() - started, 2)
    out = json.dumps(result, indent=1, sort_keys=True)
    if args.json:
        with open(args.json, "w") as f:
            f.write(out + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
