//! Customer queries: `customer(…)`, `customers(…)`, and `inStore`/`inStores` with their
//! `customer` and `customers`, through the REST predicate pipeline.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{code, Gq, A, B};

fn emails(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn customer_by_id_key_and_tokens() {
    Gq::each(|g| async move {
        let draft = json!({"email": "keyed@gq.test", "password": "pw-1", "key": "keyed"});
        let made = g.admin("customer_sign_up", json!({ "draft": draft })).await;
        let id = made["customerSignUp"]["customer"]["id"]
            .as_str()
            .unwrap()
            .to_string();

        let by_id = g.admin("customer", json!({ "id": id })).await;
        assert_eq!(by_id["customer"]["email"], "keyed@gq.test");
        assert_eq!(by_id["customer"]["authenticationMode"], "Password");
        assert_eq!(
            by_id["customer"]["createdBy"]["clientId"],
            g.h.admin_id.as_str()
        );
        let by_key = g.admin("customer", json!({ "key": "keyed" })).await;
        assert_eq!(by_key["customer"]["id"], id.as_str());
        let missing = g.admin("customer", json!({ "id": "no-such-id" })).await;
        assert_eq!(
            missing["customer"],
            Value::Null,
            "not found is null, not an error"
        );

        let t = g
            .admin(
                "customer_create_password_reset_token",
                json!({"email": "KEYED@gq.test"}),
            )
            .await;
        let value = t["customerCreatePasswordResetToken"]["value"].clone();
        let by_token = g.admin("customer", json!({ "passwordToken": value })).await;
        assert_eq!(by_token["customer"]["id"], id.as_str());
        let e = g
            .admin(
                "customer_create_email_verification_token",
                json!({"id": id, "ttl": 30}),
            )
            .await;
        let value = e["customerCreateEmailVerificationToken"]["value"].clone();
        let by_token = g.admin("customer", json!({ "emailToken": value })).await;
        assert_eq!(by_token["customer"]["id"], id.as_str());

        let admin = Some(g.h.admin_token.as_str());
        for vars in [json!({}), json!({"id": id, "key": "keyed"})] {
            let (status, body) = g.post(admin, "customer", vars).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(code(&body), "InvalidInput");
            assert_eq!(body["errors"][0]["path"][0], "customer");
        }
    })
    .await;
}

#[tokio::test]
async fn customers_use_the_rest_predicates_sort_and_paging() {
    Gq::each(|g| async move {
        let all = g.admin("customers", json!({"sort": ["email asc"]})).await;
        assert_eq!(
            emails(&all["customers"]),
            ["a1@gq.test", "b1@gq.test", "g1@gq.test"]
        );
        assert_eq!(all["customers"]["total"], 3);
        assert_eq!(all["customers"]["exists"], true);

        let vars = json!({"where": "stores(key = \"gq-b\") or stores is empty", "sort": ["email desc"], "limit": 1, "offset": 1});
        let page = g.admin("customers", vars).await;
        assert_eq!(emails(&page["customers"]), ["b1@gq.test"]);
        assert_eq!(page["customers"]["offset"], 1);
        assert_eq!(page["customers"]["count"], 1);
        assert_eq!(page["customers"]["total"], 2);

        let none = g.admin("customers", json!({"where": "email = \"nobody@gq.test\""})).await;
        assert_eq!(none["customers"]["exists"], false);
        assert_eq!(none["customers"]["total"], 0);

        let admin = Some(g.h.admin_token.as_str());
        for vars in [
            json!({"where": "shoeSize = 42"}),
            json!({"where": "email = "}),
            json!({"sort": ["email sideways"]}),
            json!({"limit": 501}),
            json!({"offset": -1}),
        ] {
            let (status, body) = g.post(admin, "customers", vars.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{vars}: {body}");
            assert_eq!(code(&body), "InvalidInput", "{vars}: {body}");
            assert_eq!(body["data"], Value::Null);
        }
    })
    .await;
}

#[tokio::test]
async fn in_store_sees_the_store_and_global_customers() {
    Gq::each(|g| async move {
        let page = g.admin("in_store_customers", json!({ "store": A })).await;
        assert_eq!(
            emails(&page["inStore"]["customers"]),
            ["a1@gq.test", "g1@gq.test"]
        );
        let filtered = g
            .admin(
                "in_store_customers",
                json!({"store": A, "where": "stores is not empty"}),
            )
            .await;
        assert_eq!(emails(&filtered["inStore"]["customers"]), ["a1@gq.test"]);

        for (id, seen) in [(&g.a1.id, true), (&g.g1.id, true), (&g.b1.id, false)] {
            let r = g
                .admin("in_store_customer", json!({"store": A, "id": id}))
                .await;
            assert_eq!(!r["inStore"]["customer"].is_null(), seen, "{id}: {r}");
        }

        let both = g
            .admin(
                "in_stores_customers",
                json!({"stores": [A, B], "id": g.b1.id}),
            )
            .await;
        assert_eq!(
            emails(&both["inStores"]["customers"]),
            ["a1@gq.test", "b1@gq.test", "g1@gq.test"]
        );
        assert_eq!(both["inStores"]["customer"]["email"], "b1@gq.test");

        let (status, body) = g
            .post(
                Some(&g.h.admin_token),
                "in_store_customers",
                json!({"store": "no-such-store"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            code(&body),
            "ResourceNotFound",
            "unknown store (D5): {body}"
        );
        assert_eq!(body["errors"][0]["path"], json!(["inStore", "customers"]));
    })
    .await;
}

#[tokio::test]
async fn customer_stores_need_view_stores() {
    Gq::each(|g| async move {
        let data = g
            .admin("customer_with_stores", json!({ "id": g.a1.id }))
            .await;
        assert_eq!(data["customer"]["stores"], json!([{"key": A, "name": A}]));

        let token = g.h.token(&format!("view_customers:{}", g.p)).await;
        let (status, body) = g
            .post(
                Some(&token),
                "customer_with_stores",
                json!({ "id": g.a1.id }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(code(&body), "insufficient_scope");
        assert_eq!(body["errors"][0]["path"], json!(["customer", "stores"]));
    })
    .await;
}
