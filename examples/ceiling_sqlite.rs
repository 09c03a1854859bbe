//! The booking ceiling of SQLite on this machine: a bare single-threaded loop of
//! check-then-insert transactions (`BEGIN IMMEDIATE`, look for an overlap, insert, commit) in
//! WAL mode, the same shape as a booking without HTTP, pooling or JSON.
//!
//!     ceiling_sqlite <seconds>

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("ceiling.db");
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).expect("open");
    conn.batch_execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE allocations (resource_id TEXT NOT NULL, occupied_from TEXT NOT NULL, occupied_until TEXT NOT NULL);
         CREATE INDEX allocations_resource_time ON allocations (resource_id, occupied_from);",
    )
    .expect("schema");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut done = 0u64;
    let base = chrono::NaiveDate::from_ymd_opt(2030, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    while Instant::now() < deadline {
        let from = base + chrono::Duration::minutes(5 * done as i64);
        let (from, until) = (
            from.format("%F %T").to_string(),
            (from + chrono::Duration::minutes(5))
                .format("%F %T")
                .to_string(),
        );
        conn.batch_execute("BEGIN IMMEDIATE").expect("begin");
        let overlapping: Vec<Count> = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM allocations WHERE resource_id = ? AND occupied_from < ? AND occupied_until > ?",
        )
        .bind::<Text, _>("r1")
        .bind::<Text, _>(&until)
        .bind::<Text, _>(&from)
        .load(&mut conn)
        .expect("check");
        if overlapping.first().map_or(0, |c| c.n) == 0 {
            diesel::sql_query("INSERT INTO allocations VALUES (?, ?, ?)")
                .bind::<Text, _>("r1")
                .bind::<Text, _>(&from)
                .bind::<Text, _>(&until)
                .execute(&mut conn)
                .expect("insert");
        }
        conn.batch_execute("COMMIT").expect("commit");
        done += 1;
    }
    println!(
        "sqlite ceiling: {done} check-then-insert transactions in {seconds} s ({:.0}/s)",
        done as f64 / seconds as f64
    );
}
