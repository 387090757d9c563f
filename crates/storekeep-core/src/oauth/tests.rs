use std::sync::Arc;

use super::cache::TokenCache;
use super::secret::{ct_eq, random_token, sha256_hex};
use super::*;

fn client(scope: &str) -> ClientRecord {
    ClientRecord {
        id: "c1".into(),
        project: "p1".into(),
        scopes: Scope::parse_list(scope).unwrap(),
        access_validity_secs: 172_800,
        refresh_validity_secs: 17_280_000,
        delete_at_ms: None,
        last_used_at: None,
    }
}

fn caller(client_id: &str, expires_at_ms: i64) -> Arc<Caller> {
    Arc::new(Caller {
        client_id: client_id.into(),
        project: "p1".into(),
        scopes: Vec::new(),
        expires_at_ms,
        customer_id: None,
        anonymous_id: None,
        store_key: None,
    })
}

#[test]
fn tokens_are_random_base64url_of_256_bits() {
    let a = random_token();
    let b = random_token();
    assert_ne!(a, b);
    assert_eq!(a.len(), 43);
    assert!(a
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    assert_eq!(sha256_hex("abc").len(), 64);
    assert_eq!(
        sha256_hex("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert!(ct_eq("abc", "abc"));
    assert!(!ct_eq("abc", "abd"));
    assert!(!ct_eq("abc", "abcd"));
}

#[tokio::test]
async fn secrets_hash_with_argon2id_in_the_pool_and_verify() {
    let pool = crate::password::Passwords::default();
    let phc = pool.hash("correct horse").await.unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!phc.contains("correct horse"));
    assert!(pool.verify("correct horse", &phc).await.unwrap());
    assert!(!pool.verify("wrong horse", &phc).await.unwrap());
    assert!(!pool.verify("x", "not a phc string").await.unwrap());
    assert_eq!(pool.operations(), 4);
}

#[test]
fn requested_scopes_must_be_implied_by_the_clients() {
    let c = client("manage_project:p1");
    assert_eq!(granted_scopes(&c, None).unwrap(), c.scopes);
    assert_eq!(granted_scopes(&c, Some("  ")).unwrap(), c.scopes);
    let narrowed = granted_scopes(&c, Some("view_stores:p1 manage_customers:p1:s1")).unwrap();
    assert_eq!(
        scope_string(&narrowed),
        "view_stores:p1 manage_customers:p1:s1"
    );
    let c = client("manage_customers:p1:s1");
    assert!(granted_scopes(&c, Some("view_customers:p1:s1")).is_ok());
    for bad in [
        "manage_customers:p1",
        "manage_customers:p1:s2",
        "customer_id:x",
        "nope:p1",
    ] {
        let e = granted_scopes(&c, Some(bad)).unwrap_err();
        assert_eq!(e.code(), "invalid_scope", "{bad}");
        assert_eq!(e.status(), 400);
    }
}

#[test]
fn the_cache_respects_expiry_ttl_and_client_removal() {
    let cache = TokenCache::default();
    cache.insert("h1".into(), caller("c1", 100_000), 0);
    cache.insert("h2".into(), caller("c2", 100_000), 0);
    assert!(cache.get("h1", 1).is_some());
    assert!(cache.get("h1", TOKEN_CACHE_TTL_MS).is_none(), "TTL");
    cache.insert("h3".into(), caller("c1", 10), 0);
    assert!(cache.get("h3", 10).is_none(), "token expiry");
    cache.remove_client("c1");
    assert!(cache.get("h1", 1).is_none());
    assert!(cache.get("h2", 1).is_some());
    cache.remove("h2");
    assert!(cache.get("h2", 1).is_none());
}

#[test]
fn the_cache_drops_a_customer_at_once_and_stays_bounded() {
    let cache = TokenCache::with_capacity(8);
    let mut mine = (*caller("c1", 100_000)).clone();
    mine.customer_id = Some("cu1".into());
    let mut other = mine.clone();
    other.customer_id = Some("cu2".into());
    cache.insert("a".into(), Arc::new(mine), 0);
    cache.insert("b".into(), Arc::new(other), 0);
    cache.remove_customer("p1", "cu1");
    assert!(cache.get("a", 1).is_none(), "revoked at once");
    assert!(cache.get("b", 1).is_some(), "another customer stays");
    for i in 0..100 {
        cache.insert(format!("x{i}"), caller("c2", 100_000), 0);
    }
    let len = cache.len();
    assert!(len <= 8, "{len} entries");
}

#[test]
fn callers_check_project_and_scope() {
    let mut c = (*caller("c1", 0)).clone();
    c.scopes = Scope::parse_list("view_stores:p1 external_user_id:u1").unwrap();
    assert!(c.require("p1", Perm::ViewStores, None).is_ok());
    let e = c.require("p1", Perm::ManageStores, None).unwrap_err();
    assert_eq!(e.code(), "insufficient_scope");
    let e = c.require("p2", Perm::ViewStores, None).unwrap_err();
    assert_eq!(e.code(), "insufficient_scope");
    let by = c.client_logging();
    assert_eq!(by.client_id.as_deref(), Some("c1"));
    assert_eq!(by.external_user_id.as_deref(), Some("u1"));
}

#[test]
fn token_responses_hide_tokens_from_debug() {
    let t = TokenResponse {
        access_token: "secret-access".into(),
        token_type: "Bearer",
        expires_in: 1,
        scope: "s".into(),
        refresh_token: Some("secret-refresh".into()),
    };
    let d = format!("{t:?}");
    assert!(!d.contains("secret-access") && !d.contains("secret-refresh"));
}

#[test]
fn oauth_errors_render_the_auth_error_response() {
    for (e, status) in [
        (ApiError::InvalidClient("m".into()), 401),
        (ApiError::InvalidScope("m".into()), 400),
        (ApiError::InvalidRequest("m".into()), 400),
        (ApiError::UnsupportedGrantType("m".into()), 400),
        (ApiError::InvalidGrant("m".into()), 400),
        (ApiError::InvalidCustomerAccountCredentials("m".into()), 400),
    ] {
        assert_eq!(e.status(), status);
        assert!(e.is_auth_error());
        let body = e.to_body();
        assert_eq!(body["error"], e.code());
        assert_eq!(body["error_description"], "m");
        assert_eq!(body["errors"][0]["code"], e.code());
        assert_eq!(body["statusCode"], status);
    }
}

#[test]
fn session_tokens_carry_only_session_scopes() {
    use super::session::session_scopes;
    let names = |v: Vec<Scope>| scope_string(&v);
    // No request: the session scopes the client's scopes imply.
    let admin = client("manage_project:p1");
    let all = names(session_scopes(&admin, None, None).unwrap());
    assert!(all.contains("manage_my_profile:p1") && all.contains("manage_my_orders:p1"));
    assert!(!all.contains("manage_project"), "{all}");
    let front = client("manage_my_profile:p1 create_anonymous_token:p1 view_stores:p1");
    assert_eq!(
        names(session_scopes(&front, None, None).unwrap()),
        "manage_my_profile:p1"
    );
    // Requested: must be held; non-session scopes are left out; nothing left → invalid_scope.
    let got = session_scopes(&front, Some("manage_my_profile:p1 view_stores:p1"), None).unwrap();
    assert_eq!(names(got), "manage_my_profile:p1");
    for bad in [
        "manage_customers:p1",
        "customer_id:c",
        "view_stores:p1",
        "x",
    ] {
        let e = session_scopes(&front, Some(bad), None).unwrap_err();
        assert_eq!(e.code(), "invalid_scope", "{bad}");
    }
    assert!(session_scopes(&client("view_stores:p1"), None, None).is_err());
    // A store's session keeps project-wide scopes and that store's own.
    let scoped = client("manage_my_profile:p1:s1 manage_my_orders:p1:s2");
    assert_eq!(
        names(session_scopes(&scoped, None, Some("s1")).unwrap()),
        "manage_my_profile:p1:s1"
    );
    assert!(session_scopes(&scoped, Some("manage_my_orders:p1:s2"), Some("s1")).is_err());
}

#[test]
fn store_fence_and_customer_requirement() {
    let mut c = (*caller("c1", 0)).clone();
    assert!(c.require_store(None).is_ok() && c.require_store(Some("a")).is_ok());
    assert_eq!(
        c.require_customer().unwrap_err().code(),
        "insufficient_scope"
    );
    c.store_key = Some("a".into());
    c.customer_id = Some("cust".into());
    assert!(c.require_store(Some("a")).is_ok());
    for other in [None, Some("b")] {
        assert_eq!(
            c.require_store(other).unwrap_err().code(),
            "insufficient_scope"
        );
    }
    assert_eq!(c.require_customer().unwrap(), "cust");
}
