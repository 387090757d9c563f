//! The server a measuring tool (`timing`, `soak`) talks to: either one it starts itself (a
//! scratch SQLite file or a fresh PostgreSQL database, bootstrapped credentials) or one that
//! is already running on loopback with given credentials.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;

use crate::client::{Credentials, Http};
use crate::crash::BackendChoice;
use crate::db::PgDatabase;
use crate::server::{self, Instance, ServerSpec};

/// Which server to measure.
#[derive(Debug, Clone)]
pub enum TargetChoice {
    /// Start `bin` with `extra_args` after `serve`.
    Spawn {
        bin: PathBuf,
        backend: BackendChoice,
        extra_args: Vec<String>,
        log_filter: String,
    },
    /// A running server (its PID, if given, for RSS sampling).
    Running {
        base: String,
        creds: Credentials,
        pid: Option<u32>,
    },
}

/// An open target.
pub struct Target {
    pub base: String,
    pub creds: Credentials,
    pid: Option<u32>,
    instance: Option<Instance>,
    pg: Option<PgDatabase>,
    scratch: Option<PathBuf>,
    /// What the server runs on, for the report.
    pub description: String,
}

impl Target {
    /// Start (or attach to) the server and wait until it is ready.
    pub async fn open(choice: &TargetChoice, prefix: &str) -> anyhow::Result<Target> {
        match choice {
            TargetChoice::Running { base, creds, pid } => {
                if !(base.starts_with("http://127.0.0.1") || base.starts_with("http://localhost")) {
                    bail!("the tools only talk to loopback servers (http://127.0.0.1:PORT)");
                }
                Ok(Target {
                    base: base.trim_end_matches('/').to_string(),
                    creds: creds.clone(),
                    pid: *pid,
                    instance: None,
                    pg: None,
                    scratch: None,
                    description: format!("running server at {base}"),
                })
            }
            TargetChoice::Spawn {
                bin,
                backend,
                extra_args,
                log_filter,
            } => {
                let scratch = server::scratch_dir(&format!("storekeep-chaos-{prefix}"))?;
                let (url, pg, description) = match backend {
                    BackendChoice::Sqlite => (
                        format!("sqlite:{}", scratch.join("storekeep.db").display()),
                        None,
                        "SQLite (file in a scratch directory)".to_string(),
                    ),
                    BackendChoice::Postgres { url, reuse } => {
                        let pg =
                            PgDatabase::open(url, *reuse, &format!("storekeep_{prefix}")).await?;
                        (
                            pg.url.clone(),
                            Some(pg),
                            "PostgreSQL (fresh database)".into(),
                        )
                    }
                };
                let creds = server::random_creds(&format!(
                    "{prefix}-{:06x}",
                    rand::random::<u32>() & 0xff_ffff
                ));
                let spec = ServerSpec {
                    bin: bin.clone(),
                    database_url: url,
                    creds: creds.clone(),
                    extra_args: extra_args.clone(),
                    log_dir: scratch.clone(),
                    log_filter: log_filter.clone(),
                };
                let mut inst = Instance::new(spec, 0)?;
                inst.start()?;
                inst.wait_ready(&Http::new(1), Duration::from_secs(60))
                    .await?;
                Ok(Target {
                    base: inst.base(),
                    creds,
                    pid: inst.pid(),
                    instance: Some(inst),
                    pg,
                    scratch: Some(scratch),
                    description,
                })
            }
        }
    }

    /// The server's process id, when known.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Panics recorded in the started server's log.
    pub fn panics(&self) -> usize {
        self.instance
            .as_ref()
            .map(|i| server::panics_in(&i.log_path()))
            .unwrap_or(0)
    }

    /// The size of the SQLite database files (main + WAL), when the target started one.
    pub fn sqlite_bytes(&self) -> Option<u64> {
        let dir = self.scratch.as_ref()?;
        if self.pg.is_some() {
            return None;
        }
        let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        Some(size(dir.join("storekeep.db")) + size(dir.join("storekeep.db-wal")))
    }

    /// Stop a started server gracefully and remove what it used (kept with `keep`).
    pub async fn close(mut self, keep: bool) -> anyhow::Result<()> {
        if let Some(inst) = self.instance.as_mut() {
            inst.stop(Duration::from_secs(20)).await?;
        }
        if let Some(pg) = &self.pg {
            if keep {
                if let Some(n) = pg.created_name() {
                    eprintln!("kept PostgreSQL database {n}");
                }
            } else {
                pg.drop_created().await?;
            }
        }
        if let Some(dir) = &self.scratch {
            if keep {
                eprintln!("kept {}", dir.display());
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        Ok(())
    }
}
