//! The My Carts endpoints (`/{p}/me/carts…`, `/{p}/me/active-cart` and their in-store forms):
//! a customer's token sees and changes only that customer's carts, an anonymous token only its
//! session's; in-store forms bind new carts to the store and see only its carts; the
//! `MyCartDraft`/`MyCartUpdateAction` subsets; API clients' tokens are refused; an anonymous
//! session's cart follows the shopper through `/me/login`. The route-table walk of these
//! routes is in `sessions/me_authz.rs`, the cross-customer matrix in `leak_matrix`.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::carts::later;
use crate::fixtures::code;
use crate::sessions::{access, Shop, A, B, PW};

/// `POST {uri}` of a My cart with `token`; must answer 201.
async fn my_cart(s: &Shop, store: Option<&str>, token: &str, body: Value) -> Value {
    let (status, c) = s.post(&s.me(store, "/carts"), token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c
}

/// The ids of a paged answer.
fn ids(page: &Value) -> Vec<String> {
    let mut v: Vec<String> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn id(c: &Value) -> String {
    c["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_customer_sees_only_its_own_carts() {
    Shop::each(|s| async move {
        let g1 = s.token(None, &s.g1).await;
        let g2 = s.token(None, &s.g2).await;
        let mine = my_cart(&s, None, &g1, json!({"currency": "EUR", "country": "DE"})).await;
        assert_eq!(
            (mine["customerId"].as_str(), mine.get("anonymousId")),
            (Some(s.g1.id.as_str()), None)
        );
        let theirs = my_cart(&s, None, &g2, json!({"currency": "EUR"})).await;
        let (status, page) = s.get(&s.me(None, "/carts"), &g1).await;
        assert_eq!((status, ids(&page)), (StatusCode::OK, vec![id(&mine)]));
        let (status, got) = s
            .get(&s.me(None, &format!("/carts/{}", id(&mine))), &g1)
            .await;
        assert_eq!(
            (status, got["id"].clone()),
            (StatusCode::OK, mine["id"].clone())
        );
        let other = s.me(None, &format!("/carts/{}", id(&theirs)));
        let (status, body) = s.get(&other, &g1).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        let noop = json!({"version": 1, "actions": []});
        let (status, _) = s.post(&other, &g1, noop).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "no update of another customer's cart"
        );
        let (status, _) =
            s.h.call(
                Method::DELETE,
                &format!("{other}?version=1"),
                Some(&g1),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "no delete of another customer's cart"
        );
        let q = s.me(None, &format!("/carts?where=id%3D%22{}%22", id(&theirs)));
        let (status, _) = s.h.call(Method::HEAD, &q, Some(&g1), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, page) = s.get(&q, &g1).await;
        assert_eq!((status, page["count"].clone()), (StatusCode::OK, json!(0)));
        let (status, active) = s.get(&s.me(None, "/active-cart"), &g2).await;
        assert_eq!(
            (status, active["id"].clone()),
            (StatusCode::OK, theirs["id"].clone())
        );
        let (status, body) =
            s.h.call(Method::HEAD, &s.me(None, "/active-cart"), Some(&g2), None)
                .await;
        assert_eq!((status, body), (StatusCode::OK, Value::Null));
    })
    .await;
}

#[tokio::test]
async fn my_cart_updates_and_deletes() {
    Shop::each(|s| async move {
        let t = s.token(None, &s.g1).await;
        let c = my_cart(&s, None, &t, json!({"currency": "EUR"})).await;
        let uri = s.me(None, &format!("/carts/{}", id(&c)));
        let set = json!({"version": 1, "actions": [{"action": "setCountry", "country": "AT"},
            {"action": "setCustomerEmail", "email": "g1@shop.test"}]});
        let (status, c2) = s.post(&uri, &t, set).await;
        assert_eq!(status, StatusCode::OK, "{c2}");
        assert_eq!(
            (c2["version"].clone(), c2["country"].clone()),
            (json!(2), json!("AT"))
        );
        for action in [
            json!({"action": "addCustomLineItem", "name": {"en": "x"}, "slug": "xx",
                "money": {"currencyCode": "EUR", "centAmount": 1}}),
            json!({"action": "setCustomerId", "customerId": s.g2.id}),
            json!({"action": "fly"}),
        ] {
            let body = json!({"version": 2, "actions": [action]});
            let (status, out) = s.post(&uri, &t, body).await;
            assert_eq!(
                (status, code(&out)),
                (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
                "{out}"
            );
        }
        let stale = json!({"version": 1, "actions": [{"action": "setCountry", "country": "DE"}]});
        let (status, out) = s.post(&uri, &t, stale).await;
        assert_eq!(
            (status, out["errors"][0]["currentVersion"].clone()),
            (StatusCode::CONFLICT, json!(2))
        );
        let (status, out) = s
            .post(
                &s.me(None, "/carts"),
                &t,
                json!({"currency": "EUR", "lineItems": [{"sku": "x"}]}),
            )
            .await;
        assert_eq!(
            (status, code(&out)),
            (StatusCode::BAD_REQUEST, "InvalidOperation"),
            "addLineItem"
        );
        let (status, gone) =
            s.h.call(Method::DELETE, &format!("{uri}?version=2"), Some(&t), None)
                .await;
        assert_eq!(
            (status, gone["id"].clone()),
            (StatusCode::OK, c["id"].clone())
        );
        let (status, body) = s.get(&s.me(None, "/active-cart"), &t).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        // Fields MyCartDraft does not have are undeclared there: ignored, so a shopper
        // cannot name another owner or add custom line items.
        let draft = json!({"currency": "EUR", "customerId": s.g2.id, "key": "mine",
            "customLineItems": [{"name": {"en": "A"}, "slug": "aa",
                "money": {"currencyCode": "EUR", "centAmount": 1}}]});
        let (status, out) = s.post(&s.me(None, "/carts"), &t, draft).await;
        assert_eq!(status, StatusCode::CREATED, "{out}");
        assert_ne!(out["customerId"], json!(s.g2.id), "{out}");
        assert!(out.get("key").is_none(), "{out}");
        assert_eq!(out["customLineItems"], json!([]), "{out}");
    })
    .await;
}

#[tokio::test]
async fn an_anonymous_session_sees_only_its_own_carts() {
    Shop::each(|s| async move {
        let anon = access(&s.anonymous().await);
        let other = access(&s.anonymous().await);
        let c = my_cart(&s, None, &anon, json!({"currency": "EUR"})).await;
        assert!(
            c["anonymousId"].is_string() && c.get("customerId").is_none(),
            "{c}"
        );
        let uri = s.me(None, &format!("/carts/{}", id(&c)));
        let (status, _) = s.get(&uri, &anon).await;
        assert_eq!(status, StatusCode::OK);
        let (status, active) = s.get(&s.me(None, "/active-cart"), &anon).await;
        assert_eq!(
            (status, active["id"].clone()),
            (StatusCode::OK, c["id"].clone())
        );
        for path in [uri.clone(), s.me(None, "/active-cart")] {
            let (status, _) = s.get(&path, &other).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "another session: {path}");
        }
        let (_, page) = s.get(&s.me(None, "/carts"), &other).await;
        assert_eq!(page["count"], 0);
        let g1 = s.token(None, &s.g1).await;
        let (status, _) = s.get(&uri, &g1).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "a customer does not see a session's cart"
        );

        // Signing in with the session hands the cart to the customer: the session loses it.
        let login = json!({"email": s.g1.email, "password": PW});
        let (status, r) = s.post(&s.me(None, "/login"), &anon, login).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(
            (r["cart"]["id"].clone(), r["cart"]["customerId"].as_str()),
            (c["id"].clone(), Some(s.g1.id.as_str()))
        );
        let (status, _) = s.get(&uri, &anon).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no longer the session's");
        let (status, _) = s.get(&uri, &g1).await;
        assert_eq!(status, StatusCode::OK, "now the customer's");
    })
    .await;
}

#[tokio::test]
async fn in_store_my_carts() {
    Shop::each(|s| async move {
        let a1 = s.token(Some(A), &s.a1).await;
        let g1 = s.token(None, &s.g1).await;
        let in_a = my_cart(&s, Some(A), &a1, json!({"currency": "EUR"})).await;
        assert_eq!(
            (in_a["store"]["key"].as_str(), in_a["customerId"].as_str()),
            (Some(A), Some(s.a1.id.as_str()))
        );
        let (status, _) = s
            .post(&s.me(Some(B), "/carts"), &a1, json!({"currency": "EUR"}))
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a store-A session is fenced to store A"
        );
        let (status, _) = s.get(&s.me(None, "/carts"), &a1).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "and to the in-store routes");
        let other = json!({"currency": "EUR", "store": {"key": B}});
        let (status, out) = s.post(&s.me(Some(A), "/carts"), &a1, other).await;
        assert_eq!(
            (status, code(&out)),
            (StatusCode::BAD_REQUEST, "InvalidOperation")
        );

        let g_a = my_cart(&s, Some(A), &g1, json!({"currency": "EUR"})).await;
        later().await;
        let g_b = my_cart(&s, Some(B), &g1, json!({"currency": "EUR"})).await;
        later().await;
        let g_none = my_cart(&s, None, &g1, json!({"currency": "EUR"})).await;
        let (_, all) = s.get(&s.me(None, "/carts"), &g1).await;
        assert_eq!(
            ids(&all),
            sorted(vec![id(&g_a), id(&g_b), id(&g_none)]),
            "project-wide: all of them"
        );
        let (_, only_a) = s.get(&s.me(Some(A), "/carts"), &g1).await;
        assert_eq!(ids(&only_a), vec![id(&g_a)]);
        for (store, want) in [(Some(A), &g_a), (Some(B), &g_b), (None, &g_none)] {
            let (status, got) = s.get(&s.me(store, "/active-cart"), &g1).await;
            assert_eq!(
                (status, got["id"].clone()),
                (StatusCode::OK, want["id"].clone()),
                "{store:?}"
            );
        }
        let (status, _) = s
            .get(&s.me(Some(A), &format!("/carts/{}", id(&g_b))), &g1)
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "a cart of store B in store A"
        );
        let (status, _) = s
            .get(&s.me(Some(A), &format!("/carts/{}", id(&in_a))), &g1)
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another customer's cart in the same store"
        );
        let (status, out) = s
            .post(
                &s.me(Some(A), "/carts"),
                &a1,
                json!({"currency": "EUR", "country": "FR"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "store A has no countries: {out}"
        );
    })
    .await;
}

