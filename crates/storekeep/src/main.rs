//! The storekeep binary: configuration, logging, database, bootstrap, serving, and the
//! administrative sub-commands.

mod bootstrap;
mod cli;
mod serve;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    cli::init_logging(&cli.log);
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storekeep: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
