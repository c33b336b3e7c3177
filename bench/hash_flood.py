#!/usr/bin/env python3
"""A flood of password work (bad resets and sign-ups) while wrk measures pages that never hash.

Usage: bench/hash_flood.py BASE_URL ROOM_CODE [SECONDS] [RATE] [both|reset|signup]
  BASE_URL   nginx in front of the responder(s), e.g. http://127.0.0.1:18180
  ROOM_CODE  a room whose page wrk measures beside the home page
  SECONDS    length of each measured run (default 10)
  RATE       flood requests per second to aim for (default 400)

Runs wrk on `/` and on `/r/ROOM_CODE` twice: quiet, then with the flood going, and prints the
p99 of each and the ratio flood/quiet (issue 9 §2). The flood comes from many loopback source
addresses (127.1.x.y), so the per-address throttles do not simply refuse it all: half of it
signs up with valid passwords (each reaching Argon2id unless the gate says "busy"), half posts
/auth/reset with well-formed tokens that do not exist (refused before any hash). It prints what
the flood got back by status.
"""

import collections
import re
import secrets
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

sys.dont_write_bytecode = True  # importing bench_kit would leave bench/__pycache__ behind
import bench_kit as kit  # noqa: E402

BASE = sys.argv[1].rstrip("/")
CODE = sys.argv[2]
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 10
RATE = int(sys.argv[4]) if len(sys.argv) > 4 else 400
# "both" (default), "reset" or "signup": which requests the flood sends, to tell their costs apart.
KIND = sys.argv[5] if len(sys.argv) > 5 else "both"
SITE = kit.Site(BASE)


def request(source, method, path, body=None, cookie=None):
    headers = {"Host": SITE.host_header, "Origin": BASE}
    if cookie:
        headers["Cookie"] = f"pp_sid={cookie}"
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return SITE.request(method, path, headers, body, source=source)


def session_for(source):
    """A cookie and CSRF token for one flooding address."""
    _, headers, page = request(source, "GET", "/signup")
    return kit.pp_sid_of(headers), kit.csrf_of(page)


def flood(stop, counts, lock, sources):
    sessions = {}
    interval = 1.0 / RATE
    n = 0
    next_at = time.monotonic()
    while not stop.is_set():
        source = sources[n % len(sources)]
        if source not in sessions:
            sessions[source] = session_for(source)
        cookie, csrf = sessions[source]
        if KIND == "reset" or (KIND == "both" and n % 2):
            body = urlencode({"csrf": csrf, "token": secrets.token_urlsafe(32),
                              "password": "flood password that is long"})
            path = "/auth/reset"
        else:
            body = urlencode({"csrf": csrf, "email": f"f{secrets.token_hex(6)}@flood.test",
                              "username": "f" + secrets.token_hex(6), "password": "flood password that is long"})
            path = "/signup"
        n += 1
        threading.Thread(target=one, args=(source, path, body, cookie, counts, lock), daemon=True).start()
        next_at += interval
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)


def one(source, path, body, cookie, counts, lock):
    try:
        status, _, _ = request(source, "POST", path, body, cookie)
    except Exception as e:  # noqa: BLE001 - counted, not raised: the flood goes on
        status = type(e).__name__
    with lock:
        counts[(path, status)] += 1


def wrk(path):
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{SECONDS}s", "--latency", BASE + path],
                         capture_output=True, text=True).stdout
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not p99 or not rps or float(rps.group(1)) == 0:
        return float("inf"), 0.0, 0  # nothing was answered within the run
    value, unit = float(p99.group(1)), p99.group(2)
    ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return ms, float(rps.group(1)), int(non2xx.group(1)) if non2xx else 0


def measure(label):
    home = wrk("/")
    room = wrk(f"/r/{CODE}")
    print(f"{label:6} home p99 {home[0]:7.2f} ms ({home[1]:8.0f} req/s, non-2xx {home[2]}); "
          f"room p99 {room[0]:7.2f} ms ({room[1]:8.0f} req/s, non-2xx {room[2]})", flush=True)
    return home, room


def main():
    sources = [f"127.1.{i // 200}.{i % 200 + 1}" for i in range(400)]
    quiet = measure("quiet")
    stop, lock, counts = threading.Event(), threading.Lock(), collections.Counter()
    flooder = threading.Thread(target=flood, args=(stop, counts, lock, sources), daemon=True)
    started = time.monotonic()
    flooder.start()
    time.sleep(2)
    loud = measure("flood")
    stop.set()
    elapsed = time.monotonic() - started
    time.sleep(2)
    total = sum(counts.values())
    print(f"flood: {total} requests in {elapsed:.1f} s = {total / elapsed:.0f} req/s from {len(sources)} addresses")
    for (path, status), n in sorted(counts.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print(f"  {path:12} {status}: {n}")
    print(f"summary: home p99 flood/quiet = {loud[0][0] / quiet[0][0]:.2f}x "
          f"({quiet[0][0]:.1f} -> {loud[0][0]:.1f} ms); "
          f"room p99 flood/quiet = {loud[1][0] / quiet[1][0]:.2f}x ({quiet[1][0]:.1f} -> {loud[1][0]:.1f} ms)")


if __name__ == "__main__":
    main()
