//! D1/D3/D4: what a store's endpoints see (its customers and the global ones), in-store
//! creation, and sign-in through the project and store endpoints.

use std::sync::Arc;

use serde_json::json;
use storekeep_core::customers::CustomerUpdate;
use storekeep_core::query::QueryParams;
use storekeep_core::scopes::StoreGrant;
use storekeep_core::storage::{Lookup, Storage};

use super::{code, world};
use crate::Kind;

cases!(
    in_store_reads_and_writes,
    in_store_query_and_exists,
    sign_in_by_endpoint,
    in_store_create_rules,
    in_store_update_may_move_the_customer,
    drafts_and_actions_reference_checks,
);

async fn in_store_reads_and_writes(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let g = w.customer(None, "g@x.io", &[]).await;
    let a = w
        .signup(
            None,
            json!({"email": "a@x.io", "key": "ka", "stores": [{"key": "s1"}]}),
        )
        .await
        .unwrap();
    let b = w
        .signup(
            None,
            json!({"email": "b@x.io", "key": "kb", "stores": [{"key": "s2"}]}),
        )
        .await
        .unwrap();
    let s1 = Some("s1");
    assert_eq!(w.get(s1, &g.meta.id).await.unwrap().meta.id, g.meta.id);
    assert_eq!(w.get(s1, &a.meta.id).await.unwrap().meta.id, a.meta.id);
    assert_eq!(code(w.get(s1, &b.meta.id).await), "ResourceNotFound");
    assert_eq!(
        code(w.svc.get(&w.p, s1, Lookup::Key("kb")).await),
        "ResourceNotFound"
    );
    assert!(w.svc.get(&w.p, s1, Lookup::Key("ka")).await.is_ok());
    assert!(
        w.get(None, &b.meta.id).await.is_ok(),
        "the project sees all"
    );

    let set = json!([{"action": "setFirstName", "firstName": "X"}]);
    assert_eq!(
        code(w.update(s1, &b, set.clone()).await),
        "ResourceNotFound"
    );
    let g2 = w.update(s1, &g, set.clone()).await.unwrap();
    assert_eq!(g2.first_name.as_deref(), Some("X"));
    assert_eq!(g2.meta.version, 2);
    let u: CustomerUpdate = serde_json::from_value(json!({"version": 1, "actions": set})).unwrap();
    let any = StoreGrant::Any;
    let r = w
        .svc
        .update(&w.p, s1, &any, &w.by, Lookup::Key("kb"), u)
        .await;
    assert_eq!(code(r), "ResourceNotFound");

    let r = w
        .svc
        .delete(&w.p, s1, Lookup::Id(&b.meta.id), 1, false)
        .await;
    assert_eq!(code(r), "ResourceNotFound");
    assert!(w.get(None, &b.meta.id).await.is_ok(), "not deleted");
    w.svc
        .delete(&w.p, s1, Lookup::Key("ka"), 1, false)
        .await
        .unwrap();
    w.svc
        .delete(&w.p, s1, Lookup::Id(&g.meta.id), 2, false)
        .await
        .unwrap();
}

