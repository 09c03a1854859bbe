#!/usr/bin/env python3
"""Latency of the staff day view's data request, GET /api/v1/businesses/{slug}/schedule?date=,
for 10 staff and 150 bookings, against the release binary on loopback.

    cargo build --release
    python3 benches/schedule_latency.py                        # SQLite in a temporary directory
    python3 benches/schedule_latency.py postgres://postgres@127.0.0.1:5432/chairside_bench

Starts the server on a free local port, fills one business through the API, then sends the
request over one keep-alive connection, once with the API key and once with a staff session
cookie (as the page does), and prints p50/p90/p99. Requests are sequential and bounded in number.
"""

import datetime
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "chairside")
ADMIN = "bench-admin-token"
WARMUP = 100
REQUESTS = 2000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["content-type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, response.getheaders(), raw


def expect(status, wanted, raw):
    if status != wanted:
        sys.exit(f"unexpected {status}: {raw[:300]!r}")


def fill(client, date):
    status, _, raw = client.call(
        "POST", "/api/v1/businesses",
        {"slug": "bench", "name": "Bench Barber", "time_zone": "Europe/Berlin"},
        {"authorization": f"Bearer {ADMIN}"})
    expect(status, 201, raw)
    key = {"authorization": f"Bearer {json.loads(raw)['api_key']}"}
    day = [["08:00", "20:00"]]
    week = {d: day for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}
    staff = []
    for i in range(10):
        status, _, raw = client.call("POST", "/api/v1/businesses/bench/staff",
                                     {"name": f"Staff {i}", "hours": week}, key)
        expect(status, 201, raw)
        staff.append(json.loads(raw)["id"])
    status, _, raw = client.call("POST", "/api/v1/businesses/bench/services",
                                 {"name": "Haircut", "duration_minutes": 30, "staff_ids": staff}, key)
    expect(status, 201, raw)
    service = json.loads(raw)["id"]
    for column, member in enumerate(staff):
        for slot in range(15):
            minutes = 8 * 60 + slot * 45
            status, _, raw = client.call("POST", "/api/v1/businesses/bench/walk-ins", {
                "service_id": service, "staff_id": member,
                "start": f"{date}T{minutes // 60:02}:{minutes % 60:02}",
                "customer": {"name": f"Customer {column}-{slot}",
                             "phone": f"+49 170 {column * 100 + slot:07}"},
                "notes": "regular; likes it short"}, key)
            expect(status, 201, raw)
    status, _, raw = client.call("POST", "/api/v1/businesses/bench/users", {
        "email": "owner@bench.example", "name": "Owner", "password": "bench password 1",
        "role": "owner"}, key)
    expect(status, 201, raw)
    status, headers, raw = client.call("POST", "/api/v1/session", {
        "email": "owner@bench.example", "password": "bench password 1"})
    expect(status, 200, raw)
    cookie = dict(headers)["set-cookie"].split(";")[0]
    return key, {"cookie": cookie}


def measure(client, path, headers):
    for _ in range(WARMUP):
        status, _, raw = client.call("GET", path, headers=headers)
        expect(status, 200, raw)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        status, _, raw = client.call("GET", path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        expect(status, 200, raw)
    bookings = sum(len(s["bookings"]) for s in json.loads(raw)["staff"])
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return bookings, len(raw), statistics.median(times), pick(0.9), pick(0.99)


def main():
    if not os.path.exists(BINARY):
        sys.exit("build the release binary first: cargo build --release")
    workdir = tempfile.mkdtemp(prefix="chairside-bench-")
    database = sys.argv[1] if len(sys.argv) > 1 else os.path.join(workdir, "bench.db")
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database, BIND=f"127.0.0.1:{port}",
               CHAIRSIDE_ADMIN_TOKEN=ADMIN, CHAIRSIDE_DEMO="false", CHAIRSIDE_LOG="warn")
    server = subprocess.Popen([BINARY, "serve"], env=env, cwd=workdir)
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        client = Client(port)
        date = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
        key, cookie = fill(client, date)
        path = f"/api/v1/businesses/bench/schedule?date={date}"
        backend = "PostgreSQL" if database.startswith("postgres") else "SQLite"
        for label, headers in [("API key", key), ("session cookie", cookie)]:
            bookings, size, p50, p90, p99 = measure(client, path, headers)
            print(f"{backend}, {label}: schedule of 10 staff / {bookings} bookings "
                  f"({size // 1024} KiB), {REQUESTS} requests: "
                  f"p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
