//! The SQLite backend (rusqlite): one write connection on a dedicated group-commit thread
//! (SQLite allows one writer at a time; one connection makes that explicit and avoids busy
//! retries), and read-only connections used inline on the calling thread under a step budget
//! (see `sqlite_conn`); WAL, `synchronous=FULL`, foreign keys on, a busy timeout.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::Connection;
use storekeep_core::query::Query;
use storekeep_core::storage::{Collection, Doc, Lookup, Page, Storage, StorageError, Uniqueness};

use crate::compile::Bind;
use crate::dialect::Dialect;
use crate::sqlite_conn::{all_rows, backend, execute, first_row, is_unique, Readers, Writer};
use crate::{migrate, sql};

const D: Dialect = Dialect::Sqlite;

/// The SQLite storage backend.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    readers: Readers,
    writer: Writer,
    /// A throw-away database file, deleted when the store is dropped.
    scratch: Option<PathBuf>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(path) = &self.scratch {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn bind_value(b: &Bind) -> Value {
    match b {
        Bind::Text(s) => Value::Text(s.clone()),
        Bind::Int(i) => Value::Integer(*i),
        Bind::Float(f) => Value::Real(*f),
        // Never produced for SQLite (paths are bound as text).
        Bind::TextArray(v) => Value::Text(v.join(".")),
    }
}

fn row_doc(r: &rusqlite::Row<'_>) -> rusqlite::Result<Doc> {
    Ok(Doc {
        id: r.get(0)?,
        key: r.get(1)?,
        version: r.get(2)?,
        created_at: r.get(3)?,
        last_modified_at: r.get(4)?,
        body: r.get(5)?,
        secret: r.get(6)?,
    })
}

/// The file path of a `sqlite:` URL (`sqlite:PATH`, `sqlite://PATH`); `None` for
/// `sqlite::memory:` (a throw-away database).
fn url_path(url: &str) -> Result<Option<String>, StorageError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| StorageError::Backend(format!("not a sqlite: URL: {url}")))?;
    if rest.contains('?') {
        return Err(StorageError::Backend(
            "sqlite: URLs take a file path only (no '?' options): storekeep sets the connection options itself".into(),
        ));
    }
    if rest.is_empty() {
        return Err(StorageError::Backend(
            "the sqlite: URL names no file (e.g. sqlite:storekeep.db)".into(),
        ));
    }
    Ok((rest != ":memory:").then(|| rest.to_string()))
}

impl SqliteStore {
    /// Open (creating if missing) the database at a `sqlite:` URL and run the migrations.
    /// `sqlite::memory:` gives a throw-away database (see [`SqliteStore::temporary`]).
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        match url_path(url)? {
            Some(path) => Self::open(path, true, None).await,
            None => Self::temporary().await,
        }
    }

    /// A private throw-away database (tests, `sqlite::memory:`): a file in the system's
    /// temporary directory, with `synchronous=OFF`, deleted when the last handle is dropped.
    /// It runs the same reader and writer code as a durable database.
    pub async fn temporary() -> Result<Self, StorageError> {
        let path = std::env::temp_dir().join(format!("storekeep-{}.db", uuid::Uuid::new_v4()));
        let name = path.to_string_lossy().into_owned();
        Self::open(name, false, Some(path)).await
    }

    async fn open(
        path: String,
        durable: bool,
        scratch: Option<PathBuf>,
    ) -> Result<Self, StorageError> {
        let writer_path = path.clone();
        let conn = tokio::task::spawn_blocking(move || {
            let mut conn = crate::sqlite_conn::open_writer(&writer_path, durable)?;
            migrate_sqlite(&mut conn)?;
            seed_planner_stats(&conn)?;
            Ok::<_, StorageError>(conn)
        })
        .await
        .map_err(|e| StorageError::Backend(format!("opening the SQLite database failed: {e}")))??;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                readers: Readers::new(path),
                writer: Writer::start(conn)?,
                scratch,
            }),
        })
    }

    /// Close all connections (the writer's close checkpoints the WAL).
    pub async fn close(&self) {
        self.inner.readers.close();
        self.inner.writer.stop().await;
    }

    /// Run `PRAGMA integrity_check`; `Ok(true)` when the database is sound.
    pub async fn integrity_check(&self) -> Result<bool, StorageError> {
        self.inner
            .writer
            .call(|c| {
                c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
                    .map_err(backend)
            })
            .await
            .map(|r| r == "ok")
    }

    /// The query plan of a compiled query (for index checks in tests).
    pub async fn explain(
        &self,
        coll: Collection,
        project: &str,
        q: &Query,
    ) -> Result<String, StorageError> {
        let c = sql::query(D, coll.table(), q, None);
        let text = format!("EXPLAIN QUERY PLAN {}", c.select);
        let params = select_params(project, &c.binds, q);
        self.inner
            .readers
            .read(move |conn| {
                all_rows(conn, &text, &params, |r| r.get::<_, String>(3))
                    .map(|lines| lines.iter().map(|l| format!("{l}\n")).collect())
            })
            .await
    }
}

