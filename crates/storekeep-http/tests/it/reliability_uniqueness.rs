//! Uniqueness races (issue 10 item 3), with real concurrency on every backend: [`N`] requests
//! released together by a barrier from tasks of a multi-threaded runtime, each through a
//! clone of the in-process router (`each_concurrent`).
//!
//! - Sign-ups with one email in one store: exactly one 201, the rest 400 `DuplicateField`
//!   on `email`; in different stores: all 201 (D2).
//! - Global against in-store sign-ups of one email: a global customer excludes every store,
//!   so either the global one wins alone or the in-store ones (one per store) win together.
//! - `changeEmail` of N customers to one email, and `addStore` of one store by N customers
//!   who share an email in different stores: one wins.
//! - Keys and customer numbers: one winner each.
//!
//! Afterwards the stored state agrees: a query finds exactly the winners. No race answers
//! anything but 2xx or the expected 4xx.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::Barrier;

use crate::fixtures::{admin, code, id, in_store, project, sign_up, store};
use crate::harness::{each_concurrent, Harness};

/// Concurrent requests per race.
const N: usize = 20;

/// Send every `(uri, body)` POST at once with the admin token; the answers in order.
async fn race(h: &Arc<Harness>, requests: Vec<(String, Value)>) -> Vec<(StatusCode, Value)> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(uri, body)| {
            let (h, barrier) = (h.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                admin(&h, Method::POST, &uri, Some(body)).await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.expect("a racing task"));
    }
    out
}

/// The indices of the answers with `status`.
fn with_status(answers: &[(StatusCode, Value)], status: StatusCode) -> Vec<usize> {
    (0..answers.len())
        .filter(|&i| answers[i].0 == status)
        .collect()
}

/// Exactly one answer is `won`; every other is 400 `DuplicateField` on `field`. Returns the
/// winner's index.
fn one_winner(answers: &[(StatusCode, Value)], won: StatusCode, field: &str) -> usize {
    let winners = with_status(answers, won);
    assert_eq!(winners.len(), 1, "{field}: one winner: {answers:?}");
    for (i, (status, body)) in answers.iter().enumerate() {
        if i != winners[0] {
            assert_eq!(*status, StatusCode::BAD_REQUEST, "{i}: {body}");
            assert_eq!(code(body), "DuplicateField", "{body}");
            assert_eq!(body["errors"][0]["field"], field, "{body}");
        }
    }
    winners[0]
}

