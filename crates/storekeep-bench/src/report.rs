//! Running a workload closed-loop and measuring it: latency histogram (µs), throughput,
//! errors, and — given the server's PID — its CPU time per request and peak RSS from /proc.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::SeedableRng;

use crate::client::Api;
use crate::workloads::{step, Outcome, State, Workload};

/// The figures of one workload run.
#[derive(Debug)]
pub struct Figures {
    pub workload: Workload,
    pub requests: u64,
    pub conflicts: u64,
    pub errors: u64,
    pub seconds: f64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub server_cpu_us_per_req: Option<f64>,
    pub server_peak_rss_mib: Option<f64>,
}

/// CPU time (µs) of a process from /proc/PID/stat (utime + stime).
fn cpu_us(pid: u32, clk_tck: u64) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = f.get(11)?.parse().ok()?;
    let stime: u64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) * 1_000_000 / clk_tck.max(1))
}

/// Resident memory (KiB) of a process: `VmRSS` from /proc/PID/status.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on Linux if unknown).
pub fn clock_ticks() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

/// A latency histogram from 1 µs to 60 s with 3 significant figures.
fn hist() -> anyhow::Result<Histogram<u64>> {
    Ok(Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?)
}

type Driven = anyhow::Result<(Histogram<u64>, u64, u64, u64)>;

async fn drive(
    api: Api,
    state: Arc<State>,
    w: Workload,
    until: Instant,
    record: bool,
    seed: u64,
) -> Driven {
    let mut h = hist()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut n, mut conflicts, mut errors) = (0u64, 0u64, 0u64);
    while Instant::now() < until {
        let t = Instant::now();
        let o = step(&api, &state, w, &mut rng).await;
        if record {
            let _ = h.record(t.elapsed().as_micros().max(1) as u64);
            n += 1;
            match o {
                Outcome::Ok => {}
                Outcome::Conflict => conflicts += 1,
                Outcome::Error => errors += 1,
            }
        }
    }
    Ok((h, n, conflicts, errors))
}

/// Warm up, then run `w` for `duration` at `concurrency` and collect the figures.
pub async fn run(
    api: &Api,
    state: &Arc<State>,
    w: Workload,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
    pid: Option<u32>,
) -> anyhow::Result<Figures> {
    let clk = clock_ticks();
    let start_warm = Instant::now() + warmup;
    let warm: Vec<_> = (0..concurrency)
        .map(|i| {
            tokio::spawn(drive(
                api.clone(),
                state.clone(),
                w,
                start_warm,
                false,
                i as u64,
            ))
        })
        .collect();
    for t in warm {
        t.await??;
    }
    let cpu0 = pid.and_then(|p| cpu_us(p, clk));
    let began = Instant::now();
    let until = began + duration;
    let sampler = pid.map(|p| {
        tokio::spawn(async move {
            let mut peak = 0u64;
            while Instant::now() < until {
                peak = peak.max(rss_kib(p).unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        })
    });
    let tasks: Vec<_> = (0..concurrency)
        .map(|i| {
            tokio::spawn(drive(
                api.clone(),
                state.clone(),
                w,
                until,
                true,
                1000 + i as u64,
            ))
        })
        .collect();
    let mut all = hist()?;
    let (mut n, mut conflicts, mut errors) = (0, 0, 0);
    for t in tasks {
        let (h, a, b, c) = t.await??;
        all.add(&h)?;
        n += a;
        conflicts += b;
        errors += c;
    }
    let seconds = began.elapsed().as_secs_f64();
    let cpu1 = pid.and_then(|p| cpu_us(p, clk));
    let peak = match sampler {
        Some(s) => s.await.ok(),
        None => None,
    };
    Ok(Figures {
        workload: w,
        requests: n,
        conflicts,
        errors,
        seconds,
        p50_us: all.value_at_quantile(0.50),
        p99_us: all.value_at_quantile(0.99),
        max_us: all.max(),
        server_cpu_us_per_req: match (cpu0, cpu1) {
            (Some(a), Some(b)) if n > 0 => Some((b.saturating_sub(a)) as f64 / n as f64),
            _ => None,
        },
        server_peak_rss_mib: peak.map(|k| k as f64 / 1024.0),
    })
}

/// Print the table header.
pub fn header() {
    println!("| workload | req/s | p50 ms | p99 ms | max ms | 409s | errors | server CPU µs/req | server peak RSS MiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
}

/// Print one row.
pub fn row(f: &Figures) {
    let opt =
        |v: Option<f64>, d: usize| v.map(|x| format!("{x:.d$}")).unwrap_or_else(|| "–".into());
    println!(
        "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | {} | {} |",
        f.workload.name(),
        f.requests as f64 / f.seconds.max(1e-9),
        f.p50_us as f64 / 1000.0,
        f.p99_us as f64 / 1000.0,
        f.max_us as f64 / 1000.0,
        f.conflicts,
        f.errors,
        opt(f.server_cpu_us_per_req, 1),
        opt(f.server_peak_rss_mib, 1),
    );
}
