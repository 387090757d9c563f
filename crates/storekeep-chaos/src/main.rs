//! `storekeep-chaos`: reliability tools for storekeep — `crash` (durability under SIGKILL),
//! `timing` (sign-in and password-token timing parity), `soak` (sustained mixed load,
//! errors and peak RSS), `token-flood` (concurrent failing token requests), `slow-flood`
//! (slow and idle connections), and `introspection-flood`, `fragment-flood` and
//! `predicate-flood` (expensive queries), and `size-flood` (big resources, parallel
//! queries over them). See `docs/RELIABILITY.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use storekeep_chaos::client::Credentials;
use storekeep_chaos::crash::{self, BackendChoice, CrashOptions};
use storekeep_chaos::flood::queries::{self, QueryFloodOptions, QueryKind};
use storekeep_chaos::flood::sizes::{self, SizeFloodOptions};
use storekeep_chaos::flood::slow::{self, SlowFloodOptions};
use storekeep_chaos::flood::tokens::{self, TokenFloodOptions};
use storekeep_chaos::soak::{self, SoakOptions};
use storekeep_chaos::target::{Target, TargetChoice};
use storekeep_chaos::timing::{self, TimingOptions};

/// Reliability tools for storekeep (loopback only; bounded in time and count).
#[derive(Parser, Debug)]
#[command(name = "storekeep-chaos", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Kill storekeep with SIGKILL under a write load; verify every acknowledged write.
    Crash(CrashArgs),
    /// Measure failed sign-ins and password-token requests: unknown vs known email.
    Timing(TimingArgs),
    /// Sustained mixed load: errors (must be 0), latency, server RSS over time.
    Soak(SoakArgs),
    /// Concurrent failing token requests (wrong secret, unknown client id): 401/503 only,
    /// peak RSS bounded, /health answering.
    TokenFlood(TokenFloodArgs),
    /// Slow-header and idle connections: all closed by the server, /health answering,
    /// memory and open descriptors bounded.
    SlowFlood(SlowFloodArgs),
    /// Concurrent GraphQL requests of aliased `__schema` fields (600, and the 9 the
    /// complexity admits): typed 400/503 or 200, peak RSS bounded.
    IntrospectionFlood(QueryFloodArgs),
    /// Concurrent fragment bombs (each fragment spreads the previous one twice).
    FragmentFlood(QueryFloodArgs),
    /// Concurrent expensive predicates over seeded customers, REST and GraphQL (aliases).
    PredicateFlood(QueryFloodArgs),
    /// Big customers (a 2 MB firstName, else the largest allowed), then parallel
    /// store-scoped queries over them: bounded statuses, peak RSS bounded, /health answering.
    SizeFlood(SizeFloodArgs),
}

#[derive(Args, Debug)]
struct SizeFloodArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Customers signed up in the flood's store (at most 500).
    #[arg(long, default_value_t = 100)]
    customers: usize,
    /// Characters of the oversized firstName each sign-up tries first (at most 2,000,000: the
    /// request must stay under the 2 MiB body limit).
    #[arg(long, default_value_t = 2_000_000)]
    field_chars: usize,
    /// Characters of each of the 8 name fields and of each street name of a refused
    /// sign-up's replacement.
    #[arg(long, default_value_t = 4096)]
    fill_chars: usize,
    /// Addresses of a refused sign-up's replacement (at most 100).
    #[arg(long, default_value_t = 22)]
    fill_addresses: usize,
    /// Concurrent query clients (at most 64).
    #[arg(long, default_value_t = 8)]
    queries: usize,
    /// Queries per client (at most 20).
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Largest acceptable peak RSS of the server in MiB.
    #[arg(long, default_value_t = 256)]
    max_rss_mib: u64,
    /// Seconds to wait after the queries before reading the server's RSS (at most 60).
    #[arg(long, default_value_t = 3)]
    settle_secs: u64,
}