/// The ids of the customers a store (or, with `None`, the project) finds with `email`.
async fn customers_with_email(h: &Harness, store: Option<&str>, email: &str) -> Vec<String> {
    let base = match store {
        Some(s) => in_store(h, s),
        None => project(h),
    };
    let q: String =
        url::form_urlencoded::byte_serialize(format!("email = \"{email}\"").as_bytes()).collect();
    let (status, page) = admin(h, Method::GET, &format!("{base}/customers?where={q}"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut ids: Vec<String> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// Create stores `{prefix}-0` … `{prefix}-{n-1}`.
async fn stores(h: &Harness, prefix: &str, n: usize) -> Vec<String> {
    let mut keys = Vec::with_capacity(n);
    for i in 0..n {
        let key = format!("{prefix}-{i}");
        store(h, &key).await;
        keys.push(key);
    }
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_ups_with_one_email_one_store_wins_different_stores_all_win() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let keys = stores(&h, "su", N).await;
        let same: Vec<_> = (0..N)
            .map(|i| {
                (
                    format!("{}/customers", in_store(&h, &keys[0])),
                    json!({"email": "Same@Race.test", "password": format!("pw-{i}")}),
                )
            })
            .collect();
        let answers = race(&h, same).await;
        let w = one_winner(&answers, StatusCode::CREATED, "email");
        let winner = answers[w].1["customer"]["id"].as_str().unwrap().to_string();
        assert_eq!(
            customers_with_email(&h, Some(&keys[0]), "Same@Race.test").await,
            [winner]
        );

        let spread: Vec<_> = keys
            .iter()
            .map(|k| {
                (
                    format!("{}/customers", in_store(&h, k)),
                    json!({"email": "spread@race.test", "password": "pw"}),
                )
            })
            .collect();
        let answers = race(&h, spread).await;
        assert_eq!(
            with_status(&answers, StatusCode::CREATED).len(),
            N,
            "D2: {answers:?}"
        );
        assert_eq!(
            customers_with_email(&h, None, "spread@race.test")
                .await
                .len(),
            N
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn global_against_in_store_sign_ups() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let keys = stores(&h, "gs", N / 2).await;
        let global = format!("{}/customers", project(&h));
        let body = json!({"email": "mixed@race.test", "password": "pw"});
        // Half global, half in one store: a single winner in all.
        let requests: Vec<_> = (0..N)
            .map(|i| match i % 2 {
                0 => (global.clone(), body.clone()),
                _ => (
                    format!("{}/customers", in_store(&h, &keys[0])),
                    body.clone(),
                ),
            })
            .collect();
        let answers = race(&h, requests).await;
        let w = one_winner(&answers, StatusCode::CREATED, "email");
        assert_eq!(
            customers_with_email(&h, None, "mixed@race.test")
                .await
                .len(),
            1,
            "winner {w}"
        );

        // Half global, half in different stores: all in-store ones or the global one alone.
        let body = json!({"email": "split@race.test", "password": "pw"});
        let requests: Vec<_> = (0..N)
            .map(|i| match i % 2 {
                0 => (global.clone(), body.clone()),
                _ => (
                    format!("{}/customers", in_store(&h, &keys[i / 2])),
                    body.clone(),
                ),
            })
            .collect();
        let answers = race(&h, requests).await;
        let won = with_status(&answers, StatusCode::CREATED);
        let global_won: Vec<&usize> = won.iter().filter(|&&i| i % 2 == 0).collect();
        match global_won.len() {
            1 => assert_eq!(
                won.len(),
                1,
                "a global customer excludes every store: {answers:?}"
            ),
            0 => assert_eq!(
                won.len(),
                N / 2,
                "each store's first sign-up wins: {answers:?}"
            ),
            _ => panic!("two global customers with one email: {answers:?}"),
        }
        for (i, (status, body)) in answers.iter().enumerate() {
            if !won.contains(&i) {
                assert_eq!(
                    (*status, code(body)),
                    (StatusCode::BAD_REQUEST, "DuplicateField"),
                    "{body}"
                );
            }
        }
        let stored = customers_with_email(&h, None, "split@race.test").await;
        assert_eq!(stored.len(), won.len());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn change_email_to_one_email_one_wins() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let mut requests = Vec::with_capacity(N);
        for i in 0..N {
            let body = json!({"email": format!("before-{i}@race.test"), "password": "pw"});
            let c = sign_up(&h, &project(&h), body).await;
            let change = json!({"version": 1, "actions": [{"action": "changeEmail", "email": "Target@Race.test"}]});
            requests.push((format!("{}/customers/{}", project(&h), id(&c)), change));
        }
        let answers = race(&h, requests).await;
        let w = one_winner(&answers, StatusCode::OK, "email");
        let winner = answers[w].1["id"].as_str().unwrap().to_string();
        assert_eq!(customers_with_email(&h, None, "Target@Race.test").await, [winner]);
        assert_eq!(customers_with_email(&h, None, "before-0@race.test").await.len(), usize::from(w != 0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn add_store_by_customers_sharing_an_email_one_wins() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let keys = stores(&h, "as", N).await;
        store(&h, "target").await;
        let mut requests = Vec::with_capacity(N);
        for k in &keys {
            let c = sign_up(&h, &in_store(&h, k), json!({"email": "shared@race.test", "password": "pw"})).await;
            let add = json!({"version": 1, "actions": [{"action": "addStore", "store": {"typeId": "store", "key": "target"}}]});
            requests.push((format!("{}/customers/{}", project(&h), id(&c)), add));
        }
        let answers = race(&h, requests).await;
        let w = one_winner(&answers, StatusCode::OK, "email");
        let winner = answers[w].1["id"].as_str().unwrap().to_string();
        assert_eq!(customers_with_email(&h, Some("target"), "shared@race.test").await, [winner]);
        assert_eq!(customers_with_email(&h, None, "shared@race.test").await.len(), N, "nobody lost a store");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keys_and_customer_numbers_have_one_winner() {
    each_concurrent(|h| async move {
        let h = Arc::new(h);
        let p = project(&h);
        type Draft = fn(usize) -> Value;
        let cases: [(&str, &str, Draft); 4] = [
            ("stores", "key", |_| json!({"key": "same-store"})),
            ("customers", "key", |i| json!({"email": format!("k{i}@race.test"), "password": "pw", "key": "same-customer"})),
            ("customers", "customerNumber", |i| json!({"email": format!("n{i}@race.test"), "password": "pw", "customerNumber": "N-1"})),
            ("carts", "key", |_| json!({"currency": "EUR", "key": "same-cart"})),
        ];
        for (coll, field, body) in &cases {
            let requests = (0..N).map(|i| (format!("{p}/{coll}"), body(i))).collect();
            let answers = race(&h, requests).await;
            one_winner(&answers, StatusCode::CREATED, field);
        }
    })
    .await;
}
