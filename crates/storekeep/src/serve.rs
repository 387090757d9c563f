//! `storekeep serve`: open the database, bootstrap, serve HTTP until SIGINT/SIGTERM, then let
//! in-flight requests finish and close the database cleanly.

use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
use storekeep_core::projects::ProjectDraft;
use storekeep_core::Services;
use storekeep_http::AppState;

use crate::cli::{open_db, DbArgs};

/// Options of `storekeep serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "STOREKEEP_LISTEN", default_value = "127.0.0.1:8989")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    /// Project to create at start-up if missing (the conventional commercetools variable).
    #[arg(long, env = "CTP_PROJECT_KEY")]
    pub project_key: Option<String>,
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
    let services = Services::new(backend.storage());
    if let Some(key) = &args.project_key {
        let draft = ProjectDraft {
            key: key.clone(),
            languages: vec!["en".into()],
            currencies: vec!["EUR".into()],
            countries: vec!["DE".into()],
            ..ProjectDraft::default()
        };
        if services
            .projects
            .create(draft)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .is_some()
        {
            tracing::info!(project = %key, "created project");
        }
    }
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
