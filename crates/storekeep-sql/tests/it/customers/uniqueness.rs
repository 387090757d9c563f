//! D2: emails are unique case-insensitively among global customers and per store, a global
//! customer's email is unique everywhere; races between sign-ups have exactly one winner.
//! Also key and customer-number uniqueness.

use std::sync::Arc;

use serde_json::json;
use storekeep_core::scopes::StoreGrant;
use storekeep_core::storage::Storage;

use super::{assert_dup_email, code, world, World};
use crate::Kind;

cases!(
    parallel_signups_in_one_store,
    parallel_signups_in_two_stores,
    parallel_global_and_store_signups,
    global_and_store_conflict_both_ways,
    updates_recheck_email,
    deleting_releases_the_email,
    key_and_customer_number_are_unique,
);

/// Sign up `n` customers with `email` (in varying letter case) concurrently, each in the
/// given stores; the results in order.
async fn race(w: &World, n: usize, email: &str, stores: &[&[&str]]) -> Vec<bool> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let svc = w.svc.clone();
        let p = w.p.clone();
        let email = if i % 2 == 0 {
            email.to_string()
        } else {
            email.to_uppercase()
        };
        let stores: Vec<_> = stores[i % stores.len()]
            .iter()
            .map(|k| json!({"key": k}))
            .collect();
        tasks.push(tokio::spawn(async move {
            let d = serde_json::from_value(json!({
                "email": email, "password": "pw", "stores": stores
            }))
            .expect("draft");
            svc.create(&p, None, &StoreGrant::Any, &Default::default(), d)
                .await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => out.push(true),
            Err(e) => {
                assert_eq!(e.code(), "DuplicateField", "{e:?}");
                out.push(false);
            }
        }
    }
    out
}

fn wins(r: &[bool]) -> usize {
    r.iter().filter(|ok| **ok).count()
}

async fn parallel_signups_in_one_store(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let r = race(&w, 20, "race@example.com", &[&["s1"]]).await;
    assert_eq!(wins(&r), 1, "{r:?}");
    assert_eq!(w.emails(Some("s1"), None).await.len(), 1);
}

async fn parallel_signups_in_two_stores(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let r = race(&w, 20, "twin@example.com", &[&["s1"], &["s2"]]).await;
    let s1: Vec<bool> = r.iter().step_by(2).copied().collect();
    let s2: Vec<bool> = r.iter().skip(1).step_by(2).copied().collect();
    assert_eq!((wins(&s1), wins(&s2)), (1, 1), "{r:?}");
    // Two different customers, one per store, each sees its own.
    let a = w.login(Some("s1"), "TWIN@example.com", "pw").await.unwrap();
    let b = w.login(Some("s2"), "twin@example.com", "pw").await.unwrap();
    assert_ne!(a.meta.id, b.meta.id);
}

async fn parallel_global_and_store_signups(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    // Global sign-ups race with sign-ups in s1 and in s1+s2: one winner overall. Several
    // rounds, as a missing lock only shows when the writers interleave just so.
    for round in 0..8 {
        let email = format!("mixed{round}@example.com");
        let r = race(&w, 12, &email, &[&[], &["s1"], &["s1", "s2"]]).await;
        assert_eq!(wins(&r), 1, "{email}: {r:?}");
    }
}

async fn global_and_store_conflict_both_ways(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    w.customer(None, "g@example.com", &[]).await;
    assert_dup_email(
        w.signup(
            None,
            json!({"email": "G@example.com", "stores": [{"key": "s1"}]}),
        )
        .await,
        "G@example.com",
    );
    assert_dup_email(
        w.signup(Some("s2"), json!({"email": "g@EXAMPLE.com"}))
            .await,
        "g@EXAMPLE.com",
    );
    assert_dup_email(
        w.signup(None, json!({"email": "G@Example.Com"})).await,
        "G@Example.Com",
    );

    w.customer(Some("s1"), "s@example.com", &[]).await;
    assert_dup_email(
        w.signup(None, json!({"email": "S@example.com"})).await,
        "S@example.com",
    );
    // The same email in another store is another customer.
    w.customer(Some("s2"), "s@example.com", &[]).await;
    assert_dup_email(
        w.signup(Some("s1"), json!({"email": "s@example.com"}))
            .await,
        "s@example.com",
    );
}

