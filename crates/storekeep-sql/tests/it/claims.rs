//! Uniqueness claims, exclusions and locks, written atomically with their document.

use std::sync::Arc;

use serde_json::json;
use storekeep_core::storage::{
    Claim, Collection, Exclusion, Lookup, Storage, StorageError, Uniqueness,
};

use crate::{assert_err, doc, project, Kind};

const C: Collection = Collection::Customers;

cases!(
    duplicate_claim_is_atomic,
    claims_replaced_on_update,
    failed_update_keeps_doc_and_claims,
    claims_released_on_delete,
    claims_scoped_by_project_and_collection,
    exclusions,
    concurrent_claims,
    concurrent_exclusions,
);

fn claim(scope: &str, value: &str) -> Claim {
    Claim {
        scope: scope.into(),
        value: value.into(),
    }
}

fn claims(list: &[(&str, &str)]) -> Uniqueness {
    Uniqueness {
        claims: list.iter().map(|(s, v)| claim(s, v)).collect(),
        exclusions: Vec::new(),
        locks: list.iter().map(|(_, v)| v.to_string()).collect(),
    }
}

fn dup(scope: &str, value: &str) -> StorageError {
    StorageError::DuplicateClaim {
        scope: scope.into(),
        value: value.into(),
    }
}

async fn insert(
    store: &Arc<dyn Storage>,
    p: &str,
    id: &str,
    u: &Uniqueness,
) -> Result<(), StorageError> {
    store
        .insert(C, p, &doc(id, Some(id), 1, json!({ "id": id })), u)
        .await
}

async fn exists(store: &Arc<dyn Storage>, p: &str, id: &str) -> bool {
    store.get(C, p, Lookup::Id(id)).await.unwrap().is_some()
}

async fn duplicate_claim_is_atomic(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    insert(&store, &p, "a", &claims(&[("email", "x@y")]))
        .await
        .unwrap();
    // The second claim collides: neither the document nor its first claim is written.
    let u = claims(&[("number", "n1"), ("email", "x@y")]);
    assert_err(
        insert(&store, &p, "b", &u).await,
        dup("email", "x@y"),
        "dup claim",
    );
    assert!(
        !exists(&store, &p, "b").await,
        "failed insert left no document"
    );
    // Its key and its other claim were not taken either.
    insert(&store, &p, "c", &claims(&[("number", "n1")]))
        .await
        .unwrap();
    store
        .insert(
            C,
            &p,
            &doc("b2", Some("b"), 1, json!({})),
            &Uniqueness::default(),
        )
        .await
        .unwrap();
    // Same value, other scope: fine.
    insert(&store, &p, "d", &claims(&[("email:store-1", "x@y")]))
        .await
        .unwrap();
}

async fn claims_replaced_on_update(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    insert(&store, &p, "a", &claims(&[("email", "old@x")]))
        .await
        .unwrap();
    let u = claims(&[("email", "new@x")]);
    store
        .update(C, &p, 1, &doc("a", Some("a"), 2, json!({})), Some(&u))
        .await
        .unwrap();
    // The old value is free, the new one is held.
    insert(&store, &p, "b", &claims(&[("email", "old@x")]))
        .await
        .unwrap();
    assert_err(
        insert(&store, &p, "c", &claims(&[("email", "new@x")])).await,
        dup("email", "new@x"),
        "new claim held",
    );
    // Re-claiming its own value on update is fine; `None` keeps the claims.
    store
        .update(C, &p, 2, &doc("a", Some("a"), 3, json!({})), Some(&u))
        .await
        .unwrap();
    store
        .update(C, &p, 3, &doc("a", Some("a"), 4, json!({})), None)
        .await
        .unwrap();
    assert_err(
        insert(&store, &p, "c", &claims(&[("email", "new@x")])).await,
        dup("email", "new@x"),
        "claim kept by an update without uniqueness",
    );
    // An empty claim list releases everything.
    let empty = Uniqueness::default();
    store
        .update(C, &p, 4, &doc("a", Some("a"), 5, json!({})), Some(&empty))
        .await
        .unwrap();
    insert(&store, &p, "c", &claims(&[("email", "new@x")]))
        .await
        .unwrap();
}

async fn failed_update_keeps_doc_and_claims(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    insert(&store, &p, "a", &claims(&[("email", "a@x")]))
        .await
        .unwrap();
    insert(&store, &p, "b", &claims(&[("email", "b@x")]))
        .await
        .unwrap();
    let u = claims(&[("email", "b@x")]);
    let r = store
        .update(
            C,
            &p,
            1,
            &doc("a", Some("a"), 2, json!({"changed": true})),
            Some(&u),
        )
        .await;
    assert_err(r, dup("email", "b@x"), "b@x held by b");
    let a = store.get(C, &p, Lookup::Id("a")).await.unwrap().expect("a");
    assert_eq!(a.version, 1, "the document was not updated");
    // a still holds a@x (its claims were not dropped by the failed replacement).
    assert_err(
        insert(&store, &p, "c", &claims(&[("email", "a@x")])).await,
        dup("email", "a@x"),
        "a@x still held",
    );
    // A version conflict does not touch claims either.
    let u = claims(&[("email", "z@x")]);
    let r = store
        .update(C, &p, 9, &doc("a", Some("a"), 10, json!({})), Some(&u))
        .await;
    assert_err(
        r,
        StorageError::VersionConflict { current_version: 1 },
        "stale",
    );
    insert(&store, &p, "z", &claims(&[("email", "z@x")]))
        .await
        .unwrap();
}