#[derive(Args, Debug)]
struct QueryFloodArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Concurrent requests per round (at most 2000).
    #[arg(long, default_value_t = 24)]
    requests: usize,
    /// Rounds (at most 10).
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// Largest acceptable peak RSS of the server in MiB.
    #[arg(long, default_value_t = 256)]
    max_rss_mib: u64,
    /// Seconds to wait after each round before reading the server's RSS and CPU time (at
    /// most 60).
    #[arg(long, default_value_t = 3)]
    settle_secs: u64,
    /// Seconds a client waits for its answer before it gives up and disconnects (1 to 300).
    #[arg(long, default_value_t = 30)]
    client_timeout_secs: u64,
    /// fragment-flood: fragments in the chain (2^depth fields once expanded; at most 40).
    #[arg(long, default_value_t = 24)]
    depth: usize,
    /// predicate-flood: customers to seed first (at most 200000).
    #[arg(long, default_value_t = 5000)]
    customers: usize,
}

#[derive(Args, Debug)]
struct TokenFloodArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Concurrent failing requests per round (at most 5000).
    #[arg(long, default_value_t = 1000)]
    requests: usize,
    /// Rounds per kind (at most 10).
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// Largest acceptable peak RSS of the server in MiB.
    #[arg(long, default_value_t = 256)]
    max_rss_mib: u64,
    /// Seconds to wait after each round before reading the server's RSS (at most 60).
    #[arg(long, default_value_t = 3)]
    settle_secs: u64,
}

#[derive(Args, Debug)]
struct SlowFloodArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Slow connections (at most 20000; mind `ulimit -n` of this tool).
    #[arg(long, default_value_t = 2000)]
    connections: usize,
    /// Milliseconds between two header bytes of a slow-header connection.
    #[arg(long, default_value_t = 1000)]
    trickle_ms: u64,
    /// Seconds over which the connections are opened (at most 300).
    #[arg(long, default_value_t = 8)]
    ramp_secs: u64,
    /// Seconds the connections are held at most (at most 600).
    #[arg(long, default_value_t = 30)]
    duration_secs: u64,
    /// Largest acceptable peak RSS of the server in MiB.
    #[arg(long, default_value_t = 256)]
    max_rss_mib: u64,
    /// The started server's connection limit (`--max-connections`).
    #[arg(long, default_value_t = 500)]
    server_max_connections: usize,
    /// The started server's header-read timeout in seconds.
    #[arg(long, default_value_t = 5)]
    server_header_timeout_secs: u64,
    /// The started server's idle keep-alive timeout in seconds.
    #[arg(long, default_value_t = 10)]
    server_idle_timeout_secs: u64,
}

/// The server to measure: started by the tool (default) or already running.
#[derive(Args, Debug, Clone)]
struct TargetArgs {
    /// The storekeep binary to start (ignored with --api-url).
    #[arg(long, default_value = "target/release/storekeep")]
    storekeep: PathBuf,
    #[command(flatten)]
    backend: BackendArgs,
    /// Measure a running server at this loopback URL instead (needs CTP_PROJECT_KEY,
    /// CTP_CLIENT_ID, CTP_CLIENT_SECRET).
    #[arg(long, env = "CTP_API_URL")]
    api_url: Option<String>,
    #[arg(long, env = "CTP_PROJECT_KEY", requires = "api_url")]
    project_key: Option<String>,
    #[arg(long, env = "CTP_CLIENT_ID", requires = "api_url")]
    client_id: Option<String>,
    #[arg(
        long,
        env = "CTP_CLIENT_SECRET",
        hide_env_values = true,
        requires = "api_url"
    )]
    client_secret: Option<String>,
    /// PID of the running server (RSS sampling).
    #[arg(long, requires = "api_url")]
    server_pid: Option<u32>,
    /// Keep the scratch directory and database of a started server.
    #[arg(long)]
    keep: bool,
    /// A started server's log filter.
    #[arg(long, default_value = "warn")]
    server_log: String,
}

