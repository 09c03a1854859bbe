//! JSON kept in a text column, decoded in one place.
//!
//! Both backends store these columns as `TEXT` (SQLite has no JSON type, and one schema serves
//! both), so diesel only moves the text; [`JsonText::decode`] turns it into its type. Decoding
//! is left until the reader asks, rather than done while diesel loads the row, because only the
//! reader knows which row it holds: a corrupt value is reported as
//! [`StorageError::Corrupt`] naming the column and the row, and a query over many rows (a batch
//! of jobs) is not failed whole by one bad value.

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{StorageError, StorageResult};

/// The text of a JSON column whose values are `T`.
#[derive(AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct JsonText<T> {
    raw: String,
    // `fn() -> T`: the column holds no `T`, so it is `Send` and `Sync` whatever `T` is.
    of: PhantomData<fn() -> T>,
}

/// The `T` of a JSON column whose shape a layer above storage defines (the dialogue's state, a
/// message's choices): storage cannot name that type without depending on the layer, so the
/// layer names it when it reads ([`JsonText::decode_as`]) or writes ([`JsonText::encode_as`]).
#[derive(Debug)]
pub enum DefinedAbove {}

impl<T> JsonText<T> {
    fn from_raw(raw: String) -> Self {
        Self {
            raw,
            of: PhantomData,
        }
    }

    /// The stored text, as it is.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn encoded<U: Serialize + ?Sized>(value: &U) -> StorageResult<Self> {
        serde_json::to_string(value)
            .map(Self::from_raw)
            .map_err(|e| StorageError::Unencodable(e.to_string()))
    }

    fn decoded<U: DeserializeOwned>(&self, column: &str, row: &str) -> StorageResult<U> {
        decode_json(&self.raw, column, row)
    }
}

impl<T: Serialize> JsonText<T> {
    /// `value` as stored; a borrowed form of `T` will do (`&[String]` for `Vec<String>`).
    pub fn encode<U>(value: &U) -> StorageResult<Self>
    where
        T: Borrow<U>,
        U: Serialize + ?Sized,
    {
        Self::encoded(value)
    }
}

impl<T: DeserializeOwned> JsonText<T> {
    /// The value, or [`StorageError::Corrupt`] naming `column` (`table.column`) and `row`.
    pub fn decode(&self, column: &str, row: &str) -> StorageResult<T> {
        self.decoded(column, row)
    }
}

impl JsonText<DefinedAbove> {
    pub fn encode_as<U: Serialize + ?Sized>(value: &U) -> StorageResult<Self> {
        Self::encoded(value)
    }

    /// Like [`JsonText::decode`], as the type the owning layer names.
    pub fn decode_as<U: DeserializeOwned>(&self, column: &str, row: &str) -> StorageResult<U> {
        self.decoded(column, row)
    }
}

/// Decodes JSON read from `column` of `row`: the one place where stored JSON becomes a value,
/// for [`JsonText`] and for JSON that reaches the code another way (sealed secrets, once opened).
pub fn decode_json<U: DeserializeOwned>(raw: &str, column: &str, row: &str) -> StorageResult<U> {
    serde_json::from_str(raw).map_err(|e| StorageError::corrupt(format!("{column} of {row}"), e))
}

// Hand-written rather than derived: derives would require `T: Clone` (`Debug`, `PartialEq`)
// although only the text is kept.
impl<T> Clone for JsonText<T> {
    fn clone(&self) -> Self {
        Self::from_raw(self.raw.clone())
    }
}

impl<T> fmt::Debug for JsonText<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonText").field(&self.raw).finish()
    }
}

impl<T> PartialEq for JsonText<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl<T> Eq for JsonText<T> {}

// Generic over the backend, so one impl serves SQLite, PostgreSQL and the `MultiBackend` of
// `DbConnection` alike: each already moves text.
impl<T, DB> FromSql<Text, DB> for JsonText<T>
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(Self::from_raw)
    }
}

