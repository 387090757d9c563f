//! `POST /oauth/introspect`.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{basic, each, Harness};

async fn introspect(h: &Harness, auth: Option<&str>, token: &str) -> (StatusCode, Value) {
    let (status, _, body) = h
        .post_form("/oauth/introspect", auth, &format!("token={token}"))
        .await;
    (status, body)
}

#[tokio::test]
async fn active_tokens_report_scope_expiry_and_client() {
    each(|h| async move {
        let (id, secret) = h.client(&format!("view_stores:{}", h.project)).await;
        let (_, issued) = h.request_token(&id, &secret, None).await;
        let token = issued["access_token"].as_str().unwrap();
        let admin = basic(&h.admin_id, &h.admin_secret);
        let (status, body) = introspect(&h, Some(&admin), token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["active"], true);
        assert_eq!(body["scope"], format!("view_stores:{}", h.project));
        assert_eq!(body["client_id"], id.as_str());
        let exp = body["exp"].as_i64().unwrap();
        let now = storekeep_core::clock::Clock::now_ms(h.clock.as_ref());
        assert_eq!(exp, now + 172_800_000, "exp in epoch milliseconds");
    })
    .await;
}

#[tokio::test]
async fn unknown_expired_revoked_and_foreign_tokens_are_inactive() {
    each(|h| async move {
        let admin = basic(&h.admin_id, &h.admin_secret);
        let (status, body) = introspect(&h, Some(&admin), "no-such-token").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"active": false}));

        let (_, foreign) = h.foreign_token("manage_project:{q}").await;
        let (_, body) = introspect(&h, Some(&admin), &foreign).await;
        assert_eq!(
            body,
            json!({"active": false}),
            "other projects' tokens stay hidden"
        );

        let (id, secret) = h.client(&format!("view_stores:{}", h.project)).await;
        let revoked = h.token_of(&id, &secret).await;
        let uri = format!("/{}/api-clients/{id}", h.project);
        let (status, _) = h
            .call(Method::DELETE, &uri, Some(&h.admin_token), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, body) = introspect(&h, Some(&admin), &revoked).await;
        assert_eq!(body, json!({"active": false}));

        let expiring = h.token(&format!("view_stores:{}", h.project)).await;
        h.clock.advance_secs(172_800);
        let admin_again = h.token_of(&h.admin_id, &h.admin_secret).await;
        assert!(!admin_again.is_empty());
        let (_, body) = introspect(&h, Some(&admin), &expiring).await;
        assert_eq!(body, json!({"active": false}));
    })
    .await;
}

#[tokio::test]
async fn introspection_needs_the_scope_and_client_authentication() {
    each(|h| async move {
        let token = h.admin_token.clone();
        let (id, secret) = h.client(&format!("view_stores:{}", h.project)).await;
        let (status, body) = introspect(&h, Some(&basic(&id, &secret)), &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"], "insufficient_scope");

        let (id, secret) = h
            .client(&format!("introspect_oauth_tokens:{}", h.project))
            .await;
        let (status, body) = introspect(&h, Some(&basic(&id, &secret)), &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["active"], true);

        let (status, body) = introspect(&h, None, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "invalid_client");
        let (status, body) = introspect(&h, Some(&basic(&id, "wrong")), &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "invalid_client");

        let (status, _, body) = h
            .post_form("/oauth/introspect", Some(&basic(&id, &secret)), "")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_request");
    })
    .await;
}
