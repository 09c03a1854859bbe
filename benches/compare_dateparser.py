#!/usr/bin/env python3
"""Chairside's understanding beside Python's dateparser on the same labelled turns, per corpus.

    cargo build --release && python3 benches/compare_dateparser.py

Needs `pip install dateparser`. dateparser reads dates and times only, so both are scored on the
turns that label a date or a time, and a turn counts as right when its labelled `date` and
`time` both come out right (`null` = must be absent), as in the test suite. Chairside's own
figure on every labelled field (intent, service, staff, ranges, …) is the test's:
`cargo test --test understanding corpora -- --nocapture`. Chairside is timed through its CLI
(`chairside understand`, JSON lines on stdin: process start, JSON in and out included), so its
turns/s is a lower bound on the library's (see `cargo bench --bench understanding`).
"""
import json
import os
import subprocess
import sys
import time
from datetime import datetime

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
data = os.path.join(root, "tests", "data")
binary = os.path.join(root, "target", "release", "chairside")

# name, file, dateparser language, its date order, the business's opening hours
CORPORA = [
    ("SGD salon/dentist (en)", "sgd/salon-dentist.train.jsonl", "en", "MDY", None),
    ("English barber", "en-utterances.jsonl", "en", "MDY", ["09:00", "19:00"]),
    ("English long tail", "en-longtail.jsonl", "en", "MDY", ["09:00", "19:00"]),
    ("German barber", "de-utterances.jsonl", "de", "DMY", ["09:00", "18:00"]),
    ("German long tail", "de-longtail.jsonl", "de", "DMY", ["09:00", "18:00"]),
    ("Spanish barber", "es-utterances.jsonl", "es", "DMY", ["10:00", "21:00"]),
]
FIELDS = ("date", "time")


def scored(expected):
    return {k: v for k, v in expected.items() if k in FIELDS}


def right(want, got):
    return all(got.get(k) == v for k, v in want.items())


def chairside(rows, opening):
    lines = []
    for r in rows:
        line = {"text": r["text"], "now": r["now"], "time_zone": r["time_zone"], "lang": r.get("lang")}
        if opening:
            line["opening"] = opening
        lines.append(json.dumps(line) + "\n")
    start = time.perf_counter()
    out = subprocess.run([binary, "understand"], input="".join(lines).encode(), capture_output=True,
                         check=True, env=dict(os.environ, CHAIRSIDE_LOG="error")).stdout
    elapsed = time.perf_counter() - start
    results = [json.loads(line) for line in out.decode().splitlines()]
    return sum(right(scored(r["expected"]), g) for r, g in zip(rows, results)), elapsed


def dateparser_run(rows, language, order):
    from dateparser.search import search_dates
    correct = 0
    start = time.perf_counter()
    for r in rows:
        base = datetime.fromisoformat(r["now"])
        found = search_dates(r["text"], languages=[language],
                             settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future",
                                       "DATE_ORDER": order}) or []
        got = {}
        if found:
            when = found[0][1]
            got = {"date": when.strftime("%Y-%m-%d"), "time": when.strftime("%H:%M")}
        correct += right(scored(r["expected"]), got)
    return correct, time.perf_counter() - start


print(f"{'corpus':26}{'turns':>7}{'Chairside':>11}{'dateparser':>12}{'Chairside/s':>13}{'dateparser/s':>14}")
for name, path, language, order, opening in CORPORA:
    rows = [json.loads(line) for line in open(os.path.join(data, path), encoding="utf-8") if line.strip()]
    rows = [r for r in rows if scored(r["expected"])]
    n = len(rows)
    ours, t_ours = chairside(rows, opening)
    theirs, t_theirs = dateparser_run(rows, language, order)
    print(f"{name:26}{n:>7}{ours / n:>11.1%}{theirs / n:>12.1%}{n / t_ours:>13,.0f}{n / t_theirs:>14,.0f}")
sys.stdout.flush()
