//! Floods of expensive queries (issue 14 item 2, issue 21 items 8 and F2): `--requests`
//! concurrent requests, each on its own connection and all released at one signal,
//! `--rounds` times, of one of three kinds:
//!
//! - `introspection-flood`: GraphQL documents of aliased `__schema { types { … } }` fields —
//!   alternately the issue's 600 aliases and the most the complexity limit admits (9);
//! - `fragment-flood`: the fragment bomb, `{ ...F<depth> }` where each fragment spreads the
//!   previous one twice (`--depth`, 2^depth fields once expanded);
//! - `predicate-flood`: over `--customers` seeded customers, in turn a REST query with a
//!   500-term `or` on `firstName` (the issue's 1,000 terms do not fit in the 16 KiB request
//!   head), one with the most terms allowed (50), a GraphQL
//!   request of the issue's 1,000 aliases × a 10-term `where`, and one with the most such
//!   aliases the complexity admits.
//!
//! Every answer must be 200 (a GraphQL answer may carry `QueryTimedOut` or `OverCapacity`
//! field errors), a 400 with a typed code (`InvalidInput`, `QueryComplexityLimitExceeded`,
//! `QueryTimedOut`) or 503 `OverCapacity`; no request may fail in transport (each has
//! `--client-timeout-secs`); the server's peak RSS must stay under `--max-rss-mib`. The report
//! also gives the server's CPU time during each round and during the settle time after it —
//! work the server still does for clients that have given up — and the probes' figures.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hyper::Method;
use serde_json::{json, Value};

use crate::client::{enc, Http, Reply};
use crate::flood::{mib, settled_rss, ProbeFigures, Prober, Sampler};
use crate::server::rss_kib;
use crate::target::Target;

/// The issue's introspection selection (issue 14 item 2).
const SCHEMA_SELECTION: &str = "__schema { types { name fields { name args { name } type { name ofType { name ofType { name } } } } } }";

/// The kind of flood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Introspection,
    FragmentBomb,
    Predicate,
}

