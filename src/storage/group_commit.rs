//! SQLite's one writer, shared: writes that queue up while a transaction runs are committed
//! together in the next one.
//!
//! SQLite allows one writing transaction at a time, and each commit appends every page it
//! changed to the write-ahead log, so under a burst of bookings most of the writer's time goes
//! to committing the same index and table pages again and again. Here each write still runs
//! alone and all-or-nothing — inside a savepoint of its own, rolled back to on its error — but
//! the writes waiting when the writer becomes free share one `BEGIN IMMEDIATE … COMMIT`. Nobody
//! waits for a group to fill: a write that finds the writer free runs at once, in a group of
//! one. A write's result is given back only once its group has committed. The waiting writes
//! hold no thread: one blocking task commits group after group while any are queued.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use diesel::Connection;
use diesel::connection::TransactionManager;

use super::{Database, DbConnection, StorageError, write_transaction};

/// The most writes one transaction commits: bounds how long the first of them waits.
const MOST_PER_GROUP: usize = 16;
/// Places in a group kept for background writes while any wait, so that a stream of requests
/// cannot starve the job queue (whose claims and outcomes are background writes).
const BACKGROUND_PLACES: usize = 4;

/// Whose write it is: someone waiting for an answer (a request, a chat turn) goes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Request,
    Background,
}

/// The writes waiting, by priority.
#[derive(Default)]
struct Queues {
    requests: Vec<Queued>,
    background: Vec<Queued>,
}

impl Queues {
    fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.background.is_empty()
    }

    /// The next group: requests first, but at most enough of them to leave the background
    /// its places, then background writes, then more requests if places remain.
    fn next_group(&mut self) -> Vec<Queued> {
        let first = self
            .requests
            .len()
            .min(MOST_PER_GROUP - BACKGROUND_PLACES.min(self.background.len()));
        let mut group: Vec<Queued> = self.requests.drain(..first).collect();
        let background = self.background.len().min(MOST_PER_GROUP - group.len());
        group.extend(self.background.drain(..background));
        let more = self.requests.len().min(MOST_PER_GROUP - group.len());
        group.extend(self.requests.drain(..more));
        group
    }
}

/// What becomes of a write once its group's commit is known.
type Finish = Box<dyn FnOnce(Result<(), &StorageError>) + Send>;

/// A queued write: runs in the group's transaction, or is told why there was none.
type Queued = Box<dyn FnOnce(Result<&mut DbConnection, &StorageError>) -> Finish + Send>;

/// The writes waiting for SQLite's writer, and the writer's turn.
#[derive(Default)]
pub(super) struct GroupWriter {
    queue: Mutex<Queues>,
    turn: Mutex<()>,
    /// Whether a blocking task is committing the queue. Writers only queue and wait; the one
    /// that finds no task running starts one, which commits group after group until the queue
    /// is empty: one thread does the writing under load, not one per waiting write.
    draining: AtomicBool,
}

