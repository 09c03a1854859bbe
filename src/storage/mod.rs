//! The database: SQLite (embedded, the default) or PostgreSQL, through one connection type.
//!
//! Queries are written once against [`DbConnection`], diesel's `MultiConnection` over both
//! backends. Where the backends must differ — how a writing transaction starts, migrations,
//! locking clauses — the difference is a `match` on the connection inside this module, never in
//! callers.
//!
//! All database work runs on the blocking thread pool ([`Database::read`], [`Database::write`]),
//! never on actix's async workers.
//!
//! Errors: everything here returns [`StorageError`]; layers above convert it into their own.

pub mod accounts;
pub mod attempts;
pub mod bookings;
pub mod businesses;
pub mod channels;
pub mod closures;
pub mod codes;
pub mod conversations;
pub mod customers;
pub mod faq;
mod group_commit;
pub mod identities;
pub mod jobs;
pub mod json_text;
pub mod models;
pub mod notifications;
pub mod privacy;
pub mod questions;
pub mod rate_buckets;
pub mod schema;
pub mod services;
pub mod settings;
pub mod staff;

pub use json_text::{DefinedAbove, JsonText};

use std::sync::Arc;
use std::time::Duration;

use group_commit::Priority;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, ConnectionError, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Per-connection settings for SQLite: write-ahead logging so readers never wait for the writer,
/// a busy timeout so a second process waits instead of failing, foreign keys (off by default),
/// and secure delete, so that deleted or overwritten text (an erased customer, a purged
/// transcript) is zeroed rather than left readable in free pages of the file.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA secure_delete = ON;
PRAGMA temp_store = MEMORY;";

/// An arbitrary key for the PostgreSQL advisory lock that serialises migrations when several
/// instances start at once.
const MIGRATION_LOCK_KEY: i64 = 0x0C4A_1251_DE00;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Query(#[from] DieselError),
    #[error("no database connection available: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] ConnectionError),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("the database task stopped before finishing")]
    TaskAborted,
    /// A stored value that does not read as what it must be. Never replaced by a default:
    /// whoever meets it fails, so the damage is seen and repaired rather than spread.
    #[error("stored data is corrupt: {what}: {detail}")]
    Corrupt { what: String, detail: String },
    #[error("a value could not be encoded for storage: {0}")]
    Unencodable(String),
    /// A write that shared a SQLite transaction with others ([`group_commit`]) was lost
    /// because that transaction could not be opened or committed.
    #[error("the transaction this write shared failed: {0}")]
    GroupFailed(String),
    /// Like [`StorageError::Pool`], for a write that shared the failed checkout.
    #[error("no database connection available: {0}")]
    Unavailable(String),
}

impl StorageError {
    /// The same failure, for another of the writes it befell.
    pub fn again(&self) -> Self {
        match self {
            Self::Pool(e) => Self::Unavailable(e.to_string()),
            Self::Unavailable(m) => Self::Unavailable(m.clone()),
            Self::TaskAborted => Self::TaskAborted,
            other => Self::GroupFailed(other.to_string()),
        }
    }

    /// A [`StorageError::Corrupt`] for `what` (which value of which row), logged here: the
    /// request or job that meets it may answer with less detail.
    pub fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        let (what, detail) = (what.into(), detail.to_string());
        tracing::error!(%what, %detail, "corrupt data in the database");
        Self::Corrupt { what, detail }
    }

    /// Whether the database refused a write because two allocations of one resource would
    /// overlap (the PostgreSQL exclusion constraint or the SQLite trigger).
    pub fn is_overlap(&self) -> bool {
        match self {
            StorageError::Query(DieselError::DatabaseError(kind, info)) => {
                matches!(kind, DatabaseErrorKind::ExclusionViolation)
                    || info.message().contains("allocations_no_overlap")
                    || info.constraint_name() == Some("allocations_no_overlap")
            }
            _ => false,
        }
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StorageError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }

    /// Whether PostgreSQL aborted the transaction only because it ran into a concurrent one
    /// (a deadlock, which concurrent inserts under one exclusion constraint can produce, or a
    /// serialization failure): running it again is the documented remedy.
    pub fn is_transient_conflict(&self) -> bool {
        match self {
            StorageError::Query(DieselError::DatabaseError(kind, info)) => {
                matches!(kind, DatabaseErrorKind::SerializationFailure)
                    || info.message().starts_with("deadlock detected")
            }
            _ => false,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::Query(DieselError::NotFound))
    }
}

pub type StorageResult<T> = Result<T, StorageError>;

