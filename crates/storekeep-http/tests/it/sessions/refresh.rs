//! The refresh-token grant: at `/oauth/token` and at the flows' own endpoints (where the SDKs
//! send it), scopes kept or narrowed, the inactivity lifetime, and every refusal.

use axum::http::StatusCode;
use storekeep_core::oauth::{random_token, sha256_hex, OAUTH_PARTITION};
use storekeep_core::storage::{Collection, Lookup, Uniqueness};

use super::{access, assert_oauth, refresh_of, Shop, A, B};
use crate::harness::{basic, draft};

#[tokio::test]
async fn refresh_a_customer_session() {
    Shop::each(|s| async move {
        let first = s.login(None, &s.g1).await;
        let rt = refresh_of(&first);
        for uri in ["/oauth/token".to_string(), s.password_uri(None)] {
            let (status, _, body) = s.refresh(&uri, &rt, "").await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
            assert_eq!(body["scope"], first["scope"], "same scopes");
            // oauth.raml: the refresh grant answers a TokenResponse, without a refresh
            // token; the one the client has stays valid (tested by the loop's next round).
            assert!(body.get("refresh_token").is_none(), "{body}");
            assert_eq!(body["token_type"], "Bearer");
            assert_ne!(body["access_token"], first["access_token"]);
            let (status, me) = s.get(&s.me(None, ""), &access(&body)).await;
            assert_eq!(
                (status, me["id"].as_str()),
                (StatusCode::OK, Some(&*s.g1.id))
            );
        }
        // The first access token still works.
        let (status, _) = s.get(&s.me(None, ""), &access(&first)).await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn refresh_keeps_the_store_and_at_most_the_scopes() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let first = s.login(Some(A), &s.a1).await;
        let rt = refresh_of(&first);
        let (status, _, body) = s.refresh(&s.password_uri(Some(A)), &rt, "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let t = access(&body);
        let (status, _) = s.get(&s.me(Some(A), ""), &t).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = s.get(&s.me(None, ""), &t).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "still fenced to its store");
        // Narrowing.
        let extra = format!("&scope=manage_my_orders:{p}");
        let (status, _, body) = s.refresh("/oauth/token", &rt, &extra).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["scope"],
            format!("manage_my_orders:{p} customer_id:{}", s.a1.id)
        );
        let (status, _) = s.get(&s.me(Some(A), ""), &access(&body)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "manage_my_profile was left out"
        );
        // Widening or changing identity: invalid_scope.
        for bad in [
            format!("manage_project:{p}"),
            format!("manage_customers:{p}"),
            format!("customer_id:{}", s.a2.id),
        ] {
            let (status, _, body) = s
                .refresh("/oauth/token", &rt, &format!("&scope={bad}"))
                .await;
            assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        }
        // Another store's path.
        let (status, _, body) = s.refresh(&s.password_uri(Some(B)), &rt, "").await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
    })
    .await;
}

#[tokio::test]
async fn refresh_an_anonymous_session() {
    Shop::each(|s| async move {
        let first = s.anonymous().await;
        let rt = refresh_of(&first);
        let (status, _, body) = s.refresh(&s.anonymous_uri(), &rt, "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["scope"], first["scope"], "same anonymous_id");
        let (status, _, body) = s.refresh("/oauth/token", &rt, "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}

#[tokio::test]
async fn refusals() {
    Shop::each(|s| async move {
        let first = s.login(None, &s.g1).await;
        let rt = refresh_of(&first);
        // Unknown, an access token, missing.
        for token in ["no-such-token".to_string(), access(&first)] {
            let (status, _, body) = s.refresh("/oauth/token", &token, "").await;
            assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
        }
        let (status, _, body) =
            s.h.post_form("/oauth/token", Some(&s.front()), "grant_type=refresh_token")
                .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
        // Another client of the same project.
        let (id, secret) = s.h.client(&super::storefront_scopes(&s.p)).await;
        let form = format!("grant_type=refresh_token&refresh_token={rt}");
        let (status, _, body) =
            s.h.post_form("/oauth/token", Some(&basic(&id, &secret)), &form)
                .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
        // Wrong secret of the right client.
        let (status, _, body) =
            s.h.post_form("/oauth/token", Some(&basic(&s.front_id, "x")), &form)
                .await;
        assert_oauth(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
        // Another project's path.
        let uri = "/oauth/some-other-project/customers/token";
        let (status, _, body) = s.refresh(uri, &rt, "").await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
        // A refresh token is no bearer token.
        let (status, _) = s.get(&s.me(None, ""), &rt).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn refresh_tokens_expire_after_inactivity() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let c =
            s.h.create_client(
                &p,
                storekeep_core::api_clients::ApiClientDraft {
                    refresh_token_validity_seconds: Some(60),
                    ..draft(&super::storefront_scopes(&p))
                },
            )
            .await;
        let auth = basic(&c.client.id, &c.secret);
        let form = format!(
            "grant_type=password&username={}&password={}",
            s.g1.email,
            super::urlencode(super::PW)
        );
        let (status, _, body) =
            s.h.post_form(&s.password_uri(None), Some(&auth), &form)
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let form = format!(
            "grant_type=refresh_token&refresh_token={}",
            refresh_of(&body)
        );
        // Each use starts the inactivity timeout again.
        for _ in 0..3 {
            s.h.clock.advance_secs(40);
            let (status, _, body) = s.h.post_form("/oauth/token", Some(&auth), &form).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        s.h.clock.advance_secs(61);
        let (status, _, body) = s.h.post_form("/oauth/token", Some(&auth), &form).await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
    })
    .await;
}

/// Refresh tokens read `{projectKey}:` and then at least 256 random bits (43 base64url
/// characters), the shape of the API's; a token of the earlier unprefixed shape, stored by
/// the hash of its value like every token, still refreshes.
#[tokio::test]
async fn refresh_tokens_carry_the_project_prefix_and_old_ones_keep_working() {
    Shop::each(|s| async move {
        let first = s.login(None, &s.g1).await;
        let rt = refresh_of(&first);
        let random = rt.strip_prefix(&format!("{}:", s.p)).unwrap();
        assert!(random.len() >= 43, "{rt}");
        assert!(!random.contains(':'), "{rt}");
        let anon = refresh_of(&s.anonymous().await);
        assert!(anon.starts_with(&format!("{}:", s.p)), "{anon}");
        let storage = s.h.services.repo.storage();
        let doc = storage
            .get(
                Collection::OAuthTokens,
                OAUTH_PARTITION,
                Lookup::Id(&sha256_hex(&rt)),
            )
            .await
            .unwrap()
            .unwrap();
        let legacy = random_token();
        let copy = storekeep_core::storage::Doc {
            id: sha256_hex(&legacy),
            ..doc
        };
        storage
            .insert(
                Collection::OAuthTokens,
                OAUTH_PARTITION,
                &copy,
                &Uniqueness::default(),
            )
            .await
            .unwrap();
        let (status, _, body) = s.refresh("/oauth/token", &legacy, "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, me) = s.get(&s.me(None, ""), &access(&body)).await;
        assert_eq!(
            (status, me["id"].as_str()),
            (StatusCode::OK, Some(&*s.g1.id))
        );
    })
    .await;
}
