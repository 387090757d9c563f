//! `me` and the `me` mutations with real customer tokens from the password flow (project-wide
//! and in-store) and anonymous-session tokens.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{code, Gq, A, B, PW};

#[tokio::test]
async fn me_is_the_tokens_customer() {
    Gq::each(|g| async move {
        let global = g.customer_token(None, &g.g1).await;
        let (status, body) = g.post(Some(&global), "me", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["me"]["customer"]["id"], g.g1.id.as_str());
        // A global customer is visible in every store (D1).
        let (_, body) = g
            .post(Some(&global), "in_store_me", json!({"store": B}))
            .await;
        assert_eq!(
            body["data"]["inStore"]["me"]["customer"]["id"],
            g.g1.id.as_str(),
            "{body}"
        );

        let in_a = g.customer_token(Some(A), &g.a1).await;
        let (_, body) = g
            .post(Some(&in_a), "in_store_me", json!({"store": A}))
            .await;
        assert_eq!(
            body["data"]["inStore"]["me"]["customer"]["email"],
            g.a1.email.as_str(),
            "{body}"
        );
        for (doc, vars) in [("me", json!({})), ("in_store_me", json!({"store": B}))] {
            let (status, body) = g.post(Some(&in_a), doc, vars).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(
                code(&body),
                "insufficient_scope",
                "store-fenced token, {doc}: {body}"
            );
        }

        let anonymous = g.anonymous_token().await;
        let (_, body) = g.post(Some(&anonymous), "me", json!({})).await;
        assert_eq!(body["data"]["me"]["customer"], Value::Null, "{body}");
        assert!(body.get("errors").is_none(), "{body}");

        let client = g.h.token(&format!("manage_my_profile:{}", g.p)).await;
        let (_, body) = g.post(Some(&client), "me", json!({})).await;
        assert_eq!(
            code(&body),
            "insufficient_scope",
            "not a session token: {body}"
        );
    })
    .await;
}

#[tokio::test]
async fn update_and_delete_my_customer() {
    Gq::each(|g| async move {
        let in_a = g.customer_token(Some(A), &g.a1).await;
        let actions = json!([{"setFirstName": {"firstName": "Mia"}}]);
        let vars = json!({"version": 1, "actions": actions, "storeKey": A});
        let (status, body) = g.post(Some(&in_a), "update_my_customer", vars).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["data"]["updateMyCustomer"]["firstName"], "Mia",
            "{body}"
        );
        assert_eq!(body["data"]["updateMyCustomer"]["id"], g.a1.id.as_str());

        let vars = json!({"version": 2, "actions": actions});
        let (_, body) = g.post(Some(&in_a), "update_my_customer", vars).await;
        assert_eq!(
            code(&body),
            "insufficient_scope",
            "fenced to store A: {body}"
        );
        let (status, body) = g
            .post(
                Some(&in_a),
                "update_my_customer_set_key",
                json!({"version": 2}),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput"),
            "{body}"
        );

        let anonymous = g.anonymous_token().await;
        let vars = json!({"version": 1, "actions": actions});
        let (_, body) = g.post(Some(&anonymous), "update_my_customer", vars).await;
        assert_eq!(
            code(&body),
            "insufficient_scope",
            "needs a customer token: {body}"
        );

        let (_, body) = g
            .post(
                Some(&in_a),
                "delete_my_customer",
                json!({"version": 1, "storeKey": A}),
            )
            .await;
        assert_eq!(code(&body), "ConcurrentModification", "{body}");
        let (_, body) = g
            .post(
                Some(&in_a),
                "delete_my_customer",
                json!({"version": 2, "storeKey": A}),
            )
            .await;
        assert_eq!(
            body["data"]["deleteMyCustomer"]["id"],
            g.a1.id.as_str(),
            "{body}"
        );
        let gone = g.admin("customer", json!({ "id": g.a1.id })).await;
        assert_eq!(gone["customer"], Value::Null);
    })
    .await;
}

