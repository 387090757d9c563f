//! The shared test harness: a router over a fresh storage backend, a project with an admin
//! API client (`manage_project:{p}`) and its token, a manual clock, and helpers that send a
//! request and return `(StatusCode, Value)`.
//!
//! `each(|h| async move { … })` runs a test on in-memory SQLite and, when the tests were
//! built with `STOREKEEP_TEST_POSTGRES_URL` set, on PostgreSQL too (with a fresh project key, so
//! tests share the database and run in parallel). `each_concurrent` does the same for tests
//! that send many requests at once: a PostgreSQL pool of the server's default size and cheap
//! password hashing.
//!
//! Every harness watches the process-wide TRACE log (`log_capture`): the secrets that pass
//! through [`Harness::send`] must not appear in it, checked when the harness is dropped.

#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::Value;
use storekeep_core::api_clients::{ApiClientDraft, ApiClientWithSecret};
use storekeep_core::clock::ManualClock;
use storekeep_core::password::{PasswordConfig, Passwords};
use storekeep_core::projects::ProjectDraft;
use storekeep_core::storage::Storage;
use storekeep_core::Services;
use storekeep_http::extract::UnknownFields;
use storekeep_http::{router, AppState};
use storekeep_sql::{PgStore, SqliteStore};
use tower::ServiceExt;

use crate::log_capture::Watch;

/// The PostgreSQL pool of an ordinary test harness.
const TEST_PG_POOL: u32 = 4;
/// The PostgreSQL pool of [`each_concurrent`]: the server's default
/// (`STOREKEEP_PG_MAX_CONNECTIONS`), so concurrent requests really overlap in the database.
pub const CONCURRENT_PG_POOL: u32 = 16;

/// Which backend a harness runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A router over one backend with a project and an admin client.
pub struct Harness {
    pub kind: Kind,
    pub app: Router,
    pub services: Services,
    pub clock: Arc<ManualClock>,
    pub project: String,
    pub admin_id: String,
    pub admin_secret: String,
    pub admin_token: String,
    /// The secrets this harness has seen, checked against the log on drop.
    pub logs: Watch,
}

/// The PostgreSQL URL of the test database, if the tests were built with one
/// (`storekeep_testpg`; `postgres_pass` is reported as ignored otherwise).
pub fn postgres_url() -> Option<String> {
    storekeep_testpg::configured()
}

/// Run a test on every configured backend.
pub async fn each<F, Fut>(f: F)
where
    F: Fn(Harness) -> Fut,
    Fut: Future<Output = ()>,
{
    f(Harness::new(Kind::Sqlite).await).await;
    if postgres_url().is_some() {
        f(Harness::new(Kind::Postgres).await).await;
    }
}

/// Run a concurrency test on every configured backend: PostgreSQL gets a pool of
/// [`CONCURRENT_PG_POOL`] connections, and passwords are hashed cheaply so that the requests
/// meet in the database rather than queue for Argon2.
pub async fn each_concurrent<F, Fut>(f: F)
where
    F: Fn(Harness) -> Fut,
    Fut: Future<Output = ()>,
{
    f(Harness::with_pool(Kind::Sqlite, CONCURRENT_PG_POOL)
        .await
        .cheap_passwords())
    .await;
    if postgres_url().is_some() {
        let h = Harness::with_pool(Kind::Postgres, CONCURRENT_PG_POOL).await;
        f(h.cheap_passwords()).await;
    }
}

/// A fresh, valid project key.
pub fn fresh_key(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}

/// An API client draft with these scopes.
pub fn draft(scope: &str) -> ApiClientDraft {
    ApiClientDraft {
        name: "test client".into(),
        scope: scope.to_string(),
        delete_days_after_creation: None,
        access_token_validity_seconds: None,
        refresh_token_validity_seconds: None,
    }
}

/// `Authorization: Basic …` for a client.
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

impl Harness {
    /// A harness over a new backend of `kind`.
    pub async fn new(kind: Kind) -> Harness {
        Harness::with_pool(kind, TEST_PG_POOL).await
    }

    /// A harness over a new backend of `kind`, with a PostgreSQL pool of `pg_pool`.
    pub async fn with_pool(kind: Kind, pg_pool: u32) -> Harness {
        let logs = Watch::start();
        let storage: Arc<dyn Storage> = match kind {
            Kind::Sqlite => Arc::new(SqliteStore::temporary().await.unwrap()),
            Kind::Postgres => Arc::new(
                PgStore::connect(&storekeep_testpg::url(), pg_pool)
                    .await
                    .unwrap(),
            ),
        };
        Harness::over(kind, storage, logs).await
    }

    /// A harness over a storage backend (a new project and admin client in it).
    pub async fn over(kind: Kind, storage: Arc<dyn Storage>, logs: Watch) -> Harness {
        let clock = ManualClock::starting_now();
        let services = Services::with_clock(storage, clock.clone());
        let app = router(AppState::new(services.clone()));
        let mut h = Harness {
            kind,
            app,
            services,
            clock,
            project: fresh_key("p"),
            admin_id: String::new(),
            admin_secret: String::new(),
            admin_token: String::new(),
            logs,
        };
        let project = h.project.clone();
        let (id, secret) = h
            .project_client(&project, &format!("manage_project:{project}"))
            .await;
        h.admin_token = h.token_of(&id, &secret).await;
        h.admin_id = id;
        h.admin_secret = secret;
        h
    }

