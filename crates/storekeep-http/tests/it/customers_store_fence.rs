//! The store fence of customer writes (issue 21, F3): through a token limited to some stores —
//! `manage_customers:{p}:{s}`, or a shopper's token on an in-store endpoint — a customer's
//! `stores` only gains stores the token holds; anything else is 403 `insufficient_scope`
//! before any uniqueness check, so another store's emails never show as `DuplicateField`.
//! Removing stores stays allowed (D4) as long as the customer does not become global. The
//! leak matrix runs the same writes for every token kind; this file follows them through.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::sessions::{access, assert_api, Shop, A, B, PW};

/// A store admin's token: `manage_customers` of the given stores.
async fn store_admin(s: &Shop, stores: &[&str]) -> String {
    let scope: Vec<String> = stores
        .iter()
        .map(|k| format!("manage_customers:{}:{k}", s.p))
        .collect();
    s.h.token(&scope.join(" ")).await
}

fn customers(s: &Shop, store: &str) -> String {
    format!("/{}/in-store/key={store}/customers", s.p)
}

fn update(version: i64, actions: Value) -> Value {
    json!({"version": version, "actions": actions})
}

/// The number of customers with this email, as the project admin sees them.
async fn count(s: &Shop, email: &str) -> i64 {
    let w = format!("email%3D%22{email}%22");
    let (status, page) = s
        .get(&format!("/{}/customers?where={w}", s.p), &s.h.admin_token)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["total"].as_i64().unwrap()
}

#[tokio::test]
async fn a_store_admin_cannot_sign_customers_up_into_other_stores() {
    Shop::each(|s| async move {
        let a = store_admin(&s, &[A]).await;
        let both = json!([{"key": A}, {"key": B}]);
        // The probe of F3: a new account in A and B, then removeStore A, would leave a store-B
        // account with a password the store-A operator chose.
        for (email, stores) in [
            ("fresh@shop.test", both.clone()),
            (s.b1.email.as_str(), both.clone()),
            (s.a1.email.as_str(), both.clone()),
            ("fresh@shop.test", json!([{"key": B}])),
            (
                "fresh@shop.test",
                json!([{"key": "no-such-store"}, {"key": A}]),
            ),
        ] {
            let d = json!({"email": email, "password": PW, "stores": stores});
            let (status, body) = s.post(&customers(&s, A), &a, d).await;
            assert_api(status, &body, StatusCode::FORBIDDEN, "insufficient_scope");
            assert!(!body.to_string().contains(email), "{body}");
        }
        let d = json!({"email": "fresh@shop.test", "password": PW, "stores": []});
        let (status, body) = s.post(&customers(&s, A), &a, d).await;
        assert_api(status, &body, StatusCode::BAD_REQUEST, "InvalidOperation");
        assert_eq!(count(&s, "fresh@shop.test").await, 0, "nothing was created");
        // Its own store: the usual answers, DuplicateField included.
        let d = json!({"email": s.a1.email, "password": PW});
        let (status, body) = s.post(&customers(&s, A), &a, d).await;
        assert_api(status, &body, StatusCode::BAD_REQUEST, "DuplicateField");
        let d = json!({"email": s.b1.email, "password": PW, "stores": [{"key": A}]});
        let (status, body) = s.post(&customers(&s, A), &a, d).await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "D2: the same email in another store: {body}"
        );
        // A token holding both stores may.
        let ab = store_admin(&s, &[A, B]).await;
        let d = json!({"email": "both@shop.test", "password": PW, "stores": both});
        let (status, body) = s.post(&customers(&s, A), &ab, d).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    })
    .await;
}

