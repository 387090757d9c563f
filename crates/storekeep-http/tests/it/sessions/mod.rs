//! Customer sessions (issue 5): the password flow (project and in-store), anonymous sessions,
//! refresh tokens, revocation, the sign-in throttle (D12) and the My Customer endpoints. Every
//! test runs on both backends through [`Shop::each`], a harness with two stores, customers
//! in each and a storefront API client, hashing passwords cheaply.

mod anonymous;
mod me;
mod me_authz;
mod password_flow;
mod refresh;
mod revocation;
mod throttle;

use std::future::Future;

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{json, Value};
use storekeep_core::common::ClientLogging;
use storekeep_core::oauth::ThrottleConfig;
use storekeep_core::password::{PasswordConfig, Passwords};
use storekeep_core::scopes::StoreGrant;
use storekeep_http::{router, AppState};

use crate::harness::{basic, each, Harness};

/// The password of every fixture customer.
pub const PW: &str = "s3cret pw";
/// The two stores.
pub const A: &str = "store-a";
pub const B: &str = "store-b";

/// A fixture customer.
#[derive(Debug, Clone)]
pub struct Cust {
    pub id: String,
    pub email: String,
}

/// A harness with stores `A` and `B`, customers `a1`, `a2` (of A), `b1`, `b2` (of B), `g1`,
/// `g2` (global), and a storefront client holding the usual storefront scopes.
pub struct Shop {
    pub h: Harness,
    pub p: String,
    pub front_id: String,
    pub front_secret: String,
    pub a1: Cust,
    pub a2: Cust,
    pub b1: Cust,
    pub b2: Cust,
    pub g1: Cust,
    pub g2: Cust,
}

/// The storefront client's scopes in project `p`.
pub fn storefront_scopes(p: &str) -> String {
    format!(
        "manage_my_profile:{p} manage_my_orders:{p} create_anonymous_token:{p} view_published_products:{p}"
    )
}

/// Swap the harness's services for ones with cheap password hashing and this throttle.
pub fn rebuild(h: &mut Harness, throttle: ThrottleConfig) {
    let cheap = Passwords::new(PasswordConfig {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
        min_length: None,
        max_concurrent: None,
    })
    .unwrap();
    let mut services = h.services.clone().with_signin_throttle(throttle);
    services = services.with_passwords(cheap);
    h.services = services;
    h.app = router(AppState::new(h.services.clone()));
}

impl Shop {
    /// Run a test on every backend with a fresh shop (default throttle).
    pub async fn each<F, Fut>(f: F)
    where
        F: Fn(Shop) -> Fut,
        Fut: Future<Output = ()>,
    {
        each(|h| async { f(Shop::new(h, ThrottleConfig::default()).await).await }).await;
    }

