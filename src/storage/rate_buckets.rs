//! Request-limit buckets shared by all instances (see `crate::limits`): one row per limit class
//! and client, holding the bucket's time in microseconds since 1970.
//!
//! Adding an instance's use is one multi-row upsert per round: the row's new time is the later
//! of (its time + what this instance used) and this instance's own view of the bucket, so use
//! reported by several instances adds up while a bucket that has refilled starts from now. The
//! upsert is the same statement on both backends but for the placeholders and the name of the
//! two-argument maximum (`GREATEST` on PostgreSQL, `MAX` on SQLite).

use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text};

use super::schema::rate_buckets;
use super::{DbConnection, StorageResult};

/// Rows per statement: well under both backends' limits on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// What one instance used of a bucket since it last reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub subject: String,
    /// The bucket's time as this instance sees it.
    pub tat_us: i64,
    /// How far this instance's requests moved the bucket's time.
    pub advance_us: i64,
}

/// A bucket's time as all instances together have moved it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, QueryableByName)]
pub struct SharedBucket {
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = BigInt)]
    pub tat_us: i64,
}

fn upsert_sql(rows: usize, postgres: bool) -> String {
    let mut sql = String::from("INSERT INTO rate_buckets (subject, tat_us, advance_us) VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        if postgres {
            let n = row * 3;
            sql.push_str(&format!("(${}, ${}, ${})", n + 1, n + 2, n + 3));
        } else {
            sql.push_str("(?, ?, ?)");
        }
    }
    let greatest = if postgres { "GREATEST" } else { "MAX" };
    sql.push_str(&format!(
        " ON CONFLICT (subject) DO UPDATE SET \
         tat_us = {greatest}(rate_buckets.tat_us + excluded.advance_us, excluded.tat_us), \
         advance_us = excluded.advance_us \
         RETURNING subject, tat_us"
    ));
    sql
}

fn upsert<'a, DB>(chunk: &[&'a Usage], postgres: bool) -> BoxedSqlQuery<'a, DB, SqlQuery>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt>,
    &'a str: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
{
    let mut query = diesel::sql_query(upsert_sql(chunk.len(), postgres)).into_boxed::<DB>();
    for row in chunk {
        query = query
            .bind::<Text, _>(row.subject.as_str())
            .bind::<BigInt, _>(row.tat_us)
            .bind::<BigInt, _>(row.advance_us);
    }
    query
}

/// Adds each usage to its shared row (creating it) and returns the rows' new times. Call inside
/// a writing transaction; rows are written in subject order, so two instances reporting the
/// same buckets cannot deadlock.
pub fn add_usage(conn: &mut DbConnection, usage: &[Usage]) -> StorageResult<Vec<SharedBucket>> {
    let mut sorted: Vec<&Usage> = usage.iter().collect();
    sorted.sort_unstable_by(|a, b| a.subject.cmp(&b.subject));
    let mut shared = Vec::with_capacity(usage.len());
    for chunk in sorted.chunks(ROWS_PER_STATEMENT) {
        let rows = match conn {
            DbConnection::Postgres(pg) => upsert::<diesel::pg::Pg>(chunk, true).load(pg)?,
            DbConnection::Sqlite(sqlite) => {
                upsert::<diesel::sqlite::Sqlite>(chunk, false).load(sqlite)?
            }
        };
        shared.extend(rows);
    }
    Ok(shared)
}

/// The shared times of these buckets (those without a row are full).
pub fn read(conn: &mut DbConnection, subjects: &[String]) -> StorageResult<Vec<SharedBucket>> {
    let mut shared = Vec::with_capacity(subjects.len());
    for chunk in subjects.chunks(ROWS_PER_STATEMENT) {
        shared.extend(
            rate_buckets::table
                .filter(rate_buckets::subject.eq_any(chunk))
                .select((rate_buckets::subject, rate_buckets::tat_us))
                .load::<SharedBucket>(conn)?,
        );
    }
    Ok(shared)
}

/// Deletes the rows of buckets that are full again by `now_us`.
pub fn prune(conn: &mut DbConnection, now_us: i64) -> StorageResult<usize> {
    Ok(
        diesel::delete(rate_buckets::table.filter(rate_buckets::tat_us.le(now_us)))
            .execute(conn)?,
    )
}
