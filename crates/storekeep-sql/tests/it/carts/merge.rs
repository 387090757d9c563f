//! Anonymous carts at sign-in and sign-up: both modes, carts without a customer cart, other
//! currencies, `anonymousId` assignment, in-store rules, `/me/login`, and the errors.

use std::sync::Arc;

use serde_json::json;
use storekeep_core::carts::{CartState, Owner};
use storekeep_core::customers::MyCustomerSignin;
use storekeep_core::storage::Storage;

use super::{code, error, item, items, tick, world};
use crate::Kind;

cases!(
    merge_into_the_active_cart,
    no_customer_cart_adopts_the_anonymous_cart,
    use_as_new_active_customer_cart,
    other_currency_is_not_merged,
    anonymous_id_assigns_the_session_carts,
    in_store_sign_in,
    sign_up_with_anonymous_cart,
    me_login_takes_the_session_cart,
    sign_in_errors,
);

fn pairs(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    v.iter().map(|(s, q)| (s.to_string(), *q)).collect()
}

async fn merge_into_the_active_cart(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("m@x.io", &[]).await;
    let old = w
        .cart(
            None,
            json!({"customerId": c.meta.id, "customLineItems": [item("aa", 100, 1)]}),
        )
        .await;
    tick().await;
    let target = w
        .cart(None, json!({"customerId": c.meta.id, "customLineItems": [item("aa", 100, 3), item("bb", 50, 1)],
                            "itemShippingAddresses": [{"key": "home", "country": "DE"}]}))
        .await;
    tick().await;
    let anon = w
        .cart(None, json!({"anonymousId": "sess", "customLineItems": [item("aa", 100, 5), item("cc", 10, 2)],
                            "itemShippingAddresses": [{"key": "gift", "country": "FR"}]}))
        .await;
    // A plain sign-in answers with the active cart.
    let r = w.sign_in(None, json!({"email": "M@x.io"})).await.unwrap();
    assert_eq!(r.cart.unwrap().meta.id, target.meta.id);
    let r = w
        .sign_in(
            None,
            json!({"email": "m@x.io", "anonymousCart": {"typeId": "cart", "id": anon.meta.id}}),
        )
        .await
        .unwrap();
    let merged = r.cart.unwrap();
    assert_eq!(
        merged.meta.id, target.meta.id,
        "the most recently modified active cart"
    );
    assert_eq!(items(&merged), pairs(&[("aa", 5), ("bb", 1), ("cc", 2)]));
    assert_eq!(merged.total_price.cent_amount, 500 + 50 + 20);
    assert_eq!(merged.item_shipping_addresses.len(), 2);
    assert_eq!(merged.meta.version, 2);
    let anon = w.get(&anon.meta.id).await;
    assert_eq!(anon.cart_state, CartState::Merged);
    assert_eq!(anon.customer_id, None);
    assert_eq!(
        items(&anon),
        pairs(&[("aa", 5), ("cc", 2)]),
        "the merged cart keeps its items"
    );
    assert_eq!(w.get(&old.meta.id).await, old, "other carts untouched");
    assert_eq!(
        w.carts.active_cart(&w.p, None, &c.meta.id).await.unwrap(),
        merged
    );
    // A merged cart cannot be merged again.
    let r = w
        .sign_in(
            None,
            json!({"email": "m@x.io", "anonymousCartId": anon.meta.id}),
        )
        .await;
    assert_eq!(code(r), "InvalidOperation");
}

async fn no_customer_cart_adopts_the_anonymous_cart(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("new@x.io", &[]).await;
    let anon = w
        .cart(
            None,
            json!({"anonymousId": "s", "customLineItems": [item("aa", 100, 1)]}),
        )
        .await;
    // Carts of other customers and merchant carts do not count as the customer's.
    w.cart(None, json!({"customerId": c.meta.id, "origin": "Merchant"}))
        .await;
    let r = w
        .sign_in(
            None,
            json!({"email": "new@x.io", "anonymousCartId": anon.meta.id}),
        )
        .await
        .unwrap();
    let cart = r.cart.unwrap();
    assert_eq!(cart.meta.id, anon.meta.id);
    assert_eq!(cart.customer_id.as_deref(), Some(c.meta.id.as_str()));
    assert_eq!(cart.customer_email.as_deref(), Some("new@x.io"));
    assert_eq!(cart.cart_state, CartState::Active);
    assert_eq!(cart.meta.version, 2);
    assert_eq!(items(&cart), pairs(&[("aa", 1)]));
    // Signing in again with the same cart: it is the customer's already.
    let r = w
        .sign_in(
            None,
            json!({"email": "new@x.io", "anonymousCart": {"id": anon.meta.id}}),
        )
        .await
        .unwrap();
    assert_eq!(r.cart.unwrap().meta.version, 2);
}

