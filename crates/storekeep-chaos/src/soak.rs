//! `storekeep-chaos soak`: a sustained mixed load (issue 10, item 7). `concurrency`
//! closed-loop clients run a mix of reads, queries, updates, creates and deletes of
//! customers, sign-ins (good and failed), password-flow tokens, password-reset tokens,
//! GraphQL queries and carts for `duration`, while the server's resident memory is sampled
//! every second from `/proc/PID/status`. Every answer must be the expected one (2xx; 400 for
//! the failed sign-in; a 409 of a concurrent update is counted apart and retried with the
//! current version): the error count must be 0. Reports requests, errors (with examples),
//! latency percentiles and RSS at start, peak, quartiles and end.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::client::Http;
use crate::server::{rss_kib, status_kib};
use crate::target::Target;

mod ops;
mod seed;

pub use seed::Fixture;

/// Options of a soak run.
#[derive(Debug, Clone)]
pub struct SoakOptions {
    pub concurrency: usize,
    pub duration: Duration,
    pub warmup: Duration,
    /// Customers seeded before the run (half global, half in the store).
    pub customers: usize,
    pub seed: u64,
}

/// What every client shares.
pub struct Shared {
    pub target_base: String,
    pub project: String,
    pub creds: crate::client::Credentials,
    pub fixture: Fixture,
    /// Customers created during the run (id), for deletes.
    pub created: Mutex<Vec<String>>,
    pub carts: Mutex<Vec<String>>,
    pub counter: AtomicU64,
    pub run: String,
}

/// The figures of a soak run.
#[derive(Debug, Clone, Default)]
pub struct SoakReport {
    pub description: String,
    pub concurrency: usize,
    pub seconds: f64,
    pub requests: u64,
    pub conflicts: u64,
    pub errors: u64,
    pub error_examples: Vec<String>,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// RSS samples (seconds since the start of the measured run, KiB).
    pub rss: Vec<(f64, u64)>,
    /// Anonymous (heap) and file-backed resident memory at the end (KiB).
    pub end_anon_file_kib: Option<(u64, u64)>,
    /// RSS (KiB) before seeding, right after start-up.
    pub idle_kib: Option<u64>,
    pub panics: usize,
    pub db_bytes: Option<u64>,
}

impl SoakReport {
    fn rss_at(&self, fraction: f64) -> Option<u64> {
        if self.rss.is_empty() {
            return None;
        }
        let i = ((self.rss.len() - 1) as f64 * fraction).round() as usize;
        self.rss.get(i).map(|x| x.1)
    }

    /// Peak RSS (KiB).
    pub fn peak_kib(&self) -> Option<u64> {
        self.rss.iter().map(|x| x.1).max()
    }

    /// Did the run pass (no error, no panic)?
    pub fn passed(&self) -> bool {
        self.errors == 0 && self.panics == 0
    }

    /// A human-readable report.
    pub fn render(&self) -> String {
        let mib = |k: Option<u64>| {
            k.map(|k| format!("{:.1}", k as f64 / 1024.0))
                .unwrap_or_else(|| "–".into())
        };
        let mut out = format!(
            "soak on {}: concurrency {}, {:.0} s\n\
             requests: {} ({:.0}/s); errors: {}; 409 conflicts (retried): {}\n\
             latency p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms\n\
             server RSS MiB: idle {}, start {}, 25% {}, 50% {}, 75% {}, end {}, peak {}\n",
            self.description,
            self.concurrency,
            self.seconds,
            self.requests,
            self.requests as f64 / self.seconds.max(1e-9),
            self.errors,
            self.conflicts,
            self.p50_ms,
            self.p99_ms,
            self.max_ms,
            mib(self.idle_kib),
            mib(self.rss_at(0.0)),
            mib(self.rss_at(0.25)),
            mib(self.rss_at(0.5)),
            mib(self.rss_at(0.75)),
            mib(self.rss_at(1.0)),
            mib(self.peak_kib()),
        );
        if let Some((anon, file)) = self.end_anon_file_kib {
            out.push_str(&format!(
                "server RSS at the end: {:.1} MiB anonymous, {:.1} MiB file-backed\n",
                anon as f64 / 1024.0,
                file as f64 / 1024.0
            ));
        }
        if let Some(b) = self.db_bytes {
            out.push_str(&format!(
                "database files at the end: {:.1} MiB\n",
                b as f64 / 1048576.0
            ));
        }
        out.push_str(&format!("panics in the server log: {}\n", self.panics));
        for e in &self.error_examples {
            out.push_str(&format!("  - {e}\n"));
        }
        out.push_str(&format!(
            "result: {}\n",
            if self.passed() { "PASS" } else { "FAIL" }
        ));
        out
    }
}

