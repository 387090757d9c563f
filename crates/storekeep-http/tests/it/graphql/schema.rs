//! The committed schema, introspection, and the request-level errors: syntax, validation, and
//! the depth and complexity limits.

use axum::http::StatusCode;
use serde_json::json;

use super::{code, Gq};

/// The committed SDL; `STOREKEEP_UPDATE_SCHEMA=1` rewrites it from the code.
#[test]
fn printed_schema_matches_the_committed_file() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../storekeep-graphql/schema.graphql"
    );
    let printed = storekeep_graphql::sdl();
    if std::env::var("STOREKEEP_UPDATE_SCHEMA").as_deref() == Ok("1") {
        std::fs::write(path, &printed).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == printed,
        "the GraphQL schema changed: review the difference, then run \
         `STOREKEEP_UPDATE_SCHEMA=1 cargo test -p storekeep-http --test it graphql::schema` \
         (or `storekeep graphql-schema > crates/storekeep-graphql/schema.graphql`) and commit it"
    );
    for name in [
        "type Customer implements Versioned",
        "stores: [Store!]!",
        "input CustomerSignUpDraft",
        "input CreateStore",
        "type LocalizedString",
        "input CustomerUpdateAction",
        "inStores(keys: [KeyReferenceInput!]!): InStore!",
    ] {
        assert!(printed.contains(name), "{name} missing from the schema");
    }
}

#[tokio::test]
async fn introspection_answers_with_any_token_of_the_project() {
    Gq::each(|g| async move {
        let token = g.h.token(&format!("view_stores:{}", g.p)).await;
        let (status, body) = g.post(Some(&token), "introspection", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let schema = &body["data"]["__schema"];
        assert_eq!(schema["queryType"]["name"], "Query");
        assert_eq!(schema["mutationType"]["name"], "Mutation");
        let types = schema["types"].as_array().unwrap();
        let customer = types.iter().find(|t| t["name"] == "Customer").unwrap();
        let fields: Vec<&str> = customer["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&"stores") && fields.contains(&"storesRef"));
        assert_eq!(customer["interfaces"][0]["name"], "Versioned");
    })
    .await;
}

#[tokio::test]
async fn depth_and_complexity_limits_answer_a_typed_400() {
    Gq::each(|g| async move {
        let admin = Some(g.h.admin_token.as_str());
        for name in ["too_deep", "too_complex"] {
            let (status, body) = g.post(admin, name, json!({})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
            assert_eq!(
                code(&body),
                "QueryComplexityLimitExceeded",
                "{name}: {body}"
            );
            assert!(body.get("data").is_none(), "{name} never ran: {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn bad_documents_are_invalid_input() {
    Gq::each(|g| async move {
        let admin = Some(g.h.admin_token.as_str());
        for name in ["syntax_error", "unknown_field"] {
            let (status, body) = g.post(admin, name, json!({})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
            assert_eq!(code(&body), "InvalidInput", "{name}: {body}");
            assert!(body["errors"][0]["message"].is_string());
            assert!(
                body["errors"][0]["locations"][0]["line"].is_number(),
                "{body}"
            );
        }
        // A variable of the wrong type is a request error too.
        let (status, body) = g.post(admin, "customers", json!({"limit": "many"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "InvalidInput");
    })
    .await;
}
