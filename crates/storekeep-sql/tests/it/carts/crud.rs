//! Creating, reading, querying, updating and deleting carts: in-store visibility and
//! creation, store countries, keys, versions, and the `/me` owners.

use std::sync::Arc;

use serde_json::json;
use storekeep_core::carts::{CartState, CartUpdate, Owner};
use storekeep_core::query::QueryParams;
use storekeep_core::storage::{Lookup, Storage};

use super::{code, error, item, world, World};
use crate::Kind;

cases!(
    create_and_read,
    in_store_create_rules,
    in_store_visibility,
    in_store_query_and_exists,
    store_countries,
    keys_versions_and_no_ops,
    owners_of_me_endpoints,
);

/// The ids of the carts a query returns (sorted).
async fn ids(
    w: &World,
    store: Option<&str>,
    owner: Option<&Owner>,
    pred: Option<&str>,
) -> Vec<String> {
    let mut pairs = vec![("limit", "500".to_string())];
    if let Some(p) = pred {
        pairs.push(("where", p.to_string()));
    }
    let page = w
        .carts
        .query(&w.p, store, owner, &QueryParams::from_pairs(pairs))
        .await
        .expect("query carts");
    let mut out: Vec<String> = page
        .results
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(r.get()).expect("result JSON");
            v["id"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    out.sort();
    out
}

async fn create_and_read(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w
        .cart(
            None,
            json!({"key": "c-1", "customLineItems": [item("fee", 150, 2), item("tip", 99, 1)]}),
        )
        .await;
    assert_eq!(c.total_price.cent_amount, 399);
    assert_eq!(c.meta.version, 1);
    assert_eq!(w.get(&c.meta.id).await, c);
    let by_key = w
        .carts
        .get(&w.p, None, None, Lookup::Key("c-1"))
        .await
        .unwrap();
    assert_eq!(by_key.meta.id, c.meta.id);
    assert_eq!(
        code(w.carts.get(&w.p, None, None, Lookup::Id("nope")).await),
        "ResourceNotFound"
    );
    // The stored body is the wire JSON: queries return it verbatim.
    assert_eq!(
        ids(&w, None, None, Some("totalPrice(centAmount = 399)")).await,
        [c.meta.id.as_str()]
    );
    assert_eq!(
        ids(&w, None, None, Some(r#"customLineItems(slug = "tip")"#))
            .await
            .len(),
        1
    );
    // Updates recompute totals; a no-op keeps the version (D9).
    let c2 = w
        .update(
            None,
            &c,
            json!([{"action": "addCustomLineItem", "name": {"en": "x"}, "slug": "xx",
            "money": {"currencyCode": "EUR", "centAmount": 1}, "quantity": 1}]),
        )
        .await
        .unwrap();
    assert_eq!((c2.meta.version, c2.total_price.cent_amount), (2, 400));
    let same = w
        .update(None, &c2, json!([{"action": "recalculate"}]))
        .await
        .unwrap();
    assert_eq!(same.meta.version, 2);
    // A draft without a lifetime gets the project's default (90 days unless changed).
    assert_eq!(c.delete_days_after_last_modification, Some(90));
    // Line items are refused clearly.
    let r = w
        .try_cart(None, None, json!({"lineItems": [{"sku": "x"}]}))
        .await;
    assert_eq!(code(r), "InvalidOperation");
    let r = w
        .update(None, &c2, json!([{"action": "addLineItem", "sku": "x"}]))
        .await;
    assert_eq!(code(r), "InvalidOperation");
    // Delete at the current version.
    let r = w
        .carts
        .delete(&w.p, None, None, Lookup::Id(&c.meta.id), 1, false)
        .await;
    assert_eq!(code(r), "ConcurrentModification");
    w.carts
        .delete(&w.p, None, None, Lookup::Key("c-1"), 2, true)
        .await
        .unwrap();
    assert_eq!(
        code(w.carts.get(&w.p, None, None, Lookup::Key("c-1")).await),
        "ResourceNotFound"
    );
}

async fn in_store_create_rules(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    // In-store: the store is the path store.
    let c = w.try_cart(Some("s1"), None, json!({})).await.unwrap();
    assert_eq!(c.store_key(), Some("s1"));
    let c = w
        .try_cart(Some("s1"), None, json!({"store": {"key": "s1"}}))
        .await
        .unwrap();
    assert_eq!(c.store_key(), Some("s1"));
    let e = error(
        w.try_cart(Some("s1"), None, json!({"store": {"key": "s2"}}))
            .await,
    );
    assert_eq!(e.code(), "InvalidOperation");
    // Globally, a named store must exist; by id too.
    let e = error(
        w.try_cart(None, None, json!({"store": {"key": "nowhere"}}))
            .await,
    );
    assert_eq!(e.code(), "ReferencedResourceNotFound");
    assert_eq!(e.to_error_object()["typeId"], "store");
    let s2 = w.cart(None, json!({"store": {"key": "s2"}})).await;
    assert_eq!(s2.store_key(), Some("s2"));
    // An unknown path store is 404.
    assert_eq!(
        code(w.try_cart(Some("s9"), None, json!({})).await),
        "ResourceNotFound"
    );
    // The store cannot be changed afterwards: there is no action for it.
    let u = serde_json::from_value::<CartUpdate>(
        json!({"version": 1, "actions": [{"action": "setStore", "store": {"key": "s1"}}]}),
    );
    assert!(u.is_err());
}

async fn in_store_visibility(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let a = w.cart(Some("s1"), json!({"key": "in-s1"})).await;
    let b = w.cart(Some("s2"), json!({"key": "in-s2"})).await;
    let g = w.cart(None, json!({"key": "no-store"})).await;
    let s1 = Some("s1");
    assert!(w
        .carts
        .get(&w.p, s1, None, Lookup::Id(&a.meta.id))
        .await
        .is_ok());
    for (id, key) in [(&b.meta.id, "in-s2"), (&g.meta.id, "no-store")] {
        assert_eq!(
            code(w.carts.get(&w.p, s1, None, Lookup::Id(id)).await),
            "ResourceNotFound"
        );
        assert_eq!(
            code(w.carts.get(&w.p, s1, None, Lookup::Key(key)).await),
            "ResourceNotFound"
        );
    }
    let set_key = json!([{"action": "setKey", "key": "moved"}]);
    assert_eq!(
        code(w.update(s1, &b, set_key.clone()).await),
        "ResourceNotFound"
    );
    assert_eq!(
        code(w.update(s1, &g, set_key.clone()).await),
        "ResourceNotFound"
    );
    let a2 = w.update(s1, &a, set_key).await.unwrap();
    assert_eq!(a2.key.as_deref(), Some("moved"));
    let r = w
        .carts
        .delete(&w.p, s1, None, Lookup::Id(&b.meta.id), 1, false)
        .await;
    assert_eq!(code(r), "ResourceNotFound");
    assert_eq!(w.get(&b.meta.id).await.meta.version, 1, "not deleted");
    w.carts
        .delete(&w.p, s1, None, Lookup::Key("moved"), 2, false)
        .await
        .unwrap();
    // In-store active cart: only that store's carts.
    let cust = w.customer("vis@x.io", &[]).await;
    w.cart(Some("s2"), json!({"customerId": cust.meta.id}))
        .await;
    assert_eq!(
        code(w.carts.active_cart(&w.p, s1, &cust.meta.id).await),
        "ResourceNotFound"
    );
    assert!(w
        .carts
        .active_cart(&w.p, Some("s2"), &cust.meta.id)
        .await
        .is_ok());
    assert!(w.carts.active_cart(&w.p, None, &cust.meta.id).await.is_ok());
}

async fn in_store_query_and_exists(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let a = w.cart(Some("s1"), json!({"country": "DE"})).await;
    let b = w.cart(Some("s2"), json!({"country": "DE"})).await;
    let g = w.cart(None, json!({"country": "FR"})).await;
    assert_eq!(ids(&w, Some("s1"), None, None).await, [a.meta.id.as_str()]);
    assert_eq!(ids(&w, Some("s2"), None, None).await, [b.meta.id.as_str()]);
    assert_eq!(ids(&w, None, None, None).await.len(), 3);
    // The user's predicate is combined with the store's filter.
    assert_eq!(
        ids(&w, Some("s1"), None, Some(r#"country = "FR""#))
            .await
            .len(),
        0
    );
    assert_eq!(
        ids(&w, None, None, Some(r#"country = "FR""#)).await,
        [g.meta.id.as_str()]
    );
    assert_eq!(
        ids(&w, None, None, Some(r#"store(key = "s2")"#)).await,
        [b.meta.id.as_str()]
    );
    assert_eq!(
        ids(&w, None, None, Some("store is not defined")).await,
        [g.meta.id.as_str()]
    );
    let has = |store: Option<&'static str>, pred: &'static str| {
        let carts = w.carts.clone();
        let p = w.p.clone();
        async move {
            let q = QueryParams::from_pairs([("where", pred)]);
            carts.exists(&p, store, None, &q).await.unwrap()
        }
    };
    assert!(has(Some("s1"), r#"country = "DE""#).await);
    assert!(!has(Some("s1"), r#"country = "FR""#).await);
    assert!(has(None, r#"country = "FR""#).await);
    let bad = QueryParams::from_pairs([("where", "colour = \"red\"")]);
    assert_eq!(
        code(w.carts.query(&w.p, None, None, &bad).await),
        "InvalidInput"
    );
}

async fn store_countries(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    // s1 has the countries DE and AT.
    let e = error(w.try_cart(Some("s1"), None, json!({"country": "FR"})).await);
    assert_eq!(e.code(), "CountryNotConfiguredInStore");
    assert_eq!(e.to_error_object()["storeCountries"], json!(["DE", "AT"]));
    assert_eq!(e.to_error_object()["country"], "FR");
    let e = error(
        w.try_cart(None, None, json!({"store": {"key": "s1"}, "country": "FR"}))
            .await,
    );
    assert_eq!(e.code(), "CountryNotConfiguredInStore");
    let c = w.cart(Some("s1"), json!({"country": "AT"})).await;
    let r = w
        .update(
            Some("s1"),
            &c,
            json!([{"action": "setCountry", "country": "FR"}]),
        )
        .await;
    assert_eq!(code(r), "CountryNotConfiguredInStore");
    let c = w
        .update(
            Some("s1"),
            &c,
            json!([{"action": "setCountry", "country": "DE"}]),
        )
        .await
        .unwrap();
    assert_eq!(c.country.as_deref(), Some("DE"));
    // s2 has no countries; carts without store take any.
    w.cart(Some("s2"), json!({"country": "FR"})).await;
    w.cart(None, json!({"country": "FR"})).await;
    // Locales must be project languages.
    assert_eq!(
        code(w.try_cart(None, None, json!({"locale": "fr"})).await),
        "InvalidField"
    );
    let c = w.cart(None, json!({"locale": "de"})).await;
    let r = w
        .update(None, &c, json!([{"action": "setLocale", "locale": "fr"}]))
        .await;
    assert_eq!(code(r), "InvalidField");
}

async fn keys_versions_and_no_ops(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let a = w.cart(None, json!({"key": "same"})).await;
    let e = error(w.try_cart(None, None, json!({"key": "same"})).await);
    assert_eq!(e, storekeep_core::ApiError::duplicate("key", "same"));
    let b = w.cart(None, json!({})).await;
    let e = error(
        w.update(None, &b, json!([{"action": "setKey", "key": "same"}]))
            .await,
    );
    assert_eq!(e, storekeep_core::ApiError::duplicate("key", "same"));
    assert_eq!(
        w.get(&b.meta.id).await.meta.version,
        1,
        "a failed update writes nothing"
    );
    // A stale version is a conflict with the current version.
    let a2 = w
        .update(
            None,
            &a,
            json!([{"action": "setCustomerEmail", "email": "x@y.z"}]),
        )
        .await
        .unwrap();
    let e = error(
        w.update(None, &a, json!([{"action": "setKey", "key": "other"}]))
            .await,
    );
    assert_eq!(e.code(), "ConcurrentModification");
    assert_eq!(e.to_error_object()["currentVersion"], 2);
    // A request whose second action fails changes nothing.
    let r = w
        .update(
            None,
            &a2,
            json!([{"action": "setKey", "key": "first"}, {"action": "setKey", "key": "!"}]),
        )
        .await;
    assert_eq!(code(r), "InvalidInput");
    assert_eq!(w.get(&a.meta.id).await.key.as_deref(), Some("same"));
    // Merged carts accept no update.
    let mut merged = w.get(&a.meta.id).await;
    merged.cart_state = CartState::Merged;
    let merged = w.repo.save(&w.p, &a2, merged, &w.by, None).await.unwrap();
    let r = w
        .update(None, &merged, json!([{"action": "setKey", "key": "late"}]))
        .await;
    assert_eq!(code(r), "InvalidOperation");
}

async fn owners_of_me_endpoints(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let jane = w.customer("jane@x.io", &[]).await;
    let me = Owner::Customer(jane.meta.id.clone());
    let anon = Owner::Anonymous("session-1".into());
    // The owner is set from the token, whatever the draft says.
    let mine = w.try_cart(None, Some(&me), json!({})).await.unwrap();
    assert_eq!(mine.customer_id.as_deref(), Some(jane.meta.id.as_str()));
    let session = w
        .try_cart(Some("s2"), Some(&anon), json!({}))
        .await
        .unwrap();
    assert_eq!(session.anonymous_id.as_deref(), Some("session-1"));
    assert_eq!(session.customer_id, None);
    let other = w.cart(None, json!({"anonymousId": "session-2"})).await;
    for (owner, visible, hidden) in [(&me, &mine, &session), (&anon, &session, &other)] {
        assert!(w
            .carts
            .get(&w.p, None, Some(owner), Lookup::Id(&visible.meta.id))
            .await
            .is_ok());
        let r = w
            .carts
            .get(&w.p, None, Some(owner), Lookup::Id(&hidden.meta.id))
            .await;
        assert_eq!(code(r), "ResourceNotFound");
    }
    assert_eq!(
        ids(&w, None, Some(&me), None).await,
        [mine.meta.id.as_str()]
    );
    assert_eq!(
        ids(&w, None, Some(&anon), None).await,
        [session.meta.id.as_str()]
    );
    assert_eq!(ids(&w, Some("s1"), Some(&anon), None).await.len(), 0);
    assert_eq!(
        w.carts
            .my_active_cart(&w.p, None, &me)
            .await
            .unwrap()
            .meta
            .id,
        mine.meta.id
    );
    assert_eq!(
        w.carts
            .my_active_cart(&w.p, Some("s2"), &anon)
            .await
            .unwrap()
            .meta
            .id,
        session.meta.id
    );
    assert_eq!(
        code(w.carts.my_active_cart(&w.p, Some("s1"), &me).await),
        "ResourceNotFound"
    );
    let u: CartUpdate = serde_json::from_value(
        json!({"version": 1, "actions": [{"action": "setKey", "key": "stolen"}]}),
    )
    .unwrap();
    let r = w
        .carts
        .update(
            &w.p,
            None,
            Some(&anon),
            &w.by,
            Lookup::Id(&other.meta.id),
            u,
        )
        .await;
    assert_eq!(code(r), "ResourceNotFound");
    let r = w
        .carts
        .delete(
            &w.p,
            None,
            Some(&me),
            Lookup::Id(&session.meta.id),
            1,
            false,
        )
        .await;
    assert_eq!(code(r), "ResourceNotFound");
    // An unknown token customer cannot own a cart.
    let ghost = Owner::Customer("no-such-customer".into());
    assert_eq!(
        code(w.try_cart(None, Some(&ghost), json!({})).await),
        "ReferencedResourceNotFound"
    );
}
