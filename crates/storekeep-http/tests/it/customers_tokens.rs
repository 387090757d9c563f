//! The customer password and email-verification endpoints, project and in-store: change
//! password, password-reset tokens (create, look up, reset), email tokens (create, look up,
//! confirm) — with expired, used, unknown and foreign-store tokens.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, code, customer, id, in_store, login, project, store};
use crate::harness::{each, Harness};

async fn post(h: &Harness, uri: String, body: Value) -> (StatusCode, Value) {
    admin(h, Method::POST, &uri, Some(body)).await
}

async fn get(h: &Harness, uri: String) -> (StatusCode, Value) {
    admin(h, Method::GET, &uri, None).await
}

/// A password-reset token's value for `email` at `base`.
async fn password_token(h: &Harness, base: &str, email: &str, ttl: i64) -> String {
    let body = json!({"email": email, "ttlMinutes": ttl});
    let (status, t) = post(h, format!("{base}/customers/password-token"), body).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    t["value"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn change_password() {
    each(|h| async move {
        let c = customer(&h, &project(&h), "cp@x.de").await;
        let uri = format!("{}/customers/password", project(&h));
        let body = |v: i64, current: &str| {
            json!({"id": id(&c), "version": v, "currentPassword": current, "newPassword": "new-pass"})
        };
        let (status, err) = post(&h, uri.clone(), body(1, "wrong")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let msg = "The given current password does not match.";
        assert_eq!(
            err,
            json!({"statusCode": 400, "message": msg, "errors": [{"code": "InvalidCurrentPassword", "message": msg}]})
        );
        let (status, err) = post(&h, uri.clone(), body(7, "secret-1")).await;
        assert_eq!((status, err["errors"][0]["currentVersion"].as_i64()), (StatusCode::CONFLICT, Some(1)));
        let (status, u) = post(&h, uri.clone(), body(1, "secret-1")).await;
        assert_eq!((status, u["version"].as_i64()), (StatusCode::OK, Some(2)), "{u}");
        assert!(u.get("password").is_none(), "{u}");
        assert_eq!(login(&h, &project(&h), "cp@x.de", "new-pass").await.0, StatusCode::OK);
        assert_eq!(login(&h, &project(&h), "cp@x.de", "secret-1").await.0, StatusCode::BAD_REQUEST);
        let unknown = json!({"id": "nope", "version": 1, "currentPassword": "a", "newPassword": "b"});
        let (status, _) = post(&h, uri.clone(), unknown).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, err) = post(&h, uri, json!({"id": id(&c), "version": 2, "currentPassword": "new-pass"})).await;
        assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "InvalidJsonInput"));
    })
    .await;
}

#[tokio::test]
async fn password_reset_flow() {
    each(|h| async move {
        let base = project(&h);
        let c = customer(&h, &base, "Reset@x.de").await;
        let body = json!({"email": "reset@X.de"});
        let (status, t) = post(&h, format!("{base}/customers/password-token"), body).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        assert_eq!(t["customerId"], c["id"]);
        assert_eq!(t["invalidateOlderTokens"], false);
        for field in ["id", "value", "expiresAt", "createdAt"] {
            assert!(t[field].is_string(), "{field}: {t}");
        }
        let value = t["value"].as_str().unwrap();
        let (status, got) = get(&h, format!("{base}/customers/password-token={value}")).await;
        assert_eq!(
            (status, got["id"].clone()),
            (StatusCode::OK, c["id"].clone())
        );
        let (status, _) = admin(
            &h,
            Method::HEAD,
            &format!("{base}/customers/password-token={value}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        let reset = json!({"tokenValue": value, "newPassword": "after-reset"});
        let (status, u) = post(
            &h,
            format!("{base}/customers/password/reset"),
            reset.clone(),
        )
        .await;
        assert_eq!(
            (status, u["version"].as_i64()),
            (StatusCode::OK, Some(2)),
            "{u}"
        );
        assert_eq!(
            login(&h, &base, "reset@x.de", "after-reset").await.0,
            StatusCode::OK
        );
        let (status, err) = post(&h, format!("{base}/customers/password/reset"), reset).await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::NOT_FOUND, "ResourceNotFound"),
            "used"
        );
        let (status, _) = get(&h, format!("{base}/customers/password-token={value}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "used");
        let (status, err) = get(&h, format!("{base}/customers/password-token=no-such-token")).await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        assert!(
            !err.to_string().contains("no-such-token"),
            "the token is never echoed"
        );
    })
    .await;
}

#[tokio::test]
async fn password_token_errors() {
    each(|h| async move {
        let base = project(&h);
        customer(&h, &base, "pt@x.de").await;
        let uri = format!("{base}/customers/password-token");
        let (status, err) = post(&h, uri.clone(), json!({"email": "nobody@x.de"})).await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::NOT_FOUND, "ResourceNotFound"),
            "D7"
        );
        for ttl in [0, 10_081] {
            let (status, err) = post(
                &h,
                uri.clone(),
                json!({"email": "pt@x.de", "ttlMinutes": ttl}),
            )
            .await;
            assert_eq!(
                (status, code(&err)),
                (StatusCode::BAD_REQUEST, "InvalidInput"),
                "{ttl}"
            );
        }
        let value = password_token(&h, &base, "pt@x.de", 1).await;
        h.clock.advance_secs(61);
        let msg = "The password token has expired.";
        let expired = json!({"statusCode": 400, "message": msg,
            "errors": [{"code": "ExpiredCustomerPasswordToken", "message": msg}]});
        let (status, err) = get(&h, format!("{base}/customers/password-token={value}")).await;
        assert_eq!((status, err), (StatusCode::BAD_REQUEST, expired.clone()));
        let reset = json!({"tokenValue": value, "newPassword": "x"});
        let (status, err) = post(&h, format!("{base}/customers/password/reset"), reset).await;
        assert_eq!((status, err), (StatusCode::BAD_REQUEST, expired));

        let fresh = password_token(&h, &base, "pt@x.de", 60).await;
        let stale = json!({"tokenValue": fresh, "newPassword": "x", "version": 9});
        let (status, err) = post(&h, format!("{base}/customers/password/reset"), stale).await;
        assert_eq!(
            (status, err["errors"][0]["currentVersion"].as_i64()),
            (StatusCode::CONFLICT, Some(1))
        );
    })
    .await;
}

