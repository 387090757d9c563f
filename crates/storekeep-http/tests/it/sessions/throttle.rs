//! The sign-in throttle (D12): after `failures` attempts without a success for one (project,
//! email) — whatever path or store they used (issue 21 F5) — every sign-in path answers 429 with `Retry-After` until the window after
//! the last counted attempt has passed — the correct password included. Counters live in the
//! database, so a second instance sees them.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};
use storekeep_core::oauth::ThrottleConfig;

use super::{access, assert_api, assert_oauth, Shop, A, B, PW};
use crate::harness::{each, Harness};

fn retry_after(h: &HeaderMap) -> u64 {
    h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap()
}

/// `n` failed password-flow sign-ins.
async fn fail(s: &Shop, store: Option<&str>, email: &str, n: usize) {
    for _ in 0..n {
        let (status, _, body) = s.password_flow(store, email, "wrong").await;
        assert_oauth(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "invalid_customer_account_credentials",
        );
    }
}

/// `POST /{p}/login` (or in-store) with the admin token, on the instance `h`.
async fn admin_login(
    h: &Harness,
    store: Option<&str>,
    email: &str,
    pw: &str,
) -> (StatusCode, HeaderMap, Value) {
    let uri = match store {
        None => format!("/{}/login", h.project),
        Some(st) => format!("/{}/in-store/key={st}/login", h.project),
    };
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {}", h.admin_token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"email": email, "password": pw}).to_string(),
        ))
        .unwrap();
    h.send(req).await
}

