//! Running a workload closed-loop and measuring it: latency histogram (µs), throughput,
//! errors, and — given the server's PID — its CPU time per request and peak RSS from /proc.
//! The flood is run apart: N sign-ins at once, with closed-loop readers alongside.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::SeedableRng;

use crate::client::Api;
use crate::workloads::{step, Outcome, State, Workload};

/// The figures of one workload run (one row of the table).
#[derive(Debug)]
pub struct Figures {
    pub label: String,
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

/// A KiB field of /proc/PID/status, such as `VmRSS:`.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Resident memory (KiB) of a process: `VmRSS` from /proc/PID/status.
fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// The soft limit on open files of a process (`self` or a PID) from /proc/…/limits; None
/// when unlimited or unknown.
fn open_files_limit(pid: &str) -> Option<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.get("Max open files".len()..)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
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

/// When a closed-loop client stops starting requests.
#[derive(Clone)]
enum Until {
    Time(Instant),
    Flag(Arc<AtomicBool>),
}

impl Until {
    fn reached(&self) -> bool {
        match self {
            Until::Time(t) => Instant::now() >= *t,
            Until::Flag(f) => f.load(Ordering::Acquire),
        }
    }
}

async fn drive(
    api: Api,
    state: Arc<State>,
    w: Workload,
    until: Until,
    record: bool,
    seed: u64,
) -> Driven {
    let mut h = hist()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut n, mut conflicts, mut errors) = (0u64, 0u64, 0u64);
    while !until.reached() {
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
                Until::Time(start_warm),
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
                Until::Time(until),
                true,
                1000 + i as u64,
            ))
        })
        .collect();
    let (all, n, conflicts, errors) = join_all(tasks).await?;
    let seconds = began.elapsed().as_secs_f64();
    let cpu1 = pid.and_then(|p| cpu_us(p, clk));
    let peak = match sampler {
        Some(s) => s.await.ok(),
        None => None,
    };
    Ok(Figures {
        label: w.name().to_string(),
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

/// Closed-loop readers: join them and add up their histograms and counts.
async fn join_all(tasks: Vec<tokio::task::JoinHandle<Driven>>) -> Driven {
    let mut all = hist()?;
    let (mut n, mut conflicts, mut errors) = (0, 0, 0);
    for t in tasks {
        let (h, a, b, c) = t.await??;
        all.add(&h)?;
        n += a;
        conflicts += b;
        errors += c;
    }
    Ok((all, n, conflicts, errors))
}

/// The flood: `n` in-store sign-ins (W5) fired at once on a connection pool of their own (one
/// connection each), while `concurrency` closed-loop W1 readers run on the warm pool of `api`
/// until the last sign-in has answered. Returns the sign-in row and the read row.
///
/// Sign-ins: req/s is `n` over the time until the last one answered; latencies run from the
/// start signal to each answer (so they include the wait for the server's hashing pool);
/// errors are non-2xx answers or failed requests. Server CPU per request is the server's CPU
/// over that time (reads included) divided by `n`; its RSS is sampled every 50 ms, from
/// before the start until after the last answer, on a thread of its own so that a busy
/// runtime does not delay the samples.
pub async fn flood(
    api: &Api,
    state: &Arc<State>,
    n: usize,
    concurrency: usize,
    warmup: Duration,
    pid: Option<u32>,
) -> anyhow::Result<(Figures, Figures)> {
    let clk = clock_ticks();
    let need = (n + concurrency + 64) as u64;
    let procs = std::iter::once(("this tool", "self".to_string()))
        .chain(pid.map(|p| ("the server", p.to_string())));
    for (who, p) in procs {
        match open_files_limit(&p) {
            Some(limit) if limit < need => eprintln!(
                "warning: {who} may open at most {limit} files; a flood of {n} needs about \
                 {need} (raise `ulimit -n`), or sign-ins will fail to connect"
            ),
            _ => {}
        }
    }
    // Warm up the readers' connections and the server's caches, as for the other workloads.
    let warm_until = Until::Time(Instant::now() + warmup);
    let warm: Vec<_> = (0..concurrency)
        .map(|i| {
            tokio::spawn(drive(
                api.clone(),
                state.clone(),
                Workload::W1,
                warm_until.clone(),
                false,
                i as u64,
            ))
        })
        .collect();
    join_all(warm).await?;

    let flood_api = api.with_own_pool(n);
    let (gate, gate_rx) = tokio::sync::watch::channel(false);
    let signins: Vec<_> = (0..n)
        .map(|i| {
            let (api, state, mut gate_rx) = (flood_api.clone(), state.clone(), gate_rx.clone());
            tokio::spawn(async move {
                let mut rng = rand::rngs::StdRng::seed_from_u64(1_000_000 + i as u64);
                // All wait for one start signal (the sender lives until they are joined).
                let _ = gate_rx.wait_for(|open| *open).await;
                let t = Instant::now();
                let o = step(&api, &state, Workload::Flood, &mut rng).await;
                (t.elapsed(), o)
            })
        })
        .collect();
    let done = Arc::new(AtomicBool::new(false));
    let sampler = pid.map(|p| {
        let done = done.clone();
        tokio::task::spawn_blocking(move || {
            let mut peak = 0u64;
            loop {
                // One more sample after `done`: the last one follows the last answer.
                let last = done.load(Ordering::Acquire);
                peak = peak.max(rss_kib(p).unwrap_or(0));
                if last {
                    return peak;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    });
    let cpu0 = pid.and_then(|p| cpu_us(p, clk));
    let began = Instant::now();
    let readers: Vec<_> = (0..concurrency)
        .map(|i| {
            tokio::spawn(drive(
                api.clone(),
                state.clone(),
                Workload::W1,
                Until::Flag(done.clone()),
                true,
                1000 + i as u64,
            ))
        })
        .collect();
    gate.send_replace(true);
    let mut h = hist()?;
    let (mut conflicts, mut errors) = (0u64, 0u64);
    for t in signins {
        let (took, o) = t.await?;
        let _ = h.record(took.as_micros().max(1) as u64);
        match o {
            Outcome::Ok => {}
            Outcome::Conflict => conflicts += 1,
            Outcome::Error => errors += 1,
        }
    }
    let seconds = began.elapsed().as_secs_f64();
    let cpu1 = pid.and_then(|p| cpu_us(p, clk));
    done.store(true, Ordering::Release);
    let (reads, read_n, read_conflicts, read_errors) = join_all(readers).await?;
    let read_seconds = began.elapsed().as_secs_f64();
    drop(gate);
    let peak = match sampler {
        Some(s) => s.await.ok(),
        None => None,
    };
    if let Some(hwm) = pid.and_then(|p| status_kib(p, "VmHWM:")) {
        eprintln!(
            "server VmHWM (peak RSS since it started, seeding included): {:.1} MiB",
            hwm as f64 / 1024.0
        );
    }
    let signin_row = Figures {
        label: format!("flood: {n} parallel sign-ins"),
        requests: n as u64,
        conflicts,
        errors,
        seconds,
        p50_us: h.value_at_quantile(0.50),
        p99_us: h.value_at_quantile(0.99),
        max_us: h.max(),
        server_cpu_us_per_req: match (cpu0, cpu1) {
            (Some(a), Some(b)) if n > 0 => Some((b.saturating_sub(a)) as f64 / n as f64),
            _ => None,
        },
        server_peak_rss_mib: peak.map(|k| k as f64 / 1024.0),
    };
    let read_row = Figures {
        label: "flood: W1 reads during the flood".to_string(),
        requests: read_n,
        conflicts: read_conflicts,
        errors: read_errors,
        seconds: read_seconds,
        p50_us: reads.value_at_quantile(0.50),
        p99_us: reads.value_at_quantile(0.99),
        max_us: reads.max(),
        server_cpu_us_per_req: None,
        server_peak_rss_mib: None,
    };
    Ok((signin_row, read_row))
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
        f.label,
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
