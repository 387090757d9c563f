//! The database options every sub-command shares and opening the database they name. Used
//! by `cli.rs` (the administrative sub-commands) and `serve.rs`, which `cli.rs` dispatches
//! to; here so the two do not import each other.

use anyhow::Context;
use clap::Args;
use storekeep_sql::Backend;

/// Database options shared by every sub-command.
#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Database URL: `sqlite:PATH` (created if missing) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "STOREKEEP_DATABASE_URL",
        default_value = "sqlite:storekeep.db"
    )]
    pub database_url: String,
    /// Most PostgreSQL connections in the pool.
    #[arg(long, env = "STOREKEEP_PG_MAX_CONNECTIONS", default_value_t = 16)]
    pub pg_max_connections: u32,
}

/// Open the database a URL names, with a helpful error.
pub async fn open_db(db: &DbArgs) -> anyhow::Result<Backend> {
    Backend::open(&db.database_url, db.pg_max_connections)
        .await
        .with_context(|| "cannot open the database".to_string())
}
