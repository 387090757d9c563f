//! The SQLite backend: one writer connection (SQLite allows one writer at a time; a single
//! connection makes that explicit and avoids busy retries) driven by a group-commit task
//! (`sqlite_writer`), and a pool of readers; WAL, `synchronous=FULL`, foreign keys on, a busy
//! timeout.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, SqliteConnection};
use storekeep_core::query::Query;
use storekeep_core::storage::{Collection, Doc, Lookup, Page, Storage, StorageError, Uniqueness};

use crate::compile::Bind;
use crate::dialect::Dialect;
use crate::sqlite_writer::{WriteOp, Writer};
use crate::{counters, migrate, sql};

const D: Dialect = Dialect::Sqlite;

type Q<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

/// The SQLite storage backend.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Group-commit writer task for document writes (see `sqlite_writer`).
    docs: Writer,
}

fn backend(e: sqlx::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

fn is_unique(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn bind<'q>(q: Q<'q>, b: &'q Bind) -> Q<'q> {
    match b {
        Bind::Text(s) => q.bind(s.as_str()),
        Bind::Int(i) => q.bind(*i),
        Bind::Float(f) => q.bind(*f),
        // Never produced for SQLite (paths are bound as text).
        Bind::TextArray(v) => q.bind(v.join(".")),
    }
}

fn row_doc(r: &SqliteRow) -> Result<Doc, StorageError> {
    Ok(Doc {
        id: r.try_get(0).map_err(backend)?,
        key: r.try_get(1).map_err(backend)?,
        version: r.try_get(2).map_err(backend)?,
        created_at: r.try_get(3).map_err(backend)?,
        last_modified_at: r.try_get(4).map_err(backend)?,
        body: r.try_get(5).map_err(backend)?,
    })
}

impl SqliteStore {
    /// Open (creating if missing) the database at a `sqlite:` URL and run the migrations.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .connect_with(opts.clone())
            .await
            .map_err(backend)?;
        let store = SqliteStore {
            reader: writer.clone(),
            docs: Writer::start(writer.clone()),
            writer,
        };
        store.migrate().await?;
        let reader = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await
            .map_err(backend)?;
        Ok(SqliteStore { reader, ..store })
    }

    /// A private in-memory database (one connection shared by readers and the writer).
    pub async fn in_memory() -> Result<Self, StorageError> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(backend)?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await
            .map_err(backend)?;
        let store = SqliteStore {
            writer: pool.clone(),
            docs: Writer::start(pool.clone()),
            reader: pool,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        sqlx::query(migrate::CREATE_TABLE)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for m in migrate::SQLITE {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM storekeep_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
            if done.is_some() {
                continue;
            }
            for stmt in &migrate::statements(m.sql) {
                sqlx::query(stmt).execute(&mut *tx).await.map_err(backend)?;
            }
            sqlx::query(
                "INSERT INTO storekeep_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(storekeep_core::common::now_timestamp())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            tracing::info!(migration = m.name, "applied migration");
        }
        tx.commit().await.map_err(backend)?;
        self.seed_planner_stats().await
    }

    /// Give a never-analysed database planner statistics. Without any, SQLite guesses that
    /// `project_key = ?` selects about ten rows and scans the whole project through the
    /// primary key instead of using an expression index such as `customers_email`. The seeded
    /// rows say "many documents per project, about one per indexed value"; a later `ANALYZE`
    /// replaces them with measured ones. Tables that have statistics are left alone.
    async fn seed_planner_stats(&self) -> Result<(), StorageError> {
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
             AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = m.tbl_name)",
            tables.join(", ")
        );
        let mut conn = self.writer.acquire().await.map_err(backend)?;
        // Creates the statistics table if missing; analyses no table.
        sqlx::query("ANALYZE sqlite_schema")
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        let indexes: Vec<(String, String, i64)> = sqlx::query_as(&list)
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?;
        if indexes.is_empty() {
            return Ok(());
        }
        for (table, index, columns) in indexes {
            // Claims: one collection name covers most rows, so only `value` (or the owner)
            // narrows a search; without this the planner scanned every claim of a collection
            // through `claims_owner` to check an exclusion (milliseconds per sign-up at 100k).
            let (mut stat, fixed) = if table == "claims" {
                (String::from("1000000 100000 100000"), 2)
            } else {
                (String::from("1000000 10000"), 1)
            };
            for _ in fixed..columns {
                stat.push_str(" 1");
            }
            sqlx::query("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ($1, $2, $3)")
                .bind(table)
                .bind(index)
                .bind(stat)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
        }
        // Reload the statistics into this connection (readers opened later load them).
        sqlx::query("ANALYZE sqlite_schema")
            .execute(&mut *conn)
            .await
            .map_err(backend)
            .map(|_| ())
    }

    async fn run_count(
        &self,
        project: &str,
        text: &str,
        binds: &[Bind],
    ) -> Result<u64, StorageError> {
        let mut q = sqlx::query(text).bind(project);
        for b in binds {
            q = bind(q, b);
        }
        let row = q.fetch_one(&self.reader).await.map_err(backend)?;
        let n: i64 = row.try_get(0).map_err(backend)?;
        Ok(n.max(0) as u64)
    }

    /// Close all connections (checkpointing the WAL).
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// Run `PRAGMA integrity_check`; `Ok(true)` when the database is sound.
    pub async fn integrity_check(&self) -> Result<bool, StorageError> {
        let r: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.writer)
            .await
            .map_err(backend)?;
        Ok(r == "ok")
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
        let mut qq = sqlx::query(&text).bind(project);
        for b in &c.binds {
            qq = bind(qq, b);
        }
        let rows = qq
            .bind(i64::from(q.limit))
            .bind(i64::from(q.offset))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        let mut out = String::new();
        for r in rows {
            let detail: String = r.try_get(3).map_err(backend)?;
            out.push_str(&detail);
            out.push('\n');
        }
        Ok(out)
    }
}