#[tokio::test]
async fn in_store_password_tokens_stay_in_their_store() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        let (a, b) = (in_store(&h, "a-store"), in_store(&h, "b-store"));
        customer(&h, &a, "ia@x.de").await;
        customer(&h, &project(&h), "ig@x.de").await;
        let (status, _) = post(&h, format!("{b}/customers/password-token"), json!({"email": "ia@x.de"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not a customer of b-store");
        let value = password_token(&h, &a, "ia@x.de", 60).await;
        let (status, _) = get(&h, format!("{b}/customers/password-token={value}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let reset = json!({"tokenValue": value, "newPassword": "in-a"});
        let (status, _) = post(&h, format!("{b}/customers/password/reset"), reset.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "and the token is not used up");
        let (status, _) = post(&h, format!("{a}/customers/password/reset"), reset).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(login(&h, &a, "ia@x.de", "in-a").await.0, StatusCode::OK);
        // A global customer's token works in any store (D1).
        let value = password_token(&h, &b, "ig@x.de", 60).await;
        let (status, _) = get(&h, format!("{a}/customers/password-token={value}")).await;
        assert_eq!(status, StatusCode::OK);
        // In-store change password of another store's customer: 404.
        let (_, page) = get(&h, format!("{a}/customers?where=email%3D%22ia%40x.de%22")).await;
        let ia = page["results"][0].clone();
        let change = json!({"id": id(&ia), "version": ia["version"], "currentPassword": "in-a", "newPassword": "z"});
        let (status, _) = post(&h, format!("{b}/customers/password"), change.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = post(&h, format!("{a}/customers/password"), change).await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn email_verification_flow() {
    each(|h| async move {
        let base = project(&h);
        let c = customer(&h, &base, "ev@x.de").await;
        assert_eq!(c["isEmailVerified"], false);
        let uri = format!("{base}/customers/email-token");
        let (status, err) = post(&h, uri.clone(), json!({"id": id(&c)})).await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
            "ttlMinutes is required"
        );
        let (status, err) = post(
            &h,
            uri.clone(),
            json!({"id": id(&c), "ttlMinutes": 60, "version": 5}),
        )
        .await;
        assert_eq!(
            (status, err["errors"][0]["currentVersion"].as_i64()),
            (StatusCode::CONFLICT, Some(1))
        );
        let (status, err) = post(&h, uri.clone(), json!({"id": "nope", "ttlMinutes": 60})).await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        let (status, t) = post(
            &h,
            uri.clone(),
            json!({"id": id(&c), "ttlMinutes": 60, "version": 1}),
        )
        .await;
        assert_eq!(
            (status, t["customerId"].clone()),
            (StatusCode::OK, c["id"].clone()),
            "{t}"
        );
        let value = t["value"].as_str().unwrap().to_string();
        let (status, got) = get(&h, format!("{base}/customers/email-token={value}")).await;
        assert_eq!(
            (status, got["id"].clone()),
            (StatusCode::OK, c["id"].clone())
        );
        let (status, _) = get(&h, format!("{base}/customers/password-token={value}")).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "an email token is no password token"
        );

        let confirm = json!({"tokenValue": value});
        let (status, u) = post(
            &h,
            format!("{base}/customers/email/confirm"),
            confirm.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{u}");
        assert_eq!(
            (u["isEmailVerified"].as_bool(), u["version"].as_i64()),
            (Some(true), Some(2))
        );
        let (status, err) = post(&h, format!("{base}/customers/email/confirm"), confirm).await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::NOT_FOUND, "ResourceNotFound"),
            "used"
        );

        let (_, t) = post(&h, uri, json!({"id": id(&c), "ttlMinutes": 1})).await;
        let value = t["value"].as_str().unwrap().to_string();
        h.clock.advance_secs(61);
        let (status, err) = get(&h, format!("{base}/customers/email-token={value}")).await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::BAD_REQUEST, "ExpiredCustomerEmailToken")
        );
        let (status, err) = post(
            &h,
            format!("{base}/customers/email/confirm"),
            json!({"tokenValue": value}),
        )
        .await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::BAD_REQUEST, "ExpiredCustomerEmailToken")
        );
    })
    .await;
}

#[tokio::test]
async fn in_store_email_tokens_stay_in_their_store() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        let (a, b) = (in_store(&h, "a-store"), in_store(&h, "b-store"));
        let c = customer(&h, &a, "ea@x.de").await;
        let body = json!({"id": id(&c), "ttlMinutes": 60});
        let (status, _) = post(&h, format!("{b}/customers/email-token"), body.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, t) = post(&h, format!("{a}/customers/email-token"), body).await;
        assert_eq!(status, StatusCode::OK);
        let value = t["value"].as_str().unwrap().to_string();
        let (status, _) = get(&h, format!("{b}/customers/email-token={value}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let confirm = json!({"tokenValue": value});
        let (status, _) = post(&h, format!("{b}/customers/email/confirm"), confirm.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, u) = post(&h, format!("{a}/customers/email/confirm"), confirm).await;
        assert_eq!(
            (status, u["isEmailVerified"].as_bool()),
            (StatusCode::OK, Some(true))
        );
    })
    .await;
}
