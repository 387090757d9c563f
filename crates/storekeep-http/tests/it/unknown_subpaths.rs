//! Unknown sub-paths of a resource (issue 14, item 5): `POST /{p}/customers/search` was routed
//! as "update the customer with id `search`" and answered about its body. Every registered
//! route with a `{target}` or `{id}` segment is walked with segments that name nothing: each
//! answers the API's JSON 404 for an unknown id before its body or query is read, and a
//! target form a route does not take is the 404 of an unknown path, on both backends.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use storekeep_http::registered_routes;

use crate::sessions::{Shop, A};

/// Segments that name nothing on any route: words (customer search, cart replication and
/// other endpoints storekeep does not serve) and a malformed id.
const NOTHING: [&str; 4] = [
    "search",
    "replicate",
    "indexing-status",
    "0b8f1c1e2d3a4b5c8d9e0f1a2b3c4d5e",
];

/// A route pattern filled in: project, store A, and `segment` for `{target}`/`{id}`.
fn fill(s: &Shop, pattern: &str, segment: &str) -> String {
    pattern
        .replace("{project}", &s.p)
        .replace("{store}", &format!("key={A}"))
        .replace("{target}", segment)
        .replace("{id}", segment)
}

/// The answer for a path no route serves at all.
async fn fallback(s: &Shop) -> Value {
    let uri = format!("/{}/customers/search/indexing-status", s.p);
    let (status, body) = s.get(&uri, &s.h.admin_token).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    body
}

/// Send `method uri` with a body that no handler would take (`{}`), as the admin, or for My
/// routes as a signed-in customer.
async fn send(s: &Shop, shopper: &str, method: &Method, uri: &str) -> (StatusCode, Value) {
    let token = match uri.contains("/me/") {
        true => shopper,
        false => s.h.admin_token.as_str(),
    };
    let body = (*method == Method::POST).then(|| json!({}));
    s.h.call(method.clone(), uri, Some(token), body).await
}

#[tokio::test]
async fn unknown_sub_paths_are_404_on_every_resource() {
    Shop::each(|s| async move {
        let shopper = s.token(None, &s.g1).await;
        let mut walked = 0;
        for (method, pattern) in registered_routes() {
            if !(pattern.contains("{target}") || pattern.contains("{id}")) {
                continue;
            }
            for segment in NOTHING {
                let uri = fill(&s, pattern, segment);
                let (status, body) = send(&s, &shopper, &method, &uri).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}: {body}");
                walked += 1;
                if method == Method::HEAD {
                    continue;
                }
                let msg = format!("The Resource with ID '{segment}' was not found.");
                let want = json!({"statusCode": 404, "message": msg,
                    "errors": [{"code": "ResourceNotFound", "message": msg}]});
                assert_eq!(body, want, "{method} {uri}");
            }
        }
        assert!(walked >= 4 * 20, "every single-resource route: {walked}");
    })
    .await;
}

#[tokio::test]
async fn a_target_form_a_route_does_not_take_is_404() {
    Shop::each(|s| async move {
        let unknown = fallback(&s).await;
        let p = &s.p;
        let id = &s.a1.id;
        let shopper = s.token(None, &s.g1).await;
        for (method, uri) in [
            // Token and customer-id forms are for reads; writes take `{id}` or `key=`.
            (Method::POST, format!("/{p}/customers/password-token=abc")),
            (
                Method::DELETE,
                format!("/{p}/customers/email-token=abc?version=1"),
            ),
            (Method::GET, format!("/{p}/customers/customer-id={id}")),
            (Method::POST, format!("/{p}/carts/customer-id={id}")),
            (
                Method::DELETE,
                format!("/{p}/in-store/key={A}/carts/customer-id={id}?version=1"),
            ),
            (Method::GET, format!("/{p}/carts/password-token=abc")),
            (Method::GET, format!("/{p}/stores/customer-id={id}")),
            (Method::GET, format!("/{p}/me/carts/customer-id={id}")),
            // The merge is only for `customer-id=`.
            (Method::POST, format!("/{p}/carts/{id}/merge")),
            (
                Method::POST,
                format!("/{p}/in-store/key={A}/carts/key=k/merge"),
            ),
        ] {
            let (status, body) = send(&s, &shopper, &method, &uri).await;
            assert_eq!(
                (status, &body),
                (StatusCode::NOT_FOUND, &unknown),
                "{method} {uri}"
            );
        }
        // The forms a route does take still work.
        let (status, body) = s
            .get(&format!("/{p}/customers/{id}"), &s.h.admin_token)
            .await;
        assert_eq!(
            (status, body["id"].as_str()),
            (StatusCode::OK, Some(id.as_str()))
        );
        let (status, body) = s
            .get(&format!("/{p}/stores/key={A}"), &s.h.admin_token)
            .await;
        assert_eq!((status, body["key"].as_str()), (StatusCode::OK, Some(A)));
        let other = uuid::Uuid::new_v4();
        let (status, body) = s
            .get(&format!("/{p}/customers/{other}"), &s.h.admin_token)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&other.to_string()),
            "{body}"
        );
    })
    .await;
}