#[tokio::test]
async fn api_client_tokens_are_refused() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let client =
            s.h.token(&format!("manage_my_orders:{p} manage_orders:{p}"))
                .await;
        for (m, path) in [
            (Method::GET, s.me(None, "/carts")),
            (Method::POST, s.me(None, "/carts")),
            (Method::GET, s.me(Some(A), "/active-cart")),
            (Method::DELETE, s.me(None, "/carts/x?version=1")),
        ] {
            let body = (m == Method::POST).then(|| json!({"currency": "EUR"}));
            for token in [&client, &s.h.admin_token] {
                let (status, out) = s.h.call(m.clone(), &path, Some(token), body.clone()).await;
                assert_eq!(
                    (status, out["error"].clone()),
                    (StatusCode::FORBIDDEN, json!("insufficient_scope")),
                    "{m} {path}"
                );
            }
        }
        let no_orders = s.h.token(&format!("manage_my_profile:{p}")).await;
        let (status, _) = s.get(&s.me(None, "/carts"), &no_orders).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "client without manage_my_orders"
        );
    })
    .await;
}

/// Issue 21 item 9, `/me/login` and `customerSignMeIn` in a store: the session's carts of no
/// store or of another store are not visible there, so such a sign-in takes none of them.
#[tokio::test]
async fn in_store_me_login_takes_only_carts_of_that_store() {
    Shop::each(|s| async move {
        for graphql in [false, true] {
            let anon = access(&s.anonymous().await);
            let none = my_cart(&s, None, &anon, json!({"currency": "EUR"})).await;
            later().await;
            let in_b = my_cart(&s, Some(B), &anon, json!({"currency": "EUR"})).await;
            let r = if graphql {
                let q = json!({
                    "query": "mutation($e:String!,$p:String!){customerSignMeIn(storeKey:\"store-a\",draft:{email:$e,password:$p}){customer{id} cart{id}}}",
                    "variables": {"e": s.g1.email, "p": PW},
                });
                let (status, r) = s.post(&format!("/{}/graphql", s.p), &anon, q).await;
                assert_eq!(status, StatusCode::OK, "{r}");
                r["data"]["customerSignMeIn"].clone()
            } else {
                let login = json!({"email": s.g1.email, "password": PW});
                let (status, r) = s.post(&s.me(Some(A), "/login"), &anon, login).await;
                assert_eq!(status, StatusCode::OK, "{r}");
                r
            };
            assert_eq!(r["customer"]["id"], s.g1.id.as_str(), "{r}");
            assert!(r["cart"].is_null(), "no cart of store A: {r}");
            for c in [&none, &in_b] {
                let uri = s.me(None, &format!("/carts/{}", id(c)));
                let (status, mine) = s.get(&uri, &anon).await;
                assert_eq!(status, StatusCode::OK, "still the session's: {mine}");
                assert!(mine["customerId"].is_null(), "{mine}");
            }
        }
    })
    .await;
}
