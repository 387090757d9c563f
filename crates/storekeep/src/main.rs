//! The storekeep binary: configuration, logging, database, bootstrap, serving, and the
//! administrative sub-commands.

mod bootstrap;
mod cli;
mod conn;
mod listener;
mod serve;

use std::time::Duration;

use clap::Parser;

/// How long the process waits, after the command has returned, for work still running on
/// the blocking pool (an Argon2 computation, a long SQLite read) when the command is not
/// `serve` (whose own shutdown timeout is used).
const BLOCKING_WORK_BOUND: Duration = Duration::from_secs(10);

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    cli::init_logging(&cli.log, cli.log_format);
    let bound = match &cli.command {
        cli::Command::Serve(a) => Duration::from_secs(a.shutdown_timeout_secs.max(1)),
        _ => BLOCKING_WORK_BOUND,
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("storekeep: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(cli::run(cli));
    // `#[tokio::main]` would wait for every blocking task without limit when the runtime
    // drops; a SIGTERM must end the process within a bound (issue 21, item 2).
    rt.shutdown_timeout(bound);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storekeep: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
