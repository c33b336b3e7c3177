#!/usr/bin/env python3
"""Does a sign-in, sign-up or reset request take longer when the email has an account? Times N
interleaved requests of each kind against a running stack and prints medians, so the ratio
(known / unknown) can be read in one run. Usage:

    bench/signin_timing.py BASE_URL KNOWN_EMAIL [N]

KNOWN_EMAIL must belong to a confirmed account. Throttling counts the wrong passwords; the script
clears those Redis keys between rounds when POMOPOMO_REDIS (unix:/path) is set.
"""
import os
import statistics
import subprocess
import sys
import time
import uuid

import requests

sys.dont_write_bytecode = True  # importing bench_kit would leave bench/__pycache__ behind
import bench_kit as kit  # noqa: E402


def timed(session, base, path, fields):
    start = time.perf_counter()
    r = session.post(base + path, data=fields, allow_redirects=False)
    return (time.perf_counter() - start) * 1000, r.status_code


def clear_throttle():
    redis = os.environ.get("POMOPOMO_REDIS", "")
    if redis.startswith("unix:"):
        keys = subprocess.run(["redis-cli", "-s", redis[5:], "--scan", "--pattern", "throttle:*"],
                              capture_output=True, text=True).stdout.split()
        if keys:
            subprocess.run(["redis-cli", "-s", redis[5:], "del", *keys], capture_output=True)


def main():
    base, known = sys.argv[1].rstrip("/"), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    s = requests.Session()
    rows = {}
    for kind, path, make in [
        ("sign-in, wrong password", "/login", lambda e: {"email": e, "password": "not the password at all"}),
        ("sign-up (username free)", "/signup", lambda e: {"email": e, "username": "t" + uuid.uuid4().hex[:12],
                                                          "password": "correct horse battery staple"}),
        ("password reset request", "/password/forgot", lambda e: {"email": e}),
    ]:
        token = kit.csrf_of(s.get(base + path).text)
        times = {"known": [], "unknown": []}
        for i in range(n):
            if i % 4 == 0:
                clear_throttle()
            for who in ("known", "unknown"):
                email = known if who == "known" else f"nobody-{uuid.uuid4().hex[:10]}@example.test"
                ms, status = timed(s, base, path, dict(make(email), csrf=token))
                if status >= 500 or status == 429:
                    sys.exit(f"{kind}: status {status}")
                times[who].append(ms)
        k, u = statistics.median(times["known"]), statistics.median(times["unknown"])
        rows[kind] = (k, u)
        print(f"{kind:28s} known {k:6.1f} ms  unknown {u:6.1f} ms  known/unknown {k / u:4.2f}  (n={n} each)")
    clear_throttle()


if __name__ == "__main__":
    main()