impl QueryKind {
    fn label(self) -> &'static str {
        match self {
            QueryKind::Introspection => "introspection",
            QueryKind::FragmentBomb => "fragment bomb",
            QueryKind::Predicate => "predicate",
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct QueryFloodOptions {
    pub kind: QueryKind,
    /// Concurrent requests per round.
    pub requests: usize,
    pub rounds: usize,
    /// Largest acceptable peak RSS of the server (MiB).
    pub max_rss_mib: u64,
    /// Wait after each round before reading what the server kept (and its CPU time).
    pub settle: Duration,
    /// How long a client waits for an answer before it gives up (and disconnects).
    pub client_timeout: Duration,
    /// Fragment bomb: fragments in the chain.
    pub depth: usize,
    /// Predicate flood: customers seeded first.
    pub customers: usize,
}

/// A document of `n` aliases of `field`.
fn aliases(n: usize, field: &str) -> String {
    let a: Vec<String> = (0..n).map(|i| format!("a{i}: {field}")).collect();
    format!("{{ {} }}", a.join(" "))
}

/// The fragment bomb of issue 21 item 8.
pub fn bomb(depth: usize) -> String {
    let mut q = format!("{{ ...F{depth} }} fragment F0 on Query {{ __typename }} ");
    for i in 1..=depth {
        q.push_str(&format!(
            "fragment F{i} on Query {{ ...F{} ...F{} }} ",
            i - 1,
            i - 1
        ));
    }
    q
}

/// `firstName="n0" or firstName="n1" or …` with `n` terms (no customer matches: every row
/// is read and every term evaluated).
fn or_terms(n: usize) -> String {
    let t: Vec<String> = (0..n).map(|i| format!("firstName=\"n{i}\"")).collect();
    t.join(" or ")
}

/// The `i`-th request of a round: a label, the method, the path and the body.
fn request(kind: QueryKind, i: usize, o: &QueryFloodOptions, project: &str) -> Req {
    let gql = |query: String| Req {
        label: "",
        method: Method::POST,
        path: format!("/{project}/graphql"),
        body: Some(json!({ "query": query })),
    };
    let labelled = |label, r: Req| Req { label, ..r };
    match kind {
        QueryKind::Introspection if i.is_multiple_of(2) => {
            labelled("600 × __schema", gql(aliases(600, SCHEMA_SELECTION)))
        }
        QueryKind::Introspection => labelled("9 × __schema", gql(aliases(9, SCHEMA_SELECTION))),
        QueryKind::FragmentBomb => labelled("fragment bomb", gql(bomb(o.depth))),
        QueryKind::Predicate => {
            let filtered = |terms: usize| {
                format!(
                    "customers(where: {}, limit: 1) {{ total }}",
                    Value::String(or_terms(terms))
                )
            };
            let rest = |terms: usize| Req {
                label: "",
                method: Method::GET,
                path: format!(
                    "/{project}/customers?limit=1&where={}",
                    enc(&or_terms(terms))
                ),
                body: None,
            };
            match i % 4 {
                0 => labelled("REST 500 terms", rest(500)),
                1 => labelled("REST 50 terms", rest(50)),
                2 => labelled(
                    "GraphQL 1,000 × 10 terms",
                    gql(aliases(1000, &filtered(10))),
                ),
                _ => labelled("GraphQL 49 × 10 terms", gql(aliases(49, &filtered(10)))),
            }
        }
    }
}

struct Req {
    label: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

/// The outcome of an answer, e.g. `200`, `400 QueryComplexityLimitExceeded`,
/// `200 + errors QueryTimedOut`; `Err` for an answer no bound explains.
fn classify(r: &Reply) -> Result<String, String> {
    let codes: Vec<&str> = r.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["code"].as_str().or(e["extensions"]["code"].as_str()))
                .collect()
        })
        .unwrap_or_default();
    let first = codes.first().copied().unwrap_or("");
    let typed_400 = [
        "InvalidInput",
        "QueryComplexityLimitExceeded",
        "QueryTimedOut",
    ];
    let field_errors = ["QueryTimedOut", "OverCapacity"];
    match r.status.as_u16() {
        200 if codes.is_empty() => Ok("200".into()),
        200 | 400 if !codes.is_empty() && codes.iter().all(|c| field_errors.contains(c)) => {
            let mut distinct = codes.clone();
            distinct.sort_unstable();
            distinct.dedup();
            Ok(format!(
                "{} + errors {}",
                r.status.as_u16(),
                distinct.join(", ")
            ))
        }
        400 if typed_400.contains(&first) => Ok(format!("400 {first}")),
        503 if first == "OverCapacity" && r.retry_after.is_some() => Ok("503 OverCapacity".into()),
        _ => {
            let text = r.body.to_string();
            let cut = text.char_indices().nth(200).map_or(text.len(), |(i, _)| i);
            Err(format!("{} {}", r.status, &text[..cut]))
        }
    }
}

