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
    // `fn() -> T`: the column holds no `T`, so it is `Send`, `Sync` and `'static` whatever `T` is.
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
