#!/usr/bin/env bash
# Every figure of README's Figures table in one run, against a release build, with this
# machine's ceilings measured in the same run, ending in one table of figures, ceilings and
# ratios. Needs wrk and python3-aiosmtpd (Debian packages) and, for the PostgreSQL half, a
# server at $CHAIRSIDE_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432).
# About ten minutes on the 2-core machine; run it with nothing else running.
#
#     benches/load.sh            # SQLite and PostgreSQL
#     benches/load.sh sqlite     # one backend
set -euo pipefail
cd "$(dirname "$0")/.."
backends=${1:-"sqlite postgres"}
duration=${DURATION:-10}
pg_base=${CHAIRSIDE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
port=18080
admin=bench-admin-token
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --quiet --bin chairside --example load_client --example ceiling_http \
    --example ceiling_sqlite --example ceiling_postgres --example webhook_load --example scaling
cargo bench --quiet --bench reminders --no-run 2>/dev/null
bin=target/release
# One line per figure: backend|what|figure|unit|ceiling|target|met; the table at the end.
figures=$work/figures.txt
: > "$figures"
figure() { printf '%s|%s|%s|%s|%s|%s|%s\n' "$@" >> "$figures"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
meets() { python3 -c "print('met' if $1 else 'NOT met')"; }
# Every request comes from this one address: the per-client limits would answer most with 429.
export CHAIRSIDE_RATE_LIMITS=off
# PostgreSQL has no key file; every instance of one run shares this key.
CHAIRSIDE_SECRET_KEY=$("$bin/chairside" generate-key)
export CHAIRSIDE_SECRET_KEY
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }

wait_for() { for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1"; exit 1; }
# Requests per second; a run with any non-2xx answer is not a figure, and says so.
rps() {
    wrk -t1 -c64 -d"${duration}s" "$@" > "$work/wrk.txt"
    if grep -q "Non-2xx" "$work/wrk.txt"; then
        echo "wrk saw failed answers: $(grep Non-2xx "$work/wrk.txt")" >&2
        exit 1
    fi
    awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk.txt"
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -sf -XPOST "http://127.0.0.1:$port$1" -H 'content-type: application/json' -H "authorization: Bearer $2" -d "$3"; }

echo "== ceilings"
"$bin/examples/ceiling_http" 18090 2 & ceiling=$!
wait_for http://127.0.0.1:18090/
http_ceiling=$(rps http://127.0.0.1:18090/)
kill $ceiling; wait $ceiling 2>/dev/null || true
sqlite_ceiling=$("$bin/examples/ceiling_sqlite" "$duration" | awk '{gsub(/[(\/s)]/,"",$NF); print $NF}')
echo "bare actix-web handler: $http_ceiling requests/s; bare SQLite check-then-insert: $sqlite_ceiling transactions/s"
figure "-" "bare actix-web handler (ceiling)" "$http_ceiling" "req/s" "" "" ""
figure "-" "bare SQLite check-then-insert loop (ceiling)" "$sqlite_ceiling" "tx/s" "" "" ""
pg_ceiling=""
if [[ " $backends " == *" postgres "* ]]; then
    db="chairside_ceiling_$$"
    psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db" >/dev/null
    pg_ceiling=$("$bin/examples/ceiling_postgres" "$pg_base/$db" "$duration" 64 | tee /dev/stderr | sed -n 's|.*(\([0-9.]*\)/s).*|\1|p')
    psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    figure "-" "bare PostgreSQL check-then-insert, 64 connections (ceiling)" "$pg_ceiling" "tx/s" "" "" ""
fi

for backend in $backends; do
    echo "== $backend"
    if [ "$backend" = sqlite ]; then
        url="$work/load.db"
    else
        db="chairside_bench_$$"
        psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db" >/dev/null
        url="$pg_base/$db"
    fi
    DATABASE_URL=$url BIND=127.0.0.1:$port CHAIRSIDE_ADMIN_TOKEN=$admin CHAIRSIDE_DEMO=false CHAIRSIDE_LOG=warn \
        CHAIRSIDE_WORKERS=2 "$bin/chairside" serve & server=$!
    wait_for "http://127.0.0.1:$port/healthz"

    # A 3-staff barber for availability; a 20-staff, round-the-clock shop for bookings.
    key=$(post /api/v1/businesses $admin '{"slug":"avail","name":"Avail","time_zone":"Europe/Berlin","min_notice_minutes":0,"booking_horizon_days":365}' | json "['api_key']")
    week='{"mon":[["09:00","12:30"],["13:30","18:00"]],"tue":[["09:00","12:30"],["13:30","18:00"]],"wed":[["09:00","12:30"],["13:30","18:00"]],"thu":[["09:00","12:30"],["13:30","18:00"]],"fri":[["09:00","12:30"],["13:30","18:00"]],"sat":[["09:00","14:00"]]}'
    staff=()
    for name in Sam Alex Jordan; do staff+=("$(post /api/v1/businesses/avail/staff "$key" "{\"name\":\"$name\",\"hours\":$week}" | json "['id']")"); done
    ids=$(printf '"%s",' "${staff[@]}"); ids="[${ids%,}]"
    service=$(post /api/v1/businesses/avail/services "$key" "{\"name\":\"Haircut\",\"duration_minutes\":30,\"staff_ids\":$ids}" | json "['id']")
    from=$(date -u -d tomorrow +%F); to=$(date -u -d '+7 days' +%F)
    sleep 1
    rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$server/status)
    avail=$(rps "http://127.0.0.1:$port/api/v1/businesses/avail/availability?service_id=$service&from=$from&to=$to")
    echo "idle memory after setup: $rss MB RSS"
    echo "availability, a week for 3 staff: $avail requests/s ($(ratio "$avail" "$http_ceiling") of the bare handler)"
    figure "$backend" "idle memory after setup" "$rss" "MB RSS" "" "≤ 30 MB" "$(meets "$rss <= 30")"
    if [ "$backend" = sqlite ]; then target="≥ 10,000 req/s"; goal=10000; else target="≥ 7,000 req/s"; goal=7000; fi
    figure "$backend" "availability, a week for 3 staff (kept answers)" "$avail" "req/s" "$(ratio "$avail" "$http_ceiling") of the bare handler" "$target" "$(meets "$avail >= $goal")"
    # The same answers computed afresh every time, by a second instance on the same database.
    DATABASE_URL=$url BIND=127.0.0.1:$((port + 1)) CHAIRSIDE_DEMO=false CHAIRSIDE_LOG=warn CHAIRSIDE_AVAILABILITY_CACHE=off \
        CHAIRSIDE_WORKERS=2 CHAIRSIDE_RUN_JOBS=false "$bin/chairside" serve & fresh=$!
    wait_for "http://127.0.0.1:$((port + 1))/healthz"
    fresh_avail=$(rps "http://127.0.0.1:$((port + 1))/api/v1/businesses/avail/availability?service_id=$service&from=$from&to=$to")
    kill $fresh; wait $fresh 2>/dev/null || true
    echo "availability computed afresh each time (CHAIRSIDE_AVAILABILITY_CACHE=off): $fresh_avail requests/s"
    figure "$backend" "availability computed afresh (cache off)" "$fresh_avail" "req/s" "$(ratio "$fresh_avail" "$http_ceiling") of the bare handler" "" ""

    key=$(post /api/v1/businesses $admin '{"slug":"busy","name":"Busy","time_zone":"UTC","slot_interval_minutes":5,"min_notice_minutes":0,"booking_horizon_days":400}' | json "['api_key']")
    day='[["00:00","24:00"]]'
    allday="{\"mon\":$day,\"tue\":$day,\"wed\":$day,\"thu\":$day,\"fri\":$day,\"sat\":$day,\"sun\":$day}"
    staff=()
    for n in $(seq 1 20); do staff+=("$(post /api/v1/businesses/busy/staff "$key" "{\"name\":\"S$n\",\"hours\":$allday}" | json "['id']")"); done
    ids=$(printf '"%s",' "${staff[@]}"); ids="[${ids%,}]"
    service=$(post /api/v1/businesses/busy/services "$key" "{\"name\":\"Quick\",\"duration_minutes\":5,\"staff_ids\":$ids}" | json "['id']")
    "$bin/examples/load_client" bookings "http://127.0.0.1:$port" busy "$service" "$(IFS=,; echo "${staff[*]}")" 300 64 "$duration" | tee "$work/bookings.txt"
    # "…: N created (R/s), …": the rate is the figure inside the first parentheses.
    created=$(sed -n 's|.* created (\([0-9.]*\)/s).*|\1|p' "$work/bookings.txt")
    overlaps_sql="SELECT COUNT(*) FROM allocations a JOIN allocations b ON a.resource_id = b.resource_id AND a.booking_id < b.booking_id AND a.occupied_from < b.occupied_until AND b.occupied_from < a.occupied_until"
    if [ "$backend" = sqlite ]; then
        overlaps=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$url" "$overlaps_sql")
    else
        overlaps=$(psql "$url" -tAc "$overlaps_sql")
    fi
    if [ "$backend" = sqlite ]; then
        echo "bookings: $created created/s with 64 clients ($(ratio "$created" "$sqlite_ceiling") of the bare SQLite loop); overlapping allocations: $overlaps"
        figure "$backend" "bookings, 64 clients, 20 staff" "$created" "created/s" "$(ratio "$created" "$sqlite_ceiling") of the bare SQLite loop" "≥ 0.8 of the bare loop" "$(meets "$created >= 0.8 * $sqlite_ceiling")"
    else
        echo "bookings: $created created/s with 64 clients ($(ratio "$created" "$pg_ceiling") of the bare PostgreSQL loop); overlapping allocations: $overlaps"
        figure "$backend" "bookings, 64 clients, 20 staff" "$created" "created/s" "$(ratio "$created" "$pg_ceiling") of the bare PostgreSQL loop" "≥ 1,500/s" "$(meets "$created >= 1500")"
    fi
    figure "$backend" "overlapping allocations after the bookings run" "$overlaps" "" "" "0" "$(meets "$overlaps == 0")"

    post /api/v1/businesses $admin '{"slug":"barber","name":"Barber","time_zone":"Europe/Berlin","min_notice_minutes":0}' > "$work/barber.json"
    key=$(json "['api_key']" < "$work/barber.json")
    for name in Sam Alex; do post /api/v1/businesses/barber/staff "$key" "{\"name\":\"$name\",\"hours\":$week}" > /dev/null; done
    post /api/v1/businesses/barber/services "$key" '{"name":"Haircut","duration_minutes":30}' > /dev/null
    ids=$(curl -sf "http://127.0.0.1:$port/api/v1/businesses/barber/staff" -H "authorization: Bearer $key" | python3 -c "import json,sys; print(json.dumps([s['id'] for s in json.load(sys.stdin)]))")
    svc=$(curl -sf "http://127.0.0.1:$port/api/v1/businesses/barber/services" -H "authorization: Bearer $key" | json "[0]['id']")
    curl -sf -XPATCH "http://127.0.0.1:$port/api/v1/businesses/barber/services/$svc" -H 'content-type: application/json' -H "authorization: Bearer $key" -d "{\"staff_ids\":$ids}" > /dev/null
    for conversations in 200 1000; do
        "$bin/examples/load_client" chat "http://127.0.0.1:$port" barber "$conversations" "$((duration * 2))" 1000 | tee "$work/chat.txt"
        p50=$(sed -n 's|.* p50 \([0-9.]*\) ms.*|\1|p' "$work/chat.txt")
        p99=$(sed -n 's|.* p99 \([0-9.]*\) ms.*|\1|p' "$work/chat.txt")
        figure "$backend" "chat turn, $conversations conversations (p50 / p99)" "$p50 / $p99" "ms" "" "p99 ≤ 10 ms" "$(meets "$p99 <= 10")"
    done
    loaded_rss=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' /proc/$server/status)
    figure "$backend" "peak memory under the load above" "$loaded_rss" "MB RSS" "" "≤ 150 MB" "$(meets "$loaded_rss <= 150")"

    kill $server; wait $server 2>/dev/null || true
    if [ "$backend" = postgres ]; then
        psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
        psql "$pg_base/postgres" -qc "CREATE DATABASE $db" >/dev/null
        webhook_db=(--database "$pg_base/$db")
    else
        webhook_db=()
    fi
    # Signed Messenger events at 1,000/s against a server of its own and a fake Graph API.
    "$bin/examples/webhook_load" --server "$bin/chairside" --rate 1000 --seconds "$duration" "${webhook_db[@]}" | tee "$work/webhooks.txt" || true
    line=$(grep '^webhooks:' "$work/webhooks.txt" || echo "webhooks: INVALID, no summary")
    if [[ "$line" == *INVALID* ]]; then
        figure "$backend" "signed Messenger webhooks at 1,000 events/s" "invalid run" "" "" "1,000/s, accept p99 ≤ 10 ms, reply p99 ≤ 200 ms" "NOT met"
    else
        accepted=$(sed -n 's|.*, \([0-9.]*\)/s accepted.*|\1|p' <<<"$line")
        accept99=$(sed -n 's|.*accept p50 [0-9.]* ms p90 [0-9.]* ms p99 \([0-9.]*\) ms.*|\1|p' <<<"$line")
        reply99=$(sed -n 's|.*reply p50 [0-9.]* ms p90 [0-9.]* ms p99 \([0-9.]*\) ms.*|\1|p' <<<"$line")
        webhook_rss=$(sed -n 's|.*peak RSS \([0-9.]*\) MB.*|\1|p' <<<"$line")
        figure "$backend" "signed Messenger webhooks at 1,000 events/s (accepted/s, accept p99, reply p99)" "$accepted/s, $accept99 ms, $reply99 ms" "" "" "1,000/s, accept p99 ≤ 10 ms, reply p99 ≤ 200 ms" "$(meets "$accepted >= 990 and $accept99 <= 10 and $reply99 <= 200")"
        figure "$backend" "peak memory under the webhook load" "$webhook_rss" "MB RSS" "" "≤ 150 MB" "$(meets "$webhook_rss <= 150")"
    fi
    if [ "$backend" = postgres ]; then
        psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    fi
done

echo "== reminders (SQLite, through a local SMTP server, against a bare lettre sender)"
cargo bench --quiet --bench reminders 2>/dev/null | tee "$work/reminders.txt"
line=$(grep '^reminders:' "$work/reminders.txt")
seconds=$(sed -n 's|^reminders: [0-9]* in \([0-9.]*\) s.*|\1|p' <<<"$line")
share=$(sed -n 's|.* s, \([0-9.]*\) of the bare lettre sender (\([0-9.]*\) s).*|\1|p' <<<"$line")
bare=$(sed -n 's|.* of the bare lettre sender (\([0-9.]*\) s).*|\1|p' <<<"$line")
figure "sqlite" "10,000 due reminders (20,000 emails) through a real SMTP server" "$seconds" "s" "$share of the bare lettre sender ($bare s)" "≥ 0.8 of the bare sender" "$(meets "$share >= 0.8")"

echo "== cost as the data grows (SQLite, in-process)"
"$bin/examples/scaling" | tee "$work/scaling.txt"
line=$(grep '^scaling:' "$work/scaling.txt")
read -r b_avail b_book n_avail n_book < <(sed -n 's|.*bookings: availability \([0-9.]*\)x, booking \([0-9.]*\)x; .*businesses: availability \([0-9.]*\)x, booking \([0-9.]*\)x|\1 \2 \3 \4|p' <<<"$line")
figure "sqlite" "growth, 10^3 -> 10^6 stored bookings (availability, booking)" "${b_avail}x, ${b_book}x" "" "" "flat within 2x" "$(meets "$b_avail <= 2 and $b_book <= 2")"
figure "sqlite" "growth, 1 -> 1,000 businesses (availability, booking)" "${n_avail}x, ${n_book}x" "" "" "flat within 2x" "$(meets "$n_avail <= 2 and $n_book <= 2")"

echo
echo "== all figures, $(date -u +%F), $(nproc) cores"
python3 - "$figures" <<'TABLE'
import sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1]) if line.strip()]
print("| backend | what | figure | ratio to the ceiling | target | |")
print("|---|---|---|---|---|---|")
for backend, what, value, unit, ratio, target, met in rows:
    print(f"| {backend} | {what} | {value} {unit} | {ratio} | {target} | {met} |")
TABLE
