//! Passwords: change-password, rehash on sign-in when the parameters changed, the password
//! policy, authentication modes, and that every failed sign-in does one hash's work (D7).

use std::sync::Arc;

use serde_json::json;
use storekeep_core::customers::CustomerService;
use storekeep_core::password::{PasswordConfig, Passwords};
use storekeep_core::projects::ProjectService;
use storekeep_core::scopes::StoreGrant;
use storekeep_core::storage::Storage;

use super::{cheap, code, world, World};
use crate::Kind;

cases!(
    change_password,
    rehash_on_sign_in,
    every_failed_sign_in_costs_one_hash,
    password_policy,
    switch_authentication_mode,
);

async fn change(
    w: &World,
    store: Option<&str>,
    id: &str,
    version: i64,
    cur: &str,
    new: &str,
) -> Result<storekeep_core::customers::Customer, storekeep_core::ApiError> {
    let b = serde_json::from_value(json!({
        "id": id, "version": version, "currentPassword": cur, "newPassword": new
    }))
    .expect("change-password body");
    w.svc.change_password(&w.p, store, &w.by, b).await
}

async fn change_password(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer(None, "cp@x.io", &["s1"]).await;
    let id = c.meta.id.clone();
    assert_eq!(
        code(change(&w, None, &id, 1, "wrong", "n").await),
        "InvalidCurrentPassword"
    );
    assert_eq!(
        code(change(&w, None, &id, 3, "pw", "n").await),
        "ConcurrentModification"
    );
    assert_eq!(
        code(change(&w, Some("s2"), &id, 1, "pw", "n").await),
        "ResourceNotFound"
    );
    assert_eq!(
        code(change(&w, None, "nope", 1, "pw", "n").await),
        "ResourceNotFound"
    );
    let after = change(&w, Some("s1"), &id, 1, "pw", "new").await.unwrap();
    assert_eq!(after.meta.version, 2);
    assert_ne!(after.password, c.password);
    assert!(w.login(Some("s1"), "cp@x.io", "new").await.is_ok());
    assert_eq!(
        code(w.login(Some("s1"), "cp@x.io", "pw").await),
        "InvalidCredentials"
    );
    assert_eq!(w.events.seen(), vec![format!("password:{id}:false")]);
}

async fn rehash_on_sign_in(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w.customer(None, "old@x.io", &[]).await;
    assert!(c.password.as_deref().unwrap().contains("m=64,t=1,p=1"));
    // Same parameters: nothing is written.
    let same = w.login(None, "old@x.io", "pw").await.unwrap();
    assert_eq!(same.meta.version, 1);
    // The server now hashes with more memory: the next good sign-in upgrades the hash.
    let stronger = CustomerService::new(
        w.repo.clone(),
        ProjectService::new(w.repo.clone()),
        cheap(128),
        w.clock.clone(),
    );
    let s =
        |pw: &str| serde_json::from_value(json!({"email": "old@x.io", "password": pw})).unwrap();
    assert_eq!(
        code(stronger.sign_in(&w.p, None, s("bad")).await),
        "InvalidCredentials"
    );
    assert_eq!(
        w.get(None, &c.meta.id).await.unwrap().meta.version,
        1,
        "no rehash on failure"
    );
    let signed = stronger
        .sign_in(&w.p, None, s("pw"))
        .await
        .unwrap()
        .customer;
    let hash = signed.password.clone().unwrap();
    assert!(hash.contains("m=128,t=1,p=1"), "{hash}");
    assert_eq!(w.get(None, &c.meta.id).await.unwrap().password, Some(hash));
    assert!(stronger.sign_in(&w.p, None, s("pw")).await.is_ok());
    // The old service still verifies the new hash (parameters come from the hash).
    assert!(w.login(None, "old@x.io", "pw").await.is_ok());
}

