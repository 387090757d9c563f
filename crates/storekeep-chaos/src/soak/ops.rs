//! The operations of the soak mix, chosen by a roll of 0..100:
//!
//! | roll | operation | expected |
//! |---|---|---|
//! | 0–31 | GET a customer in the store by id | 200 |
//! | 32–39 | query customers in the store by email | 200 |
//! | 40–43 | query stores | 200 |
//! | 44–55 | update a customer (`setFirstName`) at its known version | 200 (409 counted apart) |
//! | 56–61 | create a customer in the store (no password) | 201 |
//! | 62 | create a customer in the store with a password (Argon2) | 201 |
//! | 63–65 | delete a customer created by the run | 200 |
//! | 66–67 | in-store sign-in, correct password | 200 |
//! | 68 | in-store sign-in, unknown email | 400 |
//! | 69 | in-store password-flow token | 200 |
//! | 70–74 | GraphQL: a customer in the store and the stores | 200 without `errors` |
//! | 75–78 | create a cart in the store | 201 |
//! | 79–81 | GET a cart created by the run | 200 |
//! | 82–84 | password-reset token for a known email in the store | 200 |
//! | 85–99 | GET a customer by id (project endpoint) | 200 |

use std::sync::atomic::Ordering;

use hyper::{Method, StatusCode};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use super::Shared;
use crate::client::{enc, Http, Reply};

/// How one operation ended.
pub enum Outcome {
    Ok,
    /// A 409 on an update (another client updated the same customer first).
    Conflict,
    /// Anything unexpected, described.
    Error(String),
}

fn expect(what: &str, r: anyhow::Result<Reply>, want: StatusCode) -> (Outcome, Option<Value>) {
    match r {
        Ok(r) if r.status == want => (Outcome::Ok, Some(r.body)),
        Ok(r) => {
            let body = r.body.to_string();
            let cut: String = body.chars().take(200).collect();
            (Outcome::Error(format!("{what}: {} {cut}", r.status)), None)
        }
        Err(e) => (Outcome::Error(format!("{what}: {e:#}")), None),
    }
}

fn pick<'a, T>(v: &'a [T], rng: &mut StdRng) -> Option<&'a T> {
    (!v.is_empty()).then(|| &v[rng.gen_range(0..v.len())])
}