impl GroupWriter {
    /// Runs `work` in a transaction of the next group and returns its result once committed.
    pub(super) async fn write<T, E, F>(
        self: &Arc<Self>,
        db: &Database,
        priority: Priority,
        work: F,
    ) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let result = self.enqueue(priority, work);
        if !self.draining.swap(true, Ordering::SeqCst) {
            let drainer = Drainer {
                writer: Arc::clone(self),
                db: db.clone(),
                ran: false,
            };
            tokio::task::spawn_blocking(move || drainer.run());
        }
        // A write that panicked, or whose task was lost with the runtime, never answers.
        result
            .await
            .unwrap_or_else(|_| Err(E::from(StorageError::TaskAborted)))
    }

    /// Commits groups until none is waiting. The turn is taken per group, so work that runs
    /// alone ([`GroupWriter::write_alone`]) gets in between.
    fn drain(&self, db: &Database) {
        loop {
            // Each write's panic is caught in `run_group`; this is for one of the group's own,
            // which would otherwise leave the flag up and every later write waiting forever.
            let _ = catch_unwind(AssertUnwindSafe(|| {
                loop {
                    let _turn = self.turn();
                    if !self.run_next_group(db) {
                        break;
                    }
                }
            }));
            self.draining.store(false, Ordering::SeqCst);
            // A write queued after the last look, while the flag was still up, started no task:
            // take it too, unless a task started since does.
            if self.queues().is_empty() || self.draining.swap(true, Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Takes the writer's turn for work that cannot wait in the queue (it borrows from its
    /// caller): runs it alone.
    pub(super) fn write_alone<T, E, F>(&self, db: &Database, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<StorageError>,
    {
        let _turn = self.turn();
        let mut conn = db.connection()?;
        write_transaction(&mut conn, work)
    }

    /// The writer's turn, for work outside any transaction (VACUUM). A panic while holding it
    /// was caught where it happened (`run_group`); nothing is left to repair.
    pub(super) fn turn(&self) -> MutexGuard<'_, ()> {
        self.turn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The queued writes; a panic elsewhere leaves them whole, so a poisoned lock is used as is.
    fn queues(&self) -> MutexGuard<'_, Queues> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn enqueue<T, E, F>(&self, priority: Priority, work: F) -> oneshot::Receiver<Result<T, E>>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let (send, receive) = oneshot::channel();
        let queued: Queued = Box::new(move |conn| match conn {
            Err(error) => {
                let _ = send.send(Err(E::from(error.again())));
                Box::new(|_| ())
            }
            Ok(conn) => {
                let outcome = in_savepoint(conn, work);
                Box::new(move |committed| {
                    let result = match committed {
                        Ok(()) => outcome,
                        // Work that failed on its own says why; the rest were lost with
                        // the commit.
                        Err(error) => outcome.and(Err(E::from(error.again()))),
                    };
                    let _ = send.send(result);
                })
            }
        });
        let mut queues = self.queues();
        match priority {
            Priority::Request => queues.requests.push(queued),
            Priority::Background => queues.background.push(queued),
        }
        receive
    }

    /// With the turn held: commits the oldest writes waiting, up to a group's worth; `false`
    /// when none was waiting.
    fn run_next_group(&self, db: &Database) -> bool {
        let group = self.queues().next_group();
        if group.is_empty() {
            return false;
        }
        run_group(db, group);
        true
    }
}

/// The blocking task that commits the queue.
struct Drainer {
    writer: Arc<GroupWriter>,
    db: Database,
    ran: bool,
}

impl Drainer {
    fn run(mut self) {
        self.ran = true;
        self.writer.drain(&self.db);
    }
}

impl Drop for Drainer {
    /// A task dropped unrun (its runtime shutting down) lowers the flag it was started under,
    /// so that the next write starts another instead of waiting for it.
    fn drop(&mut self) {
        if !self.ran {
            self.writer.draining.store(false, Ordering::SeqCst);
        }
    }
}

/// One transaction for the whole group; each write learns the outcome.
fn run_group(db: &Database, group: Vec<Queued>) {
    let mut conn = match db.connection() {
        Ok(conn) => conn,
        Err(error) => {
            for queued in group {
                queued(Err(&error))(Err(&error));
            }
            return;
        }
    };
    if let Err(error) = begin_immediate(&mut conn) {
        for queued in group {
            queued(Err(&error))(Err(&error));
        }
        return;
    }
    let mut finishes = Vec::with_capacity(group.len());
    let mut pending = group.into_iter();
    // A write that panics leaves its savepoint unknown: the whole group is rolled back, and
    // the writes not yet run are told so rather than run in a broken transaction.
    let mut broken = None;
    for queued in pending.by_ref() {
        match catch_unwind(AssertUnwindSafe(|| queued(Ok(&mut conn)))) {
            Ok(finish) => finishes.push(finish),
            Err(_) => {
                broken = Some(StorageError::TaskAborted);
                break;
            }
        }
    }
    let committed = match broken {
        Some(error) => {
            let _ = DbConnection::rollback_transaction(&mut conn);
            Err(error)
        }
        None => DbConnection::commit_transaction(&mut conn).map_err(|e| {
            let _ = DbConnection::rollback_transaction(&mut conn);
            StorageError::from(e)
        }),
    };
    for finish in finishes {
        finish(committed.as_ref().map(|_| ()));
    }
    if let Err(error) = &committed {
        for queued in pending {
            queued(Err(error))(Err(error));
        }
    }
}

fn begin_immediate(conn: &mut DbConnection) -> Result<(), StorageError> {
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::connection::AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
                .map_err(StorageError::from)
        }
        DbConnection::Postgres(_) => Err(StorageError::GroupFailed(
            "group commit is for SQLite only".to_owned(),
        )),
    }
}

