//! `storekeep-chaos token-flood` (issue 14, item 1): `--requests` concurrent failing
//! `POST /oauth/token` requests, each on its own connection and all released at one signal,
//! of two kinds — a wrong secret for the existing client, and unknown client ids — each kind
//! `--rounds` times. Every answer must be 401 `invalid_client` or 503 `OverCapacity` (OAuth
//! body `temporarily_unavailable`, with `Retry-After`); the server's peak RSS must stay under
//! `--max-rss-mib`; `/health` and an authorized read are probed throughout and must all
//! answer 200. After each round the tool waits `--settle-secs` and records what the server
//! still holds.

use std::time::{Duration, Instant};

use crate::client::{Credentials, Http, Reply};
use crate::flood::{mib, settled_rss, ProbeFigures, Prober, Sampler};
use crate::server::rss_kib;
use crate::target::Target;

/// What to run.
#[derive(Debug, Clone)]
pub struct TokenFloodOptions {
    /// Concurrent requests per round.
    pub requests: usize,
    /// Rounds per kind.
    pub rounds: usize,
    /// Largest acceptable peak RSS of the server (MiB).
    pub max_rss_mib: u64,
    /// Wait after each round before reading what the server kept.
    pub settle: Duration,
}

/// The two kinds of failing token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The existing client with a wrong secret (a real Argon2 verification each).
    WrongSecret,
    /// A client id nobody has (the dummy verification each).
    UnknownClient,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::WrongSecret => "wrong secret",
            Kind::UnknownClient => "unknown client id",
        }
    }

    fn creds(self, real: &Credentials, i: usize) -> Credentials {
        let mut c = real.clone();
        c.client_secret = format!("wrong-secret-{i:06}");
        if self == Kind::UnknownClient {
            c.client_id = format!("flood-unknown-{i:06}");
        }
        c
    }
}

/// One round of one kind.
#[derive(Debug, Clone)]
pub struct Round {
    pub kind: Kind,
    pub round: usize,
    pub sent: usize,
    pub unauthorized: usize,
    pub over_capacity: usize,
    /// Answers of another shape, with a description of the first few.
    pub unexpected: Vec<String>,
    pub transport_errors: Vec<String>,
    pub peak_rss_kib: u64,
    pub peak_fds: usize,
    pub settled_rss_kib: Option<u64>,
    pub elapsed: Duration,
    pub probes: ProbeFigures,
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct TokenFloodReport {
    pub options: TokenFloodOptions,
    pub baseline_rss_kib: Option<u64>,
    pub rounds: Vec<Round>,
    pub panics: usize,
}

/// Is this the answer of a failed client authentication or of a full Argon2 queue?
fn classify(r: &Reply) -> Result<bool, String> {
    let error = r.body["error"].as_str().unwrap_or("");
    let code = r.body["errors"][0]["code"].as_str().unwrap_or("");
    match r.status.as_u16() {
        401 if error == "invalid_client" && code == "invalid_client" => Ok(false),
        503 if error == "temporarily_unavailable"
            && code == "OverCapacity"
            && r.retry_after.is_some() =>
        {
            Ok(true)
        }
        _ => Err(format!(
            "{} {} (Retry-After {:?})",
            r.status, r.body, r.retry_after
        )),
    }
}

async fn round(
    t: &Target,
    token: &str,
    kind: Kind,
    n: usize,
    settle: Duration,
) -> anyhow::Result<Round> {
    let pool = Http::new(n);
    let url = format!("{}/oauth/token", t.base);
    let (gate, gate_rx) = tokio::sync::watch::channel(false);
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (pool, url, mut gate_rx) = (pool.clone(), url.clone(), gate_rx.clone());
            let creds = kind.creds(&t.creds, i);
            tokio::spawn(async move {
                let _ = gate_rx.wait_for(|open| *open).await;
                pool.form(&url, "grant_type=client_credentials", &creds)
                    .await
            })
        })
        .collect();
    let sampler = Sampler::start(t.pid());
    let prober = Prober::start(&t.base, &t.creds.project, token);
    let began = Instant::now();
    gate.send_replace(true);
    let mut r = Round {
        kind,
        round: 0,
        sent: n,
        unauthorized: 0,
        over_capacity: 0,
        unexpected: Vec::new(),
        transport_errors: Vec::new(),
        peak_rss_kib: 0,
        peak_fds: 0,
        settled_rss_kib: None,
        elapsed: Duration::ZERO,
        probes: ProbeFigures::default(),
    };
    for task in tasks {
        match task.await? {
            Ok(reply) => match classify(&reply) {
                Ok(true) => r.over_capacity += 1,
                Ok(false) => r.unauthorized += 1,
                Err(e) => r.unexpected.push(e),
            },
            Err(e) => r.transport_errors.push(format!("{e:#}")),
        }
    }
    r.elapsed = began.elapsed();
    let peaks = sampler.finish();
    r.probes = prober.finish().await;
    (r.peak_rss_kib, r.peak_fds) = (peaks.rss_kib, peaks.fds);
    drop(pool);
    r.settled_rss_kib = settled_rss(t.pid(), settle).await;
    Ok(r)
}