pub(crate) async fn write_uniq(
    conn: &mut SqliteConnection,
    coll: Collection,
    project: &str,
    owner: &str,
    u: &Uniqueness,
    replace: bool,
) -> Result<(), StorageError> {
    let c = coll.table();
    for lock in &u.locks {
        sqlx::query(sql::LOCK_CLAIM)
            .bind(project)
            .bind(lock)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for ex in &u.exclusions {
        let hit: Option<String> = sqlx::query_scalar(sql::FIND_EXCLUDED)
            .bind(project)
            .bind(c)
            .bind(&ex.value)
            .bind(&ex.scope_prefix)
            .bind(ex.scope_prefix.chars().count() as i64)
            .bind(owner)
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
        if let Some(scope) = hit {
            return Err(StorageError::DuplicateClaim {
                scope,
                value: ex.value.clone(),
            });
        }
    }
    if replace {
        sqlx::query(sql::DELETE_CLAIMS)
            .bind(project)
            .bind(c)
            .bind(owner)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for cl in &u.claims {
        let r = sqlx::query(sql::INSERT_CLAIM)
            .bind(project)
            .bind(c)
            .bind(&cl.scope)
            .bind(&cl.value)
            .bind(owner)
            .execute(&mut *conn)
            .await;
        match r {
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

pub(crate) async fn version_of(
    conn: &mut SqliteConnection,
    table: &str,
    project: &str,
    id: &str,
) -> Result<StorageError, StorageError> {
    let v: Option<i64> = sqlx::query_scalar(&sql::current_version(table))
        .bind(project)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(match v {
        Some(current_version) => StorageError::VersionConflict { current_version },
        None => StorageError::NotFound,
    })
}

#[async_trait]
impl Storage for SqliteStore {
    async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map_err(backend)
            .map(|_| ())
    }

    async fn insert(
        &self,
        coll: Collection,
        project: &str,
        doc: &Doc,
        uniq: &Uniqueness,
    ) -> Result<(), StorageError> {
        self.docs
            .write(WriteOp::Insert {
                coll,
                project: project.to_string(),
                doc: doc.clone(),
                uniq: uniq.clone(),
            })
            .await
    }

    async fn get(
        &self,
        coll: Collection,
        project: &str,
        by: Lookup<'_>,
    ) -> Result<Option<Doc>, StorageError> {
        let (text, v) = match by {
            Lookup::Id(id) => (sql::get_by_id(D, coll.table()), id),
            Lookup::Key(key) => (sql::get_by_key(D, coll.table()), key),
        };
        let row = sqlx::query(&text)
            .bind(project)
            .bind(v)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(row_doc).transpose()
    }

    async fn update(
        &self,
        coll: Collection,
        project: &str,
        expected_version: i64,
        doc: &Doc,
        uniq: Option<&Uniqueness>,
    ) -> Result<(), StorageError> {
        self.docs
            .write(WriteOp::Update {
                coll,
                project: project.to_string(),
                expected: expected_version,
                doc: doc.clone(),
                uniq: uniq.cloned(),
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
        self.docs
            .write(WriteOp::Delete {
                coll,
                project: project.to_string(),
                id: id.to_string(),
                expected: expected_version,
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
        let mut sel = sqlx::query(&c.select).bind(project);
        for b in &c.binds {
            sel = bind(sel, b);
        }
        let rows = sel
            .bind(i64::from(q.limit))
            .bind(i64::from(q.offset))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        let docs = rows.iter().map(row_doc).collect::<Result<Vec<_>, _>>()?;
        let total = if q.with_total {
            Some(self.run_count(project, &c.count, &c.count_binds).await?)
        } else {
            None
        };
        Ok(Page { docs, total })
    }

    async fn count(
        &self,
        coll: Collection,
        project: &str,
        q: &Query,
        cap: u64,
    ) -> Result<u64, StorageError> {
        let c = sql::query(D, coll.table(), q, Some(cap));
        self.run_count(project, &c.count, &c.count_binds).await
    }

    async fn find_claim_owner(
        &self,
        coll: Collection,
        project: &str,
        scope: &str,
        value: &str,
    ) -> Result<Option<String>, StorageError> {
        sqlx::query_scalar(sql::FIND_CLAIM_OWNER)
            .bind(project)
            .bind(coll.table())
            .bind(scope)
            .bind(value)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)
    }

    async fn bump_counter(
        &self,
        project: &str,
        key: &str,
        now_ms: i64,
        ttl_ms: i64,
        cap: i64,
    ) -> Result<(i64, i64), StorageError> {
        counters::bump_sqlite(&self.writer, project, key, now_ms, ttl_ms, cap).await
    }

    async fn reset_counter(&self, project: &str, key: &str) -> Result<(), StorageError> {
        counters::reset_sqlite(&self.writer, project, key).await
    }

    async fn purge_counters(&self, now_ms: i64) -> Result<u64, StorageError> {
        counters::purge_sqlite(&self.writer, now_ms).await
    }
}