/// Per-client tallies.
struct Tally {
    hist: Histogram<u64>,
    requests: u64,
    conflicts: u64,
    errors: u64,
    examples: Vec<String>,
}

async fn client(
    shared: Arc<Shared>,
    http: Http,
    until: Instant,
    seed: u64,
) -> anyhow::Result<Tally> {
    let mut t = Tally {
        hist: Histogram::new_with_bounds(1, 120_000_000, 3)?,
        requests: 0,
        conflicts: 0,
        errors: 0,
        examples: Vec::new(),
    };
    let mut rng = StdRng::seed_from_u64(seed);
    while Instant::now() < until {
        let started = Instant::now();
        let roll = rng.gen_range(0..100);
        let outcome = ops::step(&shared, &http, roll, &mut rng).await;
        let _ = t.hist.record(started.elapsed().as_micros().max(1) as u64);
        t.requests += 1;
        match outcome {
            ops::Outcome::Ok => {}
            ops::Outcome::Conflict => t.conflicts += 1,
            ops::Outcome::Error(e) => {
                t.errors += 1;
                if t.examples.len() < 5 {
                    t.examples.push(e);
                }
            }
        }
    }
    Ok(t)
}

/// Sample the RSS of `pid` every second until `until`.
async fn sample_rss(pid: Option<u32>, began: Instant, until: Instant) -> Vec<(f64, u64)> {
    let mut out = Vec::new();
    let Some(pid) = pid else {
        return out;
    };
    while Instant::now() < until {
        if let Some(k) = rss_kib(pid) {
            out.push((began.elapsed().as_secs_f64(), k));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    if let Some(k) = rss_kib(pid) {
        out.push((began.elapsed().as_secs_f64(), k));
    }
    out
}

async fn drive(
    shared: &Arc<Shared>,
    http: &Http,
    concurrency: usize,
    until: Instant,
    seed: u64,
) -> anyhow::Result<Vec<Tally>> {
    let tasks: Vec<_> = (0..concurrency)
        .map(|i| tokio::spawn(client(shared.clone(), http.clone(), until, seed + i as u64)))
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.context("a soak client failed")??);
    }
    Ok(out)
}

/// Run the soak against an open target.
pub async fn run(t: &Target, o: &SoakOptions) -> anyhow::Result<SoakReport> {
    let concurrency = o.concurrency.clamp(1, 256);
    let idle_kib = t.pid().and_then(rss_kib);
    let mut http = Http::new(concurrency * 2);
    http.authorize(&t.base, &t.creds)
        .await
        .context("cannot authenticate")?;
    let run = format!("{:06x}", rand::random::<u32>() & 0xff_ffff);
    eprintln!("seeding {} customers …", o.customers);
    let fixture = seed::seed(&http, t, &run, o.customers, concurrency).await?;
    let shared = Arc::new(Shared {
        target_base: t.base.clone(),
        project: t.creds.project.clone(),
        creds: t.creds.clone(),
        fixture,
        created: Mutex::new(Vec::new()),
        carts: Mutex::new(Vec::new()),
        counter: AtomicU64::new(0),
        run,
    });
    eprintln!("warm-up {} s …", o.warmup.as_secs());
    drive(
        &shared,
        &http,
        concurrency,
        Instant::now() + o.warmup,
        o.seed,
    )
    .await?;
    eprintln!("measuring {} s …", o.duration.as_secs());
    let began = Instant::now();
    let until = began + o.duration;
    let sampler = tokio::spawn(sample_rss(t.pid(), began, until));
    let tallies = drive(&shared, &http, concurrency, until, o.seed + 1000).await?;
    let seconds = began.elapsed().as_secs_f64();
    let rss = sampler.await.unwrap_or_default();
    let end_anon_file_kib = t.pid().and_then(|pid| {
        Some((
            status_kib(pid, "RssAnon:")?,
            status_kib(pid, "RssFile:")? + status_kib(pid, "RssShmem:").unwrap_or(0),
        ))
    });
    let mut all = Histogram::<u64>::new_with_bounds(1, 120_000_000, 3)?;
    let mut r = SoakReport {
        description: t.description.clone(),
        concurrency,
        seconds,
        rss,
        idle_kib,
        end_anon_file_kib,
        ..SoakReport::default()
    };
    for tally in tallies {
        all.add(&tally.hist)?;
        r.requests += tally.requests;
        r.conflicts += tally.conflicts;
        r.errors += tally.errors;
        r.error_examples.extend(tally.examples);
    }
    r.error_examples.truncate(10);
    r.p50_ms = all.value_at_quantile(0.5) as f64 / 1000.0;
    r.p99_ms = all.value_at_quantile(0.99) as f64 / 1000.0;
    r.max_ms = all.max() as f64 / 1000.0;
    r.panics = t.panics();
    r.db_bytes = t.sqlite_bytes();
    Ok(r)
}