    /// Another storekeep instance over the same storage and clock, with its own caches (as
    /// several instances on one PostgreSQL database).
    pub fn second_instance(&self) -> Harness {
        let services =
            Services::with_clock(self.services.repo.storage().clone(), self.clock.clone());
        Harness {
            kind: self.kind,
            app: router(AppState::new(services.clone())),
            services,
            clock: self.clock.clone(),
            project: self.project.clone(),
            admin_id: self.admin_id.clone(),
            admin_secret: self.admin_secret.clone(),
            admin_token: self.admin_token.clone(),
            logs: self.logs.share(),
        }
    }

    /// The same harness with cheap Argon2 parameters (tests that hash many passwords).
    pub fn cheap_passwords(mut self) -> Harness {
        let cheap = Passwords::new(PasswordConfig {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            min_length: None,
            max_concurrent: None,
        })
        .unwrap();
        self.services = self.services.clone().with_passwords(cheap);
        self.app = router(AppState::new(self.services.clone()));
        self
    }

    /// The same harness with undeclared body fields refused (`--strict-json`).
    pub fn strict_json(mut self) -> Harness {
        let state = AppState::new(self.services.clone()).with_unknown_fields(UnknownFields::Refuse);
        self.app = router(state);
        self
    }

    /// Send a request; the body as JSON (`Null` when empty, a string when not JSON). The
    /// secrets of the request and the response are noted for the log check.
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
        let (parts, body) = req.into_parts();
        let (method, uri) = (parts.method.clone(), parts.uri.to_string());
        let sent = body.collect().await.unwrap().to_bytes();
        if let Some(a) = parts.headers.get(header::AUTHORIZATION) {
            self.logs.note_authorization(a.to_str().unwrap_or(""));
        }
        self.logs.note_body(&sent);
        let req = Request::from_parts(parts, Body::from(sent));
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        self.logs.note_body(&bytes);
        crate::conformance::check(&method, &uri, status, &bytes);
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, headers, body)
    }

    /// Call the API with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let (status, _, value) = self.send(req.body(body).unwrap()).await;
        (status, value)
    }

    /// POST a form to an OAuth endpoint, with an optional `Authorization` header value.
    pub async fn post_form(
        &self,
        uri: &str,
        authorization: Option<&str>,
        form: &str,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(a) = authorization {
            req = req.header(header::AUTHORIZATION, a);
        }
        self.send(req.body(Body::from(form.to_string())).unwrap())
            .await
    }

    /// Make sure a project exists.
    pub async fn ensure_project(&self, project: &str) {
        self.services
            .projects
            .create(ProjectDraft {
                key: project.to_string(),
                languages: vec!["en".into()],
                currencies: vec!["EUR".into()],
                countries: vec!["DE".into()],
                ..ProjectDraft::default()
            })
            .await
            .unwrap();
    }

    /// Create an API client through the core service.
    pub async fn create_client(&self, project: &str, d: ApiClientDraft) -> ApiClientWithSecret {
        self.ensure_project(project).await;
        let c = self.services.api_clients.create(project, d).await.unwrap();
        self.logs.note(&c.secret);
        c
    }

    /// A client of `project` with `scope`: `(id, secret)`.
    pub async fn project_client(&self, project: &str, scope: &str) -> (String, String) {
        let c = self.create_client(project, draft(scope)).await;
        (c.client.id, c.secret)
    }

    /// A client of this harness's project with `scope`.
    pub async fn client(&self, scope: &str) -> (String, String) {
        self.project_client(&self.project, scope).await
    }

    /// Request a token with client credentials; the raw answer.
    pub async fn request_token(
        &self,
        id: &str,
        secret: &str,
        scope: Option<&str>,
    ) -> (StatusCode, Value) {
        let form = match scope {
            Some(s) => format!("grant_type=client_credentials&scope={s}"),
            None => "grant_type=client_credentials".to_string(),
        };
        let (status, _, body) = self
            .post_form("/oauth/token", Some(&basic(id, secret)), &form)
            .await;
        (status, body)
    }

    /// A token of a client (all its scopes).
    pub async fn token_of(&self, id: &str, secret: &str) -> String {
        let (status, body) = self.request_token(id, secret, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    /// A token with exactly these scopes (of a new client of this project).
    pub async fn token(&self, scope: &str) -> String {
        let (id, secret) = self.client(scope).await;
        self.token_of(&id, &secret).await
    }

    /// A token of a new client of another project with these scopes (`{q}` in `scope` is
    /// replaced by that project's key); returns `(project, token)`.
    pub async fn foreign_token(&self, scope: &str) -> (String, String) {
        let q = fresh_key("q");
        let (id, secret) = self.project_client(&q, &scope.replace("{q}", &q)).await;
        (q.clone(), self.token_of(&id, &secret).await)
    }
}