impl TargetArgs {
    fn choice(&self, extra_args: Vec<String>) -> anyhow::Result<TargetChoice> {
        let Some(base) = &self.api_url else {
            return Ok(TargetChoice::Spawn {
                bin: self.storekeep.clone(),
                backend: self.backend.choice(),
                extra_args,
                log_filter: self.server_log.clone(),
            });
        };
        let (Some(project), Some(client_id), Some(client_secret)) = (
            self.project_key.clone(),
            self.client_id.clone(),
            self.client_secret.clone(),
        ) else {
            anyhow::bail!("--api-url needs CTP_PROJECT_KEY, CTP_CLIENT_ID and CTP_CLIENT_SECRET");
        };
        Ok(TargetChoice::Running {
            base: base.clone(),
            creds: Credentials {
                project,
                client_id,
                client_secret,
            },
            pid: self.server_pid,
        })
    }
}

#[derive(Args, Debug)]
struct TimingArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Measured requests per case (at most 5000).
    #[arg(long, default_value_t = 200)]
    samples: usize,
    /// Unmeasured requests per case first (at most 100).
    #[arg(long, default_value_t = 10)]
    warmup: usize,
    /// Random seed of the interleaving (default: random).
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Args, Debug)]
struct SoakArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Concurrent closed-loop clients (the benchmark's default).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Measured seconds (at most 1800).
    #[arg(long, default_value_t = 300)]
    duration: u64,
    /// Unmeasured warm-up seconds (at most 120).
    #[arg(long, default_value_t = 10)]
    warmup: u64,
    /// Customers to seed.
    #[arg(long, default_value_t = 5000)]
    customers: usize,
    /// Write the RSS samples (seconds, KiB) to this CSV file.
    #[arg(long)]
    rss_csv: Option<PathBuf>,
    /// Random seed (default: random).
    #[arg(long)]
    seed: Option<u64>,
}

/// Where the servers keep their data.
#[derive(Args, Debug, Clone)]
struct BackendArgs {
    /// PostgreSQL server URL (any database on it, e.g. postgres://postgres@127.0.0.1:5432/postgres);
    /// a fresh database is created there and dropped after a passing run. Without it: SQLite.
    #[arg(long, env = "STOREKEEP_CHAOS_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// Use the database of --postgres-url itself instead of a fresh one (runs are kept apart
    /// by a fresh project key).
    #[arg(long)]
    pg_reuse: bool,
}

impl BackendArgs {
    fn choice(&self) -> BackendChoice {
        match &self.postgres_url {
            Some(url) => BackendChoice::Postgres {
                url: url.clone(),
                reuse: self.pg_reuse,
            },
            None => BackendChoice::Sqlite,
        }
    }
}

#[derive(Args, Debug)]
struct CrashArgs {
    /// The storekeep binary (build it with `cargo build --release -p storekeep`).
    #[arg(long, default_value = "target/release/storekeep")]
    storekeep: PathBuf,
    #[command(flatten)]
    backend: BackendArgs,
    /// storekeep instances on the database (PostgreSQL only; SQLite is always 1).
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// SIGKILLs (at most 1000).
    #[arg(long, default_value_t = 20)]
    kills: u32,
    /// Concurrent writers.
    #[arg(long, default_value_t = 8)]
    writers: usize,
    /// Shortest time a ready server runs before it is killed (ms).
    #[arg(long, default_value_t = 200)]
    min_uptime_ms: u64,
    /// Longest time a ready server runs before it is killed (ms, at most 60000).
    #[arg(long, default_value_t = 2000)]
    max_uptime_ms: u64,
    /// Percent chance to kill a restarted server again during its start-up.
    #[arg(long, default_value_t = 15)]
    startup_kill_percent: u32,
    /// Random seed (default: random).
    #[arg(long)]
    seed: Option<u64>,
    /// Hard limit of the run in seconds (at most 3600).
    #[arg(long, default_value_t = 900)]
    max_seconds: u64,
    /// Keep the scratch directory and the PostgreSQL database.
    #[arg(long)]
    keep: bool,
    /// The servers' log filter.
    #[arg(long, default_value = "warn")]
    server_log: String,
}

