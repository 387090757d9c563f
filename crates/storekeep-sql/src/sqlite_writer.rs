//! Group commit for SQLite. Every document write goes to one writer task through a channel.
//! The task takes all writes that are waiting, runs them in ONE transaction — each inside its
//! own SAVEPOINT, so a failing write (version conflict, duplicate) is rolled back alone —
//! commits once, and only then answers each caller. With `synchronous=FULL` every commit
//! costs an fsync; under concurrent load one fsync now covers a whole batch, and a write is
//! acknowledged only after the commit that made it durable.

use sqlx::{SqliteConnection, SqlitePool};
use storekeep_core::storage::{Collection, Doc, StorageError, Uniqueness};
use tokio::sync::{mpsc, oneshot};

use crate::{dialect::Dialect, sql};

const D: Dialect = Dialect::Sqlite;
/// Most writes in one transaction.
const MAX_BATCH: usize = 256;

/// A document write.
pub enum WriteOp {
    Insert {
        coll: Collection,
        project: String,
        doc: Doc,
        uniq: Uniqueness,
    },
    Update {
        coll: Collection,
        project: String,
        expected: i64,
        doc: Doc,
        uniq: Option<Uniqueness>,
    },
    Delete {
        coll: Collection,
        project: String,
        id: String,
        expected: i64,
    },
}

struct Job {
    op: WriteOp,
    reply: oneshot::Sender<Result<(), StorageError>>,
}

/// The handle callers use; cloning shares the one writer task.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::UnboundedSender<Job>,
}

fn backend(e: sqlx::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

fn is_unique(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl Writer {
    /// Start the writer task over the writer pool (one connection).
    pub fn start(pool: SqlitePool) -> Writer {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, rx));
        Writer { tx }
    }

    /// Submit a write and wait until it is committed (or failed).
    pub async fn write(&self, op: WriteOp) -> Result<(), StorageError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { op, reply })
            .map_err(|_| StorageError::Backend("the SQLite writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StorageError::Backend("the SQLite writer dropped a write".into()))?
    }
}

async fn run(pool: SqlitePool, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let results = match pool.acquire().await {
            Ok(mut conn) => run_batch(&mut conn, &batch).await,
            Err(e) => {
                let err = backend(e);
                batch.iter().map(|_| Err(err.clone())).collect()
            }
        };
        for (job, r) in batch.into_iter().zip(results) {
            // The caller may have gone away (request cancelled); the write stands either way.
            let _ = job.reply.send(r);
        }
    }
}

/// Run a batch in one transaction; on a failed COMMIT every write of the batch fails.
async fn run_batch(conn: &mut SqliteConnection, batch: &[Job]) -> Vec<Result<(), StorageError>> {
    if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await {
        let err = backend(e);
        return batch.iter().map(|_| Err(err.clone())).collect();
    }
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        results.push(in_savepoint(conn, &job.op).await);
    }
    if let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await {
        let err = backend(e);
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        return batch.iter().map(|_| Err(err.clone())).collect();
    }
    results
}

async fn in_savepoint(conn: &mut SqliteConnection, op: &WriteOp) -> Result<(), StorageError> {
    sqlx::query("SAVEPOINT w").execute(&mut *conn).await.map_err(backend)?;
    let r = apply(conn, op).await;
    if r.is_err() {
        sqlx::query("ROLLBACK TO w").execute(&mut *conn).await.map_err(backend)?;
    }
    sqlx::query("RELEASE w").execute(&mut *conn).await.map_err(backend)?;
    r
}

async fn apply(conn: &mut SqliteConnection, op: &WriteOp) -> Result<(), StorageError> {
    match op {
        WriteOp::Insert { coll, project, doc, uniq } => {
            let r = sqlx::query(&sql::insert_doc(D, coll.table()))
                .bind(project)
                .bind(&doc.id)
                .bind(&doc.key)
                .bind(doc.version)
                .bind(&doc.created_at)
                .bind(&doc.last_modified_at)
                .bind(&doc.body)
                .execute(&mut *conn)
                .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique(&e) => return Err(StorageError::DuplicateKey),
                Err(e) => return Err(backend(e)),
            }
            crate::sqlite::write_uniq(conn, *coll, project, &doc.id, uniq, false).await
        }
        WriteOp::Update { coll, project, expected, doc, uniq } => {
            let r = sqlx::query(&sql::update_doc(D, coll.table()))
                .bind(project)
                .bind(&doc.id)
                .bind(&doc.key)
                .bind(doc.version)
                .bind(&doc.last_modified_at)
                .bind(&doc.body)
                .bind(expected)
                .execute(&mut *conn)
                .await;
            let r = match r {
                Ok(r) => r,
                Err(e) if is_unique(&e) => return Err(StorageError::DuplicateKey),
                Err(e) => return Err(backend(e)),
            };
            if r.rows_affected() == 0 {
                return Err(crate::sqlite::version_of(conn, coll.table(), project, &doc.id).await?);
            }
            match uniq {
                Some(u) => crate::sqlite::write_uniq(conn, *coll, project, &doc.id, u, true).await,
                None => Ok(()),
            }
        }
        WriteOp::Delete { coll, project, id, expected } => {
            let r = sqlx::query(&sql::delete_doc(coll.table()))
                .bind(project)
                .bind(id)
                .bind(expected)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
            if r.rows_affected() == 0 {
                return Err(crate::sqlite::version_of(conn, coll.table(), project, id).await?);
            }
            sqlx::query(sql::DELETE_CLAIMS)
                .bind(project)
                .bind(coll.table())
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(backend)
                .map(|_| ())
        }
    }
}
