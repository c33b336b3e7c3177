"""How `make test` (scripts/test.sh) splits the pytest files between its shards, and the table of
measured durations it splits by.

    python3 scripts/test_shards.py split N DURATIONS FILE...
        Prints N lines, line i naming the files for shard i (space-separated, in the order given;
        empty when a shard gets none). Whole files only, so the order inside a file is kept.
        Files under a GROUPS directory (the browser tests: each starts Chromium, which is CPU-heavy
        on 2 cores) stay together in one shard. Units are placed heaviest first on the shard
        with the least weight so far; a file missing from DURATIONS (a new one) weighs the median
        of the table, so new files are picked up without touching anything.

    python3 scripts/test_shards.py durations JUNIT_XML...
        Prints a new DURATIONS table: the seconds each file's tests took (setup, call and teardown,
        from pytest's --junitxml reports), summed per file. `POMOPOMO_TEST_DURATIONS=1 make test`
        writes Tests/durations.txt with it after a full run in which every shard passed.
"""

from __future__ import annotations

import statistics
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ("Tests/browser/",)
DEFAULT_WEIGHT = 30.0  # seconds, when the table is empty


def read_table(path: str) -> dict[str, float]:
    table = {}
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return table
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        seconds, name = line.split(None, 1)
        table[name.strip()] = float(seconds)
    return table


def split(shards: int, table: dict[str, float], files: list[str]) -> list[list[str]]:
    default = statistics.median(table.values()) if table else DEFAULT_WEIGHT
    units: dict[str, list[str]] = {}
    for name in files:
        group = next((g for g in GROUPS if name.startswith(g)), name)
        units.setdefault(group, []).append(name)
    weight = {key: sum(table.get(f, default) for f in members) for key, members in units.items()}
    loads = [0.0] * shards
    chosen: dict[str, int] = {}
    # Heaviest first; ties by name so the split does not depend on dict order.
    for key in sorted(units, key=lambda k: (-weight[k], k)):
        shard = min(range(shards), key=lambda i: (loads[i], i))
        loads[shard] += weight[key]
        for name in units[key]:
            chosen[name] = shard
    return [[f for f in files if chosen[f] == i] for i in range(shards)]


def test_file(testcase: ET.Element) -> str | None:
    """The file a <testcase> came from: its `file` attribute (junit_family=xunit1), else the
    longest prefix of its dotted classname that names a .py file under the project."""
    if testcase.get("file"):
        return testcase.get("file")
    parts = (testcase.get("classname") or "").split(".")
    for n in range(len(parts), 0, -1):
        candidate = "/".join(parts[:n]) + ".py"
        if (ROOT / candidate).is_file():
            return candidate
    return None


def durations(reports: list[str]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for report in reports:
        for testcase in ET.parse(report).getroot().iter("testcase"):
            name = test_file(testcase)
            if name:
                totals[name] = totals.get(name, 0.0) + float(testcase.get("time") or 0)
    return totals


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "split" and argv[1].isdigit() and int(argv[1]) >= 1:
        for files in split(int(argv[1]), read_table(argv[2]), argv[3:]):
            print(" ".join(files))
        return 0
    if len(argv) >= 2 and argv[0] == "durations":
        totals = durations(argv[1:])
        print("# Seconds each pytest file took in a full `make test` (its tests' setup, call and teardown),")
        print("# the weights scripts/test.sh splits the files between shards by. Files not listed weigh the")
        print("# median. Rewrite it with: POMOPOMO_TEST_DURATIONS=1 make test")
        for name in sorted(totals):
            print(f"{totals[name]:8.1f} {name}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