async fn crash_cmd(a: CrashArgs) -> anyhow::Result<bool> {
    let seed = a.seed.unwrap_or_else(rand::random);
    let o = CrashOptions {
        bin: a.storekeep,
        backend: a.backend.choice(),
        instances: if a.backend.postgres_url.is_some() {
            a.instances.clamp(1, 8)
        } else {
            1
        },
        kills: a.kills.min(1000),
        writers: a.writers,
        min_uptime_ms: a.min_uptime_ms.min(60_000),
        max_uptime_ms: a.max_uptime_ms.min(60_000),
        startup_kill_percent: a.startup_kill_percent.min(90),
        seed,
        max_seconds: a.max_seconds.min(3600),
        keep: a.keep,
        log_filter: a.server_log,
        quiet: false,
    };
    eprintln!("seed {seed}");
    let s = crash::run(&o).await?;
    print!("{}", s.render());
    Ok(s.passed())
}

async fn timing_cmd(a: TimingArgs) -> anyhow::Result<bool> {
    let choice = a
        .target
        .choice(vec!["--signin-throttle-failures".into(), "0".into()])?;
    if a.target.api_url.is_some() {
        eprintln!("note: the running server must have the sign-in throttle off (--signin-throttle-failures 0)");
    }
    let t = Target::open(&choice, "timing").await?;
    let o = TimingOptions {
        samples: a.samples.clamp(5, 5000),
        warmup: a.warmup.min(100),
        seed: a.seed.unwrap_or_else(rand::random),
    };
    eprintln!(
        "timing on {}: {} samples per case, interleaved",
        t.description, o.samples
    );
    let r = timing::run(&t, &o).await;
    t.close(a.target.keep).await?;
    let results = r?;
    print!("{}", timing::render(&results));
    let same = timing::parity(&results);
    println!(
        "parity: {}",
        if same {
            "every failing case is the same as an unknown email within noise"
        } else {
            "DIFFERENCE beyond noise (see NO rows)"
        }
    );
    Ok(same)
}

async fn soak_cmd(a: SoakArgs) -> anyhow::Result<bool> {
    let choice = a.target.choice(Vec::new())?;
    let t = Target::open(&choice, "soak").await?;
    let o = SoakOptions {
        concurrency: a.concurrency,
        duration: Duration::from_secs(a.duration.clamp(1, 1800)),
        warmup: Duration::from_secs(a.warmup.min(120)),
        customers: a.customers.clamp(1, 200_000),
        seed: a.seed.unwrap_or_else(rand::random),
    };
    let r = soak::run(&t, &o).await;
    t.close(a.target.keep).await?;
    let r = r?;
    if let Some(path) = &a.rss_csv {
        let mut csv = String::from("seconds,rss_kib\n");
        for (s, k) in &r.rss {
            csv.push_str(&format!("{s:.1},{k}\n"));
        }
        std::fs::write(path, csv)?;
    }
    print!("{}", r.render());
    Ok(r.passed())
}

async fn token_flood_cmd(a: TokenFloodArgs) -> anyhow::Result<bool> {
    let t = Target::open(&a.target.choice(Vec::new())?, "token-flood").await?;
    let o = TokenFloodOptions {
        requests: a.requests.clamp(1, 5000),
        rounds: a.rounds.clamp(1, 10),
        max_rss_mib: a.max_rss_mib,
        settle: Duration::from_secs(a.settle_secs.min(60)),
    };
    eprintln!("token flood on {}", t.description);
    let r = tokens::run(&t, &o).await;
    t.close(a.target.keep).await?;
    let r = r?;
    print!("{}", r.render());
    Ok(r.passed())
}

