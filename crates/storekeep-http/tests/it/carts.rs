//! The project-wide Cart endpoints (carts-in-store.md §3): create, get, query, HEAD, update and
//! delete by id and key, the active cart of `customer-id=`, the orders scopes, and the error
//! answers. The in-store forms are in `carts_in_store.rs`, the Merge Cart endpoint and
//! sign-in with an anonymous cart in `carts_merge.rs`, My Carts in `my_carts.rs`; the helpers
//! here are shared with them.

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

/// Let the wall clock move on before the next write: resource timestamps (`lastModifiedAt`,
/// which orders active carts) come from the system clock with millisecond precision, not from
/// the harness's manual clock.
pub async fn later() {
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
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
            "slug": "xx", "money": {"currencyCode": "EUR", "centAmount": 5}, "quantity": 3}),
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
        later().await;
        let second = new_cart(&h, &p, json!({"currency": "EUR", "customerId": cu})).await;
        later().await;
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
        later().await;
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

/// A cart draft with both `customerId` and `anonymousId` breaks the documented rule of
/// `setAnonymousId` (a customer's cart has no anonymous session): 400 `InvalidOperation`,
/// and no cart is created (issue 22 item 4).
#[tokio::test]
async fn customer_and_anonymous_id_together_are_refused() {
    each(|h| async move {
        let p = project(&h);
        let c = customer(&h, &p, "both@x.de").await;
        let draft = json!({"currency": "EUR", "customerId": id(&c), "anonymousId": "anon-1"});
        let (status, body) = admin(&h, Method::POST, &format!("{p}/carts"), Some(draft)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidOperation"),
            "{body}"
        );
        let (status, page) = admin(&h, Method::GET, &format!("{p}/carts"), None).await;
        assert_eq!(
            (status, page["total"].clone()),
            (StatusCode::OK, json!(0)),
            "{page}"
        );
        // Either alone is fine.
        new_cart(&h, &p, json!({"currency": "EUR", "customerId": id(&c)})).await;
        new_cart(&h, &p, json!({"currency": "EUR", "anonymousId": "anon-1"})).await;
    })
    .await;
}
