//! `storekeep-chaos size-flood` (issue 21 F6): big resources, then parallel store-scoped
//! queries over them. `--customers` sign-ups in one store each try a `firstName` of
//! `--field-chars` characters (a 2 MB name was accepted before the size limits); a refused
//! one is replaced by a customer near the limits (eight name fields and `--fill-addresses`
//! street names of `--fill-chars`: about 124 KB with the defaults), so the queries read as much as a page can hold either way. Then
//! `--queries` clients each run `--rounds` `GET /{p}/in-store/key={s}/customers?limit=500`,
//! counting bytes without keeping them. Every answer must be a 2xx, a 4xx or 503 (no other
//! 5xx, no transport error), the server's peak RSS must stay under `--max-rss-mib`, and
//! `/health` and an authorized read are probed throughout.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hyper::Method;
use serde_json::{json, Value};

use crate::client::Http;
use crate::flood::{mib, settled_rss, ProbeFigures, Prober, Sampler};
use crate::server::rss_kib;
use crate::target::Target;

/// What to run.
#[derive(Debug, Clone)]
pub struct SizeFloodOptions {
    /// Customers signed up in the store.
    pub customers: usize,
    /// Characters of the oversized `firstName` each sign-up tries first.
    pub field_chars: usize,
    /// Characters of each of the eight name fields of a refused customer's replacement, and
    /// of the street name of each of its addresses.
    pub fill_chars: usize,
    /// Addresses of a refused customer's replacement.
    pub fill_addresses: usize,
    /// Concurrent query clients.
    pub queries: usize,
    /// Queries per client.
    pub rounds: usize,
    /// Largest acceptable peak RSS of the server (MiB).
    pub max_rss_mib: u64,
    /// Wait after the queries before reading what the server kept.
    pub settle: Duration,
}

/// The whole run.
#[derive(Debug, Clone, Default)]
pub struct SizeFloodReport {
    pub options: Option<SizeFloodOptions>,
    pub baseline_rss_kib: Option<u64>,
    /// Status → count of the oversized sign-ups.
    pub oversized: BTreeMap<u16, usize>,
    /// Status → count of the replacement sign-ups.
    pub filled: BTreeMap<u16, usize>,
    /// Status → count of the queries.
    pub queries: BTreeMap<u16, usize>,
    pub transport_errors: Vec<String>,
    /// The largest answer of a query (bytes).
    pub largest_answer: u64,
    pub peak_rss_kib: u64,
    pub settled_rss_kib: Option<u64>,
    pub elapsed: Duration,
    pub probes: ProbeFigures,
    pub panics: usize,
}

/// The replacement of a refused customer: the eight name fields at `n` characters and
/// `addresses` addresses with a street name of `n` characters.
fn filled(email: &str, n: usize, addresses: usize) -> Value {
    let v = "y".repeat(n);
    let address = json!({"country": "DE", "streetName": v});
    json!({
        "email": email,
        "authenticationMode": "ExternalAuth",
        "firstName": v, "lastName": v, "middleName": v, "title": v,
        "salutation": v, "companyName": v, "vatId": v, "externalId": v,
        "addresses": vec![address; addresses],
    })
}

/// Is this status a bounded answer (success, client error, or 503 under load)?
fn acceptable(status: u16) -> bool {
    (200..500).contains(&status) || status == 503
}