async fn slow_flood_cmd(a: SlowFloodArgs) -> anyhow::Result<bool> {
    let limit = a.server_max_connections;
    let extra = vec![
        "--max-connections".to_string(),
        limit.to_string(),
        "--header-read-timeout-secs".into(),
        a.server_header_timeout_secs.to_string(),
        "--idle-timeout-secs".into(),
        a.server_idle_timeout_secs.to_string(),
    ];
    let t = Target::open(&a.target.choice(extra)?, "slow-flood").await?;
    let o = SlowFloodOptions {
        connections: a.connections.clamp(1, 20_000),
        trickle: Duration::from_millis(a.trickle_ms.clamp(10, 60_000)),
        ramp: Duration::from_secs(a.ramp_secs.min(300)),
        duration: Duration::from_secs(a.duration_secs.clamp(1, 600)),
        max_rss_mib: a.max_rss_mib,
        // A server this tool started has exactly this limit; a running one is not checked.
        max_fds: a
            .target
            .api_url
            .is_none()
            .then_some(limit + storekeep_chaos::flood::FD_RESERVE),
    };
    eprintln!("slow-client flood on {}", t.description);
    let r = slow::run(&t, &o).await;
    t.close(a.target.keep).await?;
    let r = r?;
    print!("{}", r.render());
    Ok(r.passed())
}

async fn size_flood_cmd(a: SizeFloodArgs) -> anyhow::Result<bool> {
    let t = Target::open(&a.target.choice(Vec::new())?, "size-flood").await?;
    let o = SizeFloodOptions {
        customers: a.customers.clamp(1, 500),
        field_chars: a.field_chars.clamp(1, 2_000_000),
        fill_chars: a.fill_chars.clamp(1, 2_000_000),
        fill_addresses: a.fill_addresses.min(100),
        queries: a.queries.clamp(1, 64),
        rounds: a.rounds.clamp(1, 20),
        max_rss_mib: a.max_rss_mib,
        settle: Duration::from_secs(a.settle_secs.min(60)),
    };
    eprintln!("size flood on {}", t.description);
    let r = sizes::run(&t, &o).await;
    t.close(a.target.keep).await?;
    let r = r?;
    print!("{}", r.render());
    Ok(r.passed())
}

async fn query_flood_cmd(kind: QueryKind, a: QueryFloodArgs) -> anyhow::Result<bool> {
    let t = Target::open(&a.target.choice(Vec::new())?, "query-flood").await?;
    let o = QueryFloodOptions {
        kind,
        requests: a.requests.clamp(1, 2000),
        rounds: a.rounds.clamp(1, 10),
        max_rss_mib: a.max_rss_mib,
        settle: Duration::from_secs(a.settle_secs.min(60)),
        client_timeout: Duration::from_secs(a.client_timeout_secs.clamp(1, 300)),
        depth: a.depth.min(40),
        customers: a.customers.min(200_000),
    };
    eprintln!("{kind:?} flood on {}", t.description);
    let r = queries::run(&t, &o).await;
    t.close(a.target.keep).await?;
    let r = r?;
    print!("{}", r.render());
    Ok(r.passed())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Cmd::Crash(a) => crash_cmd(a).await,
        Cmd::Timing(a) => timing_cmd(a).await,
        Cmd::Soak(a) => soak_cmd(a).await,
        Cmd::TokenFlood(a) => token_flood_cmd(a).await,
        Cmd::SlowFlood(a) => slow_flood_cmd(a).await,
        Cmd::IntrospectionFlood(a) => query_flood_cmd(QueryKind::Introspection, a).await,
        Cmd::FragmentFlood(a) => query_flood_cmd(QueryKind::FragmentBomb, a).await,
        Cmd::PredicateFlood(a) => query_flood_cmd(QueryKind::Predicate, a).await,
        Cmd::SizeFlood(a) => size_flood_cmd(a).await,
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("storekeep-chaos: {e:#}");
            ExitCode::from(2)
        }
    }
}
