//! Running storekeep binaries: a free loopback port each, the `CTP_*` bootstrap variables, the
//! output appended to a log file per instance, waiting for `/ready`, `SIGKILL` and restart,
//! resident memory from `/proc`. Only loopback addresses are used.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};

use crate::client::{Credentials, Http};

/// What every instance of one run is started with.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    /// The `storekeep` binary.
    pub bin: PathBuf,
    /// `sqlite:PATH` or `postgres://…`.
    pub database_url: String,
    /// Bootstrapped project and API client (`CTP_*`).
    pub creds: Credentials,
    /// Extra arguments after `serve` (e.g. `--signin-throttle-failures 0`).
    pub extra_args: Vec<String>,
    /// Directory for the instances' log files.
    pub log_dir: PathBuf,
    /// The server's log filter.
    pub log_filter: String,
}

/// One storekeep process, restartable on the same port.
pub struct Instance {
    spec: ServerSpec,
    /// Position among the instances of a run (names the log file).
    pub index: usize,
    port: u16,
    child: Option<Child>,
    /// How many times it was started.
    pub starts: u32,
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("cannot bind a loopback port")?;
    Ok(l.local_addr()?.port())
}

/// The path of a `sqlite:PATH` URL (query string removed), if it is one.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

impl Instance {
    /// An instance on a fresh free port (not started yet).
    pub fn new(spec: ServerSpec, index: usize) -> anyhow::Result<Instance> {
        Ok(Instance {
            spec,
            index,
            port: free_port()?,
            child: None,
            starts: 0,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The log file all starts of this instance append to.
    pub fn log_path(&self) -> PathBuf {
        self.spec.log_dir.join(format!("server-{}.log", self.index))
    }

    /// The process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Start the process (not waiting for it to be ready).
    pub fn start(&mut self) -> anyhow::Result<()> {
        if self.child.is_some() {
            bail!("instance {} is already running", self.index);
        }
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .with_context(|| format!("cannot open {}", self.log_path().display()))?;
        let mut cmd = Command::new(&self.spec.bin);
        // Only what this run sets: no inherited STOREKEEP_* or CTP_* variable.
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("STOREKEEP_") || k.starts_with("CTP_") {
                cmd.env_remove(k);
            }
        }
        let c = &self.spec.creds;
        cmd.arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--database-url")
            .arg(&self.spec.database_url)
            .args(&self.spec.extra_args)
            .env("STOREKEEP_LOG", &self.spec.log_filter)
            .env("CTP_PROJECT_KEY", &c.project)
            .env("CTP_CLIENT_ID", &c.client_id)
            .env("CTP_CLIENT_SECRET", &c.client_secret)
            .env("CTP_SCOPES", format!("manage_project:{}", c.project))
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log));
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", self.spec.bin.display()))?;
        self.child = Some(child);
        self.starts += 1;
        Ok(())
    }

    /// Wait until `/ready` answers 200; an early exit of the process is an error with the
    /// end of its log.
    pub async fn wait_ready(&mut self, http: &Http, timeout: Duration) -> anyhow::Result<()> {
        let url = format!("{}/ready", self.base());
        let until = Instant::now() + timeout;
        while Instant::now() < until {
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    self.child = None;
                    bail!(
                        "instance {} exited during start-up ({status}); log tail:\n{}",
                        self.index,
                        tail(&self.log_path(), 20)
                    );
                }
            } else {
                bail!("instance {} is not running", self.index);
            }
            if let Ok(s) = http.probe(&url).await {
                if s.is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(anyhow!(
            "instance {} not ready after {timeout:?}; log tail:\n{}",
            self.index,
            tail(&self.log_path(), 20)
        ))
    }

    /// `SIGKILL` (what `Child::kill` sends on Unix) and reap the process.
    pub fn kill9(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            // An already exited process makes kill fail; wait() still reaps it.
            let _ = child.kill();
            child.wait().context("cannot reap the killed server")?;
        }
        Ok(())
    }

    /// `SIGTERM` (graceful shutdown), then `SIGKILL` if it has not exited within `grace`.
    pub async fn stop(&mut self, grace: Duration) -> anyhow::Result<()> {
        let Some(pid) = self.pid() else {
            return Ok(());
        };
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
        let until = Instant::now() + grace;
        while Instant::now() < until {
            if let Some(child) = self.child.as_mut() {
                if child.try_wait()?.is_some() {
                    self.child = None;
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.kill9()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.kill9();
    }
}

/// The last `n` lines of a file (for error messages).
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// How many panics a log file records.
pub fn panics_in(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .matches("panicked at")
        .count()
}

/// Resident memory (KiB) of a process: `VmRSS` from /proc/PID/status.
pub fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// A `… kB` field of /proc/PID/status (`VmRSS:`, `RssAnon:`, `RssFile:`, `RssShmem:`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// A fresh scratch directory under the system temp dir.
pub fn scratch_dir(prefix: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// Random credentials for a bootstrapped project.
pub fn random_creds(project: &str) -> Credentials {
    Credentials {
        project: project.to_string(),
        client_id: format!("chaos-{:016x}", rand::random::<u64>()),
        client_secret: format!("{:032x}", rand::random::<u128>()),
    }
}