async fn use_as_new_active_customer_cart(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("u@x.io", &[]).await;
    let old = w
        .cart(
            None,
            json!({"customerId": c.meta.id, "customLineItems": [item("aa", 1, 1)]}),
        )
        .await;
    tick().await;
    let anon = w
        .cart(None, json!({"customLineItems": [item("bb", 2, 1)]}))
        .await;
    let r = w
        .sign_in(
            None,
            json!({"email": "u@x.io", "anonymousCart": {"id": anon.meta.id},
                              "anonymousCartSignInMode": "UseAsNewActiveCustomerCart"}),
        )
        .await
        .unwrap();
    let cart = r.cart.unwrap();
    assert_eq!(cart.meta.id, anon.meta.id);
    assert_eq!(items(&cart), pairs(&[("bb", 1)]), "nothing merged");
    assert_eq!(
        w.get(&old.meta.id).await,
        old,
        "the previous cart is kept as is"
    );
    assert_eq!(
        w.carts
            .active_cart(&w.p, None, &c.meta.id)
            .await
            .unwrap()
            .meta
            .id,
        anon.meta.id
    );
}

async fn other_currency_is_not_merged(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("cur@x.io", &[]).await;
    let eur = w
        .cart(
            None,
            json!({"customerId": c.meta.id, "customLineItems": [item("aa", 1, 1)]}),
        )
        .await;
    tick().await;
    let usd = w
        .cart(
            None,
            json!({"currency": "USD", "customLineItems": [{"name": {"en": "x"}, "slug": "uu",
            "money": {"currencyCode": "USD", "centAmount": 7}}]}),
        )
        .await;
    let r = w
        .sign_in(
            None,
            json!({"email": "cur@x.io", "anonymousCart": {"id": usd.meta.id}}),
        )
        .await
        .unwrap();
    let cart = r.cart.unwrap();
    assert_eq!(
        cart.meta.id, usd.meta.id,
        "the anonymous cart becomes the active cart"
    );
    assert_eq!(cart.cart_state, CartState::Active);
    assert_eq!(cart.customer_id.as_deref(), Some(c.meta.id.as_str()));
    assert_eq!(w.get(&eur.meta.id).await, eur);
}

async fn anonymous_id_assigns_the_session_carts(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("aid@x.io", &[]).await;
    let store_one = w.customer("aid1@x.io", &["s1"]).await;
    let a1 = w.cart(None, json!({"anonymousId": "sess"})).await;
    let a2 = w.cart(Some("s2"), json!({"anonymousId": "sess"})).await;
    let other = w.cart(None, json!({"anonymousId": "other"})).await;
    tick().await;
    let r = w
        .sign_in(None, json!({"email": "aid@x.io", "anonymousId": "sess"}))
        .await
        .unwrap();
    for id in [&a1.meta.id, &a2.meta.id] {
        assert_eq!(
            w.get(id).await.customer_id.as_deref(),
            Some(c.meta.id.as_str())
        );
    }
    assert_eq!(w.get(&other.meta.id).await.customer_id, None);
    assert!(
        r.cart.is_some(),
        "the assigned carts are the customer's carts now"
    );
    // In a store: only that store's carts, and only where the customer may own them.
    let b1 = w.cart(Some("s1"), json!({"anonymousId": "s-2"})).await;
    let b2 = w.cart(Some("s2"), json!({"anonymousId": "s-2"})).await;
    let b3 = w.cart(None, json!({"anonymousId": "s-2"})).await;
    let r = w
        .sign_in(
            Some("s1"),
            json!({"email": "aid1@x.io", "anonymousId": "s-2"}),
        )
        .await
        .unwrap();
    assert_eq!(r.cart.unwrap().meta.id, b1.meta.id);
    assert_eq!(
        w.get(&b1.meta.id).await.customer_id.as_deref(),
        Some(store_one.meta.id.as_str())
    );
    assert_eq!(w.get(&b2.meta.id).await.customer_id, None);
    assert_eq!(w.get(&b3.meta.id).await.customer_id, None);
    // With an anonymous cart too: it must carry that anonymousId.
    let x = w.cart(None, json!({"anonymousId": "s-3"})).await;
    let r = w
        .sign_in(
            None,
            json!({"email": "aid@x.io", "anonymousCart": {"id": x.meta.id}, "anonymousId": "s-4"}),
        )
        .await;
    assert_eq!(code(r), "InvalidOperation");
    assert_eq!(w.get(&x.meta.id).await, x);
}

