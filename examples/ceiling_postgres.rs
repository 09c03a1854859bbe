//! The booking ceiling of PostgreSQL on this machine: 64 connections, each looping over bare
//! check-then-insert transactions (look for an overlap, insert, commit) into a table guarded by
//! the same exclusion constraint as Chairside's allocations, without HTTP, pooling or JSON.
//! Each connection books its own resource, so no transaction waits for another's lock: the
//! best case the server allows.
//!
//!     ceiling_postgres <database url> <seconds> [connections]
//!
//! The database should be empty; the example creates and drops its own table.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text, Timestamp};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .expect("usage: ceiling_postgres <database url> <seconds> [connections]");
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let connections: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(64);
    chairside::storage::prepare_tls();
    let mut setup = PgConnection::establish(&url).expect("connect");
    setup
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS btree_gist;
             DROP TABLE IF EXISTS ceiling_allocations;
             CREATE TABLE ceiling_allocations (
                 resource_id TEXT NOT NULL,
                 occupied_from TIMESTAMP NOT NULL,
                 occupied_until TIMESTAMP NOT NULL,
                 EXCLUDE USING gist (resource_id WITH =, tsrange(occupied_from, occupied_until) WITH &&)
             );
             CREATE INDEX ON ceiling_allocations (resource_id, occupied_from);",
        )
        .expect("schema");
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let loops: Vec<_> = (0..connections)
        .map(|c| {
            let (url, stop, done) = (url.clone(), Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&url).expect("connect");
                let resource = format!("r{c}");
                let base = chrono::NaiveDate::from_ymd_opt(2030, 1, 1)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .expect("a date");
                let mut n = 0i64;
                while !stop.load(Ordering::Relaxed) {
                    let from = base + chrono::Duration::minutes(5 * n);
                    let until = from + chrono::Duration::minutes(5);
                    conn.batch_execute("BEGIN").expect("begin");
                    let overlapping: Vec<Count> = diesel::sql_query(
                        "SELECT COUNT(*) AS n FROM ceiling_allocations WHERE resource_id = $1 AND occupied_from < $2 AND occupied_until > $3",
                    )
                    .bind::<Text, _>(&resource)
                    .bind::<Timestamp, _>(until)
                    .bind::<Timestamp, _>(from)
                    .load(&mut conn)
                    .expect("check");
                    if overlapping.first().map_or(0, |c| c.n) == 0 {
                        diesel::sql_query("INSERT INTO ceiling_allocations VALUES ($1, $2, $3)")
                            .bind::<Text, _>(&resource)
                            .bind::<Timestamp, _>(from)
                            .bind::<Timestamp, _>(until)
                            .execute(&mut conn)
                            .expect("insert");
                    }
                    conn.batch_execute("COMMIT").expect("commit");
                    done.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    // Connecting 64 clients takes a moment; count from when all run.
    std::thread::sleep(Duration::from_secs(1));
    let before = done.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_secs(seconds));
    let after = done.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for handle in loops {
        let _ = handle.join();
    }
    let _ = setup.batch_execute("DROP TABLE IF EXISTS ceiling_allocations");
    println!(
        "postgres ceiling: {} check-then-insert transactions in {seconds} s with {connections} connections ({:.0}/s)",
        after - before,
        (after - before) as f64 / seconds as f64
    );
}
