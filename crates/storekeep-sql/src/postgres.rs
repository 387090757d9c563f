//! The PostgreSQL backend: a connection pool, JSONB bodies, read-committed transactions.
//! Writers of the same claim value serialise on a `claim_locks` row, so uniqueness checks
//! that span several claims stay race-free with several storekeep instances.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row};
use storekeep_core::query::Query;
use storekeep_core::storage::{Collection, Doc, Lookup, Page, Storage, StorageError, Uniqueness};

use crate::compile::Bind;
use crate::dialect::Dialect;
use crate::{counters, migrate, sql};

const D: Dialect = Dialect::Postgres;
/// The advisory lock id held while migrating (several instances may start at once).
const MIGRATION_LOCK: i64 = 0x5354_4f52_454b_4550;

type Q<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// The PostgreSQL storage backend.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

fn backend(e: sqlx::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

/// Set the read budget for the rest of the transaction: one statement of a query (the page or
/// its total) may run for [`crate::sqlite_conn::READ_BUDGET`], the budget of a SQLite read on
/// the blocking pool. Past it PostgreSQL cancels the statement (SQLSTATE 57014) and the
/// request is answered `QueryTimedOut`. A query whose request goes away is not cancelled on
/// the server (sqlx sends no cancel request); this budget bounds it.
fn set_read_budget() -> String {
    format!(
        "SET LOCAL statement_timeout = {}",
        crate::sqlite_conn::READ_BUDGET.as_millis()
    )
}

/// An error of a budgeted read: a statement cancelled by `statement_timeout` is `TimedOut`.
fn read_error(e: sqlx::Error) -> StorageError {
    match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("57014") => {
            StorageError::TimedOut
        }
        _ => backend(e),
    }
}

fn is_unique(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn bind<'q>(q: Q<'q>, b: &'q Bind) -> Q<'q> {
    match b {
        Bind::Text(s) => q.bind(s.as_str()),
        Bind::Int(i) => q.bind(*i),
        Bind::Float(f) => q.bind(*f),
        Bind::TextArray(v) => q.bind(v.as_slice()),
    }
}

fn row_doc(r: &PgRow) -> Result<Doc, StorageError> {
    Ok(Doc {
        id: r.try_get(0).map_err(backend)?,
        key: r.try_get(1).map_err(backend)?,
        version: r.try_get(2).map_err(backend)?,
        created_at: r.try_get(3).map_err(backend)?,
        last_modified_at: r.try_get(4).map_err(backend)?,
        body: r.try_get(5).map_err(backend)?,
        secret: r.try_get(6).map_err(backend)?,
    })
}

impl PgStore {
    /// Connect to a `postgres://` URL with a pool of `max_connections` and run the migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StorageError> {
        let opts = PgConnectOptions::from_str(url).map_err(backend)?;
        let pool = PgPoolOptions::new()
            // No ping before every acquire: it cost a database round trip per query. A
            // broken connection surfaces as an error on use and is then discarded.
            .test_before_acquire(false)
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(backend)?;
        let store = PgStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        let r = migrate_locked(&mut conn).await;
        let unlock = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await;
        r?;
        unlock.map_err(backend).map(|_| ())
    }

    /// Close the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The query plan of a compiled query (for index checks in tests).
    pub async fn explain(
        &self,
        coll: Collection,
        project: &str,
        q: &Query,
    ) -> Result<String, StorageError> {
        let c = sql::query(D, coll.table(), q, None);
        let text = format!("EXPLAIN {}", c.select);
        let mut qq = sqlx::query(&text).bind(project);
        for b in &c.binds {
            qq = bind(qq, b);
        }
        let rows = qq
            .bind(i64::from(q.limit))
            .bind(i64::from(q.offset))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let mut out = String::new();
        for r in rows {
            let line: String = r.try_get(0).map_err(backend)?;
            out.push_str(&line);
            out.push('\n');
        }
        Ok(out)
    }

    /// Run a count query on `conn` (inside the budgeted transaction of a read).
    async fn run_count(
        conn: &mut PgConnection,
        project: &str,
        text: &str,
        binds: &[Bind],
    ) -> Result<u64, StorageError> {
        let mut q = sqlx::query(text).bind(project);
        for b in binds {
            q = bind(q, b);
        }
        let row = q.fetch_one(&mut *conn).await.map_err(read_error)?;
        let n: i64 = row.try_get(0).map_err(backend)?;
        Ok(n.max(0) as u64)
    }

    /// A transaction whose statements run under the read budget. Dropped unfinished (the
    /// request went away), sqlx rolls it back.
    async fn budgeted(&self) -> Result<sqlx::Transaction<'static, Postgres>, StorageError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query(&set_read_budget())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        Ok(tx)
    }
}

