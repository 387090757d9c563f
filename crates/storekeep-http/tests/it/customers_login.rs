//! `POST /{p}/login` and `POST /{p}/in-store/key={s}/login`: 200 with a
//! `CustomerSignInResult`; `InvalidCredentials` for an unknown email, a wrong password, a
//! customer of another store, or a store-specific customer at the project `/login`.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::{admin, code, customer, in_store, login, post_raw, project, sign_up, store};
use crate::harness::each;

#[tokio::test]
async fn global_and_in_store_sign_in() {
    each(|h| async move {
        store(&h, "a-store").await;
        let g = customer(&h, &project(&h), "Glob@x.de").await;
        let a = customer(&h, &in_store(&h, "a-store"), "inner@x.de").await;

        let (status, r) = login(&h, &project(&h), "glob@X.de", "secret-1").await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(
            r["customer"]["id"], g["id"],
            "email compared case-insensitively"
        );
        assert!(r.get("cart").is_none(), "no active cart: {r}");
        let (status, r) = login(&h, &in_store(&h, "a-store"), "INNER@x.de", "secret-1").await;
        assert_eq!(
            (status, r["customer"]["id"].clone()),
            (StatusCode::OK, a["id"].clone())
        );
        let (status, r) = login(&h, &in_store(&h, "a-store"), "glob@x.de", "secret-1").await;
        assert_eq!(
            (status, r["customer"]["id"].clone()),
            (StatusCode::OK, g["id"].clone()),
            "D1"
        );
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_are_invalid_credentials() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        customer(&h, &project(&h), "g@x.de").await;
        customer(&h, &in_store(&h, "a-store"), "a@x.de").await;
        let ext = json!({"email": "ext@x.de", "authenticationMode": "ExternalAuth"});
        sign_up(&h, &project(&h), ext).await;

        let msg = "Account with the given credentials not found.";
        let expected = json!({"statusCode": 400, "message": msg,
            "errors": [{"code": "InvalidCredentials", "message": msg}]});
        for (base, email, password, why) in [
            (project(&h), "nobody@x.de", "secret-1", "unknown email"),
            (project(&h), "g@x.de", "wrong", "wrong password"),
            (
                project(&h),
                "a@x.de",
                "secret-1",
                "a store's customer at the project /login",
            ),
            (
                in_store(&h, "b-store"),
                "a@x.de",
                "secret-1",
                "a customer of another store",
            ),
            (
                in_store(&h, "a-store"),
                "g@x.de",
                "Secret-1",
                "password case matters",
            ),
            (project(&h), "ext@x.de", "", "ExternalAuth has no password"),
        ] {
            let (status, body) = login(&h, &base, email, password).await;
            assert_eq!(
                (status, &body),
                (StatusCode::BAD_REQUEST, &expected),
                "{why}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn sign_in_bodies_are_checked() {
    each(|h| async move {
        let uri = format!("{}/login", project(&h));
        let t = h.admin_token.clone();
        for body in [
            json!({"email": "a@x.de"}).to_string(),
            json!({"email": "a@x.de", "password": "p", "anonymousCartSignInMode": "Sometimes"})
                .to_string(),
            "not json".to_string(),
        ] {
            let (status, err) = post_raw(&h, &uri, &t, body.clone()).await;
            assert_eq!(
                (status, code(&err)),
                (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
                "{body}"
            );
        }
        // An unknown anonymous cart is a reference error once the credentials are right.
        customer(&h, &project(&h), "c@x.de").await;
        let body = json!({"email": "c@x.de", "password": "secret-1",
            "anonymousCart": {"typeId": "cart", "id": "no-such-cart"}});
        let (status, err) = admin(&h, Method::POST, &uri, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
        assert_eq!(code(&err), "ReferencedResourceNotFound");
        assert_eq!(err["errors"][0]["typeId"], "cart");
    })
    .await;
}