/// Initialises OpenSSL, once, before libpq first does. libpq and this crate link one static
/// OpenSSL which, left to itself, frees its state in an exit handler while pooled PostgreSQL
/// connections on other threads still use it: "double free or corruption" as a process with
/// connections ends. Initialised here first, it registers no such handler. Call it before any
/// PostgreSQL connection is made; [`Database::open`] and the pool's connector do.
pub fn prepare_tls() {
    openssl_sys::init();
}

/// Opens connections for the pool, applying each backend's per-connection settings.
#[derive(Debug, Clone)]
pub struct Connector {
    backend: Backend,
    url: String,
}

impl ManageConnection for Connector {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => {
                prepare_tls();
                PgConnection::establish(&self.url)
            }
            .map(DbConnection::Postgres)
            .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Where the data lives, and the pool of connections to it. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: Pool<Connector>,
    backend: Backend,
    /// The SQLite file, when the data is in one (the vault keeps its key file beside it).
    file: Option<std::path::PathBuf>,
    /// SQLite allows one writer at a time. Queueing writers here beats letting them collide in
    /// SQLite's busy handler, which sleeps and retries; those that queue commit together.
    sqlite_writer: Arc<group_commit::GroupWriter>,
}

pub type PooledDbConnection = PooledConnection<Connector>;

impl Database {
    /// Connects to `url` — `postgres://…` / `postgresql://…` for PostgreSQL, anything else is a
    /// SQLite file path (optionally prefixed `sqlite://` or `sqlite:`) — and applies migrations.
    pub fn open(url: &str, pool_size: u32) -> StorageResult<Self> {
        prepare_tls();
        let file = sqlite_file(url);
        let (backend, url) = parse_url(url);
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            // Checking every connection on checkout costs a statement per request; a broken one
            // is found by `has_broken` and discarded when it comes back instead.
            .test_on_check_out(false)
            .build(Connector { backend, url })
            .map_err(StorageError::Pool)?;
        let db = Self {
            pool,
            backend,
            file,
            sqlite_writer: Arc::default(),
        };
        db.migrate()?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file the data is in; `None` for PostgreSQL and in-memory databases.
    pub fn file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }

    pub fn connection(&self) -> StorageResult<PooledDbConnection> {
        Ok(self.pool.get()?)
    }

    /// Applies pending migrations; safe when several instances start at once.
    pub fn migrate(&self) -> StorageResult<Vec<String>> {
        let mut conn = self.connection()?;
        let names = |applied: Result<Vec<diesel::migration::MigrationVersion<'_>>, _>| {
            applied
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e: Box<dyn std::error::Error + Send + Sync>| {
                    StorageError::Migration(e.to_string())
                })
        };
        match &mut *conn {
            DbConnection::Sqlite(c) => names(c.run_pending_migrations(SQLITE_MIGRATIONS)),
            DbConnection::Postgres(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
                let applied = names(c.run_pending_migrations(POSTGRES_MIGRATIONS));
                c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
                applied
            }
        }
    }

    /// Runs `work` on a pooled connection on the blocking thread pool.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let db = self.clone();
        spawn_blocking(move || {
            let mut conn = db.connection()?;
            work(&mut conn)
        })
        .await
    }

    /// Runs `work` inside a writing transaction on the blocking thread pool: committed when it
    /// returns `Ok`, rolled back when it returns `Err`. On SQLite the transaction may be shared
    /// with other writes that queued meanwhile, each in a savepoint of its own
    /// ([`group_commit`]); the result comes back once it is committed.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        self.write_as(Priority::Request, work).await
    }

    /// [`Database::write`] for work nobody is waiting on (the job queue's bookkeeping, sends):
    /// on SQLite it gives way to requests, keeping a few places in every group.
    pub async fn write_in_background<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        self.write_as(Priority::Background, work).await
    }

    async fn write_as<T, E, F>(&self, priority: Priority, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        match self.backend {
            Backend::Sqlite => self.sqlite_writer.write(self, priority, work).await,
            Backend::Postgres => {
                let db = self.clone();
                spawn_blocking(move || db.write_blocking(work)).await
            }
        }
    }

    /// [`Database::write`] for code that already runs on a blocking thread; its transaction is
    /// its own.
    pub fn write_blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<StorageError>,
    {
        match self.backend {
            Backend::Sqlite => self.sqlite_writer.write_alone(self, work),
            Backend::Postgres => {
                let mut conn = self.connection()?;
                write_transaction(&mut conn, work)
            }
        }
    }

    /// Rewrites the stored files so that values replaced in `tables` leave no old copy in
    /// free pages or the write-ahead log: both databases keep a replaced row's old bytes on
    /// disk until its space is reused. SQLite rebuilds the whole file; PostgreSQL rewrites the
    /// tables (`VACUUM FULL`, which locks them for the moment it takes). Neither may run inside
    /// a transaction.
    pub fn rewrite_files(&self, tables: &[&str]) -> StorageResult<()> {
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.turn()),
            Backend::Postgres => None,
        };
        let mut conn = self.connection()?;
        match &mut *conn {
            DbConnection::Sqlite(c) => {
                c.batch_execute("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
            }
            DbConnection::Postgres(c) => {
                for table in tables {
                    c.batch_execute(&format!("VACUUM FULL {table}"))?;
                }
            }
        }
        Ok(())
    }

    /// Copies SQLite's write-ahead log into the database file and empties the log, so that
    /// page images written before an erasure do not stay in the `-wal` file. PostgreSQL keeps
    /// no such file next to the data that this process could clear; nothing to do there.
    pub async fn truncate_log(&self) -> StorageResult<()> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let db = self.clone();
        spawn_blocking(move || {
            let _turn = db.sqlite_writer.turn();
            let mut conn = db.connection()?;
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
            Ok::<_, StorageError>(())
        })
        .await
    }

    /// [`Database::read`] for code that already runs on a blocking thread.
    pub fn read_blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<StorageError>,
    {
        let mut conn = self.connection()?;
        work(&mut conn)
    }
}

