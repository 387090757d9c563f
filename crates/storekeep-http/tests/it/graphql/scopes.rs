//! The scope rules of REST, applied per field and mutation (auth.md §3–4, D5, D10): store-scoped
//! tokens only inside their store, view scopes never mutate, stores need store scopes.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{code, Gq, A, B};

/// Assert a field-level refusal: 200, `insufficient_scope`, no data for the field.
fn refused(body: &Value, what: &str) {
    assert_eq!(code(body), "insufficient_scope", "{what}: {body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("scope"),
        "{body}"
    );
    assert!(
        !body.to_string().contains("@gq.test"),
        "{what} leaked a customer: {body}"
    );
}

#[tokio::test]
async fn store_scoped_tokens_work_only_in_their_store() {
    Gq::each(|g| async move {
        let p = &g.p;
        let t = g.h.token(&format!("manage_customers:{p}:{A}")).await;
        let t = Some(t.as_str());
        let (status, body) = g.post(t, "in_store_customers", json!({ "store": A })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["inStore"]["customers"]["total"], 2, "{body}");

        for (doc, vars) in [
            ("in_store_customers", json!({ "store": B })),
            ("in_store_customers", json!({ "store": "no-such-store" })),
            ("in_store_customer", json!({"store": B, "id": g.b1.id})),
            (
                "in_stores_customers",
                json!({"stores": [A, B], "id": g.a1.id}),
            ),
            ("customers", json!({})),
            ("customer", json!({ "id": g.a1.id })),
            ("stores", json!({})),
        ] {
            let (status, body) = g.post(t, doc, vars).await;
            assert_eq!(status, StatusCode::OK, "{doc}: {body}");
            refused(&body, doc);
        }

        let draft = json!({"email": "scoped@gq.test", "password": "pw"});
        let (_, body) = g
            .post(
                t,
                "customer_sign_up",
                json!({"draft": draft, "storeKey": A}),
            )
            .await;
        assert_eq!(
            body["data"]["customerSignUp"]["customer"]["storesRef"],
            json!([{"key": A}]),
            "{body}"
        );
        for store in [Value::Null, json!(B)] {
            let vars =
                json!({"draft": {"email": "other@gq.test", "password": "pw"}, "storeKey": store});
            let (_, body) = g.post(t, "customer_sign_up", vars).await;
            assert_eq!(code(&body), "insufficient_scope", "{store}: {body}");
        }
        let actions = json!([{"setFirstName": {"firstName": "Z"}}]);
        let (_, body) = g
            .post(
                t,
                "update_customer",
                json!({"version": 1, "actions": actions, "id": g.b1.id, "storeKey": B}),
            )
            .await;
        refused(&body, "update in B");
        let (_, body) = g
            .post(
                t,
                "update_customer",
                json!({"version": 1, "actions": actions, "id": g.b1.id, "storeKey": A}),
            )
            .await;
        assert_eq!(
            code(&body),
            "ResourceNotFound",
            "b1 is invisible in A: {body}"
        );
    })
    .await;
}

#[tokio::test]
async fn view_scopes_do_not_mutate() {
    Gq::each(|g| async move {
        let p = &g.p;
        let t =
            g.h.token(&format!("view_customers:{p} view_stores:{p}"))
                .await;
        let t = Some(t.as_str());
        let page = g.post(t, "customers", json!({})).await.1;
        assert_eq!(page["data"]["customers"]["total"], 3, "{page}");
        let cases = [
            (
                "customer_sign_up",
                json!({"draft": {"email": "v@gq.test", "password": "pw"}}),
            ),
            (
                "customer_sign_in",
                json!({"email": g.g1.email, "password": super::PW}),
            ),
            ("delete_customer", json!({"version": 1, "id": g.g1.id})),
            (
                "customer_create_password_reset_token",
                json!({"email": g.g1.email}),
            ),
            ("create_store", json!({"draft": {"key": "gq-v"}})),
            ("delete_store", json!({"version": 1, "key": A})),
        ];
        for (doc, vars) in cases {
            let (status, body) = g.post(t, doc, vars).await;
            assert_eq!(status, StatusCode::OK, "{doc}: {body}");
            assert_eq!(code(&body), "insufficient_scope", "{doc}: {body}");
        }
    })
    .await;
}