/// CPU time (user + system, seconds) the process has used, from /proc/PID/stat (in clock
/// ticks of 1/100 s, Linux's `USER_HZ`).
pub fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// One round.
#[derive(Debug, Clone)]
pub struct Round {
    pub round: usize,
    pub sent: usize,
    /// Outcome → count, per kind of request.
    pub outcomes: BTreeMap<(String, String), usize>,
    pub unexpected: Vec<String>,
    pub transport_errors: Vec<String>,
    pub peak_rss_kib: u64,
    pub settled_rss_kib: Option<u64>,
    /// Server CPU seconds during the round, and during the settle time after it.
    pub cpu_round: Option<f64>,
    pub cpu_settle: Option<f64>,
    pub elapsed: Duration,
    pub probes: ProbeFigures,
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct QueryFloodReport {
    pub options: QueryFloodOptions,
    pub baseline_rss_kib: Option<u64>,
    pub rounds: Vec<Round>,
    pub panics: usize,
}

async fn round(t: &Target, token: &str, o: &QueryFloodOptions, no: usize) -> anyhow::Result<Round> {
    let n = o.requests;
    let http = Http::new(n)
        .with_token(token)
        .with_timeout(o.client_timeout);
    let (gate, gate_rx) = tokio::sync::watch::channel(false);
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let req = request(o.kind, i, o, &t.creds.project);
            let (http, base, mut gate_rx) = (http.clone(), t.base.clone(), gate_rx.clone());
            tokio::spawn(async move {
                let _ = gate_rx.wait_for(|open| *open).await;
                let r = http
                    .call(req.method, &base, &req.path, req.body.as_ref())
                    .await;
                (req.label, r)
            })
        })
        .collect();
    let sampler = Sampler::start(t.pid());
    let prober = Prober::start(&t.base, &t.creds.project, token);
    let cpu_start = t.pid().and_then(cpu_secs);
    let began = Instant::now();
    gate.send_replace(true);
    let mut r = Round {
        round: no,
        sent: n,
        outcomes: BTreeMap::new(),
        unexpected: Vec::new(),
        transport_errors: Vec::new(),
        peak_rss_kib: 0,
        settled_rss_kib: None,
        cpu_round: None,
        cpu_settle: None,
        elapsed: Duration::ZERO,
        probes: ProbeFigures::default(),
    };
    for task in tasks {
        let (label, reply) = task.await?;
        match reply {
            Ok(reply) => match classify(&reply) {
                Ok(outcome) => {
                    *r.outcomes.entry((label.to_string(), outcome)).or_insert(0) += 1;
                }
                Err(e) => r.unexpected.push(format!("{label}: {e}")),
            },
            Err(e) => r.transport_errors.push(format!("{label}: {e:#}")),
        }
    }
    r.elapsed = began.elapsed();
    drop(http);
    let cpu_end = t.pid().and_then(cpu_secs);
    r.probes = prober.finish().await;
    r.settled_rss_kib = settled_rss(t.pid(), o.settle).await;
    r.peak_rss_kib = sampler.finish().rss_kib;
    let cpu_settled = t.pid().and_then(cpu_secs);
    r.cpu_round = cpu_start.zip(cpu_end).map(|(a, b)| b - a);
    r.cpu_settle = cpu_end.zip(cpu_settled).map(|(a, b)| b - a);
    Ok(r)
}

/// Create `n` customers (external authentication: no password, no Argon2) named
/// `Flood <i>`, 16 at a time.
async fn seed_customers(http: &Http, t: &Target, n: usize) -> anyhow::Result<()> {
    let path = format!("/{}/customers", t.creds.project);
    let mut created = 0;
    for chunk in (0..n).collect::<Vec<_>>().chunks(16) {
        let mut calls = tokio::task::JoinSet::new();
        for i in chunk {
            let body = json!({"email": format!("flood-{i}@example.com"), "authenticationMode": "ExternalAuth", "firstName": format!("Flood {i}")});
            let (http, base, path) = (http.clone(), t.base.clone(), path.clone());
            calls.spawn(async move { http.call(Method::POST, &base, &path, Some(&body)).await });
        }
        while let Some(r) = calls.join_next().await {
            let r = r??;
            anyhow::ensure!(r.status.as_u16() == 201, "seeding: {} {}", r.status, r.body);
            created += 1;
        }
    }
    eprintln!("seeded {created} customers");
    Ok(())
}

/// Run the flood against an open target.
pub async fn run(t: &Target, o: &QueryFloodOptions) -> anyhow::Result<QueryFloodReport> {
    let mut http = Http::new(16);
    http.authorize(&t.base, &t.creds).await?;
    if o.kind == QueryKind::Predicate {
        seed_customers(&http, t, o.customers).await?;
    }
    let baseline_rss_kib = t.pid().and_then(rss_kib);
    let mut rounds = Vec::new();
    for i in 1..=o.rounds {
        rounds.push(round(t, http.token(), o, i).await?);
    }
    Ok(QueryFloodReport {
        options: o.clone(),
        baseline_rss_kib,
        rounds,
        panics: t.panics(),
    })
}

