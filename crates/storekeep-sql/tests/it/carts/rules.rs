//! The store rule (a cart in store `s` only for global customers or customers of `s`) and the
//! choice of a customer's active cart.

use std::sync::Arc;

use serde_json::json;
use storekeep_core::carts::CartState;
use storekeep_core::storage::Storage;

use super::{code, error, tick, world};
use crate::Kind;

cases!(store_rule_for_customers, active_cart_selection);

async fn store_rule_for_customers(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let global = w.customer("global@x.io", &[]).await;
    let one = w.customer("one@x.io", &["s1"]).await;
    let both = w.customer("both@x.io", &["s1", "s2"]).await;
    // Create: a store-specific customer only in its stores; global customers anywhere.
    for (store, customer, ok) in [
        (Some("s1"), &one, true),
        (Some("s2"), &one, false),
        (Some("s2"), &both, true),
        (Some("s2"), &global, true),
        (None, &one, true),
    ] {
        let r = w
            .try_cart(store, None, json!({"customerId": customer.meta.id}))
            .await;
        match ok {
            true => assert!(r.is_ok(), "{store:?} {}: {r:?}", customer.email),
            false => {
                // Since 2025-07-09: InvalidInput for an unknown customer of a store's cart, and
                // the very same answer for a customer of another store (issue 21, F8).
                let e = error(r);
                assert_eq!(e.code(), "InvalidInput");
                let unknown = error(
                    w.try_cart(store, None, json!({"customerId": "nobody"}))
                        .await,
                );
                assert_eq!(
                    e.to_error_object()
                        .to_string()
                        .replace(&customer.meta.id, "nobody"),
                    unknown.to_error_object().to_string()
                );
            }
        }
    }
    let r = w
        .try_cart(None, None, json!({"customerId": "nobody"}))
        .await;
    let e = error(r);
    assert_eq!(e.code(), "ReferencedResourceNotFound");
    assert_eq!(e.to_error_object()["typeId"], "customer");
    // setCustomerId: a customer of another store is answered as an unknown one.
    let c = w.cart(Some("s2"), json!({})).await;
    let set = |id: &str| json!([{"action": "setCustomerId", "customerId": id}]);
    let other = error(w.update(None, &c, set(&one.meta.id)).await);
    let unknown = error(w.update(None, &c, set("nobody")).await);
    assert_eq!(unknown.code(), "ReferencedResourceNotFound");
    assert_eq!(
        other
            .to_error_object()
            .to_string()
            .replace(&one.meta.id, "nobody"),
        unknown.to_error_object().to_string()
    );
    let c = w.update(Some("s2"), &c, set(&both.meta.id)).await.unwrap();
    assert_eq!(c.customer_id.as_deref(), Some(both.meta.id.as_str()));
    let c = w.update(None, &c, set(&global.meta.id)).await.unwrap();
    assert_eq!(c.customer_id.as_deref(), Some(global.meta.id.as_str()));
    let r = w
        .update(
            None,
            &c,
            json!([{"action": "setAnonymousId", "anonymousId": "a"}]),
        )
        .await;
    assert_eq!(code(r), "InvalidOperation");
}

async fn active_cart_selection(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("active@x.io", &[]).await;
    let id = c.meta.id.clone();
    assert_eq!(
        code(w.carts.active_cart(&w.p, None, &id).await),
        "ResourceNotFound"
    );
    let older = w.cart(None, json!({"customerId": id})).await;
    tick().await;
    let newer = w.cart(Some("s1"), json!({"customerId": id})).await;
    tick().await;
    // Merchant carts and other customers' carts do not count.
    w.cart(None, json!({"customerId": id, "origin": "Merchant"}))
        .await;
    w.cart(None, json!({"anonymousId": "x"})).await;
    tick().await;
    assert_eq!(
        w.carts.active_cart(&w.p, None, &id).await.unwrap().meta.id,
        newer.meta.id
    );
    // Modifying the older one makes it the active cart.
    let older = w
        .update(
            None,
            &older,
            json!([{"action": "setCountry", "country": "DE"}]),
        )
        .await
        .unwrap();
    assert_eq!(
        w.carts.active_cart(&w.p, None, &id).await.unwrap().meta.id,
        older.meta.id
    );
    // In a store: only that store's carts.
    let in_s1 = w.carts.active_cart(&w.p, Some("s1"), &id).await.unwrap();
    assert_eq!(in_s1.meta.id, newer.meta.id);
    // Carts that are not Active do not count.
    let mut ordered = older.clone();
    ordered.cart_state = CartState::Ordered;
    w.repo
        .save(&w.p, &older, ordered, &w.by, None)
        .await
        .unwrap();
    tick().await;
    assert_eq!(
        w.carts.active_cart(&w.p, None, &id).await.unwrap().meta.id,
        newer.meta.id
    );
}
