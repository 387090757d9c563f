//! The route-table walk (issue item 7): every registered route is in the authorization table
//! and vice versa; each is refused without its permission, allowed with it, refused for
//! another project's token and for store-scoped tokens on project-wide routes.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::json;
use storekeep_core::scopes::{grants, Perm, Scope};
use storekeep_http::{registered_routes, route_table, Need};

use crate::harness::{each, Harness};

/// A concrete URI for a route pattern.
fn concrete(pattern: &str, project: &str, store: &str) -> String {
    pattern
        .replace("{project}", project)
        .replace("{target}", &uuid::Uuid::new_v4().to_string())
        .replace("{id}", "no-such-client")
        .replace("{store}", &format!("key={store}"))
}

/// One scope per permission (the exact scope each needs), project-wide.
fn exact_scope(perm: Perm, project: &str) -> String {
    perm.needed_scope(project, None).to_string()
}

/// Every permission's exact scope except those that would grant `perm`.
fn all_but(perm: Perm, project: &str, store: Option<&str>) -> String {
    let mut out = Vec::new();
    for other in Perm::ALL {
        let s = exact_scope(other, project);
        let parsed = Scope::parse(&s).unwrap();
        if !grants(&[parsed], project, perm, store) {
            out.push(s);
        }
    }
    out.join(" ")
}

async fn call(
    h: &Harness,
    method: &Method,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let body = (method == Method::POST).then(|| json!({}));
    h.call(method.clone(), uri, token, body).await
}

fn refused(status: StatusCode) -> bool {
    status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN
}

#[test]
fn every_registered_route_is_in_the_table_and_back() {
    let registered: BTreeSet<(String, &str)> = registered_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    for (method, pattern) in &registered {
        let m: Method = method.parse().unwrap();
        assert!(
            storekeep_http::authz::need(&m, pattern).is_some(),
            "{method} {pattern} is registered but missing from the authorization table"
        );
    }
    for rule in route_table() {
        assert!(
            registered.contains(&(rule.method.to_string(), rule.pattern)),
            "{} {} is in the table but not registered",
            rule.method,
            rule.pattern
        );
    }
}

#[tokio::test]
async fn every_route_needs_its_permission() {
    each(|h| async move {
        let p = h.project.clone();
        for (method, pattern) in registered_routes() {
            let Some(Need::Perm { perm, store_param }) =
                storekeep_http::authz::need(&method, pattern)
            else {
                continue;
            };
            let uri = concrete(pattern, &p, "s1");
            let what = format!("{method} {pattern}");

            let (status, body) = call(&h, &method, &uri, None).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{what} without a token: {body}"
            );

            let lacking = h.token(&all_but(perm, &p, None)).await;
            let (status, body) = call(&h, &method, &uri, Some(&lacking)).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{what} without {perm:?}: {body}"
            );
            if method != Method::HEAD {
                assert_eq!(body["error"], "insufficient_scope", "{what}: {body}");
                let msg = body["message"].as_str().unwrap();
                assert!(msg.contains(&exact_scope(perm, &p)), "{what}: {msg}");
            }

            let allowed = h.token(&exact_scope(perm, &p)).await;
            let (status, body) = call(&h, &method, &uri, Some(&allowed)).await;
            assert!(!refused(status), "{what} with {perm:?}: {status} {body}");

            let (status, _) = call(&h, &method, &uri, Some(&h.admin_token)).await;
            assert!(!refused(status), "{what} with manage_project: {status}");

            let (q, foreign) = h.foreign_token("manage_project:{q}").await;
            let (status, body) = call(&h, &method, &uri, Some(&foreign)).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{what} with a token of {q}: {body}"
            );

            let store_only = store_scoped_token(&h, "s1").await;
            let (status, _) = call(&h, &method, &uri, Some(&store_only)).await;
            if store_param && perm.scope_name().has_store_form() {
                assert!(!refused(status), "{what} with a scope of its store");
                let other_store = concrete(pattern, &p, "s2");
                let (status, _) = call(&h, &method, &other_store, Some(&store_only)).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{what} of another store");
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{what} with store scopes only"
                );
            }
        }
    })
    .await;
}

/// A token holding every store-scoped scope storekeep's permissions have, for one store.
async fn store_scoped_token(h: &Harness, store: &str) -> String {
    let scopes: Vec<String> = Perm::ALL
        .iter()
        .filter(|p| p.scope_name().has_store_form())
        .map(|p| p.needed_scope(&h.project, Some(store)).to_string())
        .collect();
    assert!(!scopes.is_empty());
    h.token(&scopes.join(" ")).await
}

#[tokio::test]
async fn public_routes_need_no_bearer_token() {
    each(|h| async move {
        for rule in route_table().iter().filter(|r| r.need == Need::Public) {
            let (status, body) = call(&h, &rule.method, rule.pattern, None).await;
            assert_ne!(
                body["error"], "invalid_token",
                "{} {}",
                rule.method, rule.pattern
            );
            assert_ne!(status, StatusCode::FORBIDDEN);
        }
    })
    .await;
}

#[tokio::test]
async fn another_projects_token_learns_nothing() {
    each(|h| async move {
        let (_, foreign) = h.foreign_token("manage_project:{q}").await;
        let existing = format!("/{}/stores", h.project);
        let missing = "/no-such-project/stores";
        let (s1, b1) = h.call(Method::GET, &existing, Some(&foreign), None).await;
        let (s2, b2) = h.call(Method::GET, missing, Some(&foreign), None).await;
        assert_eq!((s1, s2), (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN));
        assert_eq!(b1["error"], b2["error"]);
        let (status, _) = h
            .call(Method::GET, missing, Some(&h.admin_token), None)
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a token of p may not probe other keys"
        );
    })
    .await;
}

#[tokio::test]
async fn writes_record_the_client_id() {
    each(|h| async move {
        let uri = format!("/{}/stores", h.project);
        let body = json!({"key": "berlin"});
        let (status, store) = h
            .call(Method::POST, &uri, Some(&h.admin_token), Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{store}");
        assert_eq!(store["createdBy"]["clientId"], h.admin_id.as_str());
    })
    .await;
}

/// `Need::Authenticated` rows (the GraphQL endpoint): refused without a token and for another
/// project's token; let through for any token of the project, whatever its scopes (the route
/// authorizes each operation itself).
#[tokio::test]
async fn authenticated_routes_need_a_token_of_the_project() {
    each(|h| async move {
        let p = h.project.clone();
        let rows: Vec<_> = route_table()
            .iter()
            .filter(|r| r.need == Need::Authenticated)
            .collect();
        assert!(!rows.is_empty());
        let weak = h.token(&format!("view_stores:{p}")).await;
        let (_, foreign) = h.foreign_token("manage_project:{q}").await;
        for rule in rows {
            let uri = concrete(rule.pattern, &p, "s1");
            let what = format!("{} {}", rule.method, rule.pattern);
            let (status, body) = call(&h, &rule.method, &uri, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
            let (status, body) = call(&h, &rule.method, &uri, Some(&foreign)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
            assert_eq!(body["error"], "insufficient_scope", "{what}");
            let (status, body) = call(&h, &rule.method, &uri, Some(&weak)).await;
            assert!(!refused(status), "{what} with any scope: {status} {body}");
        }
    })
    .await;
}
