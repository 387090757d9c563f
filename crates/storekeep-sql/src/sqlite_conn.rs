//! The two halves of the SQLite backend's connection handling, on rusqlite (SQLite's C API
//! called directly, no per-connection worker thread):
//!
//! * [`Readers`] — read-only connections used **inline** on the calling (async) thread. A read
//!   is a point lookup or an indexed query of a few microseconds; handing it to another thread
//!   and back (what an async driver does) costs more than the read itself. So that an
//!   unexpectedly long query (a filter no index serves, a large offset) cannot stall the async
//!   runtime, an inline read runs under a budget of SQLite VM steps (progress handler); a read
//!   that exceeds it, or meets a busy database, is run again from the start on tokio's
//!   blocking pool with the normal busy timeout, under a time budget ([`READ_BUDGET`]; past it
//!   the read is interrupted and answered `QueryTimedOut`), and interrupted as soon as the
//!   request that wants it goes away (its future is dropped: the client disconnected). At
//!   most [`MAX_SLOW_READS`] such reads run at once and [`MAX_SLOW_WAITING`] wait; more are
//!   refused (`OverCapacity`).
//! * [`Writer`] — the one write connection, owned by a dedicated thread that does group
//!   commit: it takes every write that is waiting, runs them in ONE transaction — each inside
//!   its own SAVEPOINT, so a failing write (version conflict, duplicate) is rolled back alone —
//!   commits once (one fsync with `synchronous=FULL`), and only then answers each caller. A
//!   write is acknowledged only after the commit that made it durable.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OpenFlags, Statement};
use storekeep_core::storage::StorageError;
use tokio::sync::{oneshot, Semaphore};

/// How long a blocked statement waits for a lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 128;
/// Inline reads: the progress handler runs every this many VM steps …
const INLINE_STEP: i32 = 1_000;
/// … and interrupts the read after this many calls (~200k VM steps, well under a millisecond
/// of CPU), which then runs again on the blocking pool.
const INLINE_CALLS: u32 = 200;
/// How long a read may run on the blocking pool before it is interrupted (`QueryTimedOut`).
pub const READ_BUDGET: Duration = Duration::from_secs(5);
/// Reads on the blocking pool at once (each may take a core for up to [`READ_BUDGET`]) …
pub const MAX_SLOW_READS: usize = 4;
/// … and reads waiting for one of those turns; more are refused (`OverCapacity`).
pub const MAX_SLOW_WAITING: usize = 64;
/// Idle read connections kept (more are opened under load and closed when returned).
const MAX_IDLE_READERS: usize = 16;
/// Most writes in one transaction.
const MAX_BATCH: usize = 256;

/// A rusqlite error as a storage error.
pub fn backend(e: rusqlite::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

/// Whether an error is a UNIQUE or PRIMARY KEY constraint violation.
pub fn is_unique(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => matches!(
            f.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        ),
        _ => false,
    }
}

/// Bind the values of a statement written with `$n` placeholders: `$n` takes `params[n-1]`
/// (SQLite numbers named parameters by first appearance; this does not rely on that order).
pub fn bind(stmt: &mut Statement<'_>, params: &[Value]) -> rusqlite::Result<()> {
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        let v = params
            .get(n.wrapping_sub(1))
            .ok_or(rusqlite::Error::InvalidParameterCount(n, params.len()))?;
        stmt.raw_bind_parameter(i, v)?;
    }
    Ok(())
}

/// Run a statement that returns no rows; the number of rows it changed.
pub fn execute(c: &Connection, sql: &str, params: &[Value]) -> rusqlite::Result<usize> {
    let mut st = c.prepare_cached(sql)?;
    bind(&mut st, params)?;
    st.raw_execute()
}

/// The first row of a statement, mapped, if any.
pub fn first_row<T>(
    c: &Connection,
    sql: &str,
    params: &[Value],
    map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    let mut st = c.prepare_cached(sql)?;
    bind(&mut st, params)?;
    let mut rows = st.raw_query();
    match rows.next()? {
        Some(r) => map(r).map(Some),
        None => Ok(None),
    }
}

/// Every row of a statement, mapped.
pub fn all_rows<T>(
    c: &Connection,
    sql: &str,
    params: &[Value],
    mut map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut st = c.prepare_cached(sql)?;
    bind(&mut st, params)?;
    let mut rows = st.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(map(r)?);
    }
    Ok(out)
}

/// Read-only connections to one database file.
pub struct Readers {
    path: String,
    idle: Mutex<Vec<Connection>>,
    closed: AtomicBool,
    /// Time budget of a read on the blocking pool.
    budget: Duration,
    /// Turns on the blocking pool, and admission to wait for one.
    slow: Semaphore,
    slow_admitted: Semaphore,
}

