//! Store queries and mutations.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{code, Gq, A, B};

#[tokio::test]
async fn store_and_stores() {
    Gq::each(|g| async move {
        let s = g
            .admin(
                "store",
                json!({"key": A, "acceptLanguage": ["fr", "de-AT"]}),
            )
            .await;
        let s = &s["store"];
        assert_eq!(s["key"], A);
        assert_eq!(s["version"], 1);
        assert_eq!(s["name"], A);
        assert_eq!(
            s["preferred"],
            format!("{A}-de"),
            "acceptLanguage falls back by language"
        );
        assert_eq!(
            s["nameAllLocales"],
            json!([{"locale": "de", "value": format!("{A}-de")}, {"locale": "en", "value": A}])
        );
        assert_eq!(
            (s["languages"].clone(), s["countries"].clone()),
            (json!([]), json!([]))
        );
        let id = s["id"].as_str().unwrap().to_string();
        let by_id = g.admin("store", json!({ "id": id })).await;
        assert_eq!(by_id["store"]["key"], A);
        let missing = g.admin("store", json!({"key": "no-such-store"})).await;
        assert_eq!(missing["store"], Value::Null);

        let page = g
            .admin("stores", json!({"sort": ["key desc"], "limit": 1}))
            .await;
        assert_eq!(page["stores"]["results"], json!([{"key": B}]));
        assert_eq!(page["stores"]["total"], 2);
        let page = g
            .admin("stores", json!({"where": "name(en = \"gq-a\")"}))
            .await;
        assert_eq!(page["stores"]["results"], json!([{"key": A}]));

        let admin = Some(g.h.admin_token.as_str());
        let (status, body) = g.post(admin, "store", json!({})).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput"),
            "{body}"
        );
        let (status, body) = g
            .post(admin, "stores", json!({"where": "name.xx-yy-zz = 1"}))
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput"),
            "{body}"
        );
    })
    .await;
}

#[tokio::test]
async fn create_update_delete_store() {
    Gq::each(|g| async move {
        let draft = json!({
            "key": "gq-c", "name": [{"locale": "en", "value": "C"}, {"locale": "de", "value": "Ce"}],
            "languages": ["en"], "countries": [{"code": "DE"}],
            "storefront": {"faqUrl": "https://shop.example/faq"}
        });
        let r = g.admin("create_store", json!({ "draft": draft })).await;
        let s = &r["createStore"];
        assert_eq!((s["version"].as_i64(), s["name"].as_str()), (Some(1), Some("C")));
        assert_eq!(s["countries"], json!([{"code": "DE"}]));
        assert_eq!(s["storefront"]["faqUrl"], "https://shop.example/faq");

        let admin = Some(g.h.admin_token.as_str());
        let (_, body) = g.post(admin, "create_store", json!({"draft": {"key": A}})).await;
        assert_eq!(code(&body), "DuplicateField", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "key");
        let (_, body) = g.post(admin, "create_store", json!({"draft": {"key": "gq-d", "languages": ["fr"]}})).await;
        assert_eq!(code(&body), "ProjectNotConfiguredForLanguages", "{body}");
        let (status, body) = g.post(admin, "create_store", json!({"draft": {"key": "gq-e", "countries": [{"code": "de"}]}})).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "InvalidInput"), "{body}");

        let actions = json!([
            {"setName": {"name": [{"locale": "de", "value": "Zeh"}]}},
            {"addCountry": {"country": {"code": "AT"}}},
            {"setLanguages": {"languages": []}}
        ]);
        let r = g.admin("update_store", json!({"version": 1, "actions": actions, "key": "gq-c"})).await;
        let s = &r["updateStore"];
        assert_eq!((s["version"].as_i64(), s["name"].as_str()), (Some(2), Some("Zeh")));
        assert_eq!(s["countries"], json!([{"code": "DE"}, {"code": "AT"}]));
        let (_, body) = g.post(admin, "update_store", json!({"version": 1, "actions": actions, "key": "gq-c"})).await;
        assert_eq!(code(&body), "ConcurrentModification", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 2);
        let (_, body) = g.post(admin, "update_store", json!({"version": 1, "actions": [{"setCustomField": {"name": "x", "value": "not json"}}], "key": "gq-c"})).await;
        assert_eq!(code(&body), "InvalidInput", "{body}");

        let (_, body) = g.post(admin, "delete_store", json!({"version": 1, "key": "gq-c"})).await;
        assert_eq!(code(&body), "ConcurrentModification", "{body}");
        let r = g.admin("delete_store", json!({"version": 2, "key": "gq-c"})).await;
        assert_eq!(r["deleteStore"]["key"], "gq-c");
        let (_, body) = g.post(admin, "delete_store", json!({"version": 1, "id": "no-such-id"})).await;
        assert_eq!(code(&body), "ResourceNotFound", "{body}");
    })
    .await;
}
