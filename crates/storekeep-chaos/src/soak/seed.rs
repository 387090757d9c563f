//! Seeding of a soak run: a store and `n` customers (half global, half in the store; most
//! without a password so seeding pays no Argon2), plus a few store customers with a password
//! for the sign-in operations.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use hyper::{Method, StatusCode};
use serde_json::json;

use crate::client::Http;
use crate::target::Target;

/// Customers with a password.
const WITH_PASSWORD: usize = 20;

/// What the operations run against.
pub struct Fixture {
    pub store: String,
    /// Seeded customers: (id, email).
    pub customers: Vec<(String, String)>,
    /// Their last known versions (updates retry with the current one after a 409).
    pub versions: Vec<AtomicI64>,
    /// Emails of store customers with `password`.
    pub with_password: Vec<String>,
    pub password: String,
}

/// Create the store and the customers with `concurrency` parallel requests.
pub async fn seed(
    http: &Http,
    t: &Target,
    run: &str,
    n: usize,
    concurrency: usize,
) -> anyhow::Result<Fixture> {
    let p = &t.creds.project;
    let store = format!("soak-{run}");
    let r = http
        .call(
            Method::POST,
            &t.base,
            &format!("/{p}/stores"),
            Some(&json!({"key": store, "name": {"en": "soak"}})),
        )
        .await?;
    if r.status != StatusCode::CREATED {
        bail!("cannot create the store: {} {}", r.status, r.body);
    }
    let password = format!("Soak-{run}-pw");
    let next = Arc::new(AtomicUsize::new(0));
    let total = n + WITH_PASSWORD;
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (http, next, base) = (http.clone(), next.clone(), t.base.clone());
        let (p, store, run, password) =
            (p.clone(), store.clone(), run.to_string(), password.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let with_pw = i >= n;
                let email = format!("soak-{run}-{i}@example.com");
                let (body, path) = if with_pw {
                    (
                        json!({"email": email, "password": password}),
                        format!("/{p}/in-store/key={store}/customers"),
                    )
                } else if i % 2 == 0 {
                    (
                        json!({"email": email, "authenticationMode": "ExternalAuth", "firstName": "S"}),
                        format!("/{p}/customers"),
                    )
                } else {
                    (
                        json!({"email": email, "authenticationMode": "ExternalAuth", "firstName": "S"}),
                        format!("/{p}/in-store/key={store}/customers"),
                    )
                };
                let r = http.call(Method::POST, &base, &path, Some(&body)).await?;
                if r.status != StatusCode::CREATED {
                    return Err(anyhow!("seeding customer {i}: {} {}", r.status, r.body));
                }
                let id = r.body["customer"]["id"]
                    .as_str()
                    .context("no customer id")?
                    .to_string();
                out.push((with_pw, id, email));
            }
            Ok::<_, anyhow::Error>(out)
        }));
    }
    let mut customers = Vec::with_capacity(n);
    let mut with_password = Vec::new();
    for task in tasks {
        for (with_pw, id, email) in task.await?? {
            if with_pw {
                with_password.push(email);
            } else {
                customers.push((id, email));
            }
        }
    }
    if customers.is_empty() {
        bail!("seed at least one customer");
    }
    let versions = customers.iter().map(|_| AtomicI64::new(1)).collect();
    Ok(Fixture {
        store,
        customers,
        versions,
        with_password,
        password,
    })
}
