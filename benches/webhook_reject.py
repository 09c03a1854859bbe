#!/usr/bin/env python3
"""What a forged Meta webhook call costs the server, with 1 and with 1000 connected businesses,
against the release binary on loopback.

    cargo build --release
    python3 benches/webhook_reject.py                          # SQLite in a temporary directory
    python3 benches/webhook_reject.py postgres://postgres@127.0.0.1:5432/chairside_bench
    python3 benches/webhook_reject.py --businesses 1 1000 --seconds 5 --threads 4

For each N it starts a fresh server (CHAIRSIDE_RATE_LIMITS=off, as for every figure), connects
N businesses to Messenger (each its own page id, app secret and tokens), then sends forged calls
(a realistic 1 KiB message event, X-Hub-Signature-256 made with a wrong secret) from THREADS
keep-alive connections for SECONDS: first naming a page nobody claimed, then naming a claimed
page. It prints calls/s, the server's CPU time per call (utime + stime from /proc, the kernel's
own accounting) and how many HMACs the server computed per call (its
chairside_webhook_signature_checks_total metric). Every answer must be 401, or the script fails.
The load goes to 127.0.0.1 only and stops by itself.
"""

import argparse
import hashlib
import hmac
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
FIRST_PAGE = 100000


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


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def signature_checks(port):
    _, text = request(port, "GET", "/metrics")
    for line in text.decode().splitlines():
        if line.startswith('chairside_webhook_signature_checks_total{platform="messenger"}'):
            return int(float(line.split()[-1]))
    return 0


def start_server(binary, database_url, port, workdir):
    env = dict(os.environ,
               DATABASE_URL=database_url, BIND=f"127.0.0.1:{port}", CHAIRSIDE_ADMIN_TOKEN=ADMIN,
               CHAIRSIDE_DEMO="false", CHAIRSIDE_RATE_LIMITS="off", CHAIRSIDE_LOG="error",
               CHAIRSIDE_MAIL_DIR=os.path.join(workdir, "mail"))
    server = subprocess.Popen([binary], env=env, cwd=workdir,
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


def connect_businesses(port, count):
    for i in range(count):
        slug = f"shop{i}"
        status, created = request(port, "POST", "/api/v1/businesses", {
            "slug": slug, "name": f"Shop {i}", "time_zone": "Europe/Berlin"},
            {"authorization": f"Bearer {ADMIN}"})
        assert status == 201, created
        key = json.loads(created)["api_key"]
        status, body = request(port, "PUT", f"/api/v1/businesses/{slug}/channels/messenger", {
            "page_id": str(FIRST_PAGE + i), "page_access_token": f"page-token-{i}",
            "app_secret": f"app-secret-{i}", "verify_token": f"verify-{i}"},
            {"authorization": f"Bearer {key}"})
        assert status == 200, body


def forged_body(page):
    event = {"sender": {"id": "6543210987654321"}, "recipient": {"id": page}, "timestamp": 1764700000000,
             "message": {"mid": "m_" + "x" * 80, "text": "Hi, do you have anything free on Friday afternoon? " * 8}}
    return json.dumps({"object": "page", "entry": [{"id": page, "time": 1764700000000,
                                                     "messaging": [event]}]}).encode()


def flood(port, body, threads, seconds):
    signature = "sha256=" + hmac.new(b"not the app secret", body, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "x-hub-signature-256": signature}
    counts = []
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def sender():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent, statuses = 0, {}
        while time.time() < stop_at:
            conn.request("POST", "/webhooks/messenger", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            sent += 1
        conn.close()
        with lock:
            counts.append((sent, statuses))

    workers = [threading.Thread(target=sender) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    statuses = {}
    for _, s in counts:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    return sum(c for c, _ in counts), statuses


def measure(port, pid, label, body, threads, seconds):
    checks_before, cpu_before, started = signature_checks(port), cpu_seconds(pid), time.time()
    calls, statuses = flood(port, body, threads, seconds)
    elapsed, cpu = time.time() - started, cpu_seconds(pid) - cpu_before
    checks = signature_checks(port) - checks_before
    if set(statuses) != {401}:
        sys.exit(f"FAILED: {label}: answers other than 401: {statuses}")
    print(f"  {label}: {calls / elapsed:8.0f} calls/s, {cpu / calls * 1e6:6.0f} µs server CPU per call, "
          f"{checks / calls:.2f} HMACs per call ({calls} calls)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url", nargs="?")
    parser.add_argument("--businesses", type=int, nargs="+", default=[1, 1000])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--binary", default=BINARY, help="the server binary (default: the release build)")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} is missing: run `cargo build --release` first")
    for n in args.businesses:
        with tempfile.TemporaryDirectory() as workdir:
            database_url = args.database_url or os.path.join(workdir, "webhooks.db")
            if database_url.startswith("postgres"):
                base, name = database_url.rsplit("/", 1)
                subprocess.run(["psql", base + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
                subprocess.run(["psql", base + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
            port = free_port()
            server = start_server(os.path.abspath(args.binary), database_url, port, workdir)
            try:
                connect_businesses(port, n)
                backend = "postgres" if database_url.startswith("postgres") else "sqlite"
                print(f"{n} connected businesses ({backend}, {os.cpu_count()} cores, {args.threads} client threads):")
                measure(port, server.pid, "forged, unknown page", forged_body("999999999"), args.threads, args.seconds)
                measure(port, server.pid, "forged, claimed page", forged_body(str(FIRST_PAGE)), args.threads, args.seconds)
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
