//! Databases for the tools: a fresh PostgreSQL database per run (created and dropped through
//! a maintenance connection), and the integrity checks — `PRAGMA integrity_check` and
//! `PRAGMA foreign_key_check` on a SQLite file, `amcheck` (`verify_heapam`, `bt_index_check`
//! with heap verification) on PostgreSQL when the extension is available.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};

/// A PostgreSQL database used by one run.
pub struct PgDatabase {
    admin_url: String,
    /// Its name, when this run created it (and drops it).
    created: Option<String>,
    /// The URL the servers use.
    pub url: String,
}

impl PgDatabase {
    /// Create a database with a fresh name on the server of `admin_url` (a URL of any
    /// database there, e.g. `postgres://postgres@127.0.0.1:5432/postgres`); with `reuse`,
    /// use `admin_url`'s database itself (tools partition by project key).
    pub async fn open(admin_url: &str, reuse: bool, prefix: &str) -> anyhow::Result<PgDatabase> {
        if reuse {
            return Ok(PgDatabase {
                admin_url: admin_url.to_string(),
                created: None,
                url: admin_url.to_string(),
            });
        }
        let name = format!(
            "{prefix}_{}_{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        let mut conn = PgConnection::connect(admin_url)
            .await
            .with_context(|| format!("cannot connect to {admin_url}"))?;
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await
            .with_context(|| format!("cannot create database {name}"))?;
        conn.close().await?;
        let mut url = url::Url::parse(admin_url).context("bad PostgreSQL URL")?;
        url.set_path(&format!("/{name}"));
        Ok(PgDatabase {
            admin_url: admin_url.to_string(),
            created: Some(name),
            url: url.to_string(),
        })
    }

    /// The database's name when this run created it.
    pub fn created_name(&self) -> Option<&str> {
        self.created.as_deref()
    }

    /// Drop the database if this run created it.
    pub async fn drop_created(&self) -> anyhow::Result<()> {
        let Some(name) = &self.created else {
            return Ok(());
        };
        let mut conn = PgConnection::connect(&self.admin_url).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .with_context(|| format!("cannot drop database {name}"))?;
        conn.close().await?;
        Ok(())
    }
}

/// Problems an integrity check reported (empty: sound).
pub type Problems = Vec<String>;

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` on a SQLite file (opened
/// read-write so that a left-over WAL is recovered first, as the server would).
pub async fn sqlite_check(path: &Path) -> anyhow::Result<Problems> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {}", path.display()))?;
    let mut problems: Problems = Vec::new();
    let mut st = conn.prepare("PRAGMA integrity_check")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let line: String = r.get(0)?;
        if line != "ok" {
            problems.push(line);
        }
    }
    drop(rows);
    drop(st);
    let mut st = conn.prepare("PRAGMA foreign_key_check")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let table: String = r.get(0).unwrap_or_default();
        problems.push(format!("foreign key violation in {table}"));
    }
    drop(rows);
    drop(st);
    conn.close().map_err(|(_, e)| e)?;
    Ok(problems)
}

/// Copy a crashed SQLite database (main file and WAL, not the shared-memory index, which
/// SQLite rebuilds) into `dir` and check the copy, so the server's own recovery on restart
/// still starts from the crashed files.
pub async fn sqlite_check_copy(db: &Path, dir: &Path) -> anyhow::Result<Problems> {
    std::fs::create_dir_all(dir)?;
    let copy: PathBuf = dir.join("check.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    std::fs::copy(db, &copy).with_context(|| format!("cannot copy {}", db.display()))?;
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}-wal", copy.display()))?;
    }
    sqlite_check(&copy).await
}

/// `amcheck` over every table and B-tree index of the `public` schema. `Ok(None)` when the
/// extension cannot be installed (the check is then skipped, and the report says so).
pub async fn pg_check(url: &str) -> anyhow::Result<Option<Problems>> {
    let mut conn = PgConnection::connect(url).await?;
    if sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck")
        .execute(&mut conn)
        .await
        .is_err()
    {
        conn.close().await?;
        return Ok(None);
    }
    let mut problems = Problems::new();
    let heap = sqlx::query(
        "SELECT c.relname::text, v.blkno, v.msg FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         CROSS JOIN LATERAL verify_heapam(c.oid) v \
         WHERE n.nspname = 'public' AND c.relkind = 'r'",
    )
    .fetch_all(&mut conn)
    .await?;
    for row in heap {
        let rel: String = row.try_get(0).unwrap_or_default();
        let msg: String = row.try_get(2).unwrap_or_default();
        problems.push(format!("heap {rel}: {msg}"));
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam \
         WHERE n.nspname = 'public' AND a.amname = 'btree'",
    )
    .fetch_all(&mut conn)
    .await?;
    for index in indexes {
        let r = sqlx::query("SELECT bt_index_check(c.oid, true) FROM pg_class c WHERE c.relname = $1 AND c.relnamespace = 'public'::regnamespace")
            .bind(&index)
            .execute(&mut conn)
            .await;
        if let Err(e) = r {
            problems.push(format!("index {index}: {e}"));
        }
    }
    conn.close().await?;
    Ok(Some(problems))
}
