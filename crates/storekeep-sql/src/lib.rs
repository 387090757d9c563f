//! storekeep's storage backends: SQLite (embedded default) and PostgreSQL (production, several
//! instances). Both implement the core [`Storage`](storekeep_core::storage::Storage) port with
//! the same SQL text (`sql.rs`), a small [`Dialect`](dialect::Dialect) for the differences, and
//! one compiler from validated filters to SQL (`compile.rs`). Nothing here knows what a
//! Customer or a Store means.

pub mod compile;
mod counters;
pub mod dialect;
pub mod migrate;
pub mod postgres;
pub mod sql;
pub mod sqlite;
mod sqlite_conn;

use std::sync::Arc;

use storekeep_core::storage::{Storage, StorageError};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// An opened backend.
#[derive(Clone)]
pub enum Backend {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Backend {
    /// Open the database a URL names: `sqlite:…` or `postgres://…`/`postgresql://…`.
    pub async fn open(url: &str, pg_max_connections: u32) -> Result<Backend, OpenError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite(SqliteStore::connect(url).await?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(
                PgStore::connect(url, pg_max_connections).await?,
            ))
        } else {
            Err(OpenError::Scheme(url.to_string()))
        }
    }

    /// The backend as the core port.
    pub fn storage(&self) -> Arc<dyn Storage> {
        match self {
            Backend::Sqlite(s) => Arc::new(s.clone()),
            Backend::Postgres(p) => Arc::new(p.clone()),
        }
    }

    /// Close connections cleanly.
    pub async fn close(&self) {
        match self {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }
}

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the database URL must start with 'sqlite:' (e.g. sqlite:storekeep.db) or 'postgres://' (e.g. postgres://user@localhost/storekeep); got '{0}'")]
    Scheme(String),
    #[error("{0}")]
    Storage(#[from] StorageError),
}
