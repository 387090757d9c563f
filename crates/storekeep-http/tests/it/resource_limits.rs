//! Issue 21 F6: string fields and whole resources have documented limits
//! (`MAX_STRING_CHARS`, `MAX_RESOURCE_BYTES`, docs/RELIABILITY.md), checked on every write —
//! create, update, `/me`, GraphQL — so that one query page stays bounded. A 2 MiB `firstName`
//! was accepted, and 100 such customers made one store-scoped query answer 210 MB.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use storekeep_core::resource::{MAX_RESOURCE_BYTES, MAX_STRING_CHARS};

use crate::fixtures::{admin, code, in_store, project, store};
use crate::harness::each;

fn long(n: usize) -> String {
    "x".repeat(n)
}

#[tokio::test]
async fn string_fields_and_resources_have_limits() {
    each(|h| async move {
        store(&h, "st").await;
        let base = format!("{}/customers", in_store(&h, "st"));
        // At the string limit: stored; one more character: refused, naming the field.
        let ok = json!({"authenticationMode": "ExternalAuth", "email": "at-limit@x.de", "firstName": long(MAX_STRING_CHARS)});
        let (status, body) = admin(&h, Method::POST, &base, Some(ok)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["customer"]["id"].as_str().unwrap().to_string();
        for (field, value) in [
            ("firstName", json!({"authenticationMode": "ExternalAuth", "email": "a@x.de", "firstName": long(MAX_STRING_CHARS + 1)})),
            ("firstName", json!({"authenticationMode": "ExternalAuth", "email": "b@x.de", "firstName": long(2_000_000)})),
            (
                "addresses[0].streetName",
                json!({"authenticationMode": "ExternalAuth", "email": "c@x.de", "addresses": [{"country": "DE", "streetName": long(MAX_STRING_CHARS + 1)}]}),
            ),
        ] {
            let (status, body) = admin(&h, Method::POST, &base, Some(value)).await;
            assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "InvalidInput"), "{body}");
            let msg = body["message"].as_str().unwrap();
            assert!(msg.contains(&format!("'{field}'")), "{msg}");
        }
        // A resource over the size limit, every string within its own: 40 addresses × 4,000.
        let address = json!({"country": "DE", "streetName": long(4000)});
        let big = json!({"authenticationMode": "ExternalAuth", "email": "big@x.de", "addresses": vec![address.clone(); 40]});
        let (status, body) = admin(&h, Method::POST, &base, Some(big)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "ResourceSizeLimitExceeded"),
            "{body}"
        );
        // Updates: growing a resource past the limit is refused and changes nothing.
        let uri = format!("{}/customers/{id}", project(&h));
        let adds: Vec<Value> = (0..40)
            .map(|_| json!({"action": "addAddress", "address": address}))
            .collect();
        let (status, body) =
            admin(&h, Method::POST, &uri, Some(json!({"version": 1, "actions": adds}))).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "ResourceSizeLimitExceeded"),
            "{body}"
        );
        let set = json!({"version": 1, "actions": [{"action": "setLastName", "lastName": long(MAX_STRING_CHARS + 1)}]});
        let (status, body) = admin(&h, Method::POST, &uri, Some(set)).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "InvalidInput"), "{body}");
        let (_, c) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(c["version"], 1);
        // Just under the size limit: stored, and a page of such customers is bounded by it.
        let fits = (MAX_RESOURCE_BYTES - 8 * 1024) / 4030;
        let near = json!({"authenticationMode": "ExternalAuth", "email": "near@x.de", "addresses": vec![address.clone(); fits]});
        let (status, body) = admin(&h, Method::POST, &base, Some(near)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, page) = admin(&h, Method::GET, &format!("{base}?limit=500"), None).await;
        assert_eq!(status, StatusCode::OK);
        let results = page["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        for r in results {
            assert!(r.to_string().len() <= MAX_RESOURCE_BYTES, "a result within the limit");
        }
        // GraphQL sign-up: the same refusal.
        let q = json!({
            "query": "mutation($n: String!) { customerSignUp(draft: {email: \"g@x.de\", password: \"pw\", firstName: $n}) { customer { id } } }",
            "variables": {"n": long(MAX_STRING_CHARS + 1)}
        });
        let (status, body) = admin(&h, Method::POST, &format!("{}/graphql", project(&h)), Some(q)).await;
        assert!(status.is_client_error() || status.is_success(), "{status} {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "InvalidInput", "{body}");
        // Nothing refused was stored.
        let (_, page) = admin(&h, Method::GET, &format!("{}/customers", project(&h)), None).await;
        assert_eq!(page["total"], 2, "{page}");
    })
    .await;
}
