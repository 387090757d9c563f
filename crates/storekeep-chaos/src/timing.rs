//! `storekeep-chaos timing`: timing parity of failed sign-ins and password-token requests
//! (issue 10, item 6; decisions D7 and the sign-in service's constant-work rule).
//!
//! Seeds two stores A and B, a customer of A, a global customer and a customer of B (all
//! with the same password), then sends, one at a time and in a random interleaving, `n`
//! requests per case to three endpoints of store A:
//!
//! - `POST /{p}/in-store/key=A/login` and the in-store password flow
//!   `POST /oauth/{p}/in-store/key=A/customers/token`, each with an unknown email, a wrong
//!   password (customer of A; global customer), a customer of store B with her own correct
//!   password, and — for reference only — the correct password;
//! - `POST /{p}/in-store/key=A/customers/password-token` and
//!   `POST /{p}/customers/password-token` for an unknown and a known email (and, in the
//!   store, B's customer). Every request for an email stores a token (D7: an unknown email's
//!   for nobody), and the purge of expired tokens before each one looks at the live tokens
//!   of that email, so the compared cases all repeat one email; a new unknown email each
//!   time (an email without tokens) is shown for reference.
//!
//! Each case's median, p10, p90 and a 95% confidence interval of the median are printed;
//! a case whose interval overlaps its group's baseline (the unknown email) is "same" (no
//! difference beyond noise). The sign-in throttle (D12) must be off: a started server gets
//! `--signin-throttle-failures 0`; a running one must have been started so (a 429 aborts).

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use hyper::{Method, StatusCode};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::json;

use crate::client::{enc, Http};
use crate::stats::{overlap, summarize, Summary};
use crate::target::Target;

/// Options of a timing run.
#[derive(Debug, Clone)]
pub struct TimingOptions {
    /// Measured requests per case.
    pub samples: usize,
    /// Unmeasured requests per case first.
    pub warmup: usize,
    pub seed: u64,
}

/// The endpoint groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Login,
    PasswordFlow,
    TokenInStore,
    TokenGlobal,
}

impl Group {
    fn name(self) -> &'static str {
        match self {
            Group::Login => "POST /in-store/key=A/login",
            Group::PasswordFlow => "password flow /oauth/…/in-store/key=A/customers/token",
            Group::TokenInStore => "POST /in-store/key=A/customers/password-token",
            Group::TokenGlobal => "POST /customers/password-token",
        }
    }
}

/// Who a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Unknown,
    UnknownRepeated,
    WrongPasswordStore,
    WrongPasswordGlobal,
    OtherStore,
    Correct,
    Known,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Unknown => "unknown email (a new one each time)",
            Who::UnknownRepeated => "unknown email (the same each time)",
            Who::WrongPasswordStore => "wrong password (customer of A)",
            Who::WrongPasswordGlobal => "wrong password (global customer)",
            Who::OtherStore => "customer of store B",
            Who::Correct => "correct password (reference)",
            Who::Known => "known email",
        }
    }
}

/// The seeded fixture.
struct Fixture {
    store_a: String,
    a_email: String,
    g_email: String,
    b_email: String,
    password: String,
    run: String,
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub group: String,
    pub case: String,
    pub status: String,
    pub summary: Summary,
    /// Same as the group's baseline (unknown email) within noise (None for the baseline
    /// itself and for reference cases).
    pub same_as_unknown: Option<bool>,
    pub delta_median_pct: Option<f64>,
}

