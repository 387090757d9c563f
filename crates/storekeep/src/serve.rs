//! `storekeep serve`: open the database, bootstrap, serve HTTP until SIGINT/SIGTERM, then let
//! in-flight requests finish within the shutdown timeout and close the database. Every limit
//! set here is listed with its value in docs/RELIABILITY.md.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use storekeep_core::oauth::ThrottleConfig;
use storekeep_core::password::{PasswordConfig, Passwords};
use storekeep_core::Services;
use storekeep_http::extract::UnknownFields;
use storekeep_http::AppState;

use crate::conn::Timeouts;
use crate::db::{open_db, DbArgs};
use crate::listener::{self, Limits, EVICTION_SLACK, REFUSAL_SLOTS};

/// How long the database may take to close at shutdown (the SQLite writer finishing its
/// batch, PostgreSQL connections closing).
const DATABASE_CLOSE_BOUND: Duration = Duration::from_secs(5);

/// The connection limit when none is configured, if the open-file limit allows it.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

/// Descriptors kept free of connections for database files and connections, the listener,
/// the log and the runtime (on top of the listener's eviction and refusal slack).
pub const FD_RESERVE: usize = 64;

/// Options of `storekeep serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "STOREKEEP_LISTEN", default_value = "127.0.0.1:8989")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    /// Project to create at start-up if missing (the conventional commercetools variable).
    #[arg(long, env = "CTP_PROJECT_KEY")]
    pub project_key: Option<String>,
    /// Id of an API client to create at start-up if missing (needs `CTP_PROJECT_KEY`).
    #[arg(long, env = "CTP_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Secret of that API client (stored only as a hash; updated if it changed).
    #[arg(long, env = "CTP_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
    /// Space-separated scopes of that client (default `manage_project:{CTP_PROJECT_KEY}`).
    #[arg(long, env = "CTP_SCOPES")]
    pub scopes: Option<String>,
    /// Sign-in attempts per (project, email) without a success after which further
    /// attempts are refused with 429 (D12); 0 turns the throttle off.
    #[arg(
        long,
        env = "STOREKEEP_SIGNIN_THROTTLE_FAILURES",
        default_value_t = ThrottleConfig::DEFAULT_FAILURES
    )]
    pub signin_throttle_failures: u32,
    /// How long a throttled (project, email) is refused after its last counted attempt,
    /// in seconds.
    #[arg(
        long,
        env = "STOREKEEP_SIGNIN_THROTTLE_WINDOW_SECS",
        default_value_t = ThrottleConfig::DEFAULT_WINDOW_SECS
    )]
    pub signin_throttle_window_secs: u64,
    /// Refuse request bodies with undeclared fields (400 `InvalidJsonInput` "…: Unknown
    /// field.") instead of ignoring them as the API does; for catching client typos in
    /// development.
    #[arg(long, env = "STOREKEEP_STRICT_JSON")]
    pub strict_json: bool,
    /// Most open client connections (default: 4096, or the open-file limit minus 96 if that
    /// is lower); at most the open-file limit minus 96 (64 for the database, listener, log
    /// and runtime, 16 for connections being evicted, 16 for refusals being answered).
    #[arg(long, env = "STOREKEEP_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a client has to send a request's head (from connecting, or from the first
    /// byte of a later request on a keep-alive connection).
    #[arg(long, env = "STOREKEEP_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,
    /// Seconds a keep-alive connection may idle between requests (longer than the 60 s
    /// idle timeout of common load balancers, as they expect of their backends).
    #[arg(long, env = "STOREKEEP_IDLE_TIMEOUT_SECS", default_value_t = 75)]
    pub idle_timeout_secs: u64,
    /// Seconds a client has to send a request's body once its head has arrived.
    #[arg(long, env = "STOREKEEP_BODY_READ_TIMEOUT_SECS", default_value_t = 30)]
    pub body_read_timeout_secs: u64,
    /// Seconds a shutdown waits for requests in progress before closing their connections;
    /// the database close and work left on the blocking pool get 5 s each at most after it.
    #[arg(long, env = "STOREKEEP_SHUTDOWN_TIMEOUT_SECS", default_value_t = 10)]
    pub shutdown_timeout_secs: u64,
    /// Argon2 computations (passwords, client secrets) at once (default: the cores).
    #[arg(long, env = "STOREKEEP_ARGON2_MAX_CONCURRENT")]
    pub argon2_max_concurrent: Option<usize>,
    /// Argon2 computations that may wait for one of those; beyond, 503 `OverCapacity`
    /// (default: 32 per concurrent computation).
    #[arg(long, env = "STOREKEEP_ARGON2_MAX_QUEUE")]
    pub argon2_max_queue: Option<usize>,
}