async fn in_store_sign_in(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("is@x.io", &["s1"]).await;
    let target = w.cart(Some("s1"), json!({"customerId": c.meta.id})).await;
    tick().await;
    let in_s2 = w
        .cart(Some("s2"), json!({"customLineItems": [item("aa", 1, 1)]}))
        .await;
    // As on the Merge Cart endpoint (issue 21, item 9): a cart the store does not see (of
    // another store, or of none) is 404, and nothing is taken.
    let no_store = w.cart(None, json!({})).await;
    for other in [&in_s2, &no_store] {
        let signin = json!({"email": "is@x.io", "anonymousCart": {"id": other.meta.id}});
        assert_eq!(
            code(w.sign_in(Some("s1"), signin).await),
            "ResourceNotFound"
        );
        assert_eq!(&w.get(&other.meta.id).await, other, "not taken");
    }
    // A cart of the store is merged into the customer's active cart of that store.
    let in_s1 = w
        .cart(Some("s1"), json!({"customLineItems": [item("bb", 1, 2)]}))
        .await;
    let r = w
        .sign_in(
            Some("s1"),
            json!({"email": "is@x.io", "anonymousCart": {"id": in_s1.meta.id}}),
        )
        .await
        .unwrap();
    let cart = r.cart.unwrap();
    assert_eq!(cart.meta.id, target.meta.id);
    assert_eq!(items(&cart), pairs(&[("bb", 2)]));
    // A global customer signing in through the project endpoint may take a cart of any store.
    w.customer("gl@x.io", &[]).await;
    let r = w
        .sign_in(
            None,
            json!({"email": "gl@x.io", "anonymousCart": {"id": in_s2.meta.id}}),
        )
        .await;
    assert_eq!(r.unwrap().cart.unwrap().store_key(), Some("s2"));
}

async fn sign_up_with_anonymous_cart(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let anon = w
        .cart(
            None,
            json!({"anonymousId": "su", "customLineItems": [item("aa", 5, 1)]}),
        )
        .await;
    let extra = w.cart(None, json!({"anonymousId": "su"})).await;
    let r = w
        .sign_up(
            None,
            json!({"email": "su@x.io", "anonymousCart": {"id": anon.meta.id}, "anonymousId": "su"}),
        )
        .await
        .unwrap();
    let cart = r.cart.unwrap();
    assert_eq!(cart.meta.id, anon.meta.id);
    assert_eq!(cart.meta.version, 2, "the cart's version increases");
    assert_eq!(
        cart.customer_id.as_deref(),
        Some(r.customer.meta.id.as_str())
    );
    assert_eq!(items(&cart), pairs(&[("aa", 1)]));
    assert_eq!(
        w.get(&extra.meta.id).await.customer_id.as_deref(),
        Some(r.customer.meta.id.as_str())
    );
    // Without any anonymous cart: no cart.
    let r = w
        .sign_up(None, json!({"email": "plain@x.io"}))
        .await
        .unwrap();
    assert!(r.cart.is_none());
    // Checked before the customer is stored: a failing cart leaves no customer behind.
    let theirs = w
        .cart(None, json!({"customerId": r.customer.meta.id}))
        .await;
    let e = error(
        w.sign_up(
            None,
            json!({"email": "late@x.io", "anonymousCartId": theirs.meta.id}),
        )
        .await,
    );
    assert_eq!(e.code(), "InvalidOperation");
    assert!(w.sign_up(None, json!({"email": "late@x.io"})).await.is_ok());
    // In a store: the cart must be of that store (or of none); the new customer of s1 cannot
    // take a cart of s2.
    let s2 = w.cart(Some("s2"), json!({})).await;
    let r = w
        .sign_up(
            Some("s1"),
            json!({"email": "in@x.io", "anonymousCart": {"id": s2.meta.id}}),
        )
        .await;
    assert_eq!(code(r), "ReferencedResourceNotFound");
    let r = w
        .sign_up(None, json!({"email": "in@x.io", "stores": [{"key": "s1"}], "anonymousCart": {"id": s2.meta.id}}))
        .await;
    assert_eq!(code(r), "InvalidOperation");
    let s1 = w.cart(Some("s1"), json!({})).await;
    let r = w
        .sign_up(
            Some("s1"),
            json!({"email": "in@x.io", "anonymousCart": {"id": s1.meta.id}}),
        )
        .await
        .unwrap();
    assert_eq!(r.cart.unwrap().meta.id, s1.meta.id);
}