async fn seed(http: &Http, t: &Target) -> anyhow::Result<Fixture> {
    let run = format!("{:06x}", rand::random::<u32>() & 0xff_ffff);
    let p = &t.creds.project;
    let (a, b) = (format!("tim-a-{run}"), format!("tim-b-{run}"));
    for s in [&a, &b] {
        let r = http
            .call(
                Method::POST,
                &t.base,
                &format!("/{p}/stores"),
                Some(&json!({"key": s})),
            )
            .await?;
        if r.status != StatusCode::CREATED {
            bail!("cannot create store {s}: {} {}", r.status, r.body);
        }
    }
    let password = format!("Timing-{run}-pw");
    let f = Fixture {
        a_email: format!("a-{run}@timing.example"),
        g_email: format!("g-{run}@timing.example"),
        b_email: format!("b-{run}@timing.example"),
        store_a: a.clone(),
        password,
        run,
    };
    for (email, path) in [
        (&f.a_email, format!("/{p}/in-store/key={a}/customers")),
        (&f.g_email, format!("/{p}/customers")),
        (&f.b_email, format!("/{p}/in-store/key={b}/customers")),
    ] {
        let body = json!({"email": email, "password": f.password});
        let r = http.call(Method::POST, &t.base, &path, Some(&body)).await?;
        if r.status != StatusCode::CREATED {
            bail!("cannot create customer {email}: {} {}", r.status, r.body);
        }
    }
    Ok(f)
}

/// The email and password a case sends (`i` makes unknown emails unique).
fn credentials(f: &Fixture, who: Who, i: usize) -> (String, String) {
    let wrong = format!("{}-wrong", f.password);
    match who {
        Who::Unknown => (format!("u-{}-{i}@timing.example", f.run), wrong),
        Who::UnknownRepeated => (format!("u-{}@timing.example", f.run), wrong),
        Who::WrongPasswordStore => (f.a_email.clone(), wrong),
        Who::WrongPasswordGlobal => (f.g_email.clone(), wrong),
        Who::OtherStore => (f.b_email.clone(), f.password.clone()),
        Who::Correct => (f.a_email.clone(), f.password.clone()),
        Who::Known => (f.a_email.clone(), String::new()),
    }
}

/// Send one request; its duration (µs) and status.
async fn one(
    http: &Http,
    t: &Target,
    f: &Fixture,
    g: Group,
    who: Who,
    i: usize,
) -> anyhow::Result<(u64, StatusCode)> {
    let p = &t.creds.project;
    let a = &f.store_a;
    let (email, password) = credentials(f, who, i);
    let email = match (g, who) {
        (Group::TokenGlobal, Who::Known) => f.g_email.clone(),
        _ => email,
    };
    let started = Instant::now();
    let r = match g {
        Group::Login => {
            let body = json!({"email": email, "password": password});
            http.call(
                Method::POST,
                &t.base,
                &format!("/{p}/in-store/key={a}/login"),
                Some(&body),
            )
            .await?
        }
        Group::PasswordFlow => {
            let form = format!(
                "grant_type=password&username={}&password={}",
                enc(&email),
                enc(&password)
            );
            let url = format!("{}/oauth/{p}/in-store/key={a}/customers/token", t.base);
            http.form(&url, &form, &t.creds).await?
        }
        Group::TokenInStore | Group::TokenGlobal => {
            let path = if g == Group::TokenInStore {
                format!("/{p}/in-store/key={a}/customers/password-token")
            } else {
                format!("/{p}/customers/password-token")
            };
            http.call(Method::POST, &t.base, &path, Some(&json!({"email": email})))
                .await?
        }
    };
    let us = started.elapsed().as_micros() as u64;
    if r.status == StatusCode::TOO_MANY_REQUESTS {
        bail!("429 from the sign-in throttle: run the server with --signin-throttle-failures 0");
    }
    Ok((us.max(1), r.status))
}

/// What a case is in its group's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The unknown email every other case is compared with.
    Baseline,
    Compared,
    /// Shown, not compared.
    Reference,
}

fn cases() -> Vec<(Group, Who, Role)> {
    use Role::{Baseline, Compared, Reference};
    let signin = [
        (Who::Unknown, Baseline),
        (Who::WrongPasswordStore, Compared),
        (Who::WrongPasswordGlobal, Compared),
        (Who::OtherStore, Compared),
        (Who::Correct, Reference),
    ];
    let mut v = Vec::new();
    for g in [Group::Login, Group::PasswordFlow] {
        v.extend(signin.iter().map(|(w, r)| (g, *w, *r)));
    }
    v.extend(
        [
            (Who::UnknownRepeated, Baseline),
            (Who::Known, Compared),
            (Who::OtherStore, Compared),
            (Who::Unknown, Reference),
        ]
        .map(|(w, r)| (Group::TokenInStore, w, r)),
    );
    v.extend(
        [
            (Who::UnknownRepeated, Baseline),
            (Who::Known, Compared),
            (Who::Unknown, Reference),
        ]
        .map(|(w, r)| (Group::TokenGlobal, w, r)),
    );
    v
}