/// Sets its flag when dropped: a read on the blocking pool watches the flag of the future
/// that waits for it, and stops when that future is dropped (the request went away).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Whether a failed inline read should run again on the blocking pool.
fn retry_blocking(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::OperationInterrupted | ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

impl Readers {
    /// Readers of the database at `path` (opened lazily).
    pub fn new(path: String) -> Self {
        Self::with_budget(path, READ_BUDGET)
    }

    /// Readers whose reads on the blocking pool stop after `budget`.
    pub fn with_budget(path: String, budget: Duration) -> Self {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
            budget,
            slow: Semaphore::new(MAX_SLOW_READS),
            slow_admitted: Semaphore::new(MAX_SLOW_READS + MAX_SLOW_WAITING),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let c = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(c)
    }

    fn take(&self) -> Result<Connection, StorageError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StorageError::Backend(
                "the SQLite database is closed".into(),
            ));
        }
        let pooled = self.idle.lock().ok().and_then(|mut v| v.pop());
        match pooled {
            Some(c) => Ok(c),
            None => self.open().map_err(backend),
        }
    }

    fn give_back(&self, c: Connection) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE_READERS {
                idle.push(c);
            }
        }
    }

    /// Run a read: inline under the step budget, else again on the blocking pool under the
    /// time budget (and until the caller goes away).
    pub async fn read<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let conn = self.take()?;
        let mut calls = 0u32;
        conn.progress_handler(
            INLINE_STEP,
            Some(move || {
                calls += 1;
                calls > INLINE_CALLS
            }),
        );
        conn.busy_timeout(Duration::ZERO).map_err(backend)?;
        let first = f(&conn);
        conn.progress_handler(INLINE_STEP, None::<fn() -> bool>);
        match first {
            Err(e) if retry_blocking(&e) => self.read_blocking(conn, f).await,
            r => {
                self.give_back(conn);
                r.map_err(backend)
            }
        }
    }

    /// The second attempt of a read, on the blocking pool: in turn, under the time budget,
    /// interrupted when this future is dropped.
    async fn read_blocking<T, F>(&self, conn: Connection, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let Ok(_admitted) = self.slow_admitted.try_acquire() else {
            self.give_back(conn);
            return Err(StorageError::Overloaded);
        };
        let _turn = self
            .slow
            .acquire()
            .await
            .map_err(|_| StorageError::Backend("the SQLite readers are closed".into()))?;
        let cancelled = Arc::new(AtomicBool::new(false));
        let _cancel_on_drop = CancelOnDrop(cancelled.clone());
        let budget = self.budget;
        let (conn, r) = tokio::task::spawn_blocking(move || {
            let deadline = Instant::now().checked_add(budget);
            conn.progress_handler(
                INLINE_STEP,
                Some(move || {
                    cancelled.load(Ordering::Acquire)
                        || deadline.is_some_and(|d| Instant::now() >= d)
                }),
            );
            let r = conn.busy_timeout(BUSY_TIMEOUT).and_then(|()| f(&conn));
            conn.progress_handler(INLINE_STEP, None::<fn() -> bool>);
            (conn, r)
        })
        .await
        .map_err(|e| StorageError::Backend(format!("SQLite read task failed: {e}")))?;
        self.give_back(conn);
        match r {
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) => {
                Err(StorageError::TimedOut)
            }
            r => r.map_err(backend),
        }
    }

    /// Close the idle connections and refuse further reads.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}

/// A unit of work for the writer thread.
trait Job: Send {
    /// Run inside the batch's transaction (in a savepoint); false when it failed.
    fn run(&mut self, c: &Connection) -> bool;
    /// Answer the caller once the batch's fate is known (`Err` when the commit failed).
    fn finish(self: Box<Self>, commit: Result<(), StorageError>);
}

struct Task<T, F> {
    work: Option<F>,
    out: Option<Result<T, StorageError>>,
    reply: oneshot::Sender<Result<T, StorageError>>,
}

impl<T, F> Job for Task<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StorageError> + Send,
{
    fn run(&mut self, c: &Connection) -> bool {
        let r = match self.work.take() {
            Some(work) => work(c),
            None => Err(StorageError::Backend("write ran twice".into())),
        };
        let ok = r.is_ok();
        self.out = Some(r);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), StorageError>) {
        let Task { out, reply, .. } = *self;
        let answer = match (commit, out) {
            (_, Some(Err(e))) => Err(e),
            (Err(e), _) => Err(e),
            (Ok(()), Some(ok)) => ok,
            (Ok(()), None) => Err(StorageError::Backend("write did not run".into())),
        };
        // The caller may have gone away (request cancelled); the write stands either way.
        let _ = reply.send(answer);
    }
}