async fn migrate_locked(conn: &mut PgConnection) -> Result<(), StorageError> {
    sqlx::query(migrate::CREATE_TABLE)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    for m in migrate::POSTGRES {
        let done: Option<i64> =
            sqlx::query_scalar("SELECT version FROM storekeep_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
        if done.is_some() {
            continue;
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(backend)?;
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
        tx.commit().await.map_err(backend)?;
        tracing::info!(migration = m.name, "applied migration");
    }
    Ok(())
}

async fn write_uniq(
    conn: &mut PgConnection,
    coll: Collection,
    project: &str,
    owner: &str,
    u: &Uniqueness,
    replace: bool,
) -> Result<(), StorageError> {
    let c = coll.table();
    let mut locks: Vec<&String> = u.locks.iter().collect();
    locks.sort();
    locks.dedup();
    for lock in locks {
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
            .bind(ex.scope_prefix.chars().count() as i32)
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

async fn version_of(
    conn: &mut PgConnection,
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
impl Storage for PgStore {
    async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
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
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let r = sqlx::query(&sql::insert_doc(D, coll.table()))
            .bind(project)
            .bind(&doc.id)
            .bind(&doc.key)
            .bind(doc.version)
            .bind(&doc.created_at)
            .bind(&doc.last_modified_at)
            .bind(&doc.body)
            .bind(&doc.secret)
            .execute(&mut *tx)
            .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique(&e) => return Err(StorageError::DuplicateKey),
            Err(e) => return Err(backend(e)),
        }
        write_uniq(&mut tx, coll, project, &doc.id, uniq, false).await?;
        tx.commit().await.map_err(backend)
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
            .fetch_optional(&self.pool)
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
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let r = sqlx::query(&sql::update_doc(D, coll.table()))
            .bind(project)
            .bind(&doc.id)
            .bind(&doc.key)
            .bind(doc.version)
            .bind(&doc.last_modified_at)
            .bind(&doc.body)
            .bind(expected_version)
            .bind(&doc.secret)
            .execute(&mut *tx)
            .await;
        let r = match r {
            Ok(r) => r,
            Err(e) if is_unique(&e) => return Err(StorageError::DuplicateKey),
            Err(e) => return Err(backend(e)),
        };
        if r.rows_affected() == 0 {
            return Err(version_of(&mut tx, coll.table(), project, &doc.id).await?);
        }
        if let Some(u) = uniq {
            write_uniq(&mut tx, coll, project, &doc.id, u, true).await?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn delete(
        &self,
        coll: Collection,
        project: &str,
        id: &str,
        expected_version: i64,
    ) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let r = sqlx::query(&sql::delete_doc(coll.table()))
            .bind(project)
            .bind(id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if r.rows_affected() == 0 {
            return Err(version_of(&mut tx, coll.table(), project, id).await?);
        }
        sqlx::query(sql::DELETE_CLAIMS)
            .bind(project)
            .bind(coll.table())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
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
        let mut tx = self.budgeted().await?;
        let rows = sel
            .bind(i64::from(q.limit))
            .bind(i64::from(q.offset))
            .fetch_all(&mut *tx)
            .await
            .map_err(read_error)?;
        let docs = rows.iter().map(row_doc).collect::<Result<Vec<_>, _>>()?;
        let total = if q.with_total {
            Some(Self::run_count(&mut tx, project, &c.count, &c.count_binds).await?)
        } else {
            None
        };
        tx.commit().await.map_err(backend)?;
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
        let mut tx = self.budgeted().await?;
        let n = Self::run_count(&mut tx, project, &c.count, &c.count_binds).await?;
        tx.commit().await.map_err(backend)?;
        Ok(n)
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
            .fetch_optional(&self.pool)
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
        counters::bump_postgres(&self.pool, project, key, now_ms, ttl_ms, cap).await
    }

    async fn reset_counter(&self, project: &str, key: &str) -> Result<(), StorageError> {
        counters::reset_postgres(&self.pool, project, key).await
    }

    async fn purge_counters(&self, now_ms: i64) -> Result<u64, StorageError> {
        counters::purge_postgres(&self.pool, now_ms).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A statement cancelled by `statement_timeout` is `TimedOut` (needs
    /// `STOREKEEP_TEST_POSTGRES_URL`, like the backend's integration tests).
    #[tokio::test]
    async fn statement_timeouts_are_timed_out_reads() {
        assert_eq!(set_read_budget(), "SET LOCAL statement_timeout = 5000");
        let Ok(url) = std::env::var("STOREKEEP_TEST_POSTGRES_URL") else {
            eprintln!("STOREKEEP_TEST_POSTGRES_URL not set: PostgreSQL part skipped");
            return;
        };
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("SET LOCAL statement_timeout = 20")
            .execute(&mut *tx)
            .await
            .unwrap();
        let e = sqlx::query("SELECT pg_sleep(10)")
            .execute(&mut *tx)
            .await
            .unwrap_err();
        assert_eq!(read_error(e), StorageError::TimedOut);
    }
}
