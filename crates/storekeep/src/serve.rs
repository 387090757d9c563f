//! `storekeep serve`: open the database, bootstrap, serve HTTP until SIGINT/SIGTERM, then let
//! in-flight requests finish and close the database cleanly.

use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
use storekeep_core::oauth::ThrottleConfig;
use storekeep_core::Services;
use storekeep_http::AppState;

use crate::cli::{open_db, DbArgs};

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
    /// Sign-in attempts per (project, store, email) without a success after which further
    /// attempts are refused with 429 (D12); 0 turns the throttle off.
    #[arg(
        long,
        env = "STOREKEEP_SIGNIN_THROTTLE_FAILURES",
        default_value_t = ThrottleConfig::DEFAULT_FAILURES
    )]
    pub signin_throttle_failures: u32,
    /// How long a throttled (project, store, email) is refused after its last counted attempt,
    /// in seconds.
    #[arg(
        long,
        env = "STOREKEEP_SIGNIN_THROTTLE_WINDOW_SECS",
        default_value_t = ThrottleConfig::DEFAULT_WINDOW_SECS
    )]
    pub signin_throttle_window_secs: u64,
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
    tracing::info!("shutting down: finishing in-flight requests");
}

/// Run the server.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let backend = open_db(&args.db).await?;
    let throttle = ThrottleConfig {
        failures: args.signin_throttle_failures,
        window_secs: args.signin_throttle_window_secs,
    };
    let services = Services::new(backend.storage()).with_signin_throttle(throttle);
    let bootstrap = crate::bootstrap::Bootstrap {
        project_key: args.project_key.clone(),
        client_id: args.client_id.clone(),
        client_secret: args.client_secret.clone(),
        scopes: args.scopes.clone(),
    };
    crate::bootstrap::run(&services, &bootstrap).await?;
    spawn_token_purge(services.clone());
    let app = storekeep_http::router(AppState::new(services));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(address = %args.listen, "storekeep listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    backend.close().await;
    tracing::info!("database closed; bye");
    Ok(())
}
