#!/usr/bin/env python3
"""Memory of the server under a flood of wrong logins, against the release binary on loopback.

    cargo build --release
    python3 benches/login_flood.py                          # SQLite in a temporary directory
    python3 benches/login_flood.py postgres://postgres@127.0.0.1:5432/chairside_bench
    python3 benches/login_flood.py --concurrent 200 --waves 5

Starts the server on a free local port (CHAIRSIDE_RATE_LIMITS=off, as for every figure; the
login limits stay on regardless), creates one business with an owner login, then sends waves of
CONCURRENT wrong logins released at the same instant, each on its own connection: half for the
owner's name, half for names that do not exist (which hash a dummy). Between waves the limits'
windows are not waited out, so later waves meet locked names and a locked address, as a real
flood would. Prints the server's resident memory before the flood and its peak (VmHWM from
/proc, the kernel's own high-water mark) and the histogram of statuses; any status other than
401, 429 or 503 makes the script fail.
"""

import argparse
import collections
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "chairside")
ADMIN = "bench-admin-token"
ALLOWED = {401, 429, 503}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"content-type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def memory_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def start_server(database_url, port, workdir):
    env = dict(os.environ,
               DATABASE_URL=database_url, BIND=f"127.0.0.1:{port}", CHAIRSIDE_ADMIN_TOKEN=ADMIN,
               CHAIRSIDE_DEMO="false", CHAIRSIDE_RATE_LIMITS="off", CHAIRSIDE_LOG="warn",
               CHAIRSIDE_MAIL_DIR=os.path.join(workdir, "mail"))
    server = subprocess.Popen([BINARY], env=env, cwd=workdir,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start: " + server.stderr.read().decode())


def wave(port, concurrent, wave_number):
    barrier = threading.Barrier(concurrent)
    statuses = []
    lock = threading.Lock()

    def attempt(i):
        email = "owner@flood.example" if i % 2 == 0 else f"nobody{wave_number}-{i}@flood.example"
        body = json.dumps({"email": email, "password": f"wrong password {i}"})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.connect()
            barrier.wait()
            conn.request("POST", "/api/v1/session", body=body,
                         headers={"content-type": "application/json"})
            response = conn.getresponse()
            response.read()
            status = response.status
        except OSError as e:
            status = f"connection error: {e}"
        finally:
            conn.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(concurrent)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url", nargs="?")
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--waves", type=int, default=5)
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `cargo build --release` first")
    with tempfile.TemporaryDirectory() as workdir:
        database_url = args.database_url or os.path.join(workdir, "flood.db")
        port = free_port()
        server = start_server(database_url, port, workdir)
        try:
            status, created = request(port, "POST", "/api/v1/businesses", {
                "slug": "flood", "name": "Flood", "time_zone": "Europe/Berlin"},
                {"authorization": f"Bearer {ADMIN}"})
            assert status == 201, created
            key = json.loads(created)["api_key"]
            status, body = request(port, "POST", "/api/v1/businesses/flood/users", {
                "email": "owner@flood.example", "name": "Owner", "password": "the right password",
                "role": "owner"}, {"authorization": f"Bearer {key}"})
            assert status == 201, body
            before = memory_kib(server.pid, "VmRSS")
            histogram = collections.Counter()
            started = time.time()
            for n in range(args.waves):
                histogram.update(wave(port, args.concurrent, n))
            elapsed = time.time() - started
            peak = memory_kib(server.pid, "VmHWM")
            after = memory_kib(server.pid, "VmRSS")
            backend = "postgres" if database_url.startswith("postgres") else "sqlite"
            print(f"backend: {backend}, cores: {os.cpu_count()}, "
                  f"{args.waves} waves of {args.concurrent} concurrent wrong logins in {elapsed:.1f} s")
            print(f"server RSS before: {before / 1024:.1f} MiB, peak: {peak / 1024:.1f} MiB, "
                  f"after: {after / 1024:.1f} MiB")
            print("statuses: " + ", ".join(f"{s}: {c}" for s, c in sorted(histogram.items(), key=str)))
            unexpected = {s: c for s, c in histogram.items() if s not in ALLOWED}
            if unexpected:
                sys.exit(f"FAILED: answers other than 401/429/503: {unexpected}")
            status, _ = request(port, "GET", "/healthz")
            assert status == 200, "the server is unwell after the flood"
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