enum Msg {
    Job(Box<dyn Job>),
    Stop(oneshot::Sender<()>),
}

/// The handle to the writer thread; cloning shares the one thread.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Msg>,
}

impl Writer {
    /// Start the writer thread over the (migrated) write connection.
    pub fn start(conn: Connection) -> Result<Writer, StorageError> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("storekeep-sqlite-writer".into())
            .spawn(move || run(conn, rx))
            .map_err(|e| StorageError::Backend(format!("cannot start the SQLite writer: {e}")))?;
        Ok(Writer { tx })
    }

    /// Run `work` in the next group-committed transaction; answers after the commit.
    pub async fn call<T, F>(&self, work: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StorageError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let task = Task {
            work: Some(work),
            out: None,
            reply,
        };
        self.tx
            .send(Msg::Job(Box::new(task)))
            .map_err(|_| StorageError::Backend("the SQLite writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StorageError::Backend("the SQLite writer dropped a write".into()))?
    }

    /// Finish the waiting writes, close the connection (checkpointing the WAL) and stop.
    pub async fn stop(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Stop(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

fn run(conn: Connection, rx: mpsc::Receiver<Msg>) {
    while let Ok(first) = rx.recv() {
        let mut batch: Vec<Box<dyn Job>> = Vec::new();
        let mut stop = None;
        match first {
            Msg::Job(j) => batch.push(j),
            Msg::Stop(s) => stop = Some(s),
        }
        while stop.is_none() && batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Msg::Job(j)) => batch.push(j),
                Ok(Msg::Stop(s)) => stop = Some(s),
                Err(_) => break,
            }
        }
        if !batch.is_empty() {
            run_batch(&conn, batch);
        }
        if let Some(s) = stop {
            if let Err((_, e)) = conn.close() {
                tracing::warn!(error = %e, "closing the SQLite write connection failed");
            }
            let _ = s.send(());
            return;
        }
    }
}

/// Run a batch in one transaction; a failed savepoint step or COMMIT fails every write of
/// the batch (nothing of it is kept).
fn run_batch(c: &Connection, mut batch: Vec<Box<dyn Job>>) {
    let fail_all = |batch: Vec<Box<dyn Job>>, e: StorageError| {
        for job in batch {
            job.finish(Err(e.clone()));
        }
    };
    if let Err(e) = c.execute_batch("BEGIN IMMEDIATE") {
        return fail_all(batch, backend(e));
    }
    let mut broken = None;
    for job in batch.iter_mut() {
        let step = c.execute_batch("SAVEPOINT w").and_then(|()| {
            if !job.run(c) {
                c.execute_batch("ROLLBACK TO w")?;
            }
            c.execute_batch("RELEASE w")
        });
        if let Err(e) = step {
            broken = Some(e);
            break;
        }
    }
    if let Some(e) = broken {
        let _ = c.execute_batch("ROLLBACK");
        return fail_all(batch, backend(e));
    }
    if let Err(e) = c.execute_batch("COMMIT") {
        let _ = c.execute_batch("ROLLBACK");
        return fail_all(batch, backend(e));
    }
    for job in batch {
        job.finish(Ok(()));
    }
}

/// Open the write connection with storekeep's settings (WAL; `synchronous=FULL` when
/// `durable`, else OFF — only for throw-away databases).
pub fn open_writer(path: &str, durable: bool) -> Result<Connection, StorageError> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(backend)?;
    c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    c.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    let mode: String = c
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(backend)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StorageError::Backend(format!(
            "the SQLite database refused WAL mode (journal_mode is {mode})"
        )));
    }
    c.execute_batch(if durable {
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
    } else {
        "PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;"
    })
    .map_err(backend)?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    use super::*;

    fn scratch() -> (String, Connection) {
        let path = std::env::temp_dir()
            .join(format!("storekeep-conn-{}.db", uuid::Uuid::new_v4()))
            .to_string_lossy()
            .into_owned();
        let w = open_writer(&path, false).unwrap();
        w.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        (path, w)
    }

    /// A read within the budget runs once, inline; one past it is interrupted and runs again
    /// to completion on the blocking pool, with the right answer.
    #[tokio::test]
    async fn long_reads_move_to_the_blocking_pool() {
        let (path, _writer) = scratch();
        let readers = Readers::new(path.clone());
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let short = readers
            .read(move |c| {
                counted.fetch_add(1, Ordering::SeqCst);
                c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0))
            })
            .await
            .unwrap();
        assert_eq!((short, runs.load(Ordering::SeqCst)), (0, 1));

        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let long = readers
            .read(move |c| {
                counted.fetch_add(1, Ordering::SeqCst);
                c.query_row(
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000) \
                     SELECT count(*) FROM n",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            })
            .await
            .unwrap();
        assert_eq!(long, 1_000_000);
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "interrupted inline, then run again"
        );
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }

    /// A query that never ends, for the budget and cancellation tests.
    const ENDLESS: &str = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) \
                           SELECT count(*) FROM n";

    fn remove(path: &str) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }

    /// A read past its time budget on the blocking pool is stopped: `TimedOut`.
    #[tokio::test]
    async fn reads_past_the_budget_time_out() {
        let (path, _writer) = scratch();
        let readers = Readers::with_budget(path.clone(), Duration::from_millis(50));
        let r = readers
            .read(|c| c.query_row(ENDLESS, [], |r| r.get::<_, i64>(0)))
            .await;
        assert_eq!(r, Err(StorageError::TimedOut));
        // The connection is usable again, without the interrupting handler.
        let n = readers
            .read(|c| c.query_row("SELECT 41 + 1", [], |r| r.get::<_, i64>(0)))
            .await;
        assert_eq!(n, Ok(42));
        remove(&path);
    }

    /// A read on the blocking pool whose caller goes away (the request future is dropped,
    /// e.g. the client disconnected) is interrupted, with no budget to end it otherwise.
    #[tokio::test]
    async fn a_dropped_read_is_interrupted() {
        let (path, _writer) = scratch();
        let readers = Arc::new(Readers::with_budget(path.clone(), Duration::MAX));
        let (events, mut seen) = tokio::sync::mpsc::unbounded_channel();
        let runs = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn({
            let readers = readers.clone();
            async move {
                readers
                    .read(move |c| {
                        let run = runs.fetch_add(1, Ordering::SeqCst);
                        if run == 1 {
                            let _ = events.send("started on the blocking pool");
                        }
                        let r = c.query_row(ENDLESS, [], |r| r.get::<_, i64>(0));
                        if run == 1 {
                            let _ = events.send(match &r {
                                Err(e)
                                    if e.sqlite_error_code()
                                        == Some(ErrorCode::OperationInterrupted) =>
                                {
                                    "interrupted"
                                }
                                _ => "ended otherwise",
                            });
                        }
                        r
                    })
                    .await
            }
        });
        assert_eq!(seen.recv().await, Some("started on the blocking pool"));
        task.abort();
        // A guard against hanging forever if the read were not interrupted.
        let end = tokio::time::timeout(Duration::from_secs(120), seen.recv()).await;
        assert_eq!(end, Ok(Some("interrupted")));
        remove(&path);
    }

    /// Past the turns and the waiting room, a read that needs the blocking pool is refused.
    #[tokio::test]
    async fn slow_reads_are_admitted_in_bounded_numbers() {
        let (path, _writer) = scratch();
        let readers = Readers::with_budget(path.clone(), Duration::from_millis(50));
        let held = readers
            .slow_admitted
            .try_acquire_many((MAX_SLOW_READS + MAX_SLOW_WAITING) as u32)
            .unwrap();
        let r = readers
            .read(|c| c.query_row(ENDLESS, [], |r| r.get::<_, i64>(0)))
            .await;
        assert_eq!(r, Err(StorageError::Overloaded));
        drop(held);
        let r = readers
            .read(|c| c.query_row(ENDLESS, [], |r| r.get::<_, i64>(0)))
            .await;
        assert_eq!(r, Err(StorageError::TimedOut));
        remove(&path);
    }

    /// A failed write in a batch is rolled back alone; the others commit.
    #[tokio::test]
    async fn a_failing_write_does_not_sink_its_batch() {
        let (path, conn) = scratch();
        let writer = Writer::start(conn).unwrap();
        let ok = writer.call(|c| execute(c, "INSERT INTO t VALUES (1)", &[]).map_err(backend));
        let bad = writer.call(|c| {
            execute(c, "INSERT INTO t VALUES (2)", &[]).map_err(backend)?;
            Err::<usize, _>(StorageError::DuplicateKey)
        });
        let (ok, bad) = tokio::join!(ok, bad);
        assert_eq!(ok.unwrap(), 1);
        assert_eq!(bad, Err(StorageError::DuplicateKey));
        let n = writer
            .call(|c| {
                c.query_row("SELECT group_concat(x) FROM t", [], |r| {
                    r.get::<_, String>(0)
                })
                .map_err(backend)
            })
            .await
            .unwrap();
        assert_eq!(n, "1");
        writer.stop().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}
