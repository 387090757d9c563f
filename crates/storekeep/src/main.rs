//! The storekeep binary: configuration, logging, database, bootstrap, serving, and the
//! administrative sub-commands.

mod bootstrap;
mod cli;
mod conn;
mod db;
mod listener;
mod serve;

use std::time::Duration;

use clap::Parser;

/// jemalloc with background purging instead of glibc's malloc: after a burst of short-lived
/// allocations glibc kept everything in its per-thread arenas (227 MiB after a GraphQL burst
/// that peaked at 227 MiB, docs/RELIABILITY.md "Allocator"); jemalloc's background thread
/// returns freed pages to the system after its decay time (10 s), whatever the application's
/// threads do.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// How long the process waits, after the command has returned, for work still running on
/// the blocking pool (an Argon2 computation, a long SQLite read whose request was cut at the
/// shutdown timeout). With `serve`'s own bounds, SIGTERM ends the process within
/// `--shutdown-timeout-secs` + 10 s (docs/RELIABILITY.md).
const BLOCKING_WORK_BOUND: Duration = Duration::from_secs(5);

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    cli::init_logging(&cli.log, cli.log_format);
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
    rt.shutdown_timeout(BLOCKING_WORK_BOUND);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storekeep: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