fn select_params(project: &str, binds: &[Bind], q: &Query) -> Vec<Value> {
    let mut params = Vec::with_capacity(binds.len() + 3);
    params.push(text(project));
    params.extend(binds.iter().map(bind_value));
    params.push(Value::Integer(i64::from(q.limit)));
    params.push(Value::Integer(i64::from(q.offset)));
    params
}

fn count_params(project: &str, binds: &[Bind]) -> Vec<Value> {
    let mut params = Vec::with_capacity(binds.len() + 1);
    params.push(text(project));
    params.extend(binds.iter().map(bind_value));
    params
}

fn count_of(conn: &Connection, sql: &str, params: &[Value]) -> rusqlite::Result<u64> {
    let n: Option<i64> = first_row(conn, sql, params, |r| r.get(0))?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// Apply the migrations not yet recorded, each in one transaction with its record.
fn migrate_sqlite(conn: &mut Connection) -> Result<(), StorageError> {
    let tx = conn.transaction().map_err(backend)?;
    tx.execute_batch(migrate::CREATE_TABLE).map_err(backend)?;
    for m in migrate::SQLITE {
        let done: Option<i64> = first_row(
            &tx,
            "SELECT version FROM storekeep_migrations WHERE version = $1",
            &[Value::Integer(m.version)],
            |r| r.get(0),
        )
        .map_err(backend)?;
        if done.is_some() {
            continue;
        }
        for stmt in &migrate::statements(m.sql) {
            tx.execute_batch(stmt).map_err(backend)?;
        }
        execute(
            &tx,
            "INSERT INTO storekeep_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[
                Value::Integer(m.version),
                text(m.name),
                text(&storekeep_core::common::now_timestamp()),
            ],
        )
        .map_err(backend)?;
        tracing::info!(migration = m.name, "applied migration");
    }
    tx.commit().map_err(backend)
}

