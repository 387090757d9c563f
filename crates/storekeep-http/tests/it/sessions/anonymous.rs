//! The anonymous session flow: the token, `anonymous_id` (generated, chosen, in use), what an
//! anonymous token reaches, and the error cases.

use axum::http::{header, StatusCode};
use serde_json::json;

use super::{access, anonymous_id_of, assert_api, assert_oauth, Shop, A, PW};
use crate::harness::basic;

#[tokio::test]
async fn anonymous_token_with_a_generated_id() {
    Shop::each(|s| async move {
        let (status, headers, body) =
            s.h.post_form(
                &s.anonymous_uri(),
                Some(&s.front()),
                "grant_type=client_credentials",
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 172_800);
        assert!(body["refresh_token"].is_string(), "{body}");
        let scope = body["scope"].as_str().unwrap();
        let id = scope
            .split(' ')
            .find_map(|x| x.strip_prefix("anonymous_id:"))
            .unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert!(
            scope.contains(&format!("manage_my_orders:{}", s.p)),
            "{scope}"
        );
        assert!(!scope.contains("create_anonymous_token"), "{scope}");
        assert!(!scope.contains("customer_id"), "{scope}");
        // No customer: /me is refused; the session may sign up.
        let t = access(&body);
        let (status, body) = s.get(&s.me(None, ""), &t).await;
        assert_api(status, &body, StatusCode::FORBIDDEN, "insufficient_scope");
        let signup = json!({"email": "new@shop.test", "password": PW});
        let (status, body) = s.post(&s.me(Some(A), "/signup"), &t, signup).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["customer"]["stores"][0]["key"], A);
    })
    .await;
}

#[tokio::test]
async fn chosen_anonymous_id_and_id_in_use() {
    Shop::each(|s| async move {
        let (status, _, body) = s.anonymous_as("device-42").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(anonymous_id_of(&body), "device-42", "{body}");
        let (status, _, body) = s.anonymous_as("device-42").await;
        assert_oauth(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "AnonymousIdAlreadyInUse",
        );
        let (status, _, body) = s.anonymous_as("a b").await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
    })
    .await;
}

/// F7 (issue 21): an anonymous id that a cart carries is in use — another shopper's cart, a
/// cart handed to a customer, a cart of any state — so no client can mint a session for it
/// and read those carts through `/me/carts`. The answer is the same for every such cart.
#[tokio::test]
async fn anonymous_id_of_a_cart_is_in_use() {
    Shop::each(|s| async move {
        let victim = s.anonymous().await;
        let victim_id = anonymous_id_of(&victim);
        let (status, cart) = s
            .post(
                &s.me(None, "/carts"),
                &access(&victim),
                json!({"currency": "EUR"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{cart}");
        // A cart made by an API client for an id no token ever carried, and one of a customer.
        let admin = s.h.admin_token.clone();
        let uri = format!("/{}/carts", s.p);
        let draft = json!({"currency": "EUR", "anonymousId": "device-7"});
        let (status, _) = s.post(&uri, &admin, draft).await;
        assert_eq!(status, StatusCode::CREATED);
        // (A draft cannot name both; the cart gets its customer afterwards.)
        let draft = json!({"currency": "EUR", "anonymousId": "device-8"});
        let (status, c8) = s.post(&uri, &admin, draft).await;
        assert_eq!(status, StatusCode::CREATED);
        let set = json!({"version": c8["version"],
            "actions": [{"action": "setCustomerId", "customerId": s.g1.id}]});
        let (status, c8) = s
            .post(
                &format!("{uri}/{}", c8["id"].as_str().unwrap()),
                &admin,
                set,
            )
            .await;
        assert_eq!(
            (status, &c8["customerId"]),
            (StatusCode::OK, &json!(s.g1.id)),
            "{c8}"
        );
        // The victim's own access token is still live; let it lapse: the cart alone is enough.
        s.h.clock.advance_secs(172_801);
        for taken in [victim_id.as_str(), "device-7", "device-8"] {
            let (status, _, body) = s.anonymous_as(taken).await;
            assert_oauth(
                status,
                &body,
                StatusCode::BAD_REQUEST,
                "AnonymousIdAlreadyInUse",
            );
            assert!(body["access_token"].is_null(), "{body}");
            assert!(
                !body.to_string().contains(cart["id"].as_str().unwrap()),
                "{body}"
            );
        }
        // An id nothing uses is still free.
        let (status, _, body) = s.anonymous_as("device-9").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The victim keeps its cart through its refresh token.
        let (status, _, body) = s
            .refresh("/oauth/token", &super::refresh_of(&victim), "")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mine = s.me(None, &format!("/carts/{}", cart["id"].as_str().unwrap()));
        let (status, body) = s.get(&mine, &access(&body)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}

#[tokio::test]
async fn client_needs_create_anonymous_token() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let (id, secret) = s.h.client(&format!("manage_my_profile:{p}")).await;
        let auth = basic(&id, &secret);
        let (status, _, body) =
            s.h.post_form(
                &s.anonymous_uri(),
                Some(&auth),
                "grant_type=client_credentials",
            )
            .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        // With it, but with nothing a session may carry.
        let (id, secret) = s.h.client(&format!("create_anonymous_token:{p}")).await;
        let auth = basic(&id, &secret);
        let (status, _, body) =
            s.h.post_form(
                &s.anonymous_uri(),
                Some(&auth),
                "grant_type=client_credentials",
            )
            .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        // Requested scopes narrow the grant; scopes the client lacks are refused.
        let form = format!("grant_type=client_credentials&scope=manage_my_orders:{p}");
        let (status, _, body) =
            s.h.post_form(&s.anonymous_uri(), Some(&s.front()), &form)
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["scope"]
            .as_str()
            .unwrap()
            .starts_with(&format!("manage_my_orders:{p} anonymous_id:")));
        let form = format!("grant_type=client_credentials&scope=manage_customers:{p}");
        let (status, _, body) =
            s.h.post_form(&s.anonymous_uri(), Some(&s.front()), &form)
                .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
    })
    .await;
}

#[tokio::test]
async fn anonymous_flow_errors() {
    Shop::each(|s| async move {
        let uri = s.anonymous_uri();
        let (status, _, body) =
            s.h.post_form(&uri, None, "grant_type=client_credentials")
                .await;
        assert_oauth(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
        let (status, _, body) =
            s.h.post_form(&uri, Some(&s.front()), "grant_type=password")
                .await;
        assert_oauth(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        );
        let (status, _, body) = s.h.post_form(&uri, Some(&s.front()), "").await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
        // Another project's path with this project's client.
        let other = "/oauth/some-other-project/anonymous/token";
        let (status, _, body) =
            s.h.post_form(other, Some(&s.front()), "grant_type=client_credentials")
                .await;
        assert_oauth(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
    })
    .await;
}
