#!/usr/bin/env python3
"""Chairside's understanding against Python's dateparser on the same SGD turns, in one run.

    cargo build --release && python3 benches/compare_dateparser.py [path/to/salon-dentist.train.jsonl]

Needs `pip install dateparser`. A turn counts as right when every labelled field (date, time)
comes out right, as in the test suite. Chairside is timed through its CLI
(`chairside understand`, JSON lines on stdin: process start, JSON in and out included), so the
figure is a lower bound on the library's own throughput (see `cargo bench --bench understanding`).
"""
import json
import os
import subprocess
import sys
import time
from datetime import datetime

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
default = os.path.join(root, "tests", "data", "sgd", "salon-dentist.train.jsonl")
path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CHAIRSIDE_SGD_PATH", default)
rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
binary = os.path.join(root, "target", "release", "chairside")


def right(expected, got):
    return all(got.get(k) == v for k, v in expected.items())


def chairside():
    payload = "".join(json.dumps({"text": r["text"], "now": r["now"], "time_zone": r["time_zone"]}) + "\n" for r in rows)
    start = time.perf_counter()
    out = subprocess.run([binary, "understand"], input=payload.encode(), capture_output=True, check=True,
                         env=dict(os.environ, CHAIRSIDE_LOG="error")).stdout
    elapsed = time.perf_counter() - start
    results = [json.loads(line) for line in out.decode().splitlines()]
    return sum(right(r["expected"], g) for r, g in zip(rows, results)), elapsed


def dateparser_run():
    from dateparser.search import search_dates
    correct = 0
    start = time.perf_counter()
    for r in rows:
        base = datetime.fromisoformat(r["now"])
        found = search_dates(r["text"], languages=["en"],
                             settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"}) or []
        got = {}
        if found:
            when = found[0][1]
            got = {"date": when.strftime("%Y-%m-%d"), "time": when.strftime("%H:%M")}
        correct += right(r["expected"], got)
    return correct, time.perf_counter() - start


n = len(rows)
ours, t_ours = chairside()
theirs, t_theirs = dateparser_run()
print(f"{n} SGD salon/dentist turns ({path})")
print(f"{'':28}{'fully right':>14}{'turns/s':>12}")
print(f"{'Chairside (CLI, 1 process)':28}{ours / n:>13.1%}{n / t_ours:>12,.0f}")
print(f"{'dateparser.search_dates':28}{theirs / n:>13.1%}{n / t_theirs:>12,.0f}")