async fn in_store_query_and_exists(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    w.customer(None, "g@x.io", &[]).await;
    w.customer(None, "a@x.io", &["s1"]).await;
    w.customer(None, "ab@x.io", &["s1", "s2"]).await;
    w.customer(None, "b@x.io", &["s2"]).await;
    assert_eq!(
        w.emails(Some("s1"), None).await,
        ["a@x.io", "ab@x.io", "g@x.io"]
    );
    assert_eq!(
        w.emails(Some("s2"), None).await,
        ["ab@x.io", "b@x.io", "g@x.io"]
    );
    assert_eq!(w.emails(None, None).await.len(), 4);
    // The user's predicate is combined with the store's filter.
    assert_eq!(
        w.emails(Some("s1"), Some(r#"email = "b@x.io""#))
            .await
            .len(),
        0
    );
    assert_eq!(
        w.emails(Some("s2"), Some(r#"email = "b@x.io""#)).await,
        ["b@x.io"]
    );
    assert_eq!(w.emails(None, Some("stores is empty")).await, ["g@x.io"]);
    assert_eq!(
        w.emails(None, Some(r#"stores(key = "s2")"#)).await,
        ["ab@x.io", "b@x.io"]
    );
    // Exact, case-sensitive email predicates.
    assert_eq!(w.emails(None, Some(r#"email = "G@x.io""#)).await.len(), 0);
    let has = |store: Option<&'static str>, pred: &'static str| {
        let svc = w.svc.clone();
        let p = w.p.clone();
        async move {
            let q = QueryParams::from_pairs([("where", pred)]);
            svc.exists(&p, store, &q).await.unwrap()
        }
    };
    assert!(has(Some("s1"), r#"email = "a@x.io""#).await);
    assert!(!has(Some("s1"), r#"email = "b@x.io""#).await);
    assert!(has(None, r#"email = "b@x.io""#).await);
    let page = w
        .svc
        .query(&w.p, Some("s1"), &QueryParams::default())
        .await
        .unwrap();
    assert_eq!(page.total, Some(3));
}

async fn sign_in_by_endpoint(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    w.customer(None, "Global@x.io", &[]).await;
    w.customer(None, "one@x.io", &["s1"]).await;
    // The project's /login: global customers only, email case-insensitive.
    assert!(w.login(None, "global@X.IO", "pw").await.is_ok());
    assert_eq!(
        code(w.login(None, "global@x.io", "PW").await),
        "InvalidCredentials"
    );
    assert_eq!(
        code(w.login(None, "one@x.io", "pw").await),
        "InvalidCredentials"
    );
    assert_eq!(
        code(w.login(None, "nobody@x.io", "pw").await),
        "InvalidCredentials"
    );
    // A store's /login: its customers and the global ones (D1).
    assert!(w.login(Some("s1"), "ONE@x.io", "pw").await.is_ok());
    assert!(w.login(Some("s1"), "global@x.io", "pw").await.is_ok());
    assert_eq!(
        code(w.login(Some("s2"), "one@x.io", "pw").await),
        "InvalidCredentials"
    );
    // An unknown anonymous cart is not found (carts/merge.rs covers the real ones).
    let s = serde_json::from_value(json!({
        "email": "global@x.io", "password": "pw", "anonymousCart": {"typeId": "cart", "id": "c1"}
    }))
    .unwrap();
    let e = w.svc.sign_in(&w.p, None, s).await.unwrap_err();
    assert_eq!(e.code(), "ReferencedResourceNotFound");
    // ExternalAuth customers cannot sign in with a password.
    w.signup(
        None,
        json!({"email": "ext@x.io", "authenticationMode": "ExternalAuth"}),
    )
    .await
    .unwrap();
    assert_eq!(
        code(w.login(None, "ext@x.io", "").await),
        "InvalidCredentials"
    );
}

async fn in_store_create_rules(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w
        .signup(Some("s1"), json!({"email": "a@x.io"}))
        .await
        .unwrap();
    assert_eq!(c.stores.len(), 1);
    assert_eq!(c.stores[0].key, "s1");
    assert_eq!(c.stores[0].type_id, "store");
    // Given without the path store (D3), or empty.
    let r = w
        .signup(
            Some("s1"),
            json!({"email": "b@x.io", "stores": [{"key": "s2"}]}),
        )
        .await;
    assert_eq!(code(r), "InvalidOperation");
    let r = w
        .signup(Some("s1"), json!({"email": "b@x.io", "stores": []}))
        .await;
    assert_eq!(code(r), "InvalidOperation");
    let both = w
        .signup(
            Some("s1"),
            json!({"email": "b@x.io", "stores": [{"key": "s2"}, {"key": "s1"}]}),
        )
        .await
        .unwrap();
    let keys: Vec<&str> = both.stores.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["s2", "s1"]);
    // Unknown stores in the draft and in the path.
    let e = w
        .signup(
            None,
            json!({"email": "c@x.io", "stores": [{"key": "nope"}]}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ReferencedResourceNotFound");
    assert_eq!(e.to_error_object()["typeId"], "store");
    assert_eq!(
        code(w.signup(Some("nope"), json!({"email": "c@x.io"})).await),
        "ResourceNotFound"
    );
    // Stores by id are stored as key references.
    let s2 = w
        .repo
        .find::<storekeep_core::stores::Store>(&w.p, Lookup::Key("s2"))
        .await
        .unwrap()
        .unwrap();
    let c = w
        .signup(
            None,
            json!({"email": "d@x.io", "stores": [{"typeId": "store", "id": s2.meta.id}]}),
        )
        .await
        .unwrap();
    assert_eq!(c.stores[0].key, "s2");
}

async fn in_store_update_may_move_the_customer(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer(Some("s1"), "m@x.io", &[]).await;
    // D4: removing the path store is allowed; afterwards s1 no longer sees it.
    let moved = w
        .update(
            Some("s1"),
            &c,
            json!([{"action": "setStores", "stores": [{"key": "s2"}]}]),
        )
        .await
        .unwrap();
    assert_eq!(moved.stores[0].key, "s2");
    assert_eq!(
        code(w.get(Some("s1"), &c.meta.id).await),
        "ResourceNotFound"
    );
    assert_eq!(
        code(w.login(Some("s1"), "m@x.io", "pw").await),
        "InvalidCredentials"
    );
    assert!(w.login(Some("s2"), "m@x.io", "pw").await.is_ok());
    // Removing the last store makes a global customer, visible everywhere again.
    let g = w
        .update(
            Some("s2"),
            &moved,
            json!([{"action": "removeStore", "store": {"key": "s2"}}]),
        )
        .await
        .unwrap();
    assert!(g.is_global());
    assert!(w.login(None, "m@x.io", "pw").await.is_ok());
    assert!(w.get(Some("s1"), &g.meta.id).await.is_ok());
}

async fn drafts_and_actions_reference_checks(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    for (field, value, type_id) in [
        ("customerGroup", json!({"key": "vip"}), "customer-group"),
        (
            "customerGroupAssignments",
            json!([{"customerGroup": {"id": "g"}}]),
            "customer-group",
        ),
        ("custom", json!({"type": {"key": "t"}}), "type"),
        ("anonymousCart", json!({"id": "c1"}), "cart"),
        ("anonymousCartId", json!("c1"), "cart"),
    ] {
        let mut d = json!({"email": "r@x.io"});
        d[field] = value;
        let e = w.signup(None, d).await.unwrap_err();
        assert_eq!(e.code(), "ReferencedResourceNotFound", "{field}");
        assert_eq!(e.to_error_object()["typeId"], type_id, "{field}");
    }
    // An anonymousId without carts is accepted.
    let c = w
        .signup(
            None,
            json!({"email": "r@x.io", "anonymousId": "anon-1", "locale": "de"}),
        )
        .await
        .unwrap();
    let r = w
        .signup(None, json!({"email": "l@x.io", "locale": "fr"}))
        .await;
    assert_eq!(code(r), "InvalidField");
    // Actions: unknown store, locale outside the project, no-op keeps the version (D9).
    let r = w
        .update(
            None,
            &c,
            json!([{"action": "addStore", "store": {"key": "nope"}}]),
        )
        .await;
    assert_eq!(code(r), "ReferencedResourceNotFound");
    let r = w
        .update(None, &c, json!([{"action": "setLocale", "locale": "fr"}]))
        .await;
    assert_eq!(code(r), "InvalidField");
    let same = w
        .update(
            None,
            &c,
            json!([{"action": "setLocale", "locale": "de"}, {"action": "setCustomerGroup"}]),
        )
        .await
        .unwrap();
    assert_eq!(same.meta.version, 1);
    assert_eq!(same.meta.last_modified_at, c.meta.last_modified_at);
    // All or nothing: a failing action discards the earlier ones.
    let r = w
        .update(
            None,
            &c,
            json!([
                {"action": "setFirstName", "firstName": "A"},
                {"action": "removeAddress", "addressKey": "nope"}
            ]),
        )
        .await;
    assert_eq!(code(r), "InvalidInput");
    assert_eq!(w.get(None, &c.meta.id).await.unwrap(), c);
    // A stale version is a conflict.
    let stale = storekeep_core::customers::Customer {
        meta: storekeep_core::resource::Meta {
            version: 9,
            ..c.meta.clone()
        },
        ..c.clone()
    };
    let r = w
        .update(
            None,
            &stale,
            json!([{"action": "setFirstName", "firstName": "A"}]),
        )
        .await;
    assert_eq!(code(r), "ConcurrentModification");
}
