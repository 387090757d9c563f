//! The project-wide Cart endpoints (carts-in-store.md §3): create, get, query, HEAD, update and
//! delete by id and key, the active cart of `customer-id=`, the Merge Cart endpoint in both
//! modes, sign-in with an anonymous cart, the orders scopes, and the error answers. The
//! in-store forms are in `carts_in_store.rs`, My Carts in `my_carts.rs`; the helpers here are
//! shared with both.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, code, customer, id, in_store, post_raw, project, store};
use crate::harness::{each, Harness};

/// A custom line item draft: `slug`, `cents` EUR each, `qty` of them.
pub fn line(slug: &str, cents: i64, qty: i64) -> Value {
    json!({"name": {"en": slug}, "slug": slug, "quantity": qty,
        "money": {"currencyCode": "EUR", "centAmount": cents}})
}

/// Create a cart at `base` (`project(h)` or `in_store(h, s)`) with the admin token.
pub async fn new_cart(h: &Harness, base: &str, body: Value) -> Value {
    let (status, c) = admin(h, Method::POST, &format!("{base}/carts"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c
}

/// `{"version": v, "actions": [action]}` for a cart.
pub fn update(cart: &Value, action: Value) -> Value {
    json!({"version": cart["version"], "actions": [action]})
}

/// The `centAmount` of a cart's `totalPrice`.
pub fn total(cart: &Value) -> i64 {
    cart["totalPrice"]["centAmount"].as_i64().unwrap()
}

/// The quantities of a cart's custom line items, by slug, sorted.
pub fn quantities(cart: &Value) -> Vec<(String, i64)> {
    let mut q: Vec<(String, i64)> = cart["customLineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let slug = l["slug"].as_str().unwrap().to_string();
            (slug, l["quantity"].as_i64().unwrap())
        })
        .collect();
    q.sort();
    q
}

#[tokio::test]
async fn create_get_query_update_delete() {
    each(|h| async move {
        let p = project(&h);
        let draft = json!({"currency": "EUR", "key": "k1", "country": "DE",
            "customLineItems": [line("fee", 150, 2), line("gift", 1000, 1)]});
        let c = new_cart(&h, &p, draft).await;
        assert_eq!(c["version"], 1);
        assert_eq!(c["cartState"], "Active");
        assert!(c.get("store").is_none(), "{c}");
        let money = json!({"type": "centPrecision", "currencyCode": "EUR",
            "centAmount": 1300, "fractionDigits": 2});
        assert_eq!(c["totalPrice"], money);
        let uri = format!("{p}/carts/{}", id(&c));
        for path in [uri.clone(), format!("{p}/carts/key=k1")] {
            let (status, got) = admin(&h, Method::GET, &path, None).await;
            assert_eq!((status, &got), (StatusCode::OK, &c), "{path}");
            let (status, body) = admin(&h, Method::HEAD, &path, None).await;
            assert_eq!((status, body), (StatusCode::OK, Value::Null), "{path}");
        }
        new_cart(&h, &p, json!({"currency": "USD"})).await;
        let (status, page) = admin(
            &h,
            Method::GET,
            &format!("{p}/carts?where=key%3D%22k1%22"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(
            (page["count"].clone(), page["results"][0]["id"].clone()),
            (json!(1), c["id"].clone())
        );
        let (status, page) =
            admin(&h, Method::GET, &format!("{p}/carts?withTotal=true"), None).await;
        assert_eq!((status, page["total"].clone()), (StatusCode::OK, json!(2)));
        for (q, want) in [
            ("key%3D%22k1%22", StatusCode::OK),
            ("key%3D%22k2%22", StatusCode::NOT_FOUND),
        ] {
            let (status, _) = admin(&h, Method::HEAD, &format!("{p}/carts?where={q}"), None).await;
            assert_eq!(status, want, "{q}");
        }
        let add = update(
            &c,
            json!({"action": "addCustomLineItem", "name": {"en": "x"},
            "slug": "x", "money": {"currencyCode": "EUR", "centAmount": 5}, "quantity": 3}),
        );
        let (status, c2) = admin(&h, Method::POST, &uri, Some(add)).await;
        assert_eq!(status, StatusCode::OK, "{c2}");
        assert_eq!((c2["version"].clone(), total(&c2)), (json!(2), 1315));
        let by_key = json!({"version": 2, "actions": [{"action": "setCountry", "country": "AT"}]});
        let (status, c3) =
            admin(&h, Method::POST, &format!("{p}/carts/key=k1"), Some(by_key)).await;
        assert_eq!(
            (status, c3["country"].clone()),
            (StatusCode::OK, json!("AT")),
            "{c3}"
        );
        let del = format!("{uri}?version=3&dataErasure=true");
        let (status, gone) = admin(&h, Method::DELETE, &del, None).await;
        assert_eq!(
            (status, gone["id"].clone()),
            (StatusCode::OK, c["id"].clone()),
            "{gone}"
        );
        let (status, body) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        let c4 = new_cart(&h, &p, json!({"currency": "EUR", "key": "k4"})).await;
        let (status, _) = admin(
            &h,
            Method::DELETE,
            &format!("{p}/carts/key=k4?version=1"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "delete by key of {}", c4["id"]);
    })
    .await;
}

#[tokio::test]
async fn error_answers() {
    each(|h| async move {
        let p = project(&h);
        let c = new_cart(&h, &p, json!({"currency": "EUR"})).await;
        let uri = format!("{p}/carts/{}", id(&c));
        let (status, body) =
            post_raw(&h, &format!("{p}/carts"), &h.admin_token, "{\"currency\":").await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
            "{body}"
        );
        let (status, body) = post_raw(&h, &uri, &h.admin_token, "not json").await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
            "{body}"
        );
        let unknown = update(&c, json!({"action": "fly"}));
        let (status, body) = admin(&h, Method::POST, &uri, Some(unknown)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
            "{body}"
        );
        let stale = json!({"version": 7, "actions": [{"action": "setCountry", "country": "DE"}]});
        let (status, body) = admin(&h, Method::POST, &uri, Some(stale)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(
            (code(&body), body["errors"][0]["currentVersion"].clone()),
            ("ConcurrentModification", json!(1))
        );
        let (status, body) = admin(&h, Method::DELETE, &format!("{uri}?version=9"), None).await;
        assert_eq!(
            (status, body["errors"][0]["currentVersion"].clone()),
            (StatusCode::CONFLICT, json!(1))
        );
        let line_item = update(
            &c,
            json!({"action": "addLineItem", "sku": "SKU-1", "quantity": 1}),
        );
        let (status, body) = admin(&h, Method::POST, &uri, Some(line_item)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidOperation"),
            "{body}"
        );
        let draft = json!({"currency": "EUR", "lineItems": [{"sku": "SKU-1"}]});
        let (status, body) = admin(&h, Method::POST, &format!("{p}/carts"), Some(draft)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidOperation"),
            "{body}"
        );
        let draft = json!({"currency": "EUR", "store": {"key": "nowhere"}});
        let (status, body) = admin(&h, Method::POST, &format!("{p}/carts"), Some(draft)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "ReferencedResourceNotFound")
        );
        let noop = json!({"version": 1, "actions": []});
        for (m, path, body) in [
            (Method::GET, format!("{p}/carts/no-such-id"), None),
            (Method::GET, format!("{p}/carts/key=no-such-key"), None),
            (
                Method::POST,
                format!("{p}/carts/no-such-id"),
                Some(noop.clone()),
            ),
            (
                Method::DELETE,
                format!("{p}/carts/no-such-id?version=1"),
                None,
            ),
            (
                Method::DELETE,
                format!("{p}/carts/customer-id={}?version=1", id(&c)),
                None,
            ),
            (
                Method::POST,
                format!("{p}/carts/customer-id=x"),
                Some(noop.clone()),
            ),
            (
                Method::POST,
                format!("{p}/carts/{}/merge", id(&c)),
                Some(json!({"anonymousId": "a"})),
            ),
        ] {
            let (status, out) = admin(&h, m.clone(), &path, body).await;
            assert_eq!(
                (status, code(&out)),
                (StatusCode::NOT_FOUND, "ResourceNotFound"),
                "{m} {path}: {out}"
            );
        }
        let (status, _) = admin(&h, Method::HEAD, &format!("{p}/carts/no-such-id"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for q in ["", "?version=x", "?version=1&dataErasure=maybe"] {
            let (status, body) = admin(&h, Method::DELETE, &format!("{uri}{q}"), None).await;
            assert_eq!(
                (status, code(&body)),
                (StatusCode::BAD_REQUEST, "InvalidInput"),
                "{q}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn orders_scopes() {
    each(|h| async move {
        store(&h, "s1").await;
        let p = project(&h);
        let pk = h.project.clone();
        let c = new_cart(&h, &p, json!({"currency": "EUR"})).await;
        let uri = format!("{p}/carts/{}", id(&c));
        let view = h.token(&format!("view_orders:{pk}")).await;
        let manage = h.token(&format!("manage_orders:{pk}")).await;
        let customers = h
            .token(&format!("manage_customers:{pk} manage_my_orders:{pk}"))
            .await;
        let store_scoped = h.token(&format!("manage_orders:{pk}:s1")).await;
        let draft = json!({"currency": "EUR"});
        for (token, m, path, body, want) in [
            (&view, Method::GET, uri.clone(), None, StatusCode::OK),
            (
                &view,
                Method::GET,
                format!("{p}/carts"),
                None,
                StatusCode::OK,
            ),
            (
                &view,
                Method::POST,
                format!("{p}/carts"),
                Some(draft.clone()),
                StatusCode::FORBIDDEN,
            ),
            (
                &view,
                Method::DELETE,
                format!("{uri}?version=1"),
                None,
                StatusCode::FORBIDDEN,
            ),
            (&manage, Method::GET, uri.clone(), None, StatusCode::OK),
            (
                &manage,
                Method::POST,
                format!("{p}/carts"),
                Some(draft.clone()),
                StatusCode::CREATED,
            ),
            (
                &customers,
                Method::GET,
                uri.clone(),
                None,
                StatusCode::FORBIDDEN,
            ),
            (
                &customers,
                Method::POST,
                format!("{p}/carts"),
                Some(draft.clone()),
                StatusCode::FORBIDDEN,
            ),
            (
                &store_scoped,
                Method::GET,
                uri.clone(),
                None,
                StatusCode::FORBIDDEN,
            ),
            (
                &store_scoped,
                Method::POST,
                format!("{p}/carts"),
                Some(draft.clone()),
                StatusCode::FORBIDDEN,
            ),
        ] {
            let (status, body) = h.call(m.clone(), &path, Some(token), body).await;
            assert_eq!(status, want, "{m} {path}: {body}");
            if want == StatusCode::FORBIDDEN {
                assert_eq!(body["error"], "insufficient_scope", "{body}");
            }
        }
        let (status, _) = h
            .call(
                Method::GET,
                &format!("{}/carts", in_store(&h, "s1")),
                Some(&store_scoped),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the store-scoped token on its store"
        );
    })
    .await;
}

#[tokio::test]
async fn active_cart_by_customer_id() {
    each(|h| async move {
        let p = project(&h);
        let cu = id(&customer(&h, &p, "active@x.de").await);
        let other = id(&customer(&h, &p, "other@x.de").await);
        let first = new_cart(&h, &p, json!({"currency": "EUR", "customerId": cu})).await;
        h.clock.advance_secs(1);
        let second = new_cart(&h, &p, json!({"currency": "EUR", "customerId": cu})).await;
        h.clock.advance_secs(1);
        new_cart(
            &h,
            &p,
            json!({"currency": "EUR", "customerId": cu, "origin": "Merchant"}),
        )
        .await;
        new_cart(&h, &p, json!({"currency": "EUR", "customerId": other})).await;
        let active = format!("{p}/carts/customer-id={cu}");
        let (status, got) = admin(&h, Method::GET, &active, None).await;
        assert_eq!(
            (status, got["id"].clone()),
            (StatusCode::OK, second["id"].clone()),
            "newest Customer-origin cart"
        );
        h.clock.advance_secs(1);
        let touch = update(&first, json!({"action": "setCountry", "country": "DE"}));
        let (status, _) = admin(
            &h,
            Method::POST,
            &format!("{p}/carts/{}", id(&first)),
            Some(touch),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, got) = admin(&h, Method::GET, &active, None).await;
        assert_eq!(got["id"], first["id"], "the most recently modified one");
        let (status, body) = admin(&h, Method::HEAD, &active, None).await;
        assert_eq!((status, body), (StatusCode::OK, Value::Null));
        let none = format!("{p}/carts/customer-id=no-such-customer");
        let (status, body) = admin(&h, Method::GET, &none, None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        let (status, _) = admin(&h, Method::HEAD, &none, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// A customer with an active cart (`a` × 1, `b` × 2) and an anonymous cart (`a` × 3, `c` × 1)
/// of session `anon-1`: `(customer id, customer cart, anonymous cart)`.
async fn merge_fixture(h: &Harness, base: &str) -> (String, Value, Value) {
    let cu = id(&customer(h, &project(h), &format!("m-{}@x.de", uuid::Uuid::new_v4())).await);
    let mine = new_cart(
        h,
        base,
        json!({"currency": "EUR", "customerId": cu,
        "customLineItems": [line("a", 100, 1), line("b", 10, 2)]}),
    )
    .await;
    h.clock.advance_secs(1);
    let anon = new_cart(
        h,
        base,
        json!({"currency": "EUR", "anonymousId": "anon-1",
        "customLineItems": [line("a", 100, 3), line("c", 1, 1)]}),
    )
    .await;
    (cu, mine, anon)
}

#[tokio::test]
async fn merge_into_the_customers_cart() {
    each(|h| async move {
        let p = project(&h);
        let (cu, mine, anon) = merge_fixture(&h, &p).await;
        let uri = format!("{p}/carts/customer-id={cu}/merge");
        let body = json!({"anonymousCart": {"typeId": "cart", "id": anon["id"]}, "anonymousId": "anon-1",
            "mergeMode": "MergeWithExistingCustomerCart", "updateProductData": false});
        let (status, merged) = admin(&h, Method::POST, &uri, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{merged}");
        assert_eq!(merged["id"], mine["id"]);
        let want: Vec<(String, i64)> = vec![("a".into(), 3), ("b".into(), 2), ("c".into(), 1)];
        assert_eq!(quantities(&merged), want, "same item: the larger quantity");
        assert_eq!(total(&merged), 300 + 20 + 1);
        let (_, a) = admin(&h, Method::GET, &format!("{p}/carts/{}", id(&anon)), None).await;
        assert_eq!(a["cartState"], "Merged", "{a}");
        let (_, active) = admin(&h, Method::GET, &format!("{p}/carts/customer-id={cu}"), None).await;
        assert_eq!(active["id"], mine["id"]);
    })
    .await;
}

#[tokio::test]
async fn merge_as_new_active_cart_and_by_anonymous_id() {
    each(|h| async move {
        let p = project(&h);
        let (cu, mine, anon) = merge_fixture(&h, &p).await;
        let uri = format!("{p}/carts/customer-id={cu}/merge");
        let body = json!({"anonymousCart": {"typeId": "cart", "id": anon["id"]},
            "mergeMode": "UseAsNewActiveCustomerCart"});
        let (status, adopted) = admin(&h, Method::POST, &uri, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{adopted}");
        assert_eq!(
            (adopted["id"].clone(), adopted["customerId"].clone()),
            (anon["id"].clone(), json!(cu))
        );
        assert_eq!(adopted["cartState"], "Active");
        assert_eq!(quantities(&adopted), quantities(&anon), "nothing merged");
        let (_, old) = admin(&h, Method::GET, &format!("{p}/carts/{}", id(&mine)), None).await;
        assert_eq!(
            (old["cartState"].clone(), old["version"].clone()),
            (json!("Active"), json!(1)),
            "kept as is"
        );

        let (cu2, _, _) = merge_fixture(&h, &p).await;
        let spare = new_cart(&h, &p, json!({"currency": "EUR", "anonymousId": "anon-9"})).await;
        let uri2 = format!("{p}/carts/customer-id={cu2}/merge");
        let (status, out) = admin(
            &h,
            Method::POST,
            &uri2,
            Some(json!({"anonymousId": "anon-9"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{out}");
        let (_, s) = admin(&h, Method::GET, &format!("{p}/carts/{}", id(&spare)), None).await;
        assert_eq!(
            s["customerId"],
            json!(cu2),
            "the session's carts go to the customer"
        );
    })
    .await;
}

#[tokio::test]
async fn merge_errors() {
    each(|h| async move {
        let p = project(&h);
        let (cu, _, anon) = merge_fixture(&h, &p).await;
        let uri = format!("{p}/carts/customer-id={cu}/merge");
        let anon_ref = json!({"typeId": "cart", "id": anon["id"]});
        for (body, status, want) in [
            (json!({}), StatusCode::BAD_REQUEST, "InvalidInput"),
            (
                json!({"anonymousCart": anon_ref, "anonymousId": "someone-else"}),
                StatusCode::BAD_REQUEST,
                "InvalidOperation",
            ),
            (
                json!({"anonymousCart": {"typeId": "cart", "id": "nope"}}),
                StatusCode::NOT_FOUND,
                "ResourceNotFound",
            ),
            (
                json!({"anonymousCart": anon_ref, "mergeMode": "Sideways"}),
                StatusCode::BAD_REQUEST,
                "InvalidJsonInput",
            ),
            (
                json!({"anonymousCart": anon_ref, "extra": 1}),
                StatusCode::BAD_REQUEST,
                "InvalidJsonInput",
            ),
        ] {
            let (s, out) = admin(&h, Method::POST, &uri, Some(body.clone())).await;
            assert_eq!((s, code(&out)), (status, want), "{body}: {out}");
        }
        let ghost = format!("{p}/carts/customer-id=no-such-customer/merge");
        let (s, out) = admin(
            &h,
            Method::POST,
            &ghost,
            Some(json!({"anonymousCart": anon_ref})),
        )
        .await;
        assert_eq!((s, code(&out)), (StatusCode::NOT_FOUND, "ResourceNotFound"));
        let (_, a) = admin(&h, Method::GET, &format!("{p}/carts/{}", id(&anon)), None).await;
        assert_eq!(
            (a["version"].clone(), a.get("customerId")),
            (json!(1), None),
            "untouched by failed merges"
        );
    })
    .await;
}

#[tokio::test]
async fn sign_in_with_an_anonymous_cart() {
    each(|h| async move {
        let p = project(&h);
        let c = customer(&h, &p, "shopper@x.de").await;
        let anon = new_cart(
            &h,
            &p,
            json!({"currency": "EUR", "customLineItems": [line("a", 250, 2)]}),
        )
        .await;
        let body = json!({"email": "shopper@x.de", "password": "secret-1",
            "anonymousCart": {"typeId": "cart", "id": anon["id"]}});
        let (status, r) = admin(&h, Method::POST, &format!("{p}/login"), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(
            (r["customer"]["id"].clone(), r["cart"]["id"].clone()),
            (c["id"].clone(), anon["id"].clone())
        );
        assert_eq!(
            (r["cart"]["customerId"].clone(), total(&r["cart"])),
            (c["id"].clone(), 500)
        );
        assert_eq!(r["cart"]["version"], 2, "assigning the cart is a write");
        let (status, again) = crate::fixtures::login(&h, &p, "shopper@x.de", "secret-1").await;
        assert_eq!(
            (status, again["cart"]["id"].clone()),
            (StatusCode::OK, anon["id"].clone()),
            "the active cart"
        );
    })
    .await;
}
