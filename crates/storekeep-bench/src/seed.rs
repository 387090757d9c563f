//! Seeding: a store and N customers (half global, half in the store). Most customers are
//! `ExternalAuth` (no password, so seeding does not pay Argon2 per customer); a small set of
//! store customers has a password for the sign-in workloads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{anyhow, Context};
use hyper::Method;
use serde_json::json;

use crate::client::Api;

/// A customer the workloads may address.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub id: String,
    pub email: String,
}

/// What the workloads run against.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub store: String,
    pub customers: Vec<Seeded>,
    /// Store customers with `password` for W5/W6.
    pub with_password: Vec<Seeded>,
    pub password: String,
}

/// Create (or reuse) the store and seed customers with `concurrency` parallel requests.
pub async fn seed(
    api: &Api,
    store: &str,
    n: usize,
    n_password: usize,
    concurrency: usize,
) -> anyhow::Result<Fixture> {
    let p = &api.target.project;
    let r = api
        .call(Method::GET, &format!("/{p}/stores/key={store}"), None)
        .await?;
    if r.status.as_u16() == 404 {
        let r = api
            .call(
                Method::POST,
                &format!("/{p}/stores"),
                Some(&json!({"key": store, "name": {"en": "bench"}})),
            )
            .await?;
        if !r.status.is_success() {
            return Err(anyhow!("cannot create store: {} {}", r.status, r.body));
        }
    }
    let run = format!("{:08x}", rand::random::<u32>());
    let password = format!("bench-{run}-pw");
    let next = Arc::new(AtomicUsize::new(0));
    let total = n + n_password;
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let api = api.clone();
        let next = next.clone();
        let (store, run, password, p) =
            (store.to_string(), run.clone(), password.clone(), p.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let pw = i >= n;
                let in_store = pw || i % 2 == 1;
                let email = format!("bench-{run}-{i}@example.com");
                let mut draft = if pw {
                    json!({"email": email, "password": password})
                } else {
                    json!({"email": email, "authenticationMode": "ExternalAuth"})
                };
                let path = if in_store {
                    format!("/{p}/in-store/key={store}/customers")
                } else {
                    format!("/{p}/customers")
                };
                if let Some(m) = draft.as_object_mut() {
                    m.insert("firstName".into(), json!(format!("F{i}")));
                }
                let r = api.call(Method::POST, &path, Some(&draft)).await?;
                if r.status.as_u16() != 201 {
                    return Err(anyhow!(
                        "seeding customer {i} failed: {} {}",
                        r.status,
                        r.body
                    ));
                }
                let id = r.body["customer"]["id"]
                    .as_str()
                    .context("no customer id")?
                    .to_string();
                out.push((pw, Seeded { id, email }));
            }
            Ok::<_, anyhow::Error>(out)
        }));
    }
    let mut customers = Vec::with_capacity(n);
    let mut with_password = Vec::with_capacity(n_password);
    for t in tasks {
        for (pw, s) in t.await?? {
            if pw {
                with_password.push(s);
            } else {
                customers.push(s);
            }
        }
    }
    Ok(Fixture {
        store: store.to_string(),
        customers,
        with_password,
        password,
    })
}