#[tokio::test]
async fn a_store_admin_updates_stores_only_within_its_own() {
    Shop::each(|s| async move {
        let a = store_admin(&s, &[A]).await;
        let (_, sb) = s.get(&format!("/{}/stores/key={B}", s.p), &s.h.admin_token).await;
        let g1 = format!("{}/{}", customers(&s, A), s.g1.id);
        for actions in [
            json!([{"action": "setStores", "stores": [{"key": B}]}]),
            json!([{"action": "setStores", "stores": [{"typeId": "store", "id": sb["id"]}]}]),
            json!([{"action": "addStore", "store": {"key": B}}]),
            json!([{"action": "addStore", "store": {"id": "2b0f4a3e-0000-4000-8000-000000000000"}}]),
            json!([{"action": "addStore", "store": {"key": A}}, {"action": "addStore", "store": {"key": B}}]),
        ] {
            let (status, body) = s.post(&g1, &a, update(1, actions.clone())).await;
            assert_api(status, &body, StatusCode::FORBIDDEN, "insufficient_scope");
            assert!(!body.to_string().contains(&s.g1.email), "{actions}: {body}");
        }
        // Gaining its own store is fine: the global customer becomes a store-A customer.
        let own = json!([{"action": "addStore", "store": {"key": A}}]);
        let (status, body) = s.post(&g1, &a, update(1, own)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["stores"], json!([{"typeId": "store", "key": A}]));
        // Making it global again would put it into every store.
        for actions in [
            json!([{"action": "removeStore", "store": {"key": A}}]),
            json!([{"action": "setStores", "stores": []}]),
        ] {
            let (status, body) = s.post(&g1, &a, update(2, actions)).await;
            assert_api(status, &body, StatusCode::FORBIDDEN, "insufficient_scope");
        }
        // D4: removing its own store from a customer of A and B.
        let d = json!({"email": "ab@shop.test", "password": PW, "stores": [{"key": A}, {"key": B}]});
        let (status, ab) = s.post(&format!("/{}/customers", s.p), &s.h.admin_token, d).await;
        assert_eq!(status, StatusCode::CREATED, "{ab}");
        let uri = format!("{}/{}", customers(&s, A), ab["customer"]["id"].as_str().unwrap());
        let keep_b = json!([{"action": "setStores", "stores": [{"key": B}]}]);
        let (status, body) = s.post(&uri, &a, update(1, keep_b)).await;
        assert_eq!(status, StatusCode::OK, "D4: {body}");
        assert_eq!(body["stores"], json!([{"typeId": "store", "key": B}]));
        let (status, _) = s.get(&uri, &a).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no longer visible in A");
        // The project admin is not fenced.
        let admin_uri = format!("/{}/customers/{}", s.p, s.g1.id);
        let (status, body) = s
            .post(&admin_uri, &s.h.admin_token, update(2, json!([{"action": "setStores", "stores": []}])))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}

#[tokio::test]
async fn shoppers_in_a_store_sign_up_into_that_store_only() {
    Shop::each(|s| async move {
        let anonymous = access(&s.anonymous().await);
        let customer_a = s.token(Some(A), &s.a1).await;
        let both = json!([{"key": A}, {"key": B}]);
        for (t, email) in [
            (&anonymous, "anon@shop.test"),
            (&customer_a, "cust@shop.test"),
        ] {
            for stores in [both.clone(), json!([{"key": B}])] {
                let d = json!({"email": email, "password": PW, "stores": stores});
                let (status, body) = s.post(&s.me(Some(A), "/signup"), t, d).await;
                assert_api(status, &body, StatusCode::FORBIDDEN, "insufficient_scope");
            }
            // An existing email of store B is not revealed either.
            let d = json!({"email": s.b1.email, "password": PW, "stores": both});
            let (status, body) = s.post(&s.me(Some(A), "/signup"), t, d).await;
            assert_api(status, &body, StatusCode::FORBIDDEN, "insufficient_scope");
        }
        let d = json!({"email": "anon@shop.test", "password": PW, "stores": [{"key": A}]});
        let (status, body) = s.post(&s.me(Some(A), "/signup"), &anonymous, d).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // Project-wide, a storefront token with project-wide scopes is not limited: the API's
        // MyCustomerDraft takes any stores there.
        let anonymous = access(&s.anonymous().await);
        let d = json!({"email": "both@shop.test", "password": PW, "stores": both});
        let (status, body) = s.post(&s.me(None, "/signup"), &anonymous, d).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    })
    .await;
}

/// Run a GraphQL document with `token`: its first error code must be `insufficient_scope`.
async fn refused_in_graphql(s: &Shop, token: &str, doc: Value) {
    let (status, body) = s.post(&format!("/{}/graphql", s.p), token, doc).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "insufficient_scope",
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");
}

#[tokio::test]
async fn graphql_writes_are_fenced_alike() {
    Shop::each(|s| async move {
        let a = store_admin(&s, &[A]).await;
        let sign_up = json!({
            "query": "mutation($e:String!){customerSignUp(storeKey:\"store-a\",draft:{email:$e,password:\"x\",stores:[{key:\"store-a\"},{key:\"store-b\"}]}){customer{id}}}",
            "variables": {"e": s.b1.email},
        });
        refused_in_graphql(&s, &a, sign_up).await;
        let add = json!({
            "query": "mutation($t:String){updateCustomer(id:$t,version:1,storeKey:\"store-a\",actions:[{addStore:{store:{key:\"store-b\"}}}]){id}}",
            "variables": {"t": s.a1.id},
        });
        refused_in_graphql(&s, &a, add).await;
        let anonymous = access(&s.anonymous().await);
        let me = json!({
            "query": "mutation{customerSignMeUp(storeKey:\"store-a\",draft:{email:\"gq@shop.test\",password:\"x\",stores:[{key:\"store-b\"}]}){customer{id}}}",
        });
        refused_in_graphql(&s, &anonymous, me).await;
    })
    .await;
}
