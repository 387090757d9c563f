//! One winner per version (issue 10 item 1), with real concurrency: a multi-threaded runtime,
//! [`CLIENTS`] tasks that each send through a clone of the in-process router, released
//! together by a barrier, on in-memory SQLite and on PostgreSQL (a pool of the server's
//! default size, `each_concurrent`).
//!
//! - Every round, all clients update one resource with the same version: exactly one 200, all
//!   others 409 `ConcurrentModification` whose `currentVersion` is the winner's new version,
//!   no 5xx, and the stored resource is the winner's. Customers, stores and carts.
//! - Read-modify-retry: every client appends [`K`] addresses with its own keys to one
//!   customer, re-reading and retrying on 409; at the end the customer holds every address
//!   and its version counts every successful write.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::Barrier;

use crate::fixtures::{admin, code, customer, id, project};
use crate::harness::{each_concurrent, Harness};

/// Concurrent clients per round.
const CLIENTS: usize = 32;
/// Rounds per resource.
const ROUNDS: usize = 10;
/// Addresses each client appends in the read-modify-retry workload.
const K: usize = 5;

/// The answers of one round, in client order.
type Answers = Vec<(StatusCode, Value)>;

/// Send `CLIENTS` updates at once: client `i` sends `body(i)` to `uri`.
async fn round(h: &Arc<Harness>, uri: &str, body: impl Fn(usize) -> Value) -> Answers {
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let mut tasks = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let (h, barrier, uri, body) = (h.clone(), barrier.clone(), uri.to_string(), body(i));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            h.call(Method::POST, &uri, Some(&h.admin_token), Some(body))
                .await
        }));
    }
    let mut out = Vec::with_capacity(CLIENTS);
    for t in tasks {
        out.push(t.await.expect("a client task"));
    }
    out
}

/// Check one round: exactly one 200 at `version + 1`, every other answer a 409 naming that
/// version, no 5xx. Returns the winner's index and resource.
fn one_winner(answers: &Answers, version: i64, what: &str) -> (usize, Value) {
    let winners: Vec<usize> = (0..answers.len())
        .filter(|&i| answers[i].0 == StatusCode::OK)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{what} v{version}: one 200, got {winners:?}"
    );
    let (w, won) = (winners[0], answers[winners[0]].1.clone());
    assert_eq!(won["version"], version + 1, "{what}: {won}");
    for (i, (status, body)) in answers.iter().enumerate().filter(|(i, _)| *i != w) {
        assert_eq!(
            *status,
            StatusCode::CONFLICT,
            "{what} v{version} client {i}: {body}"
        );
        assert_eq!(code(body), "ConcurrentModification", "{body}");
        assert_eq!(
            body["errors"][0]["currentVersion"],
            version + 1,
            "{what} v{version} client {i}: the winner's version: {body}"
        );
        assert_eq!(body["statusCode"], 409, "{body}");
    }
    (w, won)
}