async fn updates_recheck_email(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let g = w.customer(None, "g@example.com", &[]).await;
    let a = w.customer(None, "a@example.com", &["s1"]).await;
    let b = w.customer(None, "b@example.com", &["s2"]).await;
    let a2 = w.customer(None, "a@example.com", &["s2"]).await;

    // changeEmail into an email taken in the same store, or by a global customer.
    let r = w
        .update(
            None,
            &b,
            json!([{"action": "changeEmail", "email": "A@example.com"}]),
        )
        .await;
    assert_dup_email(r, "A@example.com");
    let r = w
        .update(
            None,
            &a,
            json!([{"action": "changeEmail", "email": "G@example.com"}]),
        )
        .await;
    assert_dup_email(r, "G@example.com");
    let r = w
        .update(
            None,
            &g,
            json!([{"action": "changeEmail", "email": "b@example.com"}]),
        )
        .await;
    assert_dup_email(r, "b@example.com");

    // addStore / setStores into a store where the email exists.
    let r = w
        .update(
            None,
            &a,
            json!([{"action": "addStore", "store": {"key": "s2"}}]),
        )
        .await;
    assert_dup_email(r, "a@example.com");
    let r = w
        .update(
            None,
            &a,
            json!([{"action": "setStores", "stores": [{"key": "s2"}]}]),
        )
        .await;
    assert_dup_email(r, "a@example.com");
    // Becoming global while another store has the email.
    let r = w
        .update(None, &a, json!([{"action": "setStores", "stores": []}]))
        .await;
    assert_dup_email(r, "a@example.com");
    let r = w
        .update(
            None,
            &a,
            json!([{"action": "removeStore", "store": {"key": "s1"}}]),
        )
        .await;
    assert_dup_email(r, "a@example.com");

    // Nothing changed on failure; a rename frees the old email and takes the new one.
    assert_eq!(w.get(None, &a.meta.id).await.unwrap(), a);
    let a2 = w
        .update(
            None,
            &a2,
            json!([{"action": "changeEmail", "email": "c@example.com"}]),
        )
        .await
        .unwrap();
    let a = w
        .update(None, &a, json!([{"action": "setStores", "stores": []}]))
        .await
        .unwrap();
    assert!(a.is_global());
    assert_dup_email(
        w.signup(Some("s2"), json!({"email": "a@example.com"}))
            .await,
        "a@example.com",
    );
    assert_dup_email(
        w.signup(Some("s2"), json!({"email": "c@example.com"}))
            .await,
        "c@example.com",
    );
    w.customer(Some("s1"), "C@example.com", &[]).await;
    // a2 cannot join s1 now that s1 has its own c@… customer.
    let r = w
        .update(
            None,
            &a2,
            json!([{"action": "addStore", "store": {"key": "s1"}}]),
        )
        .await;
    assert_dup_email(r, "c@example.com");
}

async fn deleting_releases_the_email(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let g = w.customer(None, "gone@example.com", &[]).await;
    assert_eq!(
        code(
            w.svc
                .delete(
                    &w.p,
                    None,
                    storekeep_core::storage::Lookup::Id(&g.meta.id),
                    7,
                    false
                )
                .await
        ),
        "ConcurrentModification"
    );
    let deleted = w
        .svc
        .delete(
            &w.p,
            None,
            storekeep_core::storage::Lookup::Id(&g.meta.id),
            1,
            true,
        )
        .await
        .unwrap();
    assert_eq!(deleted.meta.id, g.meta.id);
    assert_eq!(code(w.get(None, &g.meta.id).await), "ResourceNotFound");
    assert_eq!(w.events.seen(), vec![format!("deleted:{}", g.meta.id)]);
    w.customer(Some("s1"), "GONE@example.com", &[]).await;
}

async fn key_and_customer_number_are_unique(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let a = w
        .signup(
            None,
            json!({"email": "a@x.io", "key": "cust-a", "customerNumber": "N-1"}),
        )
        .await
        .unwrap();
    let r = w
        .signup(None, json!({"email": "b@x.io", "key": "cust-a"}))
        .await;
    assert_eq!(
        r.unwrap_err(),
        storekeep_core::ApiError::duplicate("key", "cust-a")
    );
    let r = w
        .signup(
            Some("s1"),
            json!({"email": "b@x.io", "customerNumber": "N-1"}),
        )
        .await;
    assert_eq!(
        r.unwrap_err(),
        storekeep_core::ApiError::duplicate("customerNumber", "N-1")
    );
    let b = w.customer(None, "b@x.io", &[]).await;
    let r = w
        .update(None, &b, json!([{"action": "setKey", "key": "cust-a"}]))
        .await;
    assert_eq!(
        r.unwrap_err(),
        storekeep_core::ApiError::duplicate("key", "cust-a")
    );
    let r = w
        .update(
            None,
            &b,
            json!([{"action": "setCustomerNumber", "customerNumber": "N-1"}]),
        )
        .await;
    assert_eq!(
        r.unwrap_err(),
        storekeep_core::ApiError::duplicate("customerNumber", "N-1")
    );
    // A store change keeps the customer number claimed.
    let a = w
        .update(
            None,
            &a,
            json!([{"action": "addStore", "store": {"key": "s1"}}]),
        )
        .await
        .unwrap();
    let r = w
        .update(
            None,
            &b,
            json!([{"action": "setCustomerNumber", "customerNumber": "N-1"}]),
        )
        .await;
    assert_eq!(code(r), "DuplicateField");
    let by_key = w
        .svc
        .get(&w.p, None, storekeep_core::storage::Lookup::Key("cust-a"))
        .await
        .unwrap();
    assert_eq!(by_key.meta.id, a.meta.id);
}