async fn every_failed_sign_in_costs_one_hash(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    w.customer(None, "g@x.io", &[]).await;
    w.customer(None, "a@x.io", &["s1"]).await;
    w.signup(
        None,
        json!({"email": "ext@x.io", "authenticationMode": "ExternalAuth"}),
    )
    .await
    .unwrap();
    let ops = || w.svc.passwords().operations();
    let cases: [(Option<&str>, &str, &str); 7] = [
        (None, "nobody@x.io", "pw"),  // unknown email
        (None, "g@x.io", "wrong"),    // wrong password
        (None, "a@x.io", "pw"),       // store customer at the project's /login
        (Some("s2"), "a@x.io", "pw"), // customer of another store
        (Some("s2"), "nobody@x.io", "pw"),
        (None, "ext@x.io", "pw"),     // ExternalAuth: no password
        (Some("s1"), "g@x.io", "pw"), // success, for comparison
    ];
    for (store, email, pw) in cases {
        let before = ops();
        let r = w.login(store, email, pw).await;
        assert_eq!(ops() - before, 1, "{store:?} {email}: {r:?}");
    }
    // Unknown email on password-token creation: 404 (D7).
    let b = serde_json::from_value(json!({"email": "nobody@x.io"})).unwrap();
    assert_eq!(
        code(w.svc.create_password_token(&w.p, None, b).await),
        "ResourceNotFound"
    );
}

async fn password_policy(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let strict = CustomerService::new(
        w.repo.clone(),
        ProjectService::new(w.repo.clone()),
        Passwords::new(PasswordConfig {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            min_length: Some(8),
            max_concurrent: Some(2),
        })
        .unwrap(),
        w.clock.clone(),
    );
    let d = |pw: &str| {
        serde_json::from_value(json!({"email": format!("{pw}@x.io"), "password": pw})).unwrap()
    };
    let r = strict
        .create(&w.p, None, &StoreGrant::Any, &w.by, d("short"))
        .await;
    assert_eq!(code(r), "InvalidInput");
    let c = strict
        .create(&w.p, None, &StoreGrant::Any, &w.by, d("long-enough"))
        .await
        .unwrap()
        .customer;
    // No policy by default (D11): the world's service accepts anything.
    assert!(w
        .signup(None, json!({"email": "e@x.io", "password": ""}))
        .await
        .is_ok());
    let b = serde_json::from_value(json!({
        "id": c.meta.id, "version": 1, "currentPassword": "long-enough", "newPassword": "x"
    }))
    .unwrap();
    assert_eq!(
        code(strict.change_password(&w.p, None, &w.by, b).await),
        "InvalidInput"
    );
}

async fn switch_authentication_mode(store: Arc<dyn Storage>, _: Kind) {
    let w = world(store).await;
    let c = w
        .signup(
            None,
            json!({"email": "m@x.io", "authenticationMode": "ExternalAuth", "password": "ignored"}),
        )
        .await
        .unwrap();
    assert_eq!(c.password, None);
    assert_eq!(
        code(w.login(None, "m@x.io", "ignored").await),
        "InvalidCredentials"
    );
    let r = w
        .update(
            None,
            &c,
            json!([{"action": "setAuthenticationMode", "authMode": "Password"}]),
        )
        .await;
    assert_eq!(code(r), "RequiredField");
    let c = w
        .update(None, &c, json!([{"action": "setAuthenticationMode", "authMode": "Password", "password": "sesame"}]))
        .await
        .unwrap();
    assert!(c.password.as_deref().unwrap().starts_with("$argon2id$"));
    assert!(w.login(None, "m@x.io", "sesame").await.is_ok());
    let c = w
        .update(
            None,
            &c,
            json!([{"action": "setAuthenticationMode", "authMode": "ExternalAuth"}]),
        )
        .await
        .unwrap();
    assert_eq!(c.password, None);
    assert_eq!(
        code(w.login(None, "m@x.io", "sesame").await),
        "InvalidCredentials"
    );
}
