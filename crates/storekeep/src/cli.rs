//! Command-line interface (clap derive; every option also reads a `STOREKEEP_*` variable).

use std::io::IsTerminal;

use clap::{Parser, Subcommand, ValueEnum};
use storekeep_core::api_clients::ApiClientDraft;
use storekeep_core::projects::ProjectDraft;
use storekeep_core::Services;

use crate::db::{open_db, DbArgs};

/// A self-hostable server for the commercetools API: stores, customers, OAuth.
#[derive(Parser, Debug)]
#[command(name = "storekeep", version, about)]
pub struct Cli {
    /// Log filter (tracing EnvFilter syntax), e.g. `info` or `storekeep=debug`.
    #[arg(long, env = "STOREKEEP_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log format: `text` (colours only on a terminal, and not with `NO_COLOR`) or `json`
    /// (one object per line, for log shippers).
    #[arg(
        long,
        env = "STOREKEEP_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written (to stdout).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line: `timestamp`, `level`, `fields.message`, the other fields,
    /// and `span` / `spans` with the request's method, route and correlation id.
    Json,
}

/// Sub-commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server.
    Serve(crate::serve::ServeArgs),
    /// Manage projects.
    Project {
        #[command(subcommand)]
        cmd: ProjectCmd,
    },
    /// Manage API clients.
    ApiClient {
        #[command(subcommand)]
        cmd: ApiClientCmd,
    },
    /// Print the GraphQL schema (SDL) that `/{projectKey}/graphql` serves.
    GraphqlSchema,
}

/// `storekeep api-client …`.
#[derive(Subcommand, Debug)]
pub enum ApiClientCmd {
    /// Create an API client and print its id and secret (shown only this once).
    Create {
        /// The project key.
        #[arg(long)]
        project: String,
        /// The client's name.
        #[arg(long)]
        name: String,
        /// Space-separated scopes, e.g. "manage_project:my-project".
        #[arg(long)]
        scope: String,
        /// Access-token lifetime in seconds (3600..604800; default 172800).
        #[arg(long)]
        access_token_validity_seconds: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// `storekeep project …`.
#[derive(Subcommand, Debug)]
pub enum ProjectCmd {
    /// Create a project (no-op if it exists).
    Create {
        /// The project key.
        key: String,
        /// Display name (defaults to the key).
        #[arg(long)]
        name: Option<String>,
        /// Languages, comma-separated (e.g. en,de-DE).
        #[arg(long, value_delimiter = ',', default_value = "en")]
        languages: Vec<String>,
        /// Currencies, comma-separated (e.g. EUR,USD).
        #[arg(long, value_delimiter = ',', default_value = "EUR")]
        currencies: Vec<String>,
        /// Countries, comma-separated (e.g. DE,US).
        #[arg(long, value_delimiter = ',', default_value = "DE")]
        countries: Vec<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Install the tracing subscriber. Colour codes only when stdout is a terminal and
/// `NO_COLOR` is unset (no-color.org): a file, journald or a container log gets plain text.
pub fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    match format {
        LogFormat::Json => builder.json().with_current_span(true).init(),
        LogFormat::Text => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            builder.with_ansi(colour).init()
        }
    }
}

/// Run a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => crate::serve::serve(args).await,
        Command::GraphqlSchema => {
            print!("{}", storekeep_graphql::sdl());
            Ok(())
        }
        Command::ApiClient {
            cmd:
                ApiClientCmd::Create {
                    project,
                    name,
                    scope,
                    access_token_validity_seconds,
                    db,
                },
        } => {
            let backend = open_db(&db).await?;
            let services = Services::new(backend.storage());
            let draft = ApiClientDraft {
                name,
                scope,
                delete_days_after_creation: None,
                access_token_validity_seconds,
                refresh_token_validity_seconds: None,
            };
            let created = services.api_clients.create(&project, draft).await;
            backend.close().await;
            let created = created.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("CTP_PROJECT_KEY={project}");
            println!("CTP_CLIENT_ID={}", created.client.id);
            println!("CTP_CLIENT_SECRET={}", created.secret);
            println!("CTP_SCOPES={}", created.client.scope);
            Ok(())
        }
        Command::Project {
            cmd:
                ProjectCmd::Create {
                    key,
                    name,
                    languages,
                    currencies,
                    countries,
                    db,
                },
        } => {
            let backend = open_db(&db).await?;
            let services = Services::new(backend.storage());
            let draft = ProjectDraft {
                key: key.clone(),
                name,
                countries,
                currencies,
                languages,
            };
            let created = services
                .projects
                .create(draft)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            match created {
                Some(_) => println!("created project '{key}'"),
                None => println!("project '{key}' already exists"),
            }
            backend.close().await;
            Ok(())
        }
    }
}