/// Run the operation for `roll`.
pub async fn step(s: &Shared, http: &Http, roll: u32, rng: &mut StdRng) -> Outcome {
    let (p, st, base) = (&s.project, &s.fixture.store, &s.target_base);
    let ci = rng.gen_range(0..s.fixture.customers.len());
    let (cid, cemail) = &s.fixture.customers[ci];
    let n = s.counter.fetch_add(1, Ordering::Relaxed);
    let call = |m: Method, path: String, body: Option<Value>| async move {
        http.call(m, base, &path, body.as_ref()).await
    };
    match roll {
        0..=31 => {
            let r = call(
                Method::GET,
                format!("/{p}/in-store/key={st}/customers/{cid}"),
                None,
            )
            .await;
            expect("get in store", r, StatusCode::OK).0
        }
        32..=39 => {
            let pred = enc(&format!("email = \"{cemail}\""));
            let path = format!("/{p}/in-store/key={st}/customers?where={pred}");
            expect(
                "query by email",
                call(Method::GET, path, None).await,
                StatusCode::OK,
            )
            .0
        }
        40..=43 => {
            let path = format!("/{p}/stores?limit=20&sort=createdAt%20desc");
            expect(
                "query stores",
                call(Method::GET, path, None).await,
                StatusCode::OK,
            )
            .0
        }
        44..=55 => update(s, http, ci, rng).await,
        56..=62 => {
            let email = format!("soak-new-{}-{n}@example.com", s.run);
            let body = if roll == 62 {
                json!({"email": email, "password": s.fixture.password})
            } else {
                json!({"email": email, "authenticationMode": "ExternalAuth"})
            };
            let r = call(
                Method::POST,
                format!("/{p}/in-store/key={st}/customers"),
                Some(body),
            )
            .await;
            let (o, body) = expect("create", r, StatusCode::CREATED);
            if let Some(id) = body.as_ref().and_then(|b| b["customer"]["id"].as_str()) {
                if let Ok(mut c) = s.created.lock() {
                    c.push(id.to_string());
                }
            }
            o
        }
        63..=65 => {
            let id = s.created.lock().ok().and_then(|mut c| c.pop());
            let Some(id) = id else {
                return Outcome::Ok;
            };
            let path = format!("/{p}/in-store/key={st}/customers/{id}?version=1");
            expect(
                "delete",
                call(Method::DELETE, path, None).await,
                StatusCode::OK,
            )
            .0
        }
        66..=68 => {
            let email = match (roll, pick(&s.fixture.with_password, rng)) {
                (68, _) | (_, None) => format!("soak-nobody-{}-{n}@example.com", s.run),
                (_, Some(e)) => e.clone(),
            };
            let body = json!({"email": email, "password": s.fixture.password});
            let want = if roll == 68 {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            let r = call(
                Method::POST,
                format!("/{p}/in-store/key={st}/login"),
                Some(body),
            )
            .await;
            expect("sign-in", r, want).0
        }
        69 => {
            let Some(email) = pick(&s.fixture.with_password, rng) else {
                return Outcome::Ok;
            };
            let form = format!(
                "grant_type=password&username={}&password={}",
                enc(email),
                enc(&s.fixture.password)
            );
            let url = format!("{base}/oauth/{p}/in-store/key={st}/customers/token");
            expect(
                "password flow",
                http.form(&url, &form, &s.creds).await,
                StatusCode::OK,
            )
            .0
        }
        70..=74 => graphql(s, http, cid).await,
        75..=78 => {
            let body = json!({"currency": "EUR", "customerEmail": cemail});
            let r = call(
                Method::POST,
                format!("/{p}/in-store/key={st}/carts"),
                Some(body),
            )
            .await;
            let (o, body) = expect("create cart", r, StatusCode::CREATED);
            if let Some(id) = body.as_ref().and_then(|b| b["id"].as_str()) {
                if let Ok(mut c) = s.carts.lock() {
                    if c.len() < 10_000 {
                        c.push(id.to_string());
                    }
                }
            }
            o
        }
        79..=81 => {
            let id = s.carts.lock().ok().and_then(|c| pick(&c, rng).cloned());
            let Some(id) = id else {
                return Outcome::Ok;
            };
            let path = format!("/{p}/in-store/key={st}/carts/{id}");
            expect(
                "get cart",
                call(Method::GET, path, None).await,
                StatusCode::OK,
            )
            .0
        }
        82..=84 => {
            let Some(email) = pick(&s.fixture.with_password, rng) else {
                return Outcome::Ok;
            };
            let path = format!("/{p}/in-store/key={st}/customers/password-token");
            let r = call(Method::POST, path, Some(json!({"email": email}))).await;
            expect("password token", r, StatusCode::OK).0
        }
        _ => {
            let r = call(Method::GET, format!("/{p}/customers/{cid}"), None).await;
            expect("get", r, StatusCode::OK).0
        }
    }
}

async fn update(s: &Shared, http: &Http, i: usize, rng: &mut StdRng) -> Outcome {
    let (id, _) = &s.fixture.customers[i];
    let version = s.fixture.versions[i].load(Ordering::Relaxed);
    let body = json!({"version": version, "actions": [
        {"action": "setFirstName", "firstName": format!("N{}", rng.gen::<u32>())}]});
    let path = format!(
        "/{}/in-store/key={}/customers/{id}",
        s.project, s.fixture.store
    );
    match http
        .call(Method::POST, &s.target_base, &path, Some(&body))
        .await
    {
        Ok(r) if r.status == StatusCode::OK => {
            if let Some(v) = r.body["version"].as_i64() {
                s.fixture.versions[i].fetch_max(v, Ordering::Relaxed);
            }
            Outcome::Ok
        }
        Ok(r) if r.status == StatusCode::CONFLICT => {
            if let Some(v) = r.body["errors"][0]["currentVersion"].as_i64() {
                s.fixture.versions[i].fetch_max(v, Ordering::Relaxed);
            }
            Outcome::Conflict
        }
        r => expect("update", r, StatusCode::OK).0,
    }
}

async fn graphql(s: &Shared, http: &Http, cid: &str) -> Outcome {
    let query = "query($s: KeyReferenceInput!, $id: String) { inStore(key: $s) { customer(id: $id) { id version email } } stores(limit: 5) { total results { key } } }";
    let body = json!({"query": query, "variables": {"s": s.fixture.store, "id": cid}});
    let path = format!("/{}/graphql", s.project);
    let r = http
        .call(Method::POST, &s.target_base, &path, Some(&body))
        .await;
    match expect("graphql", r, StatusCode::OK) {
        (Outcome::Ok, Some(b)) if b.get("errors").is_some() => {
            let text: String = b["errors"].to_string().chars().take(200).collect();
            Outcome::Error(format!("graphql: {text}"))
        }
        (Outcome::Ok, Some(b)) if b["data"]["inStore"]["customer"]["id"].as_str() != Some(cid) => {
            Outcome::Error(format!("graphql: customer {cid} not found"))
        }
        (o, _) => o,
    }
}