/// Run `ROUNDS` rounds on the resource at `uri` (version 1 at the start); client `i` of
/// round `r` sends the actions `actions(r, i)`, which differ per client (so no update is a
/// no-op). Checks the stored resource after each round; returns the 200s and 409s counted.
async fn rounds(
    h: &Arc<Harness>,
    uri: &str,
    actions: impl Fn(usize, usize) -> Value,
    stored: impl Fn(&Value) -> Value,
) -> (usize, usize) {
    let (mut ok, mut conflicts) = (0, 0);
    for r in 0..ROUNDS {
        let version = 1 + r as i64;
        let answers = round(
            h,
            uri,
            |i| json!({"version": version, "actions": actions(r, i)}),
        )
        .await;
        let (w, won) = one_winner(&answers, version, uri);
        let (status, now) = admin(h, Method::GET, uri, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(now["version"], version + 1, "{now}");
        assert_eq!(
            stored(&now),
            stored(&won),
            "round {r}: the stored state is the winner's"
        );
        assert_eq!(
            stored(&now),
            stored(&json!({"actions": actions(r, w)})["actions"]),
            "round {r}: the winner's change, nobody else's"
        );
        ok += 1;
        conflicts += answers.len() - 1;
    }
    (ok, conflicts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_winner_per_version_for_customers() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let c = customer(&h, &project(&h), "race@x.de").await;
        let uri = format!("{}/customers/{}", project(&h), id(&c));
        let name = |r: usize, i: usize| format!("round-{r}-client-{i}");
        let (ok, conflicts) = rounds(
            &h,
            &uri,
            |r, i| json!([{"action": "setFirstName", "firstName": name(r, i)}]),
            // The customer's first name, or the name an action list sets.
            |v| {
                v.get("firstName")
                    .cloned()
                    .unwrap_or_else(|| v[0]["firstName"].clone())
            },
        )
        .await;
        assert_eq!((ok, conflicts), (ROUNDS, ROUNDS * (CLIENTS - 1)));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_winner_per_version_for_stores_and_carts() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let p = project(&h);
        let body = json!({"key": "race-store", "name": {"en": "start"}});
        let (status, s) = admin(&h, Method::POST, &format!("{p}/stores"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        let (ok, _) = rounds(
            &h,
            &format!("{p}/stores/key=race-store"),
            |r, i| json!([{"action": "setName", "name": {"en": format!("r{r}-c{i}")}}]),
            |v| {
                v.get("name")
                    .cloned()
                    .unwrap_or_else(|| v[0]["name"].clone())
            },
        )
        .await;
        assert_eq!(ok, ROUNDS);

        let (status, cart) = admin(
            &h,
            Method::POST,
            &format!("{p}/carts"),
            Some(json!({"currency": "EUR"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{cart}");
        let (ok, _) = rounds(
            &h,
            &format!("{p}/carts/{}", id(&cart)),
            |r, i| json!([{"action": "setCustomerEmail", "email": format!("r{r}-c{i}@x.de")}]),
            |v| {
                v.get("customerEmail")
                    .cloned()
                    .unwrap_or_else(|| v[0]["email"].clone())
            },
        )
        .await;
        assert_eq!(ok, ROUNDS);
    })
    .await;
}

/// One client of the read-modify-retry workload: append `K` addresses with keys
/// `c{i}-{k}`, re-reading the customer after every 409. Returns the number of 409s.
async fn append_addresses(h: Arc<Harness>, uri: String, i: usize) -> usize {
    let mut conflicts = 0;
    for k in 0..K {
        loop {
            let (status, c) = admin(&h, Method::GET, &uri, None).await;
            assert_eq!(status, StatusCode::OK, "{c}");
            let address = json!({"key": format!("c{i}-{k}"), "country": "DE"});
            let body = json!({"version": c["version"], "actions": [{"action": "addAddress", "address": address}]});
            let (status, r) = admin(&h, Method::POST, &uri, Some(body)).await;
            match status {
                StatusCode::OK => break,
                StatusCode::CONFLICT => {
                    assert_eq!(code(&r), "ConcurrentModification", "{r}");
                    conflicts += 1;
                }
                other => panic!("client {i}: {other}: {r}"),
            }
        }
    }
    conflicts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn read_modify_retry_keeps_every_increment() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let c = customer(&h, &project(&h), "counter@x.de").await;
        let uri = format!("{}/customers/{}", project(&h), id(&c));
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|i| tokio::spawn(append_addresses(h.clone(), uri.clone(), i)))
            .collect();
        let mut conflicts = 0;
        for t in tasks {
            conflicts += t.await.expect("a client task");
        }
        let (status, c) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK);
        let mut keys: Vec<&str> = c["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["key"].as_str().unwrap())
            .collect();
        keys.sort_unstable();
        let mut want: Vec<String> = (0..CLIENTS)
            .flat_map(|i| (0..K).map(move |k| format!("c{i}-{k}")))
            .collect();
        want.sort_unstable();
        assert_eq!(keys, want, "every client's every address, once");
        assert_eq!(
            c["version"],
            1 + (CLIENTS * K) as i64,
            "one version per write"
        );
        println!(
            "{:?}: {} writes, {conflicts} conflicts retried",
            h.kind,
            CLIENTS * K
        );
    })
    .await;
}