impl ServeArgs {
    /// The listener's limits, checked against the open-file limit `nofile`.
    pub fn limits(&self, nofile: Option<usize>) -> anyhow::Result<Limits> {
        let kept = FD_RESERVE + EVICTION_SLACK + REFUSAL_SLOTS;
        let ceiling = nofile.map(|n| n.saturating_sub(kept));
        let max_connections = match (self.max_connections, ceiling) {
            (Some(0), _) => bail!("--max-connections must be at least 1"),
            (Some(m), Some(c)) if m > c => bail!(
                "--max-connections {m} is not below the open-file limit ({} descriptors) minus \
                 {} kept for the database, the listener and evictions; raise the limit \
                 (`ulimit -n`, systemd LimitNOFILE=) or lower --max-connections",
                nofile.unwrap_or(0),
                kept
            ),
            (Some(m), _) => m,
            (None, Some(c)) => DEFAULT_MAX_CONNECTIONS.min(c).max(1),
            (None, None) => DEFAULT_MAX_CONNECTIONS,
        };
        let secs = |s: u64, name: &str| -> anyhow::Result<Duration> {
            if s == 0 {
                bail!("--{name} must be at least 1");
            }
            Ok(Duration::from_secs(s))
        };
        Ok(Limits {
            max_connections,
            large_body_slots: crate::conn::LARGE_BODY_SLOTS,
            evictable_after: listener::EVICTABLE_AFTER,
            timeouts: Timeouts {
                header_read: secs(self.header_read_timeout_secs, "header-read-timeout-secs")?,
                idle: secs(self.idle_timeout_secs, "idle-timeout-secs")?,
                body_read: secs(self.body_read_timeout_secs, "body-read-timeout-secs")?,
            },
            shutdown_timeout: secs(self.shutdown_timeout_secs, "shutdown-timeout-secs")?,
        })
    }

    /// The process's one Argon2 pool.
    pub fn passwords(&self) -> anyhow::Result<Passwords> {
        let config = PasswordConfig {
            max_concurrent: self.argon2_max_concurrent,
            ..PasswordConfig::default()
        };
        Passwords::with_queue(config, self.argon2_max_queue)
            .map_err(|e| anyhow::anyhow!("--argon2-max-concurrent: {e}"))
    }
}

/// The soft limit of open files of this process (`/proc/self/limits`), if known.
pub fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field("listen", &self.listen)
            .field("project_key", &self.project_key)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("signin_throttle_failures", &self.signin_throttle_failures)
            .field(
                "signin_throttle_window_secs",
                &self.signin_throttle_window_secs,
            )
            .field("strict_json", &self.strict_json)
            .field("max_connections", &self.max_connections)
            .field("argon2_max_queue", &self.argon2_max_queue)
            .finish_non_exhaustive()
    }
}

/// How often expired tokens are deleted.
const PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Delete expired tokens and sign-in throttle counters now and then (look-ups refuse expired
/// ones anyway; this keeps the tables small).
fn spawn_token_purge(services: Services) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PURGE_INTERVAL);
        loop {
            tick.tick().await;
            match services.oauth.purge_expired().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "purged expired tokens"),
                Err(e) => tracing::warn!(error = %e, "token purge failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Run the server. Returns after the listener has drained (within the shutdown timeout)
/// and the database is closed; `main` then bounds the wait for blocking work.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let nofile = open_file_limit();
    let limits = args.limits(nofile)?;
    let passwords = args.passwords()?;
    let backend = open_db(&args.db).await?;
    let throttle = ThrottleConfig {
        failures: args.signin_throttle_failures,
        window_secs: args.signin_throttle_window_secs,
    };
    let services = Services::new(backend.storage())
        .with_passwords(passwords.clone())
        .with_signin_throttle(throttle);
    let bootstrap = crate::bootstrap::Bootstrap {
        project_key: args.project_key.clone(),
        client_id: args.client_id.clone(),
        client_secret: args.client_secret.clone(),
        scopes: args.scopes.clone(),
    };
    crate::bootstrap::run(&services, &bootstrap).await?;
    spawn_token_purge(services.clone());
    let unknown_fields = if args.strict_json {
        UnknownFields::Refuse
    } else {
        UnknownFields::Ignore
    };
    let app = storekeep_http::router(AppState::new(services).with_unknown_fields(unknown_fields));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(
        address = %args.listen,
        max_connections = limits.max_connections,
        open_file_limit = nofile,
        argon2_max_concurrent = passwords.max_concurrent(),
        argon2_max_queue = passwords.max_queue(),
        "storekeep listening"
    );
    let closed = listener::serve(listener, app, limits, shutdown_signal()).await;
    if closed > 0 {
        tracing::warn!(connections = closed, "closed at the shutdown timeout");
    }
    match tokio::time::timeout(DATABASE_CLOSE_BOUND, backend.close()).await {
        Ok(()) => tracing::info!("database closed; bye"),
        Err(_) => tracing::warn!("the database did not close within the shutdown timeout"),
    }
    Ok(())
}
