//! The counters of the storage port (`bump_counter`, `reset_counter`, `purge_counters`) on
//! PostgreSQL, with the shared SQL of `sql.rs` (SQLite runs the same statements in
//! `sqlite.rs`). A counter is one row updated by one `INSERT … ON CONFLICT DO UPDATE …
//! RETURNING` statement, so concurrent increments from several connections or storekeep
//! instances are never lost.

use sqlx::{PgPool, Row};
use storekeep_core::storage::StorageError;

use crate::sql;

fn backend(e: sqlx::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

/// `bump_counter` on PostgreSQL.
pub async fn bump_postgres(
    pool: &PgPool,
    project: &str,
    key: &str,
    now_ms: i64,
    ttl_ms: i64,
    cap: i64,
) -> Result<(i64, i64), StorageError> {
    let row = sqlx::query(sql::BUMP_COUNTER)
        .bind(project)
        .bind(key)
        .bind(now_ms)
        .bind(ttl_ms)
        .bind(cap)
        .fetch_one(pool)
        .await
        .map_err(backend)?;
    Ok((
        row.try_get(0).map_err(backend)?,
        row.try_get(1).map_err(backend)?,
    ))
}

/// `reset_counter` on PostgreSQL.
pub async fn reset_postgres(pool: &PgPool, project: &str, key: &str) -> Result<(), StorageError> {
    sqlx::query(sql::RESET_COUNTER)
        .bind(project)
        .bind(key)
        .execute(pool)
        .await
        .map_err(backend)
        .map(|_| ())
}

/// `purge_counters` on PostgreSQL.
pub async fn purge_postgres(pool: &PgPool, now_ms: i64) -> Result<u64, StorageError> {
    sqlx::query(sql::PURGE_COUNTERS)
        .bind(now_ms)
        .execute(pool)
        .await
        .map_err(backend)
        .map(|r| r.rows_affected())
}
