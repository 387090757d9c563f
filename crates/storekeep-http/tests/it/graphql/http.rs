//! GraphQL over HTTP: tokens, `GET` requests, the browser (console) page, bodies that are not requests.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

use super::{code, doc, Gq};

#[tokio::test]
async fn tokens_are_checked_before_anything_runs() {
    Gq::each(|g| async move {
        let (status, body) = g.post(None, "stores", json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"], "invalid_token");
        let (status, body) = g.post(Some("not-a-token"), "stores", json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (_, foreign) = g.h.foreign_token("manage_project:{q}").await;
        let (status, body) = g.post(Some(&foreign), "stores", json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"], "insufficient_scope");
    })
    .await;
}

#[tokio::test]
async fn get_runs_queries_but_not_mutations() {
    Gq::each(|g| async move {
        let enc =
            |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
        let vars = json!({"where": format!("key = \"{}\"", super::A)}).to_string();
        let uri = format!(
            "{}?query={}&variables={}",
            g.uri(),
            enc(&doc("stores")),
            enc(&vars)
        );
        let (status, body) =
            g.h.call(Method::GET, &uri, Some(&g.h.admin_token), None)
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["stores"]["results"][0]["key"], super::A);

        let uri = format!("{}?query={}", g.uri(), enc(&doc("delete_store")));
        let (status, body) =
            g.h.call(Method::GET, &uri, Some(&g.h.admin_token), None)
                .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
        assert_eq!(code(&body), "MethodNotAllowed");

        let (status, body) =
            g.h.call(Method::GET, &g.uri(), Some(&g.h.admin_token), None)
                .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "InvalidJsonInput");
    })
    .await;
}

#[tokio::test]
async fn browsers_get_the_console_page_without_a_token() {
    Gq::each(|g| async move {
        let req = Request::builder()
            .method(Method::GET)
            .uri(g.uri())
            .header(
                header::ACCEPT,
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
            )
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = g.h.send(req).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        // The admin console's page (embedded; its GraphQL view opens on this path), under the
        // console's policy: nothing loads from another host.
        let page = body.as_str().unwrap();
        assert!(page.contains("src=\"/admin/assets/main.js\""), "{page}");
        assert!(!page.contains("://"), "{page}");
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{csp}");
        // Without a key-shaped project there is no page.
        let req = Request::builder()
            .uri("/%3Cscript%3E/graphql")
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap();
        let (status, _, _) = g.h.send(req).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn bodies_that_are_not_requests_are_typed_errors() {
    Gq::each(|g| async move {
        let t = g.h.admin_token.clone();
        let (status, body) = g.post_raw(&t, "{not json").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "InvalidJsonInput");
        assert!(body["errors"][0]["extensions"]["detailedErrorMessage"].is_string());
        let (status, body) = g.post_raw(&t, r#"{"variables": {}}"#).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "InvalidJsonInput");
        let (status, body) = g
            .post_raw(&t, r#"{"query": "{ stores { total } }", "variables": [1]}"#)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "InvalidInput");
    })
    .await;
}

#[tokio::test]
async fn operation_name_selects_the_operation() {
    Gq::each(|g| async move {
        let query = format!("{}\n{}", doc("stores"), doc("me"));
        let body = json!({"query": query, "operationName": "Stores", "variables": {}});
        let (status, r) =
            g.h.call(Method::POST, &g.uri(), Some(&g.h.admin_token), Some(body))
                .await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["data"]["stores"]["total"], 2);
    })
    .await;
}