impl QueryFloodReport {
    /// Did every round keep its bounds (answers, transport, memory)? Probes are reported,
    /// not judged: a flood of expensive reads may keep both cores busy, within its budgets.
    pub fn passed(&self) -> bool {
        self.panics == 0
            && self.rounds.iter().all(|r| {
                r.unexpected.is_empty()
                    && r.transport_errors.is_empty()
                    && r.outcomes.values().sum::<usize>() == r.sent
                    && r.peak_rss_kib <= self.options.max_rss_mib * 1024
            })
    }

    /// The report.
    pub fn render(&self) -> String {
        let o = &self.options;
        let mut out = format!(
            "{} flood: {} concurrent requests per round, {} rounds; client timeout {} s; RSS \
             baseline {} MiB, bound {} MiB\n\n\
             | round | answers | transport errors | other | peak RSS MiB | RSS after {} s | \
             CPU s in round / after | time s |\n|---:|---|---:|---:|---:|---:|---|---:|\n",
            o.kind.label(),
            o.requests,
            o.rounds,
            o.client_timeout.as_secs_f64(),
            self.baseline_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
            o.max_rss_mib,
            o.settle.as_secs_f64(),
        );
        let secs = |s: Option<f64>| s.map_or("?".into(), |s| format!("{s:.1}"));
        for r in &self.rounds {
            let answers: Vec<String> = r
                .outcomes
                .iter()
                .map(|((label, outcome), n)| format!("{label}: {n} × {outcome}"))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} / {} | {:.1} |\n",
                r.round,
                answers.join("; "),
                r.transport_errors.len(),
                r.unexpected.len(),
                mib(r.peak_rss_kib),
                r.settled_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
                secs(r.cpu_round),
                secs(r.cpu_settle),
                r.elapsed.as_secs_f64(),
            ));
        }
        out.push('\n');
        for r in &self.rounds {
            out.push_str(&format!("round {}: {}\n", r.round, r.probes.render()));
            for e in r.unexpected.iter().chain(&r.transport_errors).take(3) {
                out.push_str(&format!("  e.g. {e}\n"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_of_this_process_is_read() {
        assert!(cpu_secs(std::process::id()).is_some());
    }

    #[test]
    fn answers_are_classified() {
        let reply = |status: u16, body: Value, retry: bool| Reply {
            status: hyper::StatusCode::from_u16(status).unwrap(),
            body,
            retry_after: retry.then(|| "1".to_string()),
        };
        let gql_error =
            |code: &str| json!({"errors": [{"message": "m", "extensions": {"code": code}}]});
        let rest_error = |code: &str| json!({"statusCode": 400, "errors": [{"code": code}]});
        assert_eq!(
            classify(&reply(200, json!({"data": {}}), false)),
            Ok("200".into())
        );
        assert_eq!(
            classify(&reply(
                400,
                gql_error("QueryComplexityLimitExceeded"),
                false
            )),
            Ok("400 QueryComplexityLimitExceeded".into())
        );
        assert_eq!(
            classify(&reply(400, rest_error("InvalidInput"), false)),
            Ok("400 InvalidInput".into())
        );
        assert_eq!(
            classify(&reply(200, gql_error("QueryTimedOut"), false)),
            Ok("200 + errors QueryTimedOut".into())
        );
        assert_eq!(
            classify(&reply(503, rest_error("OverCapacity"), true)),
            Ok("503 OverCapacity".into())
        );
        assert!(classify(&reply(503, rest_error("OverCapacity"), false)).is_err());
        assert!(classify(&reply(500, rest_error("General"), false)).is_err());
        assert!(classify(&reply(200, gql_error("General"), false)).is_err());
    }

    #[test]
    fn documents_have_the_issue_shapes() {
        assert_eq!(bomb(2), "{ ...F2 } fragment F0 on Query { __typename } fragment F1 on Query { ...F0 ...F0 } fragment F2 on Query { ...F1 ...F1 } ");
        assert_eq!(or_terms(2), "firstName=\"n0\" or firstName=\"n1\"");
        let path_len = enc(&or_terms(500)).len();
        assert!(
            path_len < 15 * 1024,
            "fits in the 16 KiB request head: {path_len}"
        );
        assert_eq!(aliases(2, "x").matches("x").count(), 2);
    }
}