/// Runs `work` in a savepoint of the open transaction: kept on success, undone on error.
fn in_savepoint<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StorageError>,
{
    <DbConnection as Connection>::TransactionManager::begin_transaction(conn)
        .map_err(StorageError::from)?;
    match work(conn) {
        Ok(value) => {
            DbConnection::commit_transaction(conn).map_err(StorageError::from)?;
            Ok(value)
        }
        Err(error) => {
            DbConnection::rollback_transaction(conn).map_err(StorageError::from)?;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use super::*;

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn insert(conn: &mut DbConnection, n: i64) -> Result<(), StorageError> {
        diesel::sql_query("INSERT INTO scratch (n) VALUES (?)")
            .bind::<BigInt, _>(n)
            .execute(conn)?;
        Ok(())
    }

    fn queues(requests: usize, background: usize) -> Queues {
        let write = || -> Queued { Box::new(|_| Box::new(|_| ())) };
        Queues {
            requests: (0..requests).map(|_| write()).collect(),
            background: (0..background).map(|_| write()).collect(),
        }
    }

    /// (requests, background) left waiting after one group.
    fn after_one_group(requests: usize, background: usize) -> (usize, usize) {
        let mut queues = queues(requests, background);
        assert!(queues.next_group().len() <= MOST_PER_GROUP);
        (queues.requests.len(), queues.background.len())
    }

    #[test]
    fn requests_go_first_but_the_background_keeps_its_places() {
        assert_eq!(after_one_group(20, 10), (8, 6), "12 requests, 4 background");
        assert_eq!(after_one_group(20, 0), (4, 0), "a full group of requests");
        assert_eq!(
            after_one_group(0, 20),
            (0, 4),
            "a full group of background writes"
        );
        assert_eq!(
            after_one_group(2, 20),
            (0, 6),
            "spare places go to the background"
        );
        assert_eq!(after_one_group(20, 2), (6, 0), "and to requests");
    }

    /// Many writes at once, some failing after they wrote, some refused by the database, one
    /// panicking: exactly the writes answered `Ok` are stored, each whole.
    #[test]
    fn a_write_is_stored_exactly_when_it_is_answered_ok() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = Database::open(&dir.path().join("g.db").to_string_lossy(), 4).expect("open");
        db.write_blocking(|conn| {
            conn.batch_execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY)")
                .map_err(StorageError::from)
        })
        .expect("a table");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .build()
            .expect("a runtime");
        let results: Vec<(i64, bool)> = runtime.block_on(async {
            let writes = (0..300i64).map(|n| {
                let db = db.clone();
                tokio::spawn(async move {
                    let outcome = db
                        .write(move |conn| {
                            insert(conn, n * 10)?;
                            insert(conn, n * 10 + 1)?;
                            match n % 5 {
                                // Fails after writing both rows: both must go.
                                0 => Err(StorageError::GroupFailed("refused".into())),
                                // The database refuses the second row: the first must go too.
                                1 => insert(conn, n * 10),
                                2 if n == 152 => panic!("a bug in one write"),
                                _ => Ok(()),
                            }
                        })
                        .await;
                    (n, outcome.is_ok())
                })
            });
            let mut results = Vec::new();
            for write in writes {
                results.push(write.await.unwrap_or((152, false)));
            }
            results
        });
        let stored: BTreeSet<i64> = db
            .read_blocking(|conn| {
                diesel::sql_query("SELECT n FROM scratch")
                    .load::<Row>(conn)
                    .map_err(StorageError::from)
            })
            .expect("rows")
            .into_iter()
            .map(|r| r.n)
            .collect();
        let expected: BTreeSet<i64> = results
            .iter()
            .filter(|(_, ok)| *ok)
            .flat_map(|(n, _)| [n * 10, n * 10 + 1])
            .collect();
        assert_eq!(stored, expected);
        let ok = results.iter().filter(|(_, ok)| *ok).count();
        // Only the refused, the failing and (at worst) the panicking one's group are lost.
        assert!(ok >= 300 - 120 - MOST_PER_GROUP, "{ok} of 300 stored");
        assert!(results.iter().all(|(n, ok)| !(n % 5 < 2 && *ok)));
    }
}
