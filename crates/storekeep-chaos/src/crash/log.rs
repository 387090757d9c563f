//! The client-side log of a crash run: one JSON object per line, appended by the writers.
//!
//! `t` is `ack` (the server answered 2xx: the write is acknowledged and must survive),
//! `unknown` (no answer, a 5xx or a time-out: the write may or may not have happened),
//! `adopt` (a create with an unknown outcome that a later read found), `lost` (a read saw a
//! version older than an acknowledged one: versions `from..=to` of `id` were lost) or `token`
//! (an access token was issued, or — `lost: true` — an issued one was refused later).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use anyhow::{anyhow, Context};
use serde_json::Value;

/// What the writers count while they run.
#[derive(Debug, Default)]
pub struct Counters {
    /// Acknowledged writes (creates and updates; tokens apart).
    pub acked: AtomicU64,
    /// Writes with an unknown outcome (connection lost, time-out, 5xx).
    pub unknown: AtomicU64,
    /// 5xx answers among them.
    pub server_errors: AtomicU64,
    /// 409 answers (only expected after an unknown outcome).
    pub conflicts: AtomicU64,
    /// 4xx answers other than 409 and 401: a write refused for no good reason.
    pub rejected: AtomicU64,
    /// Acknowledged versions found missing by a read during the run.
    pub lost_in_run: AtomicU64,
    /// Access tokens issued / refused after having been issued.
    pub tokens: AtomicU64,
    pub tokens_lost: AtomicU64,
    /// Creates with an unknown outcome found later.
    pub adopted: AtomicU64,
}

impl Counters {
    /// Add one to a counter.
    pub fn bump(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// A counter's value.
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }
}

/// The append-only log file.
pub struct AckLog {
    path: PathBuf,
    file: Mutex<BufWriter<File>>,
}

impl AckLog {
    /// Create (truncate) the log at `path`.
    pub fn create(path: &Path) -> anyhow::Result<AckLog> {
        let file =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(AckLog {
            path: path.to_path_buf(),
            file: Mutex::new(BufWriter::new(file)),
        })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one entry.
    pub fn append(&self, entry: &Value) -> anyhow::Result<()> {
        let mut f = self
            .file
            .lock()
            .map_err(|_| anyhow!("the log lock is poisoned"))?;
        serde_json::to_writer(&mut *f, entry)?;
        f.write_all(b"\n")?;
        Ok(())
    }

    /// Write buffered entries to the file.
    pub fn flush(&self) -> anyhow::Result<()> {
        self.file
            .lock()
            .map_err(|_| anyhow!("the log lock is poisoned"))?
            .flush()?;
        Ok(())
    }
}

/// Read every entry of a log file.
pub fn read(path: &Path) -> anyhow::Result<Vec<Value>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(anyhow::Error::from))
        .collect()
}
