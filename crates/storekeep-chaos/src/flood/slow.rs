//! `storekeep-chaos slow-flood` (issue 21, F4): `--connections` TCP connections held open the
//! way slow clients hold them. Half send a request line and then one header byte per
//! `--trickle-ms`, never finishing their headers (slowloris); the other half send one complete
//! request, read the answer and then sit idle on the keep-alive connection. Meanwhile
//! `/health` and an authorized read are probed on fresh connections and must all answer 200;
//! the server's peak RSS must stay under `--max-rss-mib` and its open descriptors under
//! `--max-fds` (its connection limit plus the reserve); every slow connection must have been
//! closed by the server before the run ends (header-read and idle timeouts, or eviction at
//! the connection limit). The connections are opened evenly over `--ramp-secs`: slow clients
//! accumulate, and the server evicts only connections that have waited at least a second.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client::Http;
use crate::flood::{mib, settled_rss, ProbeFigures, Prober, Sampler};
use crate::server::rss_kib;
use crate::target::Target;

/// What to run.
#[derive(Debug, Clone)]
pub struct SlowFloodOptions {
    /// Slow connections to open (half slow headers, half idle keep-alive).
    pub connections: usize,
    /// Pause between two header bytes of a slow-header connection.
    pub trickle: Duration,
    /// The connections are opened evenly over this time (slow clients accumulate; a burst of
    /// fresh connections beyond the limit is refused by design, docs/RELIABILITY.md).
    pub ramp: Duration,
    /// How long the connections are held (at most); the run ends then.
    pub duration: Duration,
    /// Largest acceptable peak RSS of the server (MiB).
    pub max_rss_mib: u64,
    /// Largest acceptable number of open descriptors of the server.
    pub max_fds: Option<usize>,
}

/// How one slow connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The server closed it (after this long).
    Closed(Duration),
    /// Still open when the run ended.
    Open,
    /// Could not connect.
    ConnectFailed,
}

/// The run's figures.
#[derive(Debug, Clone)]
pub struct SlowFloodReport {
    pub options: SlowFloodOptions,
    pub baseline_rss_kib: Option<u64>,
    pub connect_failures: usize,
    /// (slow headers, idle keep-alive) closed by the server, and the longest time it took.
    pub closed: (usize, usize),
    pub longest_open: Duration,
    pub still_open: usize,
    pub peak_rss_kib: u64,
    pub peak_fds: usize,
    pub settled_rss_kib: Option<u64>,
    pub probes: ProbeFigures,
    pub panics: usize,
}

/// Read until the server closes the connection or `until`; what was read is thrown away.
async fn wait_closed(s: &mut TcpStream, until: Instant) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

/// A connection that trickles header bytes until the server closes it.
async fn slow_headers(mut s: TcpStream, trickle: Duration, until: Instant) -> bool {
    if s.write_all(b"GET /health HTTP/1.1\r\nHost: storekeep\r\nX-Slow: ")
        .await
        .is_err()
    {
        return true;
    }
    loop {
        let next = (Instant::now() + trickle).min(until);
        if wait_closed(&mut s, next).await {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        if s.write_all(b"a").await.is_err() {
            return true;
        }
    }
}

/// A connection that sends one request, reads the answer and then idles.
async fn idle_keep_alive(mut s: TcpStream, until: Instant) -> bool {
    if s.write_all(b"GET /health HTTP/1.1\r\nHost: storekeep\r\n\r\n")
        .await
        .is_err()
    {
        return true;
    }
    wait_closed(&mut s, until).await
}

async fn one(
    addr: String,
    slow: bool,
    (start, trickle, until): (Instant, Duration, Instant),
) -> Outcome {
    tokio::time::sleep_until(start.into()).await;
    let began = Instant::now();
    let connect = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&addr)).await;
    let Ok(Ok(s)) = connect else {
        return Outcome::ConnectFailed;
    };
    let closed = if slow {
        slow_headers(s, trickle, until).await
    } else {
        idle_keep_alive(s, until).await
    };
    if closed {
        Outcome::Closed(began.elapsed())
    } else {
        Outcome::Open
    }
}