async fn spawn_blocking<T, E, F>(work: F) -> Result<T, E>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StorageError> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(_) => Err(StorageError::TaskAborted.into()),
    }
}

/// Starts a transaction that holds the write lock from its first statement on SQLite
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes cannot upgrade its
/// lock when another writer got in between, and fails with "database is locked" even with a busy
/// timeout. PostgreSQL needs nothing special: the exclusion constraint settles races.
fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StorageError>,
{
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c),
    }
    .map_err(StorageError::from)?;
    match work(conn) {
        Ok(value) => match DbConnection::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(err) => {
                let _ = DbConnection::rollback_transaction(conn);
                Err(StorageError::from(err).into())
            }
        },
        Err(err) => {
            DbConnection::rollback_transaction(conn).map_err(StorageError::from)?;
            Err(err)
        }
    }
}

/// The file a SQLite database URL names; `None` for PostgreSQL and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    match parse_url(url) {
        (Backend::Postgres, _) => None,
        (Backend::Sqlite, path) => {
            let path = path.strip_prefix("file:").unwrap_or(&path);
            let path = path.split_once('?').map_or(path, |(path, _)| path);
            let in_memory = path.is_empty() || path == ":memory:" || url.contains("mode=memory");
            (!in_memory).then(|| path.into())
        }
    }
}

fn parse_url(url: &str) -> (Backend, String) {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return (Backend::Postgres, url.to_owned());
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    (Backend::Sqlite, path.to_owned())
}

/// An instant as stored: UTC, truncated to whole seconds (so that SQLite's text timestamps all
/// have one format and compare correctly as strings).
pub fn to_db_time(instant: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    use chrono::Timelike;
    instant
        .naive_utc()
        .with_nanosecond(0)
        .unwrap_or(instant.naive_utc())
}

pub fn from_db_time(stored: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    stored.and_utc()
}

/// `raw` with LIKE's wildcards escaped, for patterns written with `ESCAPE '\\'`.
pub fn escape_like(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A new random id; UUIDv7 so that ids created together sit together in indexes.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_are_found_in_every_url_form() {
        for url in [
            "data/c.db",
            "sqlite://data/c.db",
            "sqlite:data/c.db",
            "file:data/c.db?mode=rwc",
        ] {
            assert_eq!(sqlite_file(url), Some("data/c.db".into()), "{url}");
        }
        for url in [
            ":memory:",
            "file::memory:?cache=shared",
            "file:x.db?mode=memory",
            "postgres://h/db",
        ] {
            assert_eq!(sqlite_file(url), None, "{url}");
        }
    }

    #[test]
    fn the_bundled_sqlite_keeps_query_plans_stable() {
        // Set in .cargo/config.toml; without it statements with a bound LIMIT are re-compiled
        // on every run (see there).
        #[derive(diesel::QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        use diesel::RunQueryDsl;
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut conn)
            .expect("compile options");
        assert!(
            options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "SQLite was built without SQLITE_ENABLE_QPSG"
        );
    }
}
