//! `/{projectKey}/api-clients`: create (secret shown once), get, query, head, delete (tokens
//! revoked at once), validation.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{each, Harness};

async fn create(h: &Harness, body: Value) -> (StatusCode, Value) {
    let uri = format!("/{}/api-clients", h.project);
    h.call(Method::POST, &uri, Some(&h.admin_token), Some(body))
        .await
}

#[tokio::test]
async fn create_returns_the_secret_once() {
    each(|h| async move {
        let p = h.project.clone();
        let scope = format!("view_stores:{p} manage_customers:{p}:berlin");
        let (status, created) = create(&h, json!({"name": "shop", "scope": scope})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        let secret = created["secret"].as_str().unwrap().to_string();
        assert!(secret.len() >= 43);
        assert_eq!(created["name"], "shop");
        assert_eq!(created["scope"], scope);
        assert!(created["createdAt"].is_string());
        assert!(created.get("accessTokenValiditySeconds").is_none());

        let (status, got) = h
            .call(
                Method::GET,
                &format!("/{p}/api-clients/{id}"),
                Some(&h.admin_token),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(got.get("secret").is_none(), "{got}");
        let (_, page) = h
            .call(
                Method::GET,
                &format!("/{p}/api-clients"),
                Some(&h.admin_token),
                None,
            )
            .await;
        assert_eq!(page["total"], 2, "the admin client and the new one");
        for body in [&got, &page] {
            let text = body.to_string();
            assert!(!text.contains(&secret), "secret leaked: {text}");
            assert!(!text.contains("argon2"), "hash leaked: {text}");
            assert!(!text.contains("\"secret\""), "{text}");
        }
        let token = h.token_of(&id, &secret).await;
        let (status, _) = h
            .call(Method::GET, &format!("/{p}/stores"), Some(&token), None)
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the secret works at the token endpoint"
        );
    })
    .await;
}

#[tokio::test]
async fn query_head_and_get() {
    each(|h| async move {
        let p = h.project.clone();
        for name in ["alpha", "beta"] {
            let (status, _) = create(
                &h,
                json!({"name": name, "scope": format!("view_stores:{p}")}),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let t = Some(h.admin_token.as_str());
        let uri = format!("/{p}/api-clients?where=name%3D%22beta%22&sort=createdAt%20asc&limit=5");
        let (status, page) = h.call(Method::GET, &uri, t, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["count"], 1);
        assert_eq!(page["results"][0]["name"], "beta");
        let id = page["results"][0]["id"].as_str().unwrap().to_string();
        let (status, _) = h.call(Method::HEAD, &uri, t, None).await;
        assert_eq!(status, StatusCode::OK);
        let none = format!("/{p}/api-clients?where=name%3D%22gamma%22");
        let (status, _) = h.call(Method::HEAD, &none, t, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = h
            .call(Method::HEAD, &format!("/{p}/api-clients/{id}"), t, None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = h
            .call(Method::HEAD, &format!("/{p}/api-clients/nope"), t, None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = h
            .call(Method::GET, &format!("/{p}/api-clients/nope"), t, None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["errors"][0]["code"], "ResourceNotFound");
        let bad = format!("/{p}/api-clients?where=secret%3D%22x%22");
        let (status, body) = h.call(Method::GET, &bad, t, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    })
    .await;
}

#[tokio::test]
async fn delete_revokes_tokens_at_once() {
    each(|h| async move {
        let p = h.project.clone();
        let (id, secret) = h.client(&format!("view_stores:{p}")).await;
        let token = h.token_of(&id, &secret).await;
        let stores = format!("/{p}/stores");
        let (status, _) = h.call(Method::GET, &stores, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "the token is cached now");
        let uri = format!("/{p}/api-clients/{id}");
        let (status, deleted) = h
            .call(Method::DELETE, &uri, Some(&h.admin_token), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(deleted["id"], id.as_str());
        assert!(deleted.get("secret").is_none());
        let (status, body) = h.call(Method::GET, &stores, Some(&token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "invalid_token");
        let (status, body) = h.request_token(&id, &secret, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "invalid_client");
        let (status, _) = h.call(Method::GET, &uri, Some(&h.admin_token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = h
            .call(Method::DELETE, &uri, Some(&h.admin_token), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_client_is_refused_by_other_instances_within_the_cache_ttl() {
    each(|h| async move {
        let p = h.project.clone();
        let (id, secret) = h.client(&format!("view_stores:{p}")).await;
        let token = h.token_of(&id, &secret).await;
        let b = h.second_instance();
        let stores = format!("/{p}/stores");
        let (status, _) = b.call(Method::GET, &stores, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "instance B caches the token");
        let uri = format!("/{p}/api-clients/{id}");
        let (status, _) = h
            .call(Method::DELETE, &uri, Some(&h.admin_token), None)
            .await;
        assert_eq!(status, StatusCode::OK, "deleted on instance A");
        h.clock
            .advance_secs(storekeep_core::oauth::TOKEN_CACHE_TTL_MS / 1000);
        let (status, _) = b.call(Method::GET, &stores, Some(&token), None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "B refuses it after the cache TTL"
        );
    })
    .await;
}

#[tokio::test]
async fn drafts_are_validated() {
    each(|h| async move {
        let p = h.project.clone();
        let bad_scopes = [
            ("unknown scope name", format!("frobnicate:{p}")),
            (
                "another project",
                "view_stores:some-other-project".to_string(),
            ),
            ("malformed store", format!("manage_customers:{p}:bad$store")),
            ("empty store", format!("manage_customers:{p}:")),
            ("no store form", format!("view_stores:{p}:berlin")),
            ("no project", "view_stores".to_string()),
            ("identity scope", "customer_id:123".to_string()),
            ("empty", " ".to_string()),
        ];
        for (why, scope) in bad_scopes {
            let (status, body) = create(&h, json!({"name": "x", "scope": scope})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{why}: {body}");
            assert_eq!(body["errors"][0]["code"], "InvalidInput", "{why}: {body}");
        }
        let scope = format!("view_stores:{p}");
        let bad_fields = [
            ("name", json!({"name": "  ", "scope": scope})),
            (
                "accessTokenValiditySeconds",
                json!({"name": "x", "scope": scope, "accessTokenValiditySeconds": 3599}),
            ),
            (
                "accessTokenValiditySeconds",
                json!({"name": "x", "scope": scope, "accessTokenValiditySeconds": 604_801}),
            ),
            (
                "refreshTokenValiditySeconds",
                json!({"name": "x", "scope": scope, "refreshTokenValiditySeconds": 29}),
            ),
            (
                "refreshTokenValiditySeconds",
                json!({"name": "x", "scope": scope, "refreshTokenValiditySeconds": 31_536_001}),
            ),
            (
                "deleteDaysAfterCreation",
                json!({"name": "x", "scope": scope, "deleteDaysAfterCreation": 0}),
            ),
        ];
        for (field, body) in bad_fields {
            let (status, resp) = create(&h, body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {resp}");
            assert_eq!(resp["errors"][0]["code"], "InvalidField", "{resp}");
            assert_eq!(resp["errors"][0]["field"], field, "{resp}");
        }
        let (status, resp) = create(&h, json!({"name": "x"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(resp["errors"][0]["code"], "InvalidJsonInput", "{resp}");
        // A draft cannot choose the secret: the undeclared field is ignored.
        let (status, resp) =
            create(&h, json!({"name": "x", "scope": scope, "secret": "mine"})).await;
        assert_eq!(status, StatusCode::CREATED, "{resp}");
        assert_ne!(resp["secret"], "mine", "{resp}");
        let ok = json!({"name": "x", "scope": scope, "accessTokenValiditySeconds": 3600,
                        "refreshTokenValiditySeconds": 30});
        let (status, body) = create(&h, ok).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["accessTokenValiditySeconds"], 3600);
        assert_eq!(body["refreshTokenValiditySeconds"], 30);
    })
    .await;
}