/// Run the flood against an open target.
pub async fn run(t: &Target, o: &SizeFloodOptions) -> anyhow::Result<SizeFloodReport> {
    let mut http = Http::new(o.queries.max(1));
    http.authorize(&t.base, &t.creds).await?;
    let p = t.creds.project.clone();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let store = format!("size-flood-{nanos}");
    let s = http
        .call(
            Method::POST,
            &t.base,
            &format!("/{p}/stores"),
            Some(&json!({ "key": store })),
        )
        .await?;
    anyhow::ensure!(s.status.as_u16() == 201, "store: {} {}", s.status, s.body);
    let mut r = SizeFloodReport {
        options: Some(o.clone()),
        baseline_rss_kib: t.pid().and_then(rss_kib),
        ..SizeFloodReport::default()
    };
    let signup = format!("/{p}/in-store/key={store}/customers");
    let name = "x".repeat(o.field_chars);
    for i in 0..o.customers {
        let email = format!("size-{i}@flood.test");
        let big = json!({"email": email, "authenticationMode": "ExternalAuth", "firstName": name});
        let status = match http.call(Method::POST, &t.base, &signup, Some(&big)).await {
            Ok(a) => a.status.as_u16(),
            Err(e) => {
                r.transport_errors.push(format!("sign-up: {e:#}"));
                continue;
            }
        };
        *r.oversized.entry(status).or_default() += 1;
        if status == 201 {
            continue;
        }
        match http
            .call(
                Method::POST,
                &t.base,
                &signup,
                Some(&filled(&email, o.fill_chars, o.fill_addresses)),
            )
            .await
        {
            Ok(a) => *r.filled.entry(a.status.as_u16()).or_default() += 1,
            Err(e) => r.transport_errors.push(format!("sign-up: {e:#}")),
        }
    }
    let sampler = Sampler::start(t.pid());
    let prober = Prober::start(&t.base, &p, http.token());
    let began = Instant::now();
    let query = format!("{signup}?limit=500");
    let tasks: Vec<_> = (0..o.queries)
        .map(|_| {
            let (http, base, query) = (http.clone(), t.base.clone(), query.clone());
            let rounds = o.rounds;
            tokio::spawn(async move {
                let mut out = Vec::with_capacity(rounds);
                for _ in 0..rounds {
                    out.push(http.get_len(&base, &query).await);
                }
                out
            })
        })
        .collect();
    for task in tasks {
        for answer in task.await? {
            match answer {
                Ok((status, len)) => {
                    *r.queries.entry(status.as_u16()).or_default() += 1;
                    r.largest_answer = r.largest_answer.max(len);
                }
                Err(e) => r.transport_errors.push(format!("query: {e:#}")),
            }
        }
    }
    r.elapsed = began.elapsed();
    r.peak_rss_kib = sampler.finish().rss_kib;
    r.probes = prober.finish().await;
    r.settled_rss_kib = settled_rss(t.pid(), o.settle).await;
    r.panics = t.panics();
    Ok(r)
}

fn counts(m: &BTreeMap<u16, usize>) -> String {
    if m.is_empty() {
        return "–".into();
    }
    m.iter()
        .map(|(s, n)| format!("{n} × {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SizeFloodReport {
    /// Did the run keep its bounds?
    pub fn passed(&self) -> bool {
        let max_rss = self.options.as_ref().map_or(0, |o| o.max_rss_mib) * 1024;
        self.panics == 0
            && self.transport_errors.is_empty()
            && self.probes.failures.is_empty()
            && [&self.oversized, &self.filled, &self.queries]
                .iter()
                .all(|m| m.keys().all(|s| acceptable(*s)))
            && self.peak_rss_kib <= max_rss
    }

    /// The report.
    pub fn render(&self) -> String {
        let Some(o) = &self.options else {
            return String::new();
        };
        let mut out = format!(
            "size flood: {} sign-ups with a {}-character firstName (refused ones replaced by 8 \
             fields and {} street names of {}), then {} clients × {} store-scoped queries \
             (limit 500); RSS baseline {} MiB, bound {} MiB\n\n",
            o.customers,
            o.field_chars,
            o.fill_addresses,
            o.fill_chars,
            o.queries,
            o.rounds,
            self.baseline_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
            o.max_rss_mib,
        );
        out.push_str(&format!(
            "| oversized sign-ups | replacements | queries | largest answer MB | transport errors | peak RSS MiB | RSS after {} s | time s |\n\
             |---|---|---|---:|---:|---:|---:|---:|\n| {} | {} | {} | {:.1} | {} | {} | {} | {:.1} |\n\n",
            o.settle.as_secs_f64(),
            counts(&self.oversized),
            counts(&self.filled),
            counts(&self.queries),
            self.largest_answer as f64 / 1e6,
            self.transport_errors.len(),
            mib(self.peak_rss_kib),
            self.settled_rss_kib.map(mib).unwrap_or_else(|| "?".into()),
            self.elapsed.as_secs_f64(),
        ));
        out.push_str(&format!("probes: {}\n", self.probes.render()));
        for e in self.transport_errors.iter().take(3) {
            out.push_str(&format!("  e.g. {e}\n"));
        }
        for e in self.probes.failures.iter().take(3) {
            out.push_str(&format!("  probe: {e}\n"));
        }
        out.push_str(&format!(
            "server panics: {}\nresult: {}\n",
            self.panics,
            if self.passed() { "PASS" } else { "FAIL" }
        ));
        out
    }
}