/// Give a never-analysed database planner statistics. Without any, SQLite guesses that
/// `project_key = ?` selects about ten rows and scans the whole project through the primary
/// key instead of using an expression index such as `customers_email`. The seeded rows say
/// "many documents per project, about one per indexed value"; a later `ANALYZE` replaces
/// them with measured ones. Indexes that have statistics are left alone (an index created by
/// a later migration gets the seeded row).
fn seed_planner_stats(conn: &Connection) -> Result<(), StorageError> {
    let tables: Vec<String> = Collection::ALL
        .iter()
        .map(|c| c.table())
        .chain(["claims"])
        .map(|t| format!("'{t}'"))
        .collect();
    // The explicit indexes and WITHOUT ROWID primary keys (named like their table in
    // sqlite_stat1) of the document tables, with their number of key columns.
    let list = format!(
        "SELECT m.tbl_name, m.name, CASE m.type \
           WHEN 'index' THEN (SELECT count(*) FROM pragma_index_info(m.name)) \
           ELSE (SELECT count(*) FROM pragma_table_info(m.name) WHERE pk > 0) END \
         FROM sqlite_schema m \
         WHERE m.tbl_name IN ({}) AND m.sql IS NOT NULL \
         AND (m.type = 'index' OR (m.type = 'table' AND m.sql LIKE '%WITHOUT ROWID%')) \
         AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = m.name)",
        tables.join(", ")
    );
    // Creates the statistics table if missing; analyses no table.
    conn.execute_batch("ANALYZE sqlite_schema")
        .map_err(backend)?;
    let indexes: Vec<(String, String, i64)> =
        all_rows(conn, &list, &[], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(backend)?;
    if indexes.is_empty() {
        return Ok(());
    }
    for (table, index, columns) in indexes {
        // Claims: one collection name covers most rows, so only `value` (or the owner)
        // narrows a search; without this the planner scanned every claim of a collection
        // through `claims_owner` to check an exclusion (milliseconds per sign-up at 100k).
        let (mut stat, fixed) = if index == "claims_owner" {
            // (owner_id, project_key, coll): a document holds a few claims.
            (String::from("1000000 3 3 3"), 3)
        } else if table == "claims" {
            (String::from("1000000 100000 100000"), 2)
        } else {
            (String::from("1000000 10000"), 1)
        };
        // Documents: a value of an indexed field (an email, say: one per store at most) is
        // shared by about two documents, and the trailing id makes the entry unique. Saying
        // "one row" for the value lets the planner treat a sort as free and build a temporary
        // B-tree for `ORDER BY id` on every lookup instead of reading the index in id order.
        for i in fixed..columns {
            let last = i + 1 == columns;
            stat.push_str(if last || table == "claims" {
                " 1"
            } else {
                " 2"
            });
        }
        execute(
            conn,
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ($1, $2, $3)",
            &[Value::Text(table), Value::Text(index), Value::Text(stat)],
        )
        .map_err(backend)?;
    }
    // Reload the statistics into this connection (readers opened later load them).
    conn.execute_batch("ANALYZE sqlite_schema").map_err(backend)
}

/// Check exclusions, then write the claims of a document (replacing its earlier ones).
fn write_uniq(
    conn: &Connection,
    coll: Collection,
    project: &str,
    owner: &str,
    u: &Uniqueness,
    replace: bool,
) -> Result<(), StorageError> {
    let c = coll.table();
    for lock in &u.locks {
        execute(conn, sql::LOCK_CLAIM, &[text(project), text(lock)]).map_err(backend)?;
    }
    for ex in &u.exclusions {
        let hit: Option<String> = first_row(
            conn,
            sql::FIND_EXCLUDED,
            &[
                text(project),
                text(c),
                text(&ex.value),
                text(&ex.scope_prefix),
                Value::Integer(ex.scope_prefix.chars().count() as i64),
                text(owner),
            ],
            |r| r.get(0),
        )
        .map_err(backend)?;
        if let Some(scope) = hit {
            return Err(StorageError::DuplicateClaim {
                scope,
                value: ex.value.clone(),
            });
        }
    }
    if replace {
        execute(
            conn,
            sql::DELETE_CLAIMS,
            &[text(project), text(c), text(owner)],
        )
        .map_err(backend)?;
    }
    for cl in &u.claims {
        let params = [
            text(project),
            text(c),
            text(&cl.scope),
            text(&cl.value),
            text(owner),
        ];
        match execute(conn, sql::INSERT_CLAIM, &params) {
            Ok(_) => {}
            Err(e) if is_unique(&e) => {
                return Err(StorageError::DuplicateClaim {
                    scope: cl.scope.clone(),
                    value: cl.value.clone(),
                })
            }
            Err(e) => return Err(backend(e)),
        }
    }
    Ok(())
}

/// Why a conditional write changed no row: a version conflict, or no such document.
fn version_of(conn: &Connection, table: &str, project: &str, id: &str) -> StorageError {
    let v: rusqlite::Result<Option<i64>> = first_row(
        conn,
        &sql::current_version(table),
        &[text(project), text(id)],
        |r| r.get(0),
    );
    match v {
        Ok(Some(current_version)) => StorageError::VersionConflict { current_version },
        Ok(None) => StorageError::NotFound,
        Err(e) => backend(e),
    }
}

fn doc_write_error(e: rusqlite::Error) -> StorageError {
    if is_unique(&e) {
        StorageError::DuplicateKey
    } else {
        backend(e)
    }
}

#[async_trait]
impl Storage for SqliteStore {
    async fn ping(&self) -> Result<(), StorageError> {
        self.inner
            .readers
            .read(|c| first_row(c, "SELECT 1", &[], |r| r.get::<_, i64>(0)))
            .await
            .map(|_| ())
    }

    async fn insert(
        &self,
        coll: Collection,
        project: &str,
        doc: &Doc,
        uniq: &Uniqueness,
    ) -> Result<(), StorageError> {
        let project = project.to_string();
        let doc = doc.clone();
        let uniq = uniq.clone();
        self.inner
            .writer
            .call(move |c| {
                let params = [
                    text(&project),
                    text(&doc.id),
                    doc.key.as_deref().map_or(Value::Null, text),
                    Value::Integer(doc.version),
                    text(&doc.created_at),
                    text(&doc.last_modified_at),
                    Value::Text(doc.body),
                    doc.secret.as_deref().map_or(Value::Null, text),
                ];
                execute(c, &sql::insert_doc(D, coll.table()), &params).map_err(doc_write_error)?;
                write_uniq(c, coll, &project, &doc.id, &uniq, false)
            })
            .await
    }

    async fn get(
        &self,
        coll: Collection,
        project: &str,
        by: Lookup<'_>,
    ) -> Result<Option<Doc>, StorageError> {
        let (sql, v) = match by {
            Lookup::Id(id) => (sql::get_by_id(D, coll.table()), id),
            Lookup::Key(key) => (sql::get_by_key(D, coll.table()), key),
        };
        let params = [text(project), text(v)];
        self.inner
            .readers
            .read(move |c| first_row(c, &sql, &params, row_doc))
            .await
    }

    async fn update(
        &self,
        coll: Collection,
        project: &str,
        expected_version: i64,
        doc: &Doc,
        uniq: Option<&Uniqueness>,
    ) -> Result<(), StorageError> {
        let project = project.to_string();
        let doc = doc.clone();
        let uniq = uniq.cloned();
        self.inner
            .writer
            .call(move |c| {
                let params = [
                    text(&project),
                    text(&doc.id),
                    doc.key.as_deref().map_or(Value::Null, text),
                    Value::Integer(doc.version),
                    text(&doc.last_modified_at),
                    Value::Text(doc.body),
                    Value::Integer(expected_version),
                    doc.secret.as_deref().map_or(Value::Null, text),
                ];
                let n = execute(c, &sql::update_doc(D, coll.table()), &params)
                    .map_err(doc_write_error)?;
                if n == 0 {
                    return Err(version_of(c, coll.table(), &project, &doc.id));
                }
                match &uniq {
                    Some(u) => write_uniq(c, coll, &project, &doc.id, u, true),
                    None => Ok(()),
                }
            })
            .await
    }

    async fn delete(
        &self,
        coll: Collection,
        project: &str,
        id: &str,
        expected_version: i64,
    ) -> Result<(), StorageError> {
        let project = project.to_string();
        let id = id.to_string();
        self.inner
            .writer
            .call(move |c| {
                let n = execute(
                    c,
                    &sql::delete_doc(coll.table()),
                    &[text(&project), text(&id), Value::Integer(expected_version)],
                )
                .map_err(backend)?;
                if n == 0 {
                    return Err(version_of(c, coll.table(), &project, &id));
                }
                execute(
                    c,
                    sql::DELETE_CLAIMS,
                    &[text(&project), text(coll.table()), text(&id)],
                )
                .map_err(backend)
                .map(|_| ())
            })
            .await
    }

    async fn query(
        &self,
        coll: Collection,
        project: &str,
        q: &Query,
    ) -> Result<Page, StorageError> {
        let c = sql::query(D, coll.table(), q, None);
        let params = select_params(project, &c.binds, q);
        let count = q
            .with_total
            .then(|| (c.count, count_params(project, &c.count_binds)));
        let select = c.select;
        self.inner
            .readers
            .read(move |conn| {
                let docs = all_rows(conn, &select, &params, row_doc)?;
                let total = match &count {
                    Some((sql, params)) => Some(count_of(conn, sql, params)?),
                    None => None,
                };
                Ok(Page { docs, total })
            })
            .await
    }

    async fn count(
        &self,
        coll: Collection,
        project: &str,
        q: &Query,
        cap: u64,
    ) -> Result<u64, StorageError> {
        let c = sql::query(D, coll.table(), q, Some(cap));
        let params = count_params(project, &c.count_binds);
        let sql = c.count;
        self.inner
            .readers
            .read(move |conn| count_of(conn, &sql, &params))
            .await
    }

    async fn find_claim_owner(
        &self,
        coll: Collection,
        project: &str,
        scope: &str,
        value: &str,
    ) -> Result<Option<String>, StorageError> {
        let params = [text(project), text(coll.table()), text(scope), text(value)];
        self.inner
            .readers
            .read(move |c| first_row(c, sql::FIND_CLAIM_OWNER, &params, |r| r.get(0)))
            .await
    }

    async fn bump_counter(
        &self,
        project: &str,
        key: &str,
        now_ms: i64,
        ttl_ms: i64,
        cap: i64,
    ) -> Result<(i64, i64), StorageError> {
        let params = [
            text(project),
            text(key),
            Value::Integer(now_ms),
            Value::Integer(ttl_ms),
            Value::Integer(cap),
        ];
        self.inner
            .writer
            .call(move |c| {
                first_row(c, sql::BUMP_COUNTER, &params, |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(backend)?
                .ok_or_else(|| {
                    StorageError::Backend("the counter statement returned no row".into())
                })
            })
            .await
    }

    async fn reset_counter(&self, project: &str, key: &str) -> Result<(), StorageError> {
        let params = [text(project), text(key)];
        self.inner
            .writer
            .call(move |c| {
                execute(c, sql::RESET_COUNTER, &params)
                    .map_err(backend)
                    .map(|_| ())
            })
            .await
    }

    async fn purge_counters(&self, now_ms: i64) -> Result<u64, StorageError> {
        self.inner
            .writer
            .call(move |c| {
                execute(c, sql::PURGE_COUNTERS, &[Value::Integer(now_ms)])
                    .map_err(backend)
                    .map(|n| n as u64)
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::url_path;

    #[test]
    fn sqlite_urls() {
        assert_eq!(url_path("sqlite:a.db").unwrap().as_deref(), Some("a.db"));
        assert_eq!(
            url_path("sqlite:///tmp/a.db").unwrap().as_deref(),
            Some("/tmp/a.db")
        );
        assert_eq!(url_path("sqlite::memory:").unwrap(), None);
        assert!(url_path("sqlite:").is_err());
        assert!(url_path("sqlite:a.db?mode=ro").is_err());
        assert!(url_path("postgres://x").is_err());
    }
}
