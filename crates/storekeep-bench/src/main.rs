//! `storekeep-bench`: a closed-loop benchmark for storekeep or any server with the
//! commercetools API. It seeds a store and customers, then runs each chosen workload for a
//! fixed time after a warm-up, and prints a Markdown table (req/s, latency percentiles, 409s,
//! errors, and the server's CPU per request and peak RSS when `--server-pid` is given).
//! The `flood` workload (not run by default) fires `--flood-size` sign-ins at once while
//! closed-loop readers run, and prints a row for each. Bounded in time and count; meant for
//! loopback servers.

mod client;
mod report;
mod seed;
mod workloads;

use std::time::Duration;

use anyhow::{anyhow, Context};
use clap::Parser;

use client::{Api, Target};
use workloads::{State, Workload};

/// Benchmark a storekeep server.
#[derive(Parser, Debug)]
#[command(name = "storekeep-bench", version, about)]
struct Args {
    /// API base URL.
    #[arg(long, env = "CTP_API_URL", default_value = "http://127.0.0.1:8989")]
    api_url: String,
    /// Auth base URL (defaults to the API URL).
    #[arg(long, env = "CTP_AUTH_URL")]
    auth_url: Option<String>,
    #[arg(long, env = "CTP_PROJECT_KEY")]
    project_key: String,
    #[arg(long, env = "CTP_CLIENT_ID")]
    client_id: String,
    #[arg(long, env = "CTP_CLIENT_SECRET")]
    client_secret: String,
    /// Customers to seed (half global, half in the store).
    #[arg(long, default_value_t = 10_000)]
    customers: usize,
    /// Store customers with a password (for W5/W6); each costs one Argon2 hash to seed.
    #[arg(long, default_value_t = 50)]
    password_customers: usize,
    /// Key of the store to create/use.
    #[arg(long, default_value = "bench")]
    store: String,
    /// Concurrent closed-loop clients.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Measured seconds per workload (at most 600).
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Warm-up seconds per workload (at most 60).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Workloads, comma-separated: w1,w2,w3,w4,w5,w6,mixed,flood (flood is not in the
    /// default list: it takes N sign-ins' worth of hashing).
    #[arg(long, value_delimiter = ',', default_value = "w1,w2,w4,w5,w6,w3,mixed")]
    workloads: Vec<String>,
    /// Sign-ins fired at once by the `flood` workload (1 to 5000), each on its own
    /// connection; W1 readers run at `--concurrency` meanwhile.
    #[arg(long, default_value_t = 1000)]
    flood_size: usize,
    /// PID of the server process, for CPU per request and peak RSS (same machine only).
    #[arg(long)]
    server_pid: Option<u32>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let workloads = a
        .workloads
        .iter()
        .map(|w| Workload::parse(w).ok_or_else(|| anyhow!("unknown workload '{w}'")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let api_url = a.api_url.trim_end_matches('/').to_string();
    let target = Target {
        auth_url: a
            .auth_url
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| api_url.clone()),
        api_url,
        project: a.project_key,
        client_id: a.client_id,
        client_secret: a.client_secret,
    };
    let concurrency = a.concurrency.clamp(1, 1024);
    let api = Api::connect(target, concurrency)
        .await
        .context("cannot authenticate")?;
    let t = std::time::Instant::now();
    eprintln!(
        "seeding {} customers (+{} with password) …",
        a.customers, a.password_customers
    );
    let fixture = seed::seed(
        &api,
        &a.store,
        a.customers,
        a.password_customers,
        concurrency,
    )
    .await?;
    eprintln!("seeded in {:.1} s", t.elapsed().as_secs_f64());
    let state = State::new(fixture);
    let warmup = Duration::from_secs(a.warmup.min(60));
    let duration = Duration::from_secs(a.duration.clamp(1, 600));
    println!(
        "concurrency {concurrency}, {} customers, {} s per workload after {} s warm-up\n",
        a.customers,
        duration.as_secs(),
        warmup.as_secs()
    );
    report::header();
    let flood_size = a.flood_size.clamp(1, 5000);
    for w in workloads {
        if w == Workload::Flood {
            let (signins, reads) =
                report::flood(&api, &state, flood_size, concurrency, warmup, a.server_pid).await?;
            report::row(&signins);
            report::row(&reads);
            continue;
        }
        let f = report::run(&api, &state, w, concurrency, warmup, duration, a.server_pid).await?;
        report::row(&f);
    }
    Ok(())
}
