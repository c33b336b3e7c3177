"""Helpers for the operations tests (issue 17): reading a responder's /metrics with the Prometheus
text parser from PyPI, and its figures as a flat {(sample name, labels): value} table."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from pomopomo_testkit import Stack

OUTSIDE = "198.51.100.23"  # a client address that is not this host (TEST-NET-2)


class Scrape:
    """One /metrics answer, parsed: families by name, and every sample by name and labels."""

    def __init__(self, text: str):
        self.text = text
        self.families = {f.name: f for f in text_string_to_metric_families(text)}
        self.samples = {}
        for family in self.families.values():
            for s in family.samples:
                self.samples[(s.name, frozenset(s.labels.items()))] = s.value

    def value(self, name: str, **labels) -> float:
        """The sample with exactly these labels; 0 when absent (a counter not yet moved)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def matching(self, name: str, **labels) -> dict:
        """Every sample of `name` whose labels include these, by its full label set."""
        want = set(labels.items())
        return {dict(key[1]).__repr__(): v for key, v in self.samples.items() if key[0] == name and want <= key[1]}

    def requests(self, route: str, status: int | str, method: str = "GET") -> float:
        return self.value("pomopomo_http_requests_total", method=method, route=route, status=str(status))

    def duration_count(self, route: str, method: str = "GET") -> float:
        return self.value("pomopomo_http_request_duration_seconds_count", method=method, route=route)

    def buckets(self, route: str, method: str = "GET") -> list[tuple[float, float]]:
        """The route's cumulative histogram buckets as (upper bound, count), in bound order."""
        out = []
        for (name, labels), v in self.samples.items():
            d = dict(labels)
            if name == "pomopomo_http_request_duration_seconds_bucket" and d.get("route") == route and d.get("method") == method:
                out.append((float(d["le"]), v))
        return sorted(out)


def scrape(stack: Stack, responder: str, **kw) -> Scrape:
    """GET /metrics straight from one responder (from this host unless remote_addr says otherwise)."""
    r = stack.fcgi(responder, "GET", "/metrics", **kw)
    assert r.status == 200, f"/metrics on {responder}: {r.status} {r.text[:300]}"
    assert r.headers.get("content-type", "").startswith("text/plain; version=0.0.4"), r.headers
    return Scrape(r.text)