#[tokio::test]
async fn sign_me_up_and_in_from_an_anonymous_session() {
    Gq::each(|g| async move {
        let anonymous = g.anonymous_token().await;
        let vars = json!({"email": "me@gq.test", "password": "pw-me", "storeKey": B});
        let (status, body) = g.post(Some(&anonymous), "customer_sign_me_up", vars).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let c = &body["data"]["customerSignMeUp"]["customer"];
        assert_eq!(c["firstName"], "Me");
        assert_eq!(c["storesRef"], json!([{"key": B}]));

        let vars = json!({"email": "me@gq.test", "password": "pw-me", "storeKey": B});
        let (_, body) = g.post(Some(&anonymous), "customer_sign_me_in", vars).await;
        assert_eq!(
            body["data"]["customerSignMeIn"]["customer"]["email"], "me@gq.test",
            "{body}"
        );
        let vars = json!({"email": "me@gq.test", "password": "pw-me", "storeKey": A});
        let (_, body) = g.post(Some(&anonymous), "customer_sign_me_in", vars).await;
        assert_eq!(code(&body), "InvalidCredentials", "{body}");
        let vars = json!({"email": g.g1.email, "password": PW});
        let (_, body) = g.post(Some(&anonymous), "customer_sign_me_up", vars).await;
        assert_eq!(code(&body), "DuplicateField", "{body}");
    })
    .await;
}

#[tokio::test]
async fn my_password_and_email_flows() {
    Gq::each(|g| async move {
        let token = g.customer_token(None, &g.g1).await;
        let vars = json!({"version": 1, "current": "wrong", "new": "pw-2"});
        let (_, body) = g
            .post(Some(&token), "customer_change_my_password", vars)
            .await;
        assert_eq!(code(&body), "InvalidCurrentPassword", "{body}");

        // Tokens are created by the back office; a customer may use only its own.
        let t = g
            .admin(
                "customer_create_password_reset_token",
                json!({"email": g.b1.email, "storeKey": B}),
            )
            .await;
        let others = t["customerCreatePasswordResetToken"]["value"].clone();
        let vars = json!({"token": others, "new": "pw-x"});
        let (_, body) = g
            .post(Some(&token), "customer_reset_my_password", vars)
            .await;
        assert_eq!(code(&body), "ResourceNotFound", "{body}");

        let t = g
            .admin(
                "customer_create_email_verification_token",
                json!({"id": g.g1.id, "ttl": 10}),
            )
            .await;
        let mine = t["customerCreateEmailVerificationToken"]["value"].clone();
        let (_, body) = g
            .post(
                Some(&token),
                "customer_confirm_my_email",
                json!({ "token": mine }),
            )
            .await;
        assert_eq!(
            body["data"]["customerConfirmMyEmail"]["isEmailVerified"], true,
            "{body}"
        );

        let t = g
            .admin(
                "customer_create_password_reset_token",
                json!({"email": g.g1.email}),
            )
            .await;
        let mine = t["customerCreatePasswordResetToken"]["value"].clone();
        let (_, body) = g
            .post(
                Some(&token),
                "customer_reset_my_password",
                json!({"token": mine, "new": "pw-3"}),
            )
            .await;
        assert_eq!(
            body["data"]["customerResetMyPassword"]["id"],
            g.g1.id.as_str(),
            "{body}"
        );

        let fresh = g.anonymous_token().await;
        let vars = json!({"email": g.g1.email, "password": "pw-3"});
        let (_, body) = g.post(Some(&fresh), "customer_sign_me_in", vars).await;
        assert_eq!(
            body["data"]["customerSignMeIn"]["customer"]["id"],
            g.g1.id.as_str(),
            "{body}"
        );
    })
    .await;
}

#[tokio::test]
async fn change_my_password() {
    Gq::each(|g| async move {
        let token = g.customer_token(None, &g.g1).await;
        let vars = json!({"version": 1, "current": PW, "new": "pw-2"});
        let (_, body) = g
            .post(Some(&token), "customer_change_my_password", vars)
            .await;
        assert_eq!(
            body["data"]["customerChangeMyPassword"]["version"], 2,
            "{body}"
        );
        let r = g
            .admin(
                "customer_sign_in",
                json!({"email": g.g1.email, "password": "pw-2"}),
            )
            .await;
        assert_eq!(r["customerSignIn"]["customer"]["id"], g.g1.id.as_str());
    })
    .await;
}
