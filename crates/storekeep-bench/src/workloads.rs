//! The workloads. Each is one request (or, for W4, one update attempt) chosen at random from
//! the fixture; the runner drives them closed-loop.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

use hyper::Method;
use rand::Rng;
use serde_json::json;

use crate::client::{enc, Api};
use crate::seed::Fixture;

/// The workloads of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// GET a customer in the store by id.
    W1,
    /// Query in the store by `email = "…"`.
    W2,
    /// Create a customer (with password) in the store.
    W3,
    /// Update (setFirstName) in the store, retrying 409s with `currentVersion`.
    W4,
    /// In-store sign-in (`/in-store/key=…/login`).
    W5,
    /// In-store password-flow token.
    W6,
    /// 80% W1, 10% W2, 8% W4, 2% W5.
    Mixed,
    /// `--flood-size` W5 sign-ins fired all at once while closed-loop W1 readers run (see
    /// `report::flood`); one step of it is one W5 sign-in.
    Flood,
}

impl Workload {
    /// Parse a name such as `w1` or `mixed`.
    pub fn parse(s: &str) -> Option<Workload> {
        Some(match s.to_ascii_lowercase().as_str() {
            "w1" => Workload::W1,
            "w2" => Workload::W2,
            "w3" => Workload::W3,
            "w4" => Workload::W4,
            "w5" => Workload::W5,
            "w6" => Workload::W6,
            "mixed" => Workload::Mixed,
            "flood" => Workload::Flood,
            _ => return None,
        })
    }

    /// Its short name.
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "W1 get in store by id",
            Workload::W2 => "W2 query in store by email",
            Workload::W3 => "W3 create in store",
            Workload::W4 => "W4 update in store",
            Workload::W5 => "W5 in-store sign-in",
            Workload::W6 => "W6 in-store password token",
            Workload::Mixed => "mixed",
            Workload::Flood => "flood",
        }
    }
}

/// What one step produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// 409 (W4): counted apart, retried with the current version.
    Conflict,
    Error,
}

/// Shared state of a run: the fixture, known versions (W4), a counter for unique emails (W3).
pub struct State {
    pub fixture: Fixture,
    pub versions: Vec<AtomicI64>,
    pub created: AtomicUsize,
    pub run: String,
}

impl State {
    /// State over a fixture (versions start at 1).
    pub fn new(fixture: Fixture) -> Arc<State> {
        let versions = fixture
            .customers
            .iter()
            .map(|_| AtomicI64::new(1))
            .collect();
        Arc::new(State {
            fixture,
            versions,
            created: AtomicUsize::new(0),
            run: format!("{:08x}", rand::random::<u32>()),
        })
    }
}

fn store_customer(state: &State, rng: &mut impl Rng) -> usize {
    // Half of the customers are in the store, half global (visible there too, D1).
    rng.gen_range(0..state.fixture.customers.len().max(1))
}

/// Run one step of a workload.
pub async fn step(api: &Api, state: &State, w: Workload, rng: &mut rand::rngs::StdRng) -> Outcome {
    let w = match w {
        Workload::Mixed => match rng.gen_range(0..100) {
            0..=79 => Workload::W1,
            80..=89 => Workload::W2,
            90..=97 => Workload::W4,
            _ => Workload::W5,
        },
        Workload::Flood => Workload::W5,
        w => w,
    };
    let p = &api.target.project;
    let s = &state.fixture.store;
    let r = match w {
        Workload::W1 => {
            let c = &state.fixture.customers[store_customer(state, rng)];
            api.call(
                Method::GET,
                &format!("/{p}/in-store/key={s}/customers/{}", c.id),
                None,
            )
            .await
        }
        Workload::W2 => {
            let c = &state.fixture.customers[store_customer(state, rng)];
            let pred = enc(&format!("email = \"{}\"", c.email));
            api.call(
                Method::GET,
                &format!("/{p}/in-store/key={s}/customers?where={pred}&withTotal=false"),
                None,
            )
            .await
        }
        Workload::W3 => {
            let i = state.created.fetch_add(1, Ordering::Relaxed);
            let body = json!({"email": format!("bench-new-{}-{i}@example.com", state.run), "password": "bench-password"});
            api.call(
                Method::POST,
                &format!("/{p}/in-store/key={s}/customers"),
                Some(&body),
            )
            .await
        }
        Workload::W4 => return update(api, state, rng).await,
        Workload::W5 => {
            let Some(c) = pick(&state.fixture.with_password, rng) else {
                return Outcome::Error;
            };
            let body = json!({"email": c.email, "password": state.fixture.password});
            api.call(
                Method::POST,
                &format!("/{p}/in-store/key={s}/login"),
                Some(&body),
            )
            .await
        }
        Workload::W6 => {
            let Some(c) = pick(&state.fixture.with_password, rng) else {
                return Outcome::Error;
            };
            let url = format!(
                "{}/oauth/{p}/in-store/key={s}/customers/token",
                api.target.auth_url
            );
            let form = format!(
                "grant_type=password&username={}&password={}",
                enc(&c.email),
                enc(&state.fixture.password)
            );
            api.form(
                &url,
                &form,
                &api.target.client_id,
                &api.target.client_secret,
            )
            .await
        }
        // Both were mapped to a single workload above.
        Workload::Mixed | Workload::Flood => return Outcome::Error,
    };
    match r {
        Ok(r) if r.status.is_success() => Outcome::Ok,
        _ => Outcome::Error,
    }
}

fn pick<'a, T>(v: &'a [T], rng: &mut impl Rng) -> Option<&'a T> {
    if v.is_empty() {
        None
    } else {
        v.get(rng.gen_range(0..v.len()))
    }
}

async fn update(api: &Api, state: &State, rng: &mut rand::rngs::StdRng) -> Outcome {
    let i = store_customer(state, rng);
    let c = &state.fixture.customers[i];
    let version = state.versions[i].load(Ordering::Relaxed);
    let p = &api.target.project;
    let s = &state.fixture.store;
    let body = json!({"version": version, "actions": [{"action": "setFirstName", "firstName": format!("N{}", rng.gen::<u32>())}]});
    match api
        .call(
            Method::POST,
            &format!("/{p}/in-store/key={s}/customers/{}", c.id),
            Some(&body),
        )
        .await
    {
        Ok(r) if r.status.is_success() => {
            if let Some(v) = r.body["version"].as_i64() {
                state.versions[i].fetch_max(v, Ordering::Relaxed);
            }
            Outcome::Ok
        }
        Ok(r) if r.status.as_u16() == 409 => {
            if let Some(v) = r.body["errors"][0]["currentVersion"].as_i64() {
                state.versions[i].fetch_max(v, Ordering::Relaxed);
            }
            Outcome::Conflict
        }
        _ => Outcome::Error,
    }
}