async fn claims_released_on_delete(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    insert(
        &store,
        &p,
        "a",
        &claims(&[("email", "a@x"), ("number", "1")]),
    )
    .await
    .unwrap();
    // A failed delete keeps the claims.
    assert_err(
        store.delete(C, &p, "a", 5).await,
        StorageError::VersionConflict { current_version: 1 },
        "stale delete",
    );
    assert_err(
        insert(&store, &p, "b", &claims(&[("number", "1")])).await,
        dup("number", "1"),
        "still held",
    );
    store.delete(C, &p, "a", 1).await.unwrap();
    insert(
        &store,
        &p,
        "b",
        &claims(&[("email", "a@x"), ("number", "1")]),
    )
    .await
    .unwrap();
}

async fn claims_scoped_by_project_and_collection(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    insert(&store, &p, "a", &claims(&[("email", "a@x")]))
        .await
        .unwrap();
    insert(&store, &project(), "a", &claims(&[("email", "a@x")]))
        .await
        .unwrap();
    store
        .insert(
            Collection::Stores,
            &p,
            &doc("s", None, 1, json!({})),
            &claims(&[("email", "a@x")]),
        )
        .await
        .unwrap();
}

fn excluding(own: &[(&str, &str)], prefix: &str, value: &str) -> Uniqueness {
    let mut u = claims(own);
    u.exclusions.push(Exclusion {
        scope_prefix: prefix.into(),
        value: value.into(),
    });
    u.locks.push(value.into());
    u
}

async fn exclusions(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    insert(&store, &p, "a", &claims(&[("s:a", "x")]))
        .await
        .unwrap();
    // Another document whose exclusion prefix covers "s:a" is refused, and not written.
    let r = insert(&store, &p, "b", &excluding(&[("s:b", "x")], "s:", "x")).await;
    assert_err(r, dup("s:a", "x"), "excluded by s:a");
    assert!(!exists(&store, &p, "b").await);
    // Other value, or a prefix that does not cover "s:a": fine.
    insert(&store, &p, "c", &excluding(&[], "s:", "y"))
        .await
        .unwrap();
    insert(&store, &p, "d", &excluding(&[("t:d", "x")], "t:", "x"))
        .await
        .unwrap();
    insert(&store, &p, "e", &excluding(&[], "s:b", "x"))
        .await
        .unwrap();
    // A prefix is literal text, not a LIKE pattern.
    insert(&store, &p, "f", &excluding(&[], "s%", "x"))
        .await
        .unwrap();
    insert(&store, &p, "g", &excluding(&[], "_:", "x"))
        .await
        .unwrap();
    // The owner's own claims never exclude it.
    let own = excluding(&[("s:a", "x")], "s:", "x");
    store
        .update(C, &p, 1, &doc("a", Some("a"), 2, json!({})), Some(&own))
        .await
        .unwrap();
    // An update of another document is excluded too, and leaves it unchanged.
    let r = store
        .update(C, &p, 1, &doc("c", Some("c"), 2, json!({})), Some(&own))
        .await;
    assert_err(r, dup("s:a", "x"), "update excluded");
    let c = store.get(C, &p, Lookup::Id("c")).await.unwrap().expect("c");
    assert_eq!(c.version, 1);
}

async fn concurrent_claims(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (store, p) = (store.clone(), p.clone());
        tasks.push(tokio::spawn(async move {
            let id = format!("c{i}");
            insert(&store, &p, &id, &claims(&[("email", "same@x")])).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(()) => ok += 1,
            Err(e) => assert_eq!(e, dup("email", "same@x")),
        }
    }
    assert_eq!(ok, 1, "exactly one document holds the claim");
}

async fn concurrent_exclusions(store: Arc<dyn Storage>, _kind: Kind) {
    // Each writer claims its own scope and excludes every other scope under "s:": only the
    // lock on the value keeps two of them from both passing the check.
    let p = project();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (store, p) = (store.clone(), p.clone());
        tasks.push(tokio::spawn(async move {
            let id = format!("c{i}");
            let scope = format!("s:{i}");
            insert(&store, &p, &id, &excluding(&[(&scope, "v")], "s:", "v")).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(()) => ok += 1,
            Err(StorageError::DuplicateClaim { value, .. }) => assert_eq!(value, "v"),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 1, "exactly one writer passes the exclusion");
}