#[tokio::test]
async fn threshold_retry_after_and_correct_password_still_throttled() {
    Shop::each(|s| async move {
        fail(&s, None, &s.g1.email, 5).await;
        let (status, headers, body) = s.password_flow(None, &s.g1.email, PW).await;
        assert_oauth(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        assert_eq!(retry_after(&headers), 60);
        assert!(body.get("access_token").is_none());
        // The same key on every path: /login (REST error body), email case ignored.
        let (status, headers, body) = admin_login(&s.h, None, "G1@shop.test", PW).await;
        assert_api(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        assert_eq!(body["statusCode"], 429);
        assert!(body.get("error").is_none(), "REST shape: {body}");
        assert!(retry_after(&headers) <= 60);
        // Refused attempts do not prolong the refusal.
        s.h.clock.advance_secs(30);
        let (_, headers, _) = s.password_flow(None, &s.g1.email, PW).await;
        assert_eq!(retry_after(&headers), 30);
        // Other keys are not affected: another customer.
        s.login(None, &s.g2).await;
        // After the window, the correct password works.
        s.h.clock.advance_secs(31);
        let body = s.login(None, &s.g1).await;
        assert!(body["access_token"].is_string());
    })
    .await;
}

#[tokio::test]
async fn a_success_resets_the_count() {
    Shop::each(|s| async move {
        fail(&s, Some(A), &s.a1.email, 4).await;
        s.login(Some(A), &s.a1).await;
        fail(&s, Some(A), &s.a1.email, 5).await;
        let (status, _, body) = s.password_flow(Some(A), &s.a1.email, PW).await;
        assert_oauth(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        // Unknown emails are counted too (no hint that they do not exist).
        fail(&s, None, "ghost@shop.test", 5).await;
        let (status, _, body) = s.password_flow(None, "ghost@shop.test", "x").await;
        assert_oauth(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
    })
    .await;
}

#[tokio::test]
async fn every_sign_in_path_is_throttled() {
    Shop::each(|s| async move {
        // In-store /login failures throttle the in-store password flow and /me/login.
        for _ in 0..5 {
            let (status, _, body) = admin_login(&s.h, Some(A), &s.a2.email, "wrong").await;
            assert_api(status, &body, StatusCode::BAD_REQUEST, "InvalidCredentials");
        }
        let (status, _, body) = s.password_flow(Some(A), &s.a2.email, PW).await;
        assert_oauth(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        let anonymous = access(&s.anonymous().await);
        let signin = json!({"email": s.a2.email, "password": PW});
        let (status, body) = s.post(&s.me(Some(A), "/login"), &anonymous, signin).await;
        assert_api(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        // /me/login failures throttle /login.
        for _ in 0..5 {
            let signin = json!({"email": s.b1.email, "password": "wrong"});
            let (status, body) = s
                .post(&s.me(Some("store-b"), "/login"), &anonymous, signin)
                .await;
            assert_api(status, &body, StatusCode::BAD_REQUEST, "InvalidCredentials");
        }
        let (status, _, body) = admin_login(&s.h, Some("store-b"), &s.b1.email, PW).await;
        assert_api(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
    })
    .await;
}

#[tokio::test]
async fn counters_are_shared_by_instances() {
    Shop::each(|s| async move {
        fail(&s, None, &s.g2.email, 5).await;
        let mut other = s.h.second_instance();
        super::rebuild(&mut other, ThrottleConfig::default());
        let (status, headers, body) = admin_login(&other, None, &s.g2.email, PW).await;
        assert_api(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        assert!(retry_after(&headers) >= 59);
    })
    .await;
}

#[tokio::test]
async fn configurable_and_can_be_turned_off() {
    each(|h| async move {
        let config = ThrottleConfig {
            failures: 2,
            window_secs: 5,
        };
        let s = Shop::new(h, config).await;
        fail(&s, None, &s.g1.email, 2).await;
        let (status, headers, _) = s.password_flow(None, &s.g1.email, PW).await;
        assert_eq!(
            (status, retry_after(&headers)),
            (StatusCode::TOO_MANY_REQUESTS, 5)
        );
        s.h.clock.advance_secs(5);
        s.login(None, &s.g1).await;
    })
    .await;
    each(|h| async move {
        let s = Shop::new(h, ThrottleConfig::disabled()).await;
        fail(&s, None, &s.g1.email, 12).await;
        s.login(None, &s.g1).await;
    })
    .await;
}

/// Issue 21 F5: the throttle counts per account, not per (store, account): a global customer
/// reachable through the project and every store gets `failures` guesses per window in all,
/// not `failures × (stores + 1)`.
#[tokio::test]
async fn one_counter_per_account_across_stores_and_paths() {
    Shop::each(|s| async move {
        // Failures spread over the project and both stores: five in all.
        fail(&s, None, &s.g1.email, 2).await;
        fail(&s, Some(A), &s.g1.email, 2).await;
        let (status, _, body) = admin_login(&s.h, Some(B), &s.g1.email, "wrong").await;
        assert_api(status, &body, StatusCode::BAD_REQUEST, "InvalidCredentials");
        // The sixth attempt is refused on every path and in every store.
        for store in [None, Some(A), Some(B)] {
            let (status, _, body) = s.password_flow(store, &s.g1.email, "wrong").await;
            assert_oauth(
                status,
                &body,
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
            );
            let (status, _, body) = admin_login(&s.h, store, &s.g1.email, PW).await;
            assert_api(
                status,
                &body,
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
            );
        }
        let anonymous = access(&s.anonymous().await);
        let signin = json!({"email": s.g1.email, "password": PW});
        let (status, body) = s.post(&s.me(Some(B), "/login"), &anonymous, signin).await;
        assert_api(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        // An unknown email behaves the same (no hint whether an account exists): failures
        // through a store throttle the project path too.
        fail(&s, Some(A), "ghost@shop.test", 5).await;
        let (status, _, body) = s.password_flow(None, "ghost@shop.test", "x").await;
        assert_oauth(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        // A store customer: failures through the project path (which cannot find it) count.
        fail(&s, None, &s.a2.email, 5).await;
        let (status, _, body) = s.password_flow(Some(A), &s.a2.email, PW).await;
        assert_oauth(
            status,
            &body,
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        );
        // Another account is not affected.
        s.login(Some(A), &s.a1).await;
    })
    .await;
}
