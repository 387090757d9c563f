//! What the floods share: a sampler of the server's resident memory and open file
//! descriptors on a thread of its own (a busy runtime must not delay the samples), and a
//! prober that keeps asking `/health` and one authorized read on fresh connections while a
//! flood runs, so that the report can say whether the server stayed responsive.
//!
//! - [`tokens`]: 1,000 concurrent failing token requests (wrong secret / unknown client id).
//! - [`slow`]: connections that send their headers slowly, or send one request and then idle.
//! - [`queries`]: expensive queries — introspection, fragment bombs, large predicates.
//! - [`sizes`]: big resources, then parallel store-scoped queries over them.

pub mod queries;
pub mod sizes;
pub mod slow;
pub mod tokens;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::Method;

use crate::client::Http;
use crate::server::rss_kib;
use crate::stats::quantile;

/// Descriptors a server may hold beyond its connection limit: listener, database, log,
/// runtime (epoll, eventfds) and a connection being refused or evicted. storekeep keeps this
/// many below the open-file limit (docs/RELIABILITY.md).
pub const FD_RESERVE: usize = 64;

/// How often the sampler looks at /proc.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

/// How often the prober asks.
const PROBE_EVERY: Duration = Duration::from_millis(100);

/// Open file descriptors of a process (entries of /proc/PID/fd).
pub fn open_fds(pid: u32) -> Option<usize> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()
        .map(|d| d.count())
}

/// Peak figures seen by a [`Sampler`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Peaks {
    pub rss_kib: u64,
    pub fds: usize,
    pub samples: usize,
}

/// Samples RSS and open descriptors of a process every 20 ms until stopped.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<Peaks>>,
}

impl Sampler {
    /// Start sampling `pid` (no-op figures when `None`).
    pub fn start(pid: Option<u32>) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = pid.map(|pid| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut peaks = Peaks::default();
                loop {
                    // One more sample after the stop: the last follows the flood's end.
                    let last = stop.load(Ordering::Acquire);
                    peaks.rss_kib = peaks.rss_kib.max(rss_kib(pid).unwrap_or(0));
                    peaks.fds = peaks.fds.max(open_fds(pid).unwrap_or(0));
                    peaks.samples += 1;
                    if last {
                        return peaks;
                    }
                    std::thread::sleep(SAMPLE_EVERY);
                }
            })
        });
        Sampler { stop, handle }
    }

    /// Stop and return the peaks.
    pub fn finish(mut self) -> Peaks {
        self.stop.store(true, Ordering::Release);
        self.handle
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// What the prober saw: per kind of probe, latencies (µs) of 200 answers and failures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProbeFigures {
    pub health_us: Vec<u64>,
    pub read_us: Vec<u64>,
    /// Non-200 answers and transport errors, with what happened.
    pub failures: Vec<String>,
}

impl ProbeFigures {
    /// `n=…, p50 … ms, max … ms` of one kind of probe.
    pub fn describe(samples: &[u64]) -> String {
        let mut s = samples.to_vec();
        s.sort_unstable();
        let ms = |us: u64| us as f64 / 1000.0;
        format!(
            "n={} p50 {:.1} ms, max {:.1} ms",
            s.len(),
            ms(quantile(&s, 0.5)),
            ms(s.last().copied().unwrap_or(0))
        )
    }

    /// One line for the report.
    pub fn render(&self) -> String {
        format!(
            "/health {}; read {}; failed probes {}",
            Self::describe(&self.health_us),
            Self::describe(&self.read_us),
            self.failures.len()
        )
    }
}

/// Probes `/health` and `GET /{project}/stores?limit=1` (with `token`) alternately, each on a
/// fresh connection, until stopped.
pub struct Prober {
    stop: Arc<AtomicBool>,
    figures: Arc<Mutex<ProbeFigures>>,
    handle: tokio::task::JoinHandle<()>,
}

impl Prober {
    /// Start probing the server at `base`.
    pub fn start(base: &str, project: &str, token: &str) -> Prober {
        let stop = Arc::new(AtomicBool::new(false));
        let figures = Arc::new(Mutex::new(ProbeFigures::default()));
        let http = Http::unpooled().with_token(token);
        let (base, read) = (base.to_string(), format!("/{project}/stores?limit=1"));
        let (s, f) = (stop.clone(), figures.clone());
        let handle = tokio::spawn(async move {
            let mut health = true;
            while !s.load(Ordering::Acquire) {
                let t = Instant::now();
                let (what, r) = if health {
                    ("/health", http.probe(&format!("{base}/health")).await)
                } else {
                    let r = http.call(Method::GET, &base, &read, None).await;
                    ("read", r.map(|r| r.status))
                };
                let us = t.elapsed().as_micros() as u64;
                if let Ok(mut f) = f.lock() {
                    match r {
                        Ok(st) if st.as_u16() == 200 && health => f.health_us.push(us),
                        Ok(st) if st.as_u16() == 200 => f.read_us.push(us),
                        Ok(st) => f.failures.push(format!("{what}: {st}")),
                        Err(e) => f.failures.push(format!("{what}: {e:#}")),
                    }
                }
                health = !health;
                tokio::time::sleep(PROBE_EVERY).await;
            }
        });
        Prober {
            stop,
            figures,
            handle,
        }
    }

    /// Stop (after the probe in progress) and return what was seen.
    pub async fn finish(self) -> ProbeFigures {
        self.stop.store(true, Ordering::Release);
        let _ = self.handle.await;
        self.figures.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

/// `123.4` (MiB) from KiB.
pub fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

/// Wait `settle`, then the server's RSS (KiB): what stays after a flood.
pub async fn settled_rss(pid: Option<u32>, settle: Duration) -> Option<u64> {
    tokio::time::sleep(settle).await;
    pid.and_then(rss_kib)
}
