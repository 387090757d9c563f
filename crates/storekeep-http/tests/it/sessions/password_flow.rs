//! The password flow, project-wide and in-store: the token and what it reaches, and every
//! error case (auth.md §1–2, D1).

use axum::http::{header, StatusCode};
use serde_json::Value;

use super::{access, assert_oauth, Shop, A, B, PW};
use crate::harness::basic;

fn scopes(body: &Value) -> Vec<String> {
    body["scope"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn global_customer_signs_in_project_wide() {
    Shop::each(|s| async move {
        let (status, headers, body) = s.password_flow(None, &s.g1.email, PW).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 172_800);
        assert!(body["refresh_token"].as_str().unwrap().len() >= 43);
        let sc = scopes(&body);
        let p = &s.p;
        for want in [
            format!("manage_my_profile:{p}"),
            format!("manage_my_orders:{p}"),
            format!("view_published_products:{p}"),
            format!("customer_id:{}", s.g1.id),
        ] {
            assert!(sc.contains(&want), "{want} in {sc:?}");
        }
        assert!(
            !sc.iter().any(|x| x.starts_with("create_anonymous_token")),
            "{sc:?}"
        );
        let t = access(&body);
        let (status, me) = s.get(&s.me(None, ""), &t).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["id"], s.g1.id.as_str());
        // Global customers are visible in every store (D1).
        let (status, me) = s.get(&s.me(Some(B), ""), &t).await;
        assert_eq!(
            (status, me["id"].as_str()),
            (StatusCode::OK, Some(&*s.g1.id))
        );
        // Email case does not matter.
        let (status, _, body) = s.password_flow(None, "G1@Shop.TEST", PW).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}

#[tokio::test]
async fn store_customer_signs_in_through_its_store_and_stays_there() {
    Shop::each(|s| async move {
        let body = s.login(Some(A), &s.a1).await;
        assert!(scopes(&body).contains(&format!("customer_id:{}", s.a1.id)));
        let t = access(&body);
        let (status, me) = s.get(&s.me(Some(A), ""), &t).await;
        assert_eq!(
            (status, me["id"].as_str()),
            (StatusCode::OK, Some(&*s.a1.id))
        );
        for uri in [s.me(None, ""), s.me(Some(B), "")] {
            let (status, body) = s.get(&uri, &t).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {body}");
            assert_eq!(body["errors"][0]["code"], "insufficient_scope");
        }
        // D1: a global customer may sign in through a store, and is then fenced to it.
        let t = s.token(Some(A), &s.g1).await;
        let (status, me) = s.get(&s.me(Some(A), ""), &t).await;
        assert_eq!(
            (status, me["id"].as_str()),
            (StatusCode::OK, Some(&*s.g1.id))
        );
        let (status, _) = s.get(&s.me(None, ""), &t).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_and_customers_the_path_may_not_sign_in() {
    Shop::each(|s| async move {
        let cases = [
            (
                None,
                s.a1.email.as_str(),
                PW,
                "store customer, project flow",
            ),
            (
                Some(B),
                s.a1.email.as_str(),
                PW,
                "customer of another store",
            ),
            (None, s.g1.email.as_str(), "wrong", "wrong password"),
            (
                Some(A),
                s.a1.email.as_str(),
                "wrong",
                "wrong password in store",
            ),
            (None, "nobody@shop.test", PW, "unknown email"),
        ];
        let mut messages = Vec::new();
        for (store, email, pw, what) in cases {
            let (status, _, body) = s.password_flow(store, email, pw).await;
            assert_oauth(
                status,
                &body,
                StatusCode::BAD_REQUEST,
                "invalid_customer_account_credentials",
            );
            messages.push(body["message"].clone());
            assert!(body.get("access_token").is_none(), "{what}");
        }
        messages.dedup();
        assert_eq!(
            messages.len(),
            1,
            "one message for every case: {messages:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn client_errors() {
    Shop::each(|s| async move {
        let form = format!("grant_type=password&username={}&password={PW}", s.g1.email);
        let uri = s.password_uri(None);
        let wrong = basic(&s.front_id, "not-the-secret");
        let (status, headers, body) = s.h.post_form(&uri, Some(&wrong), &form).await;
        assert_oauth(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
        assert!(headers.contains_key(header::WWW_AUTHENTICATE));
        let (status, _, body) = s.h.post_form(&uri, None, &form).await;
        assert_oauth(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
        // A client of another project, on this project's path.
        let (q, _) = s.h.foreign_token("manage_project:{q}").await;
        let (id, secret) = s.h.project_client(&q, &super::storefront_scopes(&q)).await;
        let (status, _, body) = s.h.post_form(&uri, Some(&basic(&id, &secret)), &form).await;
        assert_oauth(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
    })
    .await;
}

#[tokio::test]
async fn request_errors() {
    Shop::each(|s| async move {
        let uri = s.password_uri(Some(A));
        let e = &s.a1.email;
        for (form, code) in [
            (
                format!("grant_type=password&password={PW}"),
                "invalid_request",
            ),
            (
                format!("grant_type=password&username={e}"),
                "invalid_request",
            ),
            (
                format!("grant_type=password&username={e}&password="),
                "invalid_request",
            ),
            (format!("username={e}&password={PW}"), "invalid_request"),
            (
                "grant_type=client_credentials".to_string(),
                "unsupported_grant_type",
            ),
            (
                "grant_type=authorization_code".to_string(),
                "unsupported_grant_type",
            ),
        ] {
            let (status, _, body) = s.h.post_form(&uri, Some(&s.front()), &form).await;
            assert_oauth(status, &body, StatusCode::BAD_REQUEST, code);
        }
        // An unknown store (the client's scopes would allow it): 404, OAuth body.
        let uri = format!("/oauth/{}/in-store/key=nowhere/customers/token", s.p);
        let form = format!("grant_type=password&username={e}&password={PW}");
        let (status, _, body) = s.h.post_form(&uri, Some(&s.front()), &form).await;
        assert_oauth(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    })
    .await;
}

#[tokio::test]
async fn scopes_are_the_customer_scopes_the_client_may_grant() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let with_scope = |scope: String| {
            let s = &s;
            async move {
                let form = format!(
                    "grant_type=password&username={}&password={PW}&scope={scope}",
                    s.g1.email
                );
                s.h.post_form(&s.password_uri(None), Some(&s.front()), &form)
                    .await
            }
        };
        let (status, _, body) = with_scope(format!("manage_my_profile:{p}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["scope"],
            format!("manage_my_profile:{p} customer_id:{}", s.g1.id)
        );
        // Not held by the client, malformed, or an identity scope: invalid_scope.
        for bad in [
            format!("manage_customers:{p}"),
            format!("manage_my_profile:q-{p}"),
            "nonsense".to_string(),
            "customer_id:someone-else".to_string(),
        ] {
            let (status, _, body) = with_scope(bad.clone()).await;
            assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        }
        // A held scope that a session may not carry is left out of the grant.
        let (status, _, body) =
            with_scope(format!("manage_my_profile:{p} create_anonymous_token:{p}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["scope"],
            format!("manage_my_profile:{p} customer_id:{}", s.g1.id)
        );
    })
    .await;
}

#[tokio::test]
async fn admin_clients_grant_only_customer_scopes() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let form = format!("grant_type=password&username={}&password={PW}", s.g1.email);
        // manage_project implies every session scope: the token gets those, not manage_project.
        let admin = basic(&s.h.admin_id, &s.h.admin_secret);
        let (status, _, body) =
            s.h.post_form(&s.password_uri(None), Some(&admin), &form)
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let sc = scopes(&body);
        assert!(sc.contains(&format!("manage_my_profile:{p}")), "{sc:?}");
        assert!(
            !sc.iter().any(|x| x.starts_with("manage_project")),
            "{sc:?}"
        );
        let t = access(&body);
        let (status, _) = s.get(&format!("/{p}/customers/{}", s.g2.id), &t).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "no admin route with a customer token"
        );
        // A client without any customer scope cannot sign customers in.
        let (id, secret) = s.h.client(&format!("view_stores:{p}")).await;
        let (status, _, body) =
            s.h.post_form(&s.password_uri(None), Some(&basic(&id, &secret)), &form)
                .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        // A client scoped to store B cannot sign anyone in through store A.
        let (id, secret) = s.h.client(&format!("manage_my_profile:{p}:{B}")).await;
        let form = format!("grant_type=password&username={}&password={PW}", s.a1.email);
        let (status, _, body) =
            s.h.post_form(&s.password_uri(Some(A)), Some(&basic(&id, &secret)), &form)
                .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_scope");
        let form = format!("grant_type=password&username={}&password={PW}", s.b1.email);
        let (status, _, body) =
            s.h.post_form(&s.password_uri(Some(B)), Some(&basic(&id, &secret)), &form)
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["scope"],
            format!("manage_my_profile:{p}:{B} customer_id:{}", s.b1.id)
        );
    })
    .await;
}

#[tokio::test]
async fn client_token_lifetimes_apply() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let c =
            s.h.create_client(
                &p,
                storekeep_core::api_clients::ApiClientDraft {
                    access_token_validity_seconds: Some(3600),
                    ..crate::harness::draft(&super::storefront_scopes(&p))
                },
            )
            .await;
        let form = format!("grant_type=password&username={}&password={PW}", s.g1.email);
        let auth = basic(&c.client.id, &c.secret);
        let (status, _, body) =
            s.h.post_form(&s.password_uri(None), Some(&auth), &form)
                .await;
        assert_eq!(
            (status, body["expires_in"].as_i64()),
            (StatusCode::OK, Some(3600))
        );
        let t = access(&body);
        s.h.clock.advance_secs(3601);
        let (status, body) = s.get(&s.me(None, ""), &t).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    })
    .await;
}
