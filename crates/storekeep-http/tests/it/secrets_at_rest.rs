//! Secrets at rest (issue 10 item 5): after the representative workload of `logs.rs` — API
//! client secrets, access and refresh tokens of every flow, customer passwords, password-reset
//! and email tokens — the database holds none of the plain values, only hashes.
//!
//! - SQLite: a database file in a temporary directory; every column of every table of
//!   `sqlite_master` read as text, and the raw bytes of the database and WAL files.
//! - PostgreSQL: a fresh database on the test server (created and dropped here, so the dump is
//!   complete and small); every row of every table of the schema as `row_to_json`.
//!
//! A positive control makes sure the dump is real: it holds the customers' emails, the client
//! ids and Argon2id hashes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sqlx::Connection;
use storekeep_core::storage::Storage;
use storekeep_sql::{PgStore, SqliteStore};

use crate::harness::{Harness, Kind};
use crate::log_capture::Watch;
use crate::logs::workload;

/// Values that must be in a real dump of the workload's database.
fn controls(h: &Harness) -> Vec<String> {
    vec![
        "cust@log.test".into(),
        "sess@log.test".into(),
        h.admin_id.clone(),
        "$argon2id$".into(),
    ]
}

/// Assert the dump holds the controls and none of the secrets.
fn assert_only_hashes(dump: &[u8], controls: &[String], secrets: &[(&str, String)], what: &str) {
    let has = |needle: &[u8]| dump.windows(needle.len()).any(|w| w == needle);
    assert!(
        dump.len() > 1000,
        "{what}: a real dump ({} bytes)",
        dump.len()
    );
    for c in controls {
        assert!(has(c.as_bytes()), "{what}: the dump holds {c}");
    }
    for (name, value) in secrets {
        assert!(
            !has(value.as_bytes()),
            "{what}: the {name} is stored in plain text"
        );
    }
    println!(
        "{what}: {} bytes searched for {} secrets",
        dump.len(),
        secrets.len()
    );
}

/// A fresh temporary directory.
fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("storekeep-secrets-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every column of every table as text, one line per row.
async fn sqlite_dump(path: &Path) -> Vec<u8> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() >= 8, "{tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("PRAGMA table_info(\"{t}\")"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>("name"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let select: Vec<String> = cols
            .iter()
            .map(|c| format!("CAST(\"{c}\" AS BLOB)"))
            .collect();
        let mut st = conn
            .prepare(&format!("SELECT {} FROM \"{t}\"", select.join(", ")))
            .unwrap();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..cols.len() {
                let v: Option<Vec<u8>> = r.get(i).unwrap();
                out.extend(v.unwrap_or_default());
                out.push(b'\t');
            }
            out.push(b'\n');
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_holds_only_hashes() {
    let dir = temp_dir();
    let file = dir.join("secrets.db");
    let store = SqliteStore::connect(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    let storage: Arc<dyn Storage> = Arc::new(store.clone());
    let h = Harness::over(Kind::Sqlite, storage, Watch::start())
        .await
        .cheap_passwords();
    let secrets = workload(&h).await;
    let controls = controls(&h);
    assert_only_hashes(
        &sqlite_dump(&file).await,
        &controls,
        &secrets,
        "SQLite tables",
    );
    store.close().await;
    // The files themselves, free pages and the WAL included.
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        raw.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert_only_hashes(&raw, &controls, &secrets, "SQLite files");
    drop(h);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The URL of another database on the server of `url`.
fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).unwrap();
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// Every row of every table of the current schema, as JSON text.
async fn postgres_dump(url: &str) -> Vec<u8> {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(tables.len() >= 8, "{tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT row_to_json(t)::text FROM \"{t}\" t"))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for r in rows {
            out.extend(r.into_bytes());
            out.push(b'\n');
        }
    }
    conn.close().await.unwrap();
    out
}

storekeep_testpg::postgres_test! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_database_holds_only_hashes() {
        let url = storekeep_testpg::url();
        let db = format!("storekeep_secrets_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {db}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let fresh = with_database(&url, &db);
        let store = PgStore::connect(&fresh, 4).await.unwrap();
        let storage: Arc<dyn Storage> = Arc::new(store.clone());
        let h = Harness::over(Kind::Postgres, storage, Watch::start())
            .await
            .cheap_passwords();
        let secrets = workload(&h).await;
        let controls = controls(&h);
        let dump = postgres_dump(&fresh).await;
        store.close().await;
        drop(h);
        sqlx::query(&format!("DROP DATABASE {db} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .unwrap();
        // Checked after the database is dropped, so a failure leaves nothing behind.
        assert_only_hashes(&dump, &controls, &secrets, "PostgreSQL rows");
    }
}
