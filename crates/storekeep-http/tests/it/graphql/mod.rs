//! The GraphQL API (issue 7, graphql.md) over HTTP: real GraphQL documents, kept as
//! `.graphql` files beside this module, sent to `/{projectKey}/graphql` of the in-process
//! router on every backend ([`Gq::each`]). A fixture project has stores `A` and `B`, customers
//! `a1` (of A), `b1` (of B) and `g1` (global), and a storefront client for customer tokens.

mod customers;
mod http;
mod leak_matrix;
mod me;
mod mutations;
mod schema;
mod scopes;
mod stores;

use std::future::Future;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use storekeep_core::common::ClientLogging;
use storekeep_core::password::{PasswordConfig, Passwords};
use storekeep_core::scopes::StoreGrant;
use storekeep_http::{router, AppState};

use crate::harness::{basic, each, Harness};

/// The password of every fixture customer.
pub const PW: &str = "gql secret";
/// The fixture stores.
pub const A: &str = "gq-a";
pub const B: &str = "gq-b";

/// A fixture customer.
#[derive(Debug, Clone)]
pub struct Cust {
    pub id: String,
    pub email: String,
}

/// The fixture: a harness with two stores, three customers and a storefront client.
pub struct Gq {
    pub h: Harness,
    pub p: String,
    front: String,
    pub a1: Cust,
    pub b1: Cust,
    pub g1: Cust,
}

/// The text of `tests/it/graphql/{name}.graphql`.
pub fn doc(name: &str) -> String {
    let path = format!(
        "{}/tests/it/graphql/{name}.graphql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `extensions.code` of the first error.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// Sign up a customer (`{name}@gq.test`, password [`PW`]) through the core service.
async fn new_customer(h: &Harness, name: &str, store: Option<&str>) -> Cust {
    let mut d = json!({ "email": format!("{name}@gq.test"), "password": PW });
    if let Some(s) = store {
        d["stores"] = json!([{ "key": s }]);
    }
    let created = h
        .services
        .customers
        .create(
            &h.project,
            None,
            &StoreGrant::Any,
            &ClientLogging::default(),
            serde_json::from_value(d).unwrap(),
        )
        .await
        .unwrap();
    Cust {
        id: created.customer.meta.id,
        email: created.customer.email,
    }
}

impl Gq {
    /// Run a test on every backend with a fresh fixture.
    pub async fn each<F, Fut>(f: F)
    where
        F: Fn(Gq) -> Fut,
        Fut: Future<Output = ()>,
    {
        each(|h| async { f(Gq::new(h).await).await }).await;
    }

    async fn new(mut h: Harness) -> Gq {
        let cheap = Passwords::new(PasswordConfig {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            min_length: None,
            max_concurrent: None,
        })
        .unwrap();
        h.services = h.services.clone().with_passwords(cheap);
        h.app = router(AppState::new(h.services.clone()));
        let p = h.project.clone();
        for key in [A, B] {
            let body = json!({"key": key, "name": {"en": key, "de": format!("{key}-de")}});
            let uri = format!("/{p}/stores");
            let (status, r) = h
                .call(Method::POST, &uri, Some(&h.admin_token), Some(body))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{r}");
        }
        let (id, secret) = h
            .client(&format!(
                "manage_my_profile:{p} create_anonymous_token:{p} view_published_products:{p}"
            ))
            .await;
        Gq {
            front: basic(&id, &secret),
            a1: new_customer(&h, "a1", Some(A)).await,
            b1: new_customer(&h, "b1", Some(B)).await,
            g1: new_customer(&h, "g1", None).await,
            p,
            h,
        }
    }

    /// The endpoint.
    pub fn uri(&self) -> String {
        format!("/{}/graphql", self.p)
    }

    /// POST a document (by file name) with variables and an optional token.
    pub async fn post(&self, token: Option<&str>, name: &str, vars: Value) -> (StatusCode, Value) {
        let body = json!({"query": doc(name), "variables": vars});
        self.h
            .call(Method::POST, &self.uri(), token, Some(body))
            .await
    }

    /// POST a document with the admin token; must answer 200 without errors; the `data`.
    pub async fn admin(&self, name: &str, vars: Value) -> Value {
        let (status, body) = self.post(Some(&self.h.admin_token), name, vars).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert!(body.get("errors").is_none(), "{name}: {body}");
        body["data"].clone()
    }

    /// POST a raw body.
    pub async fn post_raw(&self, token: &str, body: &str) -> (StatusCode, Value) {
        let req = Request::builder()
            .method(Method::POST)
            .uri(self.uri())
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, _, value) = self.h.send(req).await;
        (status, value)
    }

    /// A customer's access token from the password flow (project-wide or of a store).
    pub async fn customer_token(&self, store: Option<&str>, c: &Cust) -> String {
        let uri = match store {
            None => format!("/oauth/{}/customers/token", self.p),
            Some(s) => format!("/oauth/{}/in-store/key={s}/customers/token", self.p),
        };
        let email: String = url::form_urlencoded::byte_serialize(c.email.as_bytes()).collect();
        let pw: String = url::form_urlencoded::byte_serialize(PW.as_bytes()).collect();
        let form = format!("grant_type=password&username={email}&password={pw}");
        let (status, _, body) = self.h.post_form(&uri, Some(&self.front), &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    /// An anonymous session's access token.
    pub async fn anonymous_token(&self) -> String {
        let uri = format!("/oauth/{}/anonymous/token", self.p);
        let (status, _, body) = self
            .h
            .post_form(&uri, Some(&self.front), "grant_type=client_credentials")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }
}
