#!/usr/bin/python3
"""Parked long-polls: what N waiting polls cost the responder, and how fast one change wakes them all.

    /usr/bin/python3 bench/parked_polls.py --base http://127.0.0.1:18180 --code ABC-DEF --n 2000 \
        --pid RESPONDER_PID [--nginx-pid MASTER_PID] [--json OUT.json] [--time-limit 38]

1. Reads the room's version V (GET /r/CODE/state.json) and prepares a fresh guest (cookie + csrf token
   from one GET of the room page; a visitor without a participant row changes nothing).
2. Records the responder's VmRSS and thread count (/proc/PID/status), and nginx's workers' RSS.
3. Opens N connections to nginx, each sending `GET /r/CODE/poll?since=V`, and waits until /readyz says
   parked_polls = N (and no poll was answered yet). The connections are kept by bench/poll_crowd.c
   (compiled here with cc; one epoll loop in C), which this script drives through its stdin.
4. Records RSS and threads again, then sends ONE join (POST /r/CODE/join) and measures, from the moment
   it is sent, when each of the N polls' complete response was in the client's socket (the kernel's
   receive timestamp) and when the client read it: p50, p99 and the last one; checks that every answer
   is a 200 carrying version V + 1; and the CPU time the responder, nginx's workers and the client
   (poll_crowd and this script) used from the join until the last answer arrived.

Everything is bounded by --time-limit (default 38 s: nginx's fastcgi_read_timeout for /poll is 40 s,
the responder holds polls for POMOPOMO_POLL_HOLD, which bench/run.sh sets to 60 s). Python's standard
library and bench/bench_kit.py, and a C compiler for poll_crowd.
"""

import argparse
import json
import os
import resource
import select
import shutil
import socket
import subprocess
import sys
import tempfile
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


