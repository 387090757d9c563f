//! Storage conformance suite. Every case is one `async fn(Arc<dyn Storage>, Kind)` run on a
//! throw-away SQLite database (a temporary file, `SqliteStore::temporary`) always, and on
//! PostgreSQL when the tests were built with `STOREKEEP_TEST_POSTGRES_URL` set (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`); without it every `…::postgres` test is reported
//! as ignored ("PostgreSQL pass skipped"). Cases use a fresh project key each, so PostgreSQL
//! tests share one database and run in parallel.

// The case bodies are plain async fns (stamped into #[test]s by `cases!`), which clippy's
// allow-*-in-tests settings do not cover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::Arc;

use storekeep_core::storage::{Collection, Doc, Storage, StorageError, Uniqueness};
use storekeep_sql::{Backend, PgStore, SqliteStore};

/// Stamps a `sqlite` and a `postgres` test for each case `async fn(Arc<dyn Storage>, Kind)`;
/// the `postgres` one is ignored ("PostgreSQL pass skipped") when the tests were built without
/// `STOREKEEP_TEST_POSTGRES_URL` (`storekeep_testpg`).
macro_rules! cases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                crate::run(crate::Kind::Sqlite, super::$name).await
            }
            storekeep_testpg::postgres_test! {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    crate::run(crate::Kind::Postgres, super::$name).await
                }
            }
        }
    )*};
}

/// Like `cases!`, for cases that need the concrete backend: `async fn(Backend, Kind)`.
macro_rules! backend_cases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                crate::run_backend(crate::Kind::Sqlite, super::$name).await
            }
            storekeep_testpg::postgres_test! {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    crate::run_backend(crate::Kind::Postgres, super::$name).await
                }
            }
        }
    )*};
}

mod carts;
mod claims;
mod counters;
mod customers;
mod docs;
mod explain;
mod fixture;
mod query;
mod sort;

/// Which backend a case runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// Open a fresh backend of `kind`.
pub async fn open(kind: Kind) -> Backend {
    match kind {
        Kind::Sqlite => Backend::Sqlite(
            SqliteStore::temporary()
                .await
                .expect("open a temporary SQLite database"),
        ),
        Kind::Postgres => Backend::Postgres(
            PgStore::connect(&storekeep_testpg::url(), 8)
                .await
                .expect("connect to PostgreSQL"),
        ),
    }
}

/// Run a case on the port.
pub async fn run<F, Fut>(kind: Kind, case: F)
where
    F: FnOnce(Arc<dyn Storage>, Kind) -> Fut,
    Fut: Future<Output = ()>,
{
    let backend = open(kind).await;
    case(backend.storage(), kind).await;
    backend.close().await;
}

/// Run a case on the concrete backend.
pub async fn run_backend<F, Fut>(kind: Kind, case: F)
where
    F: FnOnce(Backend, Kind) -> Fut,
    Fut: Future<Output = ()>,
{
    let backend = open(kind).await;
    case(backend.clone(), kind).await;
    backend.close().await;
}

/// A fresh project key: documents of different projects never see each other.
pub fn project() -> String {
    format!("test-{}", uuid::Uuid::new_v4())
}

/// A timestamp in the API format for day `day` of 2024 (1-based, any value ≤ 366).
pub fn ts(day: u32) -> String {
    let d = chrono::NaiveDate::from_yo_opt(2024, day)
        .expect("valid day")
        .and_hms_opt(0, 0, 0)
        .expect("valid time")
        .and_utc();
    storekeep_core::common::format_timestamp(d)
}

/// A document with the given envelope and body.
pub fn doc(id: &str, key: Option<&str>, version: i64, body: serde_json::Value) -> Doc {
    Doc {
        id: id.to_string(),
        key: key.map(str::to_string),
        version,
        created_at: ts(1),
        last_modified_at: ts(1),
        body: body.to_string(),
        secret: None,
    }
}

/// No claims, exclusions or locks.
pub fn none() -> Uniqueness {
    Uniqueness::default()
}

/// Insert into the stores collection without uniqueness, failing the test on error.
pub async fn put(store: &Arc<dyn Storage>, project: &str, d: &Doc) {
    store
        .insert(Collection::Stores, project, d, &none())
        .await
        .unwrap_or_else(|e| panic!("insert {}: {e}", d.id));
}

/// The body as JSON (PostgreSQL normalises the text of JSONB).
pub fn body(d: &Doc) -> serde_json::Value {
    serde_json::from_str(&d.body).expect("stored body is JSON")
}

/// Assert that a write failed with exactly `want`.
pub fn assert_err(got: Result<(), StorageError>, want: StorageError, what: &str) {
    assert_eq!(got, Err(want), "{what}");
}