impl<T, DB> ToSql<Text, DB> for JsonText<T>
where
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.raw.as_str().to_sql(out)
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::{PgConnection, SqliteConnection};
    use serde_json::{Value, json};

    use super::*;
    use crate::storage::DbConnection;

    diesel::table! {
        json_probe (id) {
            id -> Text,
            words -> Text,
            extra -> Nullable<Text>,
        }
    }

    #[derive(Debug, Queryable, Selectable, Insertable)]
    #[diesel(table_name = json_probe)]
    struct Probe {
        id: String,
        words: JsonText<Vec<String>>,
        extra: Option<JsonText<Value>>,
    }

    // Temporary: each connection has its own, so tests running side by side do not meet.
    const PROBE_TABLE: &str =
        "CREATE TEMPORARY TABLE json_probe (id TEXT PRIMARY KEY, words TEXT NOT NULL, extra TEXT)";

    /// Writes values, reads them back and reads a corrupt one, on any connection type (the
    /// backends' own and `DbConnection`, whose `MultiBackend` is a backend of its own).
    macro_rules! round_trip_and_corruption {
        ($conn:expr) => {{
            let conn = &mut $conn;
            conn.batch_execute(PROBE_TABLE).expect("probe table");
            let words = vec!["fade".to_owned(), "say \"hi\" ✂".to_owned()];
            let rows = [
                Probe {
                    id: "full".to_owned(),
                    words: JsonText::encode(words.as_slice()).unwrap(),
                    extra: Some(JsonText::encode(&json!({"n": 1, "list": [true, null]})).unwrap()),
                },
                Probe {
                    id: "bare".to_owned(),
                    words: JsonText::encode(&Vec::new()).unwrap(),
                    extra: None,
                },
            ];
            for row in &rows {
                diesel::insert_into(json_probe::table)
                    .values(row)
                    .execute(conn)
                    .expect("insert");
            }
            conn.batch_execute(
                "INSERT INTO json_probe (id, words, extra) VALUES ('bad', '[\"cut\"', 'nonsense')",
            )
            .expect("insert corrupt");
            let read: Vec<Probe> = json_probe::table
                .order(json_probe::id)
                .select(Probe::as_select())
                .load(conn)
                .expect("a corrupt value does not fail the query");
            let [bad, bare, full] = read.as_slice() else {
                panic!("three rows: {read:?}");
            };
            assert_eq!(full.words.decode("json_probe.words", "full").unwrap(), words);
            let extra = full.extra.as_ref().expect("extra").decode("json_probe.extra", "full");
            assert_eq!(extra.unwrap(), json!({"n": 1, "list": [true, null]}));
            assert_eq!(bare.words.decode("json_probe.words", "bare").unwrap(), Vec::<String>::new());
            assert!(bare.extra.is_none());
            match bad.words.decode("json_probe.words", "bad") {
                Err(StorageError::Corrupt { what, detail }) => {
                    assert_eq!(what, "json_probe.words of bad");
                    assert!(detail.contains("EOF"), "{detail}");
                }
                other => panic!("not reported as corrupt: {other:?}"),
            }
            let extra = bad.extra.as_ref().expect("extra");
            assert!(matches!(
                extra.decode("json_probe.extra", "bad"),
                Err(StorageError::Corrupt { .. })
            ));
        }};
    }

    fn sqlite() -> SqliteConnection {
        SqliteConnection::establish(":memory:").expect("in-memory SQLite")
    }

    /// The test server, or `None` (with a notice) where there is none and CI does not insist.
    fn postgres() -> Option<PgConnection> {
        let url = std::env::var("CHAIRSIDE_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        crate::storage::prepare_tls();
        match PgConnection::establish(&url) {
            Ok(conn) => Some(conn),
            Err(e) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
                panic!("PostgreSQL is required here but unreachable at {url}: {e}")
            }
            Err(e) => {
                eprintln!("!!! POSTGRESQL TESTS DID NOT RUN: cannot reach {url}: {e}");
                None
            }
        }
    }

    #[test]
    fn sqlite_round_trips_and_reports_corruption() {
        round_trip_and_corruption!(sqlite());
        round_trip_and_corruption!(DbConnection::Sqlite(sqlite()));
    }

    #[test]
    fn postgres_round_trips_and_reports_corruption() {
        if let Some(mut conn) = postgres() {
            round_trip_and_corruption!(conn);
        }
        if let Some(conn) = postgres() {
            round_trip_and_corruption!(DbConnection::Postgres(conn));
        }
    }

    #[test]
    fn a_value_of_another_shape_is_corrupt() {
        let stored = JsonText::<Vec<String>>::from_raw(r#"{"not": "a list"}"#.to_owned());
        assert!(matches!(
            stored.decode("services.synonyms", "s1"),
            Err(StorageError::Corrupt { what, .. }) if what == "services.synonyms of s1"
        ));
    }
}