    /// A shop over a harness.
    pub async fn new(mut h: Harness, throttle: ThrottleConfig) -> Shop {
        rebuild(&mut h, throttle);
        let p = h.project.clone();
        for key in [A, B] {
            let (status, body) = h
                .call(
                    Method::POST,
                    &format!("/{p}/stores"),
                    Some(&h.admin_token),
                    Some(json!({ "key": key })),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (front_id, front_secret) = h.client(&storefront_scopes(&p)).await;
        Shop {
            p,
            front_id,
            front_secret,
            a1: new_customer(&h, "a1", Some(A)).await,
            a2: new_customer(&h, "a2", Some(A)).await,
            b1: new_customer(&h, "b1", Some(B)).await,
            b2: new_customer(&h, "b2", Some(B)).await,
            g1: new_customer(&h, "g1", None).await,
            g2: new_customer(&h, "g2", None).await,
            h,
        }
    }

    /// `Authorization: Basic` of the storefront client.
    pub fn front(&self) -> String {
        basic(&self.front_id, &self.front_secret)
    }

    /// The password-flow URI, project-wide or of a store.
    pub fn password_uri(&self, store: Option<&str>) -> String {
        match store {
            None => format!("/oauth/{}/customers/token", self.p),
            Some(s) => format!("/oauth/{}/in-store/key={s}/customers/token", self.p),
        }
    }

    /// The anonymous-flow URI.
    pub fn anonymous_uri(&self) -> String {
        format!("/oauth/{}/anonymous/token", self.p)
    }

    /// A Me URI: `/{p}/me{rest}` or `/{p}/in-store/key={s}/me{rest}`.
    pub fn me(&self, store: Option<&str>, rest: &str) -> String {
        match store {
            None => format!("/{}/me{rest}", self.p),
            Some(s) => format!("/{}/in-store/key={s}/me{rest}", self.p),
        }
    }

    /// Run the password flow with the storefront client; the raw answer.
    pub async fn password_flow(
        &self,
        store: Option<&str>,
        email: &str,
        pw: &str,
    ) -> (StatusCode, HeaderMap, Value) {
        let form = format!(
            "grant_type=password&username={}&password={}",
            urlencode(email),
            urlencode(pw)
        );
        self.h
            .post_form(&self.password_uri(store), Some(&self.front()), &form)
            .await
    }

    /// Sign a customer in (must succeed); the token response.
    pub async fn login(&self, store: Option<&str>, c: &Cust) -> Value {
        let (status, _, body) = self.password_flow(store, &c.email, PW).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// The access token of a signed-in customer.
    pub async fn token(&self, store: Option<&str>, c: &Cust) -> String {
        access(&self.login(store, c).await)
    }

    /// An anonymous session (must succeed); the token response.
    pub async fn anonymous(&self) -> Value {
        let (status, _, body) = self
            .h
            .post_form(
                &self.anonymous_uri(),
                Some(&self.front()),
                "grant_type=client_credentials",
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// An anonymous-session request for a chosen `anonymous_id`; the raw answer.
    pub async fn anonymous_as(&self, anonymous_id: &str) -> (StatusCode, HeaderMap, Value) {
        let form = format!(
            "grant_type=client_credentials&anonymous_id={}",
            urlencode(anonymous_id)
        );
        self.h
            .post_form(&self.anonymous_uri(), Some(&self.front()), &form)
            .await
    }

    /// A refresh request at `uri` with the storefront client.
    pub async fn refresh(
        &self,
        uri: &str,
        refresh_token: &str,
        extra: &str,
    ) -> (StatusCode, HeaderMap, Value) {
        let form = format!(
            "grant_type=refresh_token&refresh_token={}{extra}",
            urlencode(refresh_token)
        );
        self.h.post_form(uri, Some(&self.front()), &form).await
    }

    /// GET with a bearer token.
    pub async fn get(&self, uri: &str, token: &str) -> (StatusCode, Value) {
        self.h.call(Method::GET, uri, Some(token), None).await
    }

    /// POST JSON with a bearer token.
    pub async fn post(&self, uri: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.h
            .call(Method::POST, uri, Some(token), Some(body))
            .await
    }
}

/// The `access_token` of a token response.
pub fn access(body: &Value) -> String {
    body["access_token"].as_str().unwrap().to_string()
}

/// The anonymous id of an anonymous session's token response (its `anonymous_id:` scope).
pub fn anonymous_id_of(body: &Value) -> String {
    body["scope"]
        .as_str()
        .and_then(|s| s.split(' ').find_map(|x| x.strip_prefix("anonymous_id:")))
        .unwrap()
        .to_string()
}

/// The `refresh_token` of a token response.
pub fn refresh_of(body: &Value) -> String {
    body["refresh_token"].as_str().unwrap().to_string()
}

/// Percent-encode a form value.
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Sign up a customer (`{name}@shop.test`, password [`PW`]) through the core service.
pub async fn new_customer(h: &Harness, name: &str, store: Option<&str>) -> Cust {
    let mut d = json!({ "email": format!("{name}@shop.test"), "password": PW });
    if let Some(s) = store {
        d["stores"] = json!([{ "key": s }]);
    }
    let draft = serde_json::from_value(d).unwrap();
    let created = h
        .services
        .customers
        .create(
            &h.project,
            None,
            &StoreGrant::Any,
            &ClientLogging::default(),
            draft,
        )
        .await
        .unwrap();
    Cust {
        id: created.customer.meta.id,
        email: created.customer.email,
    }
}

/// Assert an OAuth error answer: status, `error`, `errors[0].code`, `error_description`.
pub fn assert_oauth(status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
    assert_eq!(body["statusCode"], want.as_u16(), "{body}");
    assert!(body["error_description"].is_string(), "{body}");
}

/// Assert an API error answer: status and `errors[0].code`.
pub fn assert_api(status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
}
