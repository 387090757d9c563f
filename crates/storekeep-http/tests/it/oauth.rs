//! `POST /oauth/token`: the client-credentials grant and every error case.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::harness::{basic, draft, each, Harness};

const FORM: &str = "grant_type=client_credentials";

/// Assert an OAuth error body: status, `error`, `errors[0].code`, `statusCode`.
fn assert_oauth_error(status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
    assert_eq!(body["statusCode"], want.as_u16(), "{body}");
    assert!(body["error_description"].is_string(), "{body}");
    assert_eq!(body["message"], body["error_description"], "{body}");
}

#[tokio::test]
async fn token_response_has_the_sdk_fields() {
    each(|h| async move {
        let (status, headers, body) = h
            .post_form(
                "/oauth/token",
                Some(&basic(&h.admin_id, &h.admin_secret)),
                FORM,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 172_800);
        assert_eq!(body["scope"], format!("manage_project:{}", h.project));
        assert!(body.get("refresh_token").is_none());
        let token = body["access_token"].as_str().unwrap();
        assert!(token.len() >= 43, "at least 256 bits, base64url");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        let (status, _) = h
            .call(Method::GET, &format!("/{}", h.project), Some(token), None)
            .await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn sdk_style_request_with_unencoded_scope_list() {
    each(|h| async move {
        let p = &h.project;
        let form =
            format!("grant_type=client_credentials&scope=view_stores:{p} manage_api_clients:{p}");
        let (status, _, body) = h
            .post_form(
                "/oauth/token",
                Some(&basic(&h.admin_id, &h.admin_secret)),
                &form,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["scope"],
            format!("view_stores:{p} manage_api_clients:{p}")
        );
        let token = body["access_token"].as_str().unwrap();
        let (status, _) = h
            .call(Method::GET, &format!("/{p}/stores"), Some(token), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = h
            .call(Method::GET, &format!("/{p}"), Some(token), None)
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "narrowed token lost the other scopes"
        );
    })
    .await;
}

#[tokio::test]
async fn requested_scopes_must_be_granted_to_the_client() {
    each(|h| async move {
        let p = &h.project;
        let (id, secret) = h.client(&format!("view_stores:{p}")).await;
        let (status, body) = h
            .request_token(&id, &secret, Some(&format!("manage_stores:{p}")))
            .await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        let (status, body) = h
            .request_token(&id, &secret, Some("view_stores:other-project"))
            .await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        let (status, body) = h.request_token(&id, &secret, Some("customer_id:abc")).await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        let (status, body) = h
            .request_token(&id, &secret, Some(&format!("view_stores:{p}")))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}

#[tokio::test]
async fn malformed_scopes_are_invalid_scope() {
    each(|h| async move {
        let p = &h.project;
        for bad in [
            "manage_stores".to_string(),
            format!("bogus_scope:{p}"),
            format!("view_stores:{p}:some-store"),
            format!("manage_customers:{p}:bad$store"),
            "manage_project:x".to_string(),
        ] {
            let (status, body) = h
                .request_token(&h.admin_id, &h.admin_secret, Some(&bad))
                .await;
            assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        }
    })
    .await;
}

#[tokio::test]
async fn client_authentication_errors_are_invalid_client() {
    each(|h| async move {
        let cases = [
            None,
            Some("Basic !!!not-base64!!!".to_string()),
            Some(format!("Basic {}", "bm8tY29sb24")), // "no-colon"
            Some(format!("Bearer {}", h.admin_token)),
            Some("Basic".to_string()),
            Some(basic(&h.admin_id, "wrong-secret")),
            Some(basic(&h.admin_id, "")),
            Some(basic("unknown-client-id", &h.admin_secret)),
            Some(basic("", "")),
        ];
        for auth in cases {
            let (status, headers, body) = h.post_form("/oauth/token", auth.as_deref(), FORM).await;
            assert_oauth_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
            assert!(headers[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Basic"));
        }
    })
    .await;
}

#[tokio::test]
async fn invalid_client_body_is_the_auth_error_response() {
    let h = Harness::new(crate::harness::Kind::Sqlite).await;
    let (_, _, body) = h.post_form("/oauth/token", None, FORM).await;
    let msg = "Please provide valid client credentials using HTTP Basic Authentication.";
    assert_eq!(
        body,
        json!({
            "statusCode": 401,
            "message": msg,
            "errors": [{"code": "invalid_client", "message": msg}],
            "error": "invalid_client",
            "error_description": msg,
        })
    );
}

#[tokio::test]
async fn grant_type_is_required_and_checked() {
    each(|h| async move {
        let auth = basic(&h.admin_id, &h.admin_secret);
        let (status, _, body) = h.post_form("/oauth/token", Some(&auth), "scope=x").await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
        let (status, _, body) = h.post_form("/oauth/token", Some(&auth), "").await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
        // `refresh_token` is a grant of this endpoint (tests in `sessions/refresh.rs`); the
        // password grant has its own endpoints.
        for grant in ["password", "authorization_code", "nonsense"] {
            let form = format!("grant_type={grant}&username=a&password=b");
            let (status, _, body) = h.post_form("/oauth/token", Some(&auth), &form).await;
            assert_oauth_error(
                status,
                &body,
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
            );
        }
    })
    .await;
}

#[tokio::test]
async fn credentials_in_the_body_are_a_fallback() {
    each(|h| async move {
        let form = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            h.admin_id, h.admin_secret
        );
        let (status, _, body) = h.post_form("/oauth/token", None, &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["access_token"].is_string());
        let wrong = format!(
            "grant_type=client_credentials&client_id={}&client_secret=x",
            h.admin_id
        );
        let (status, _, body) = h.post_form("/oauth/token", None, &wrong).await;
        assert_oauth_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
        let auth = basic(&h.admin_id, &h.admin_secret);
        let (status, _, body) = h.post_form("/oauth/token", Some(&auth), &form).await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
    })
    .await;
}

#[tokio::test]
async fn parameters_may_come_in_the_query_string() {
    each(|h| async move {
        let auth = basic(&h.admin_id, &h.admin_secret);
        let uri = format!(
            "/oauth/token?grant_type=client_credentials&scope=view_stores:{}",
            h.project
        );
        let (status, _, body) = h.post_form(&uri, Some(&auth), "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["scope"], format!("view_stores:{}", h.project));
        let (status, _, body) = h
            .post_form(
                "/oauth/token?grant_type=client_credentials",
                Some(&auth),
                FORM,
            )
            .await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
        let uri = format!(
            "/oauth/token?client_id={}&client_secret={}",
            h.admin_id, h.admin_secret
        );
        let (status, _, body) = h.post_form(&uri, None, FORM).await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
    })
    .await;
}

#[tokio::test]
async fn garbage_bodies_are_invalid_request() {
    let h = Harness::new(crate::harness::Kind::Sqlite).await;
    let auth = basic(&h.admin_id, &h.admin_secret);
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        (
            "application/x-www-form-urlencoded",
            vec![0xff, 0xfe, b'=', 0x80],
        ),
        (
            "application/x-www-form-urlencoded",
            b"grant_type=%ff%fe".to_vec(),
        ),
        (
            "application/x-www-form-urlencoded",
            b"=client_credentials".to_vec(),
        ),
        (
            "application/json",
            br#"{"grant_type":"client_credentials"}"#.to_vec(),
        ),
        ("text/plain", b"grant_type=client_credentials".to_vec()),
    ];
    for (content_type, bytes) in bodies {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/oauth/token")
            .header(header::AUTHORIZATION, &auth)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes))
            .unwrap();
        let (status, _, body) = h.send(req).await;
        assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
    }
    let big = format!(
        "grant_type=client_credentials&pad={}",
        "a".repeat(64 * 1024)
    );
    let (status, _, body) = h.post_form("/oauth/token", Some(&auth), &big).await;
    assert_oauth_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn tokens_expire_after_the_default_lifetime() {
    each(|h| async move {
        let uri = format!("/{}", h.project);
        let token = h
            .token(&format!("view_project_settings:{}", h.project))
            .await;
        h.clock.advance_secs(172_799);
        let (status, _) = h.call(Method::GET, &uri, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        h.clock.advance_secs(1);
        let (status, body) = h.call(Method::GET, &uri, Some(&token), None).await;
        assert_oauth_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
    })
    .await;
}

#[tokio::test]
async fn client_validity_sets_the_token_lifetime() {
    each(|h| async move {
        let p = h.project.clone();
        let mut d = draft(&format!("view_project_settings:{p}"));
        d.access_token_validity_seconds = Some(3600);
        let c = h.create_client(&p, d).await;
        let (status, body) = h.request_token(&c.client.id, &c.secret, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["expires_in"], 3600);
        let token = body["access_token"].as_str().unwrap();
        let (status, _) = h
            .call(Method::GET, &format!("/{p}"), Some(token), None)
            .await;
        assert_eq!(status, StatusCode::OK, "first use fills the cache");
        h.clock.advance_secs(3600);
        let (status, body) = h
            .call(Method::GET, &format!("/{p}"), Some(token), None)
            .await;
        assert_oauth_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
    })
    .await;
}

#[tokio::test]
async fn clients_with_a_deletion_date_stop_at_it() {
    each(|h| async move {
        let p = h.project.clone();
        let mut d = draft(&format!("view_project_settings:{p}"));
        d.delete_days_after_creation = Some(1);
        let c = h.create_client(&p, d).await;
        assert!(c.client.delete_at.is_some());
        let (status, body) = h.request_token(&c.client.id, &c.secret, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["expires_in"], 86_400,
            "a token never outlives its client"
        );
        h.clock.advance_secs(86_400);
        let (status, body) = h.request_token(&c.client.id, &c.secret, None).await;
        assert_oauth_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
    })
    .await;
}

#[tokio::test]
async fn token_requests_record_the_day_of_last_use() {
    each(|h| async move {
        let (id, secret) = h.client(&format!("view_stores:{}", h.project)).await;
        let uri = format!("/{}/api-clients/{id}", h.project);
        let (_, before) = h.call(Method::GET, &uri, Some(&h.admin_token), None).await;
        assert!(before.get("lastUsedAt").is_none(), "{before}");
        h.token_of(&id, &secret).await;
        let (_, after) = h.call(Method::GET, &uri, Some(&h.admin_token), None).await;
        let day = after["lastUsedAt"].as_str().unwrap();
        assert_eq!(day.len(), 10, "a date, YYYY-MM-DD: {day}");
    })
    .await;
}

#[tokio::test]
async fn bearer_tokens_are_checked() {
    each(|h| async move {
        let uri = format!("/{}/stores", h.project);
        for auth in [
            None,
            Some("Bearer".to_string()),
            Some("Bearer not-a-token".to_string()),
            Some(basic(&h.admin_id, &h.admin_secret)),
        ] {
            let mut req = Request::builder().uri(&uri);
            if let Some(a) = &auth {
                req = req.header(header::AUTHORIZATION, a);
            }
            let (status, headers, body) = h.send(req.body(Body::empty()).unwrap()).await;
            assert_oauth_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
            let www = headers[header::WWW_AUTHENTICATE].to_str().unwrap();
            assert!(
                www.starts_with("Bearer") && www.contains("invalid_token"),
                "{www}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn expired_tokens_are_purged() {
    // SQLite only: a purge on the shared PostgreSQL database would also delete the tokens of
    // tests running in parallel on their own clocks.
    let h = Harness::new(crate::harness::Kind::Sqlite).await;
    let short = h.token(&format!("view_stores:{}", h.project)).await;
    assert_eq!(h.services.oauth.purge_expired().await.unwrap(), 0);
    h.clock.advance_secs(172_800);
    let fresh = h.token_of(&h.admin_id, &h.admin_secret).await;
    let purged = h.services.oauth.purge_expired().await.unwrap();
    assert_eq!(purged, 2, "the admin's first token and the short one");
    let uri = format!("/{}/stores", h.project);
    let (status, _) = h.call(Method::GET, &uri, Some(&fresh), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = h.call(Method::GET, &uri, Some(&short), None).await;
    assert_oauth_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
}