/// Run the measurement against an open target.
pub async fn run(t: &Target, o: &TimingOptions) -> anyhow::Result<Vec<CaseResult>> {
    let mut http = Http::new(2);
    http.authorize(&t.base, &t.creds)
        .await
        .context("cannot authenticate")?;
    let f = seed(&http, t).await?;
    let cases = cases();
    let mut rng = StdRng::seed_from_u64(o.seed);
    let mut plan: Vec<(usize, bool)> = Vec::new();
    for (k, _) in cases.iter().enumerate() {
        plan.extend((0..o.warmup).map(|_| (k, false)));
    }
    plan.shuffle(&mut rng);
    let mut measured: Vec<(usize, bool)> = Vec::new();
    for (k, _) in cases.iter().enumerate() {
        measured.extend((0..o.samples).map(|_| (k, true)));
    }
    measured.shuffle(&mut rng);
    plan.extend(measured);
    let mut samples: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    let mut statuses: BTreeMap<usize, BTreeMap<u16, usize>> = BTreeMap::new();
    for (i, (k, record)) in plan.into_iter().enumerate() {
        let (g, who, _) = cases[k];
        let (us, status) = one(&http, t, &f, g, who, i).await?;
        if record {
            samples.entry(k).or_default().push(us);
            *statuses
                .entry(k)
                .or_default()
                .entry(status.as_u16())
                .or_default() += 1;
        }
    }
    let mut out = Vec::new();
    let mut baseline: BTreeMap<Group, Summary> = BTreeMap::new();
    for (k, (g, who, role)) in cases.iter().enumerate() {
        let s = summarize(samples.get(&k).map(Vec::as_slice).unwrap_or(&[]));
        if *role == Role::Baseline {
            baseline.insert(*g, s);
        }
        let reference = *role != Role::Compared;
        let base = baseline.get(g).copied();
        let status = statuses
            .get(&k)
            .map(|m| {
                m.iter()
                    .map(|(s, n)| format!("{s}×{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        out.push(CaseResult {
            group: g.name().to_string(),
            case: who.name().to_string(),
            status,
            summary: s,
            same_as_unknown: base.filter(|_| !reference).map(|b| overlap(&b, &s)),
            delta_median_pct: base
                .filter(|_| !reference)
                .map(|b| (s.median as f64 - b.median as f64) * 100.0 / (b.median.max(1) as f64)),
        });
    }
    if out.iter().all(|c| c.summary.n == 0) {
        return Err(anyhow!("no samples"));
    }
    Ok(out)
}

/// The results as a Markdown table.
pub fn render(results: &[CaseResult]) -> String {
    let ms = |us: u64| us as f64 / 1000.0;
    let mut out = String::from(
        "| endpoint | case | n | status | median ms | p10 ms | p90 ms | 95% CI of median ms | Δ median vs baseline | same within noise |\n\
         |---|---|---:|---|---:|---:|---:|---|---:|---|\n",
    );
    for c in results {
        let s = &c.summary;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2}–{:.2} | {} | {} |\n",
            c.group,
            c.case,
            s.n,
            c.status,
            ms(s.median),
            ms(s.p10),
            ms(s.p90),
            ms(s.ci_low),
            ms(s.ci_high),
            c.delta_median_pct
                .map(|d| format!("{d:+.1}%"))
                .unwrap_or_else(|| "–".into()),
            match c.same_as_unknown {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "–",
            },
        ));
    }
    out
}

/// Did every failing case match its group's unknown-email case within noise?
pub fn parity(results: &[CaseResult]) -> bool {
    results.iter().all(|c| c.same_as_unknown != Some(false))
}
