//! Revocation: a password reset or change and a customer's deletion revoke that customer's
//! access and refresh tokens (and no one else's); deleting an API client revokes its tokens.
//! On another instance, a cached access token lives at most the cache TTL; refresh tokens are
//! refused everywhere at once.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use storekeep_core::oauth::TOKEN_CACHE_TTL_MS;

use super::{access, assert_oauth, refresh_of, Cust, Shop, A, PW};
use crate::harness::basic;

/// The customer's sessions are gone: access token 401, refresh token `invalid_grant`.
async fn assert_revoked(s: &Shop, store: Option<&str>, session: &Value) {
    let (status, body) = s.get(&s.me(store, ""), &access(session)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, body) = s.refresh("/oauth/token", &refresh_of(session), "").await;
    assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
}

/// The session still works.
async fn assert_alive(s: &Shop, store: Option<&str>, session: &Value) {
    let (status, body) = s.get(&s.me(store, ""), &access(session)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = s.refresh("/oauth/token", &refresh_of(session), "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn admin(s: &Shop, method: Method, uri: &str, body: Option<Value>) -> Value {
    let (status, out) = s.h.call(method, uri, Some(&s.h.admin_token), body).await;
    assert!(status.is_success(), "{uri}: {status} {out}");
    out
}

async fn version_of(s: &Shop, c: &Cust) -> i64 {
    let c = admin(
        s,
        Method::GET,
        &format!("/{}/customers/{}", s.p, c.id),
        None,
    )
    .await;
    c["version"].as_i64().unwrap()
}

#[tokio::test]
async fn password_reset_revokes_the_customers_sessions() {
    Shop::each(|s| async move {
        let mine = s.login(Some(A), &s.a1).await;
        let other = s.login(Some(A), &s.a2).await;
        let p = &s.p;
        let t = admin(
            &s,
            Method::POST,
            &format!("/{p}/in-store/key={A}/customers/password-token"),
            Some(json!({"email": s.a1.email})),
        )
        .await;
        let reset = json!({"tokenValue": t["value"], "newPassword": "new pw"});
        admin(
            &s,
            Method::POST,
            &format!("/{p}/in-store/key={A}/customers/password/reset"),
            Some(reset),
        )
        .await;
        assert_revoked(&s, Some(A), &mine).await;
        assert_alive(&s, Some(A), &other).await;
        let (status, _, body) = s.password_flow(Some(A), &s.a1.email, "new pw").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}

#[tokio::test]
async fn password_changes_revoke_every_session_of_the_customer() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        // Admin change-password.
        let session = s.login(None, &s.g1).await;
        let other = s.login(None, &s.g2).await;
        let body = json!({
            "id": s.g1.id, "version": version_of(&s, &s.g1).await,
            "currentPassword": PW, "newPassword": "pw 2",
        });
        admin(
            &s,
            Method::POST,
            &format!("/{p}/customers/password"),
            Some(body),
        )
        .await;
        assert_revoked(&s, None, &session).await;
        assert_alive(&s, None, &other).await;
        // /me/password: the other sessions and the caller's own.
        let (status, _, first) = s.password_flow(None, &s.g1.email, "pw 2").await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let (_, _, second) = s.password_flow(None, &s.g1.email, "pw 2").await;
        let body = json!({
            "version": version_of(&s, &s.g1).await,
            "currentPassword": "pw 2", "newPassword": "pw 3",
        });
        let (status, out) = s
            .post(&s.me(None, "/password"), &access(&first), body)
            .await;
        assert_eq!(status, StatusCode::OK, "{out}");
        assert_eq!(out["id"], s.g1.id.as_str());
        assert_revoked(&s, None, &first).await;
        assert_revoked(&s, None, &second).await;
        let (status, _, body) = s.password_flow(None, &s.g1.email, "pw 3").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}

#[tokio::test]
async fn deleting_a_customer_revokes_its_sessions() {
    Shop::each(|s| async move {
        let by_admin = s.login(Some(A), &s.a1).await;
        let v = version_of(&s, &s.a1).await;
        let uri = format!("/{}/customers/{}?version={v}", s.p, s.a1.id);
        admin(&s, Method::DELETE, &uri, None).await;
        assert_revoked(&s, Some(A), &by_admin).await;
        // DELETE /me: the caller's session ends with its customer.
        let session = s.login(Some(A), &s.a2).await;
        let spare = s.login(Some(A), &s.a2).await;
        let v = version_of(&s, &s.a2).await;
        let uri = s.me(Some(A), &format!("?version={v}"));
        let (status, body) =
            s.h.call(Method::DELETE, &uri, Some(&access(&session)), None)
                .await;
        assert_eq!(
            (status, body["id"].as_str()),
            (StatusCode::OK, Some(&*s.a2.id))
        );
        assert_revoked(&s, Some(A), &session).await;
        assert_revoked(&s, Some(A), &spare).await;
    })
    .await;
}

#[tokio::test]
async fn deleting_an_api_client_revokes_its_sessions() {
    Shop::each(|s| async move {
        let customer = s.login(None, &s.g1).await;
        let anonymous = s.anonymous().await;
        let uri = format!("/{}/api-clients/{}", s.p, s.front_id);
        admin(&s, Method::DELETE, &uri, None).await;
        let (id, secret) = s.h.client(&super::storefront_scopes(&s.p)).await;
        let another = basic(&id, &secret);
        for session in [&customer, &anonymous] {
            let (status, _) = s.get(&s.me(None, ""), &access(session)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            // The client is gone: its refresh requests cannot even authenticate, and its
            // refresh tokens are gone for any other client.
            let (status, _, body) = s.refresh("/oauth/token", &refresh_of(session), "").await;
            assert_oauth(status, &body, StatusCode::UNAUTHORIZED, "invalid_client");
            let form = format!(
                "grant_type=refresh_token&refresh_token={}",
                refresh_of(session)
            );
            let (status, _, body) = s.h.post_form("/oauth/token", Some(&another), &form).await;
            assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
        }
        let stored = s.h.services.oauth.revoke_client(&s.front_id).await.unwrap();
        assert_eq!(stored, 0, "no token of the client is left in storage");
    })
    .await;
}

#[tokio::test]
async fn other_instances_forget_revoked_tokens_within_the_cache_ttl() {
    Shop::each(|s| async move {
        let other = s.h.second_instance();
        let session = s.login(None, &s.g1).await;
        let t = access(&session);
        let me = s.me(None, "");
        let (status, _) = other.call(Method::GET, &me, Some(&t), None).await;
        assert_eq!(status, StatusCode::OK, "cached on the second instance");
        s.h.services
            .oauth
            .revoke_customer(&s.p, &s.g1.id)
            .await
            .unwrap();
        let (status, _) = s.get(&me, &t).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "refused at once here");
        let form = format!(
            "grant_type=refresh_token&refresh_token={}",
            refresh_of(&session)
        );
        let (status, _, body) = other
            .post_form("/oauth/token", Some(&s.front()), &form)
            .await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_grant");
        s.h.clock.advance_secs(TOKEN_CACHE_TTL_MS / 1000 + 1);
        let (status, _) = other.call(Method::GET, &me, Some(&t), None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "refused there after the TTL"
        );
    })
    .await;
}

/// Issue 21 item 10: `changeEmail` (admin update, `/me` update, GraphQL) and
/// `setAuthenticationMode` revoke the customer's sessions issued on the old credentials, on
/// this instance at once (cache included); other customers' sessions live on, and an update
/// that leaves the credentials alone revokes nothing.
#[tokio::test]
async fn credential_changes_revoke_the_customers_sessions() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let update = |v: i64, action: Value| json!({"version": v, "actions": [action]});
        // An update that keeps the credentials: sessions live on.
        let kept = s.login(None, &s.g1).await;
        let v = version_of(&s, &s.g1).await;
        let uri = format!("/{p}/customers/{}", s.g1.id);
        let name = json!({"action": "setFirstName", "firstName": "G"});
        admin(&s, Method::POST, &uri, Some(update(v, name))).await;
        assert_alive(&s, None, &kept).await;
        // Admin changeEmail: both of g1's sessions (project and in-store) end, g2's not.
        let session = s.login(None, &s.g1).await;
        let in_store = s.login(Some(A), &s.g1).await;
        let other = s.login(None, &s.g2).await;
        // The token is in this instance's cache before the change.
        let (status, _) = s.get(&s.me(None, ""), &access(&session)).await;
        assert_eq!(status, StatusCode::OK);
        let v = version_of(&s, &s.g1).await;
        let change = json!({"action": "changeEmail", "email": "g1-new@shop.test"});
        admin(&s, Method::POST, &uri, Some(update(v, change))).await;
        assert_revoked(&s, None, &session).await;
        assert_revoked(&s, Some(A), &in_store).await;
        assert_alive(&s, None, &other).await;
        let (status, _, body) = s.password_flow(None, "g1-new@shop.test", PW).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The customer's own /me changeEmail ends the session it was made with.
        let mine = s.login(Some(A), &s.a1).await;
        let me = s.get(&s.me(Some(A), ""), &access(&mine)).await.1;
        let change = json!({"action": "changeEmail", "email": "a1-new@shop.test"});
        let (status, body) = s
            .post(&s.me(Some(A), ""), &access(&mine), update(me["version"].as_i64().unwrap(), change))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_revoked(&s, Some(A), &mine).await;
        // GraphQL changeEmail.
        let gq = s.login(Some(A), &s.a2).await;
        let v = version_of(&s, &s.a2).await;
        let q = format!(
            "mutation {{ updateCustomer(id: \"{}\", version: {v}, actions: [{{changeEmail: {{email: \"a2-new@shop.test\"}}}}]) {{ email }} }}",
            s.a2.id
        );
        let out = admin(&s, Method::POST, &format!("/{p}/graphql"), Some(json!({"query": q}))).await;
        assert!(out.get("errors").is_none(), "{out}");
        assert_revoked(&s, Some(A), &gq).await;
        // setAuthenticationMode to ExternalAuth: the password is gone, so are the sessions.
        let ext = s.login(Some("store-b"), &s.b1).await;
        let v = version_of(&s, &s.b1).await;
        let uri = format!("/{p}/customers/{}", s.b1.id);
        let mode = json!({"action": "setAuthenticationMode", "authMode": "ExternalAuth"});
        admin(&s, Method::POST, &uri, Some(update(v, mode))).await;
        assert_revoked(&s, Some("store-b"), &ext).await;
        let (status, _, body) = s.password_flow(Some("store-b"), &s.b1.email, PW).await;
        assert_oauth(status, &body, StatusCode::BAD_REQUEST, "invalid_customer_account_credentials");
    })
    .await;
}