/// Run the flood against an open target.
pub async fn run(t: &Target, o: &SlowFloodOptions) -> anyhow::Result<SlowFloodReport> {
    let mut http = Http::new(1);
    http.authorize(&t.base, &t.creds).await?;
    let baseline_rss_kib = t.pid().and_then(rss_kib);
    let addr = t
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let sampler = Sampler::start(t.pid());
    let prober = Prober::start(&t.base, &t.creds.project, http.token());
    let began = Instant::now();
    let until = began + o.duration;
    let tasks: Vec<_> = (0..o.connections)
        .map(|i| {
            let start = began + o.ramp.mul_f64(i as f64 / o.connections as f64);
            tokio::spawn(one(addr.clone(), i % 2 == 0, (start, o.trickle, until)))
        })
        .collect();
    let mut r = SlowFloodReport {
        options: o.clone(),
        baseline_rss_kib,
        connect_failures: 0,
        closed: (0, 0),
        longest_open: Duration::ZERO,
        still_open: 0,
        peak_rss_kib: 0,
        peak_fds: 0,
        settled_rss_kib: None,
        probes: ProbeFigures::default(),
        panics: 0,
    };
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await? {
            Outcome::Closed(d) if i % 2 == 0 => {
                r.closed.0 += 1;
                r.longest_open = r.longest_open.max(d);
            }
            Outcome::Closed(d) => {
                r.closed.1 += 1;
                r.longest_open = r.longest_open.max(d);
            }
            Outcome::Open => r.still_open += 1,
            Outcome::ConnectFailed => r.connect_failures += 1,
        }
    }
    let peaks = sampler.finish();
    r.probes = prober.finish().await;
    (r.peak_rss_kib, r.peak_fds) = (peaks.rss_kib, peaks.fds);
    r.settled_rss_kib = settled_rss(t.pid(), Duration::from_secs(2)).await;
    r.panics = t.panics();
    Ok(r)
}

impl SlowFloodReport {
    /// Did the server stay responsive and within its bounds, and close every slow client?
    pub fn passed(&self) -> bool {
        self.panics == 0
            && self.probes.failures.is_empty()
            && !self.probes.health_us.is_empty()
            && self.still_open == 0
            && self.peak_rss_kib <= self.options.max_rss_mib * 1024
            && self.options.max_fds.is_none_or(|m| self.peak_fds <= m)
    }

    /// The report.
    pub fn render(&self) -> String {
        let o = &self.options;
        format!(
            "slow-client flood: {} connections opened over {} s (half slow headers at 1 byte \
             per {} ms, half idle keep-alive), held up to {} s\n\
             connect failures: {}\n\
             closed by the server: {} slow-header, {} idle (longest open {:.1} s); still open at \
             the end: {}\n\
             server RSS MiB: baseline {}, peak {} (bound {}), 2 s after {}\n\
             server open fds: peak {} (bound {})\n\
             probes: {}\n{}\
             server panics: {}\nresult: {}\n",
            o.connections,
            o.ramp.as_secs_f64(),
            o.trickle.as_millis(),
            o.duration.as_secs(),
            self.connect_failures,
            self.closed.0,
            self.closed.1,
            self.longest_open.as_secs_f64(),
            self.still_open,
            self.baseline_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
            mib(self.peak_rss_kib),
            o.max_rss_mib,
            self.settled_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
            self.peak_fds,
            o.max_fds
                .map(|m| m.to_string())
                .unwrap_or_else(|| "none".into()),
            self.probes.render(),
            self.probes
                .failures
                .iter()
                .take(3)
                .map(|f| format!("  probe: {f}\n"))
                .collect::<String>(),
            self.panics,
            if self.passed() { "PASS" } else { "FAIL" }
        )
    }
}