async fn me_login_takes_the_session_cart(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer("me@x.io", &[]).await;
    let target = w
        .cart(
            None,
            json!({"customerId": c.meta.id, "customLineItems": [item("aa", 10, 1)]}),
        )
        .await;
    tick().await;
    let session = Owner::Anonymous("tok-1".into());
    let mine = w
        .try_cart(
            None,
            Some(&session),
            json!({"customLineItems": [item("bb", 10, 1)]}),
        )
        .await
        .unwrap();
    let body: MyCustomerSignin =
        serde_json::from_value(json!({"email": "me@x.io", "password": "pw"})).unwrap();
    let r = w
        .customers
        .sign_in_me(&w.p, None, body, Some("tok-1"))
        .await
        .unwrap();
    let cart = r.cart.unwrap();
    assert_eq!(cart.meta.id, target.meta.id);
    assert_eq!(items(&cart), pairs(&[("aa", 1), ("bb", 1)]));
    assert_eq!(w.get(&mine.meta.id).await.cart_state, CartState::Merged);
    // UseAsNewActiveCustomerCart through activeCartSignInMode; no session: plain sign-in.
    let fresh = w.try_cart(None, Some(&session), json!({})).await.unwrap();
    let body = serde_json::from_value(json!({"email": "me@x.io", "password": "pw",
        "activeCartSignInMode": "UseAsNewActiveCustomerCart"}))
    .unwrap();
    let r = w
        .customers
        .sign_in_me(&w.p, None, body, Some("tok-1"))
        .await
        .unwrap();
    assert_eq!(r.cart.unwrap().meta.id, fresh.meta.id);
    let body = serde_json::from_value(json!({"email": "me@x.io", "password": "pw"})).unwrap();
    let r = w
        .customers
        .sign_in_me(&w.p, None, body, None)
        .await
        .unwrap();
    assert_eq!(r.cart.unwrap().meta.id, fresh.meta.id);
    let body = serde_json::from_value(json!({"email": "me@x.io", "password": "wrong"})).unwrap();
    assert_eq!(
        code(
            w.customers
                .sign_in_me(&w.p, None, body, Some("tok-1"))
                .await
        ),
        "InvalidCredentials"
    );
}

async fn sign_in_errors(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let a = w.customer("a@x.io", &[]).await;
    w.customer("b@x.io", &[]).await;
    let theirs = w.cart(None, json!({"customerId": a.meta.id})).await;
    let anon = w.cart(None, json!({"anonymousId": "z"})).await;
    for (body, want) in [
        (
            json!({"email": "b@x.io", "anonymousCart": {"id": theirs.meta.id}}),
            "InvalidOperation",
        ),
        (
            json!({"email": "b@x.io", "anonymousCart": {"id": "missing"}}),
            "ReferencedResourceNotFound",
        ),
        (
            json!({"email": "b@x.io", "anonymousCart": {"key": "missing"}}),
            "ReferencedResourceNotFound",
        ),
        (
            json!({"email": "b@x.io", "anonymousCart": {"id": "x", "key": "y"}}),
            "InvalidJsonInput",
        ),
        (
            json!({"email": "b@x.io", "anonymousCart": {"id": anon.meta.id}, "anonymousCartId": "other"}),
            "InvalidOperation",
        ),
        (
            json!({"email": "b@x.io", "password": "nope", "anonymousCart": {"id": anon.meta.id}}),
            "InvalidCredentials",
        ),
    ] {
        assert_eq!(code(w.sign_in(None, body.clone()).await), want, "{body}");
    }
    assert_eq!(w.get(&anon.meta.id).await, anon, "nothing changed");
    assert_eq!(w.get(&theirs.meta.id).await, theirs);
}