class Crowd:
    """The N poll connections, kept by bench/poll_crowd.c (one epoll loop in C; see there for its commands):
    reading 10,000 answers in Python cost about as much CPU as nginx spent sending them, on the same two
    cores as the wake-up being measured."""

    def __init__(self, site, request, repoll=None, jitter=1.0):
        self.dir = tempfile.mkdtemp(prefix="poll-crowd.")
        binary = os.path.join(self.dir, "poll_crowd")
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "poll_crowd.c")
        subprocess.run(["cc", "-O2", "-Wall", "-o", binary, source], check=True)
        args = [binary, socket.gethostbyname(site.host), str(site.port), self._file("request", request)]
        if repoll is not None:
            args += [self._file("repoll", repoll), str(round(jitter * 1000))]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.opened = self.sent = self.failed = self.answered = 0

    def _file(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def ask(self, line):
        """Sends one command and reads its answer line into the counts."""
        self.tell(line)
        return self.hear()

    def tell(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def hear(self):
        words = self.proc.stdout.readline().split()
        self.opened, self.sent, self.failed, self.answered = (int(w) for w in words[1::2])
        return self

    def dump(self):
        """Per connection: (status, first_ns, done_ns, version, status2, done2_ns, arrived_ns)."""
        self.proc.stdin.write("dump\n")
        self.proc.stdin.flush()
        rows = []
        for line in self.proc.stdout:
            if line.startswith("end"):
                break
            rows.append(tuple(int(w) for w in line.split()))
        return rows

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


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
    request = kit.poll_request(args.code, version, site.host_header, agent="bench-parked-polls")
    repoll = kit.poll_request(args.code, version + 1, site.host_header, agent="bench-parked-polls") if args.repoll else None
    crowd = Crowd(site, request, repoll, args.repoll_jitter)
    t_open = time.monotonic()
    paced = 0.0
    while crowd.opened < args.n:
        if time.monotonic() > deadline - args.wake_wait:
            result["problems"].append(f"time limit while opening connections ({crowd.opened} opened)")
            break
        # Pacing: the responder accepts from one listen queue (backlog 4,096); do not outrun it.
        if args.max_pending > 0 and crowd.opened > 0:
            t_wait = time.monotonic()
            while time.monotonic() < deadline - args.wake_wait:
                p = kit.parked_now(args.base, log)
                crowd.ask("state")
                if p is not None and crowd.opened - (p - (parked0 or 0)) - crowd.answered <= args.max_pending:
                    break
                time.sleep(0.05)
            paced += time.monotonic() - t_wait
        # this batch connects and sends before the next one (nginx's listen backlog is 4,096)
        crowd.ask(f"open {min(args.batch, args.n - crowd.opened)}")
    sent = crowd.sent
    t_sent = time.monotonic()
    result["sent"] = sent
    result["open_seconds"] = round(t_sent - t_open, 3)
    result["paced_seconds"] = round(paced, 3)
    result["max_pending"] = args.max_pending
    if crowd.failed:
        result["problems"].append(f"{crowd.failed} connections failed to connect or send")
    log(f"sent {sent} polls in {t_sent - t_open:.2f} s; waiting for the responder to park them")

    # Wait for the responder to report them parked.
    parked = None
    t_last_increase = time.monotonic()
    stable_since = None
    while True:
        now = time.monotonic()
        if now > deadline - args.wake_wait:
            result["problems"].append(f"time limit while waiting for polls to park ({parked} of {sent})")
            break
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
        time.sleep(0.1)
    t_parked = time.monotonic()
    result["parked_seconds"] = round(t_parked - t_sent, 3)
    if parked:
        # from the first request sent to the last increase of the responder's count
        result["park_rate_per_s"] = round((parked - (parked0 or 0)) / max(1e-3, t_last_increase - t_open))
    result["parked_reported"] = parked
    # Let the allocator settle (nothing should arrive meanwhile).
    time.sleep(1.0)
    early = crowd.ask("state").answered
    if early:
        result["problems"].append(f"{early} polls ended before the change")
    rss1, threads1 = kit.proc_status(args.pid)
    nginx1 = nginx_workers_rss(args.nginx_pid)
    result.update(rss_parked_kb=rss1, threads_parked=threads1, nginx_rss_parked_kb=nginx1, waiting=sent - early)
    if parked:
        result["kb_per_poll"] = round((rss1 - rss0) / parked, 2)
        if nginx0 is not None:
            result["nginx_kb_per_poll"] = round((nginx1 - nginx0) / parked, 2)
    log(f"parked {parked} (took {t_parked - t_sent:.2f} s after sending): responder RSS {rss1} kB "
        f"(+{rss1 - rss0} kB), {threads1} threads; nginx workers {nginx1} kB")

    # 4. One change: a join from a fresh guest, on a connection opened beforehand.
    post = kit.form_post(f"/r/{args.code}/join", site.host_header, cookie,
                     {"csrf": csrf, "display_name": f"Bench {args.n}"})
    join = socket.create_connection((site.host, site.port), timeout=args.wake_wait)
    # CPU the wake-up costs (load-independent, unlike its wall time on a busy machine).
    cpu0 = kit.cpu_ms(args.pid), sum(kit.cpu_ms(w) for w in children(args.nginx_pid)) if args.nginx_pid else None
    client0 = kit.cpu_ms(os.getpid()) + kit.cpu_ms(crowd.proc.pid)
    t0_wall = time.time()
    t0 = time.monotonic()
    join.sendall(post)
    # The crowd reads the answers; this process only waits for it and for the join's 303.
    crowd.tell(f"wait {round(args.wake_wait * 1000)}")
    join_status = join_ms = None
    crowd_done = False
    while not crowd_done:
        ready, _, _ = select.select([crowd.proc.stdout] + ([join] if join_ms is None else []), [], [], args.wake_wait)
        if join in ready:
            join_ms = round((time.monotonic() - t0) * 1000, 1)
            try:
                join_status = int(join.recv(65536).split(b" ", 2)[1])
            except (OSError, IndexError, ValueError) as e:
                join_status = f"join: {type(e).__name__}"
        if crowd.proc.stdout in ready:
            crowd.hear()
            crowd_done = True
    cpu1 = kit.cpu_ms(args.pid), sum(kit.cpu_ms(w) for w in children(args.nginx_pid)) if args.nginx_pid else None
    result["wake_cpu_ms"] = round(cpu1[0] - cpu0[0])
    result["wake_client_cpu_ms"] = round(kit.cpu_ms(os.getpid()) + kit.cpu_ms(crowd.proc.pid) - client0)
    if cpu0[1] is not None:
        result["wake_nginx_cpu_ms"] = round(cpu1[1] - cpu0[1])
    if args.repoll:
        # Wait until the re-polls are parked again (or stop arriving).
        rp_deadline = min(deadline, time.monotonic() + 15)
        rp_parked = None
        rp_stable = time.monotonic()
        rp_last_increase = t0
        while time.monotonic() < rp_deadline:
            time.sleep(0.1)
            now = time.monotonic()
            p = kit.parked_now(args.base, log)
            if p is None:
                continue
            if rp_parked is None or p != rp_parked:
                rp_stable = now
                if rp_parked is None or p > rp_parked:
                    rp_last_increase = now
            rp_parked = p
            # every 200 re-polls within the jitter, then parked (or nothing moving for 3 s)
            if (p >= crowd.answered and now - t0 > args.repoll_jitter + 0.5) or now - rp_stable > 3:
                break
    rows = crowd.dump()
    rss2, threads2 = kit.proc_status(args.pid)
    result.update(rss_after_kb=rss2, threads_after=threads2)
    if args.repoll:
        rp_statuses = kit.tally(r[4] for r in rows if r[5])
        result.update(repoll_sent=sum(1 for r in rows if r[0] == 200), repoll_parked=rp_parked,
                      repoll_parked_ms=round((rp_last_increase - t0) * 1000),
                      repoll_failed=sum(rp_statuses.values()), repoll_statuses=rp_statuses)
        log(f"re-polls: {result['repoll_sent']} sent, {rp_parked} parked again (last at "
            f"{result['repoll_parked_ms']} ms after the change), answered at once: {rp_statuses}")

    result["join_status"] = join_status
    result["join_ms"] = join_ms
    t0_ns, t0_wall_ns = t0 * 1e9, t0_wall * 1e9
    times = []  # when each whole answer was in the client's socket (the kernel's receive timestamp)
    seen = []  # when the client read its last byte
    answers = []
    versions = []
    for status, _, done_ns, answer_version, _, _, arrived_ns in rows:
        if status == -3 or 0 < done_ns < t0_ns:
            continue  # never sent, or answered before the change (a problem reported above)
        answers.append(status if done_ns else "no answer")
        if done_ns and status == 200:
            seen.append((done_ns - t0_ns) / 1e6)
            times.append((arrived_ns - t0_wall_ns) / 1e6 if arrived_ns else seen[-1])
            versions.append(answer_version)
    times.sort()
    seen.sort()
    statuses = kit.tally(answers)
    result["statuses"] = statuses
    result["answered_200"] = len(times)
    result["kernel_timestamps"] = sum(1 for r in rows if r[0] == 200 and r[6])
    if times:
        result["wake_p50_ms"] = round(kit.pct(times, 50), 1)
        result["wake_p99_ms"] = round(kit.pct(times, 99), 1)
        result["wake_last_ms"] = round(times[-1], 1)
        result["wake_first_ms"] = round(times[0], 1)
        result["seen_p50_ms"] = round(kit.pct(seen, 50), 1)
        result["seen_p99_ms"] = round(kit.pct(seen, 99), 1)
        result["seen_last_ms"] = round(seen[-1], 1)
    # every answer must carry the new version
    result["answer_versions"] = kit.tally(versions)
    result["answer_version"] = max(versions) if versions else None
    wrong = sum(1 for v in versions if v != version + 1)
    if wrong:
        result["problems"].append(f"{wrong} answers do not carry version {version + 1}: {result['answer_versions']}")
    result["repoll"] = args.repoll
    result["ok"] = (not result["problems"] and len(times) == args.n and
                    threads1 == threads0 and result.get("wake_last_ms", 1e9) <= 1000)
    log(f"change sent; join answered {join_status} in {join_ms} ms; {len(times)} of {sent - early} "
        f"polls answered 200; last at {result.get('wake_last_ms')} ms; statuses {statuses}")

    crowd.close()
    join.close()
    result["total_seconds"] = round(time.monotonic() - started, 2)
    out = json.dumps(result, indent=1, sort_keys=True)
    if args.json:
        with open(args.json, "w") as f:
            f.write(out + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