/// Run the flood against an open target.
pub async fn run(t: &Target, o: &TokenFloodOptions) -> anyhow::Result<TokenFloodReport> {
    let mut http = Http::new(1);
    http.authorize(&t.base, &t.creds).await?;
    let baseline_rss_kib = t.pid().and_then(rss_kib);
    let mut rounds = Vec::new();
    for kind in [Kind::WrongSecret, Kind::UnknownClient] {
        for i in 1..=o.rounds {
            let mut r = round(t, http.token(), kind, o.requests, o.settle).await?;
            r.round = i;
            rounds.push(r);
        }
    }
    Ok(TokenFloodReport {
        options: o.clone(),
        baseline_rss_kib,
        rounds,
        panics: t.panics(),
    })
}

impl TokenFloodReport {
    /// Did every round keep its bounds?
    pub fn passed(&self) -> bool {
        self.panics == 0
            && self.rounds.iter().all(|r| {
                r.unexpected.is_empty()
                    && r.transport_errors.is_empty()
                    && r.probes.failures.is_empty()
                    && r.unauthorized + r.over_capacity == r.sent
                    && r.peak_rss_kib <= self.options.max_rss_mib * 1024
            })
    }

    /// The report.
    pub fn render(&self) -> String {
        let mut out = format!(
            "token flood: {} concurrent failing requests per round, {} rounds per kind; RSS \
             baseline {} MiB, bound {} MiB\n\n\
             | kind | round | 401 | 503 | other | transport errors | peak RSS MiB | peak fds | \
             RSS after {} s | time s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            self.options.requests,
            self.options.rounds,
            self.baseline_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
            self.options.max_rss_mib,
            self.options.settle.as_secs_f64(),
        );
        for r in &self.rounds {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |\n",
                r.kind.label(),
                r.round,
                r.unauthorized,
                r.over_capacity,
                r.unexpected.len(),
                r.transport_errors.len(),
                mib(r.peak_rss_kib),
                r.peak_fds,
                r.settled_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
                r.elapsed.as_secs_f64(),
            ));
        }
        out.push('\n');
        for r in &self.rounds {
            out.push_str(&format!(
                "{} round {}: {}\n",
                r.kind.label(),
                r.round,
                r.probes.render()
            ));
            for e in r.unexpected.iter().chain(&r.transport_errors).take(3) {
                out.push_str(&format!("  e.g. {e}\n"));
            }
            for e in r.probes.failures.iter().take(3) {
                out.push_str(&format!("  probe: {e}\n"));
            }
        }
        out.push_str(&format!(
            "server panics: {}\nresult: {}\n",
            self.panics,
            if self.passed() { "PASS" } else { "FAIL" }
        ));
        out
    }
}
