//! The customer service over real storage (in-memory SQLite always, PostgreSQL when
//! configured): store visibility (D1), email uniqueness under concurrency (D2), in-store
//! creation (D3/D4), sign-in, passwords and tokens. Each case uses a fresh project with the
//! stores `s1` and `s2`, a manual clock and cheap Argon2 parameters.

mod passwords;
mod tokens;
mod uniqueness;
mod visibility;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::{json, Value};
use storekeep_core::clock::ManualClock;
use storekeep_core::common::ClientLogging;
use storekeep_core::customers::{
    Customer, CustomerDraft, CustomerEvents, CustomerService, CustomerUpdate,
};
use storekeep_core::error::{ApiError, ApiResult};
use storekeep_core::password::{PasswordConfig, Passwords};
use storekeep_core::projects::{ProjectDraft, ProjectService};
use storekeep_core::query::QueryParams;
use storekeep_core::resource::Repo;
use storekeep_core::scopes::StoreGrant;
use storekeep_core::storage::{Lookup, Storage};
use storekeep_core::stores::StoreService;

/// Argon2 parameters that keep the suite fast.
pub fn cheap(memory_kib: u32) -> Passwords {
    Passwords::new(PasswordConfig {
        memory_kib,
        iterations: 1,
        parallelism: 1,
        min_length: None,
        max_concurrent: None,
    })
    .expect("valid password config")
}

/// What the [`CustomerEvents`] hook was told, as `password:{id}:{reset}` / `deleted:{id}`.
#[derive(Default)]
pub struct Recorder(Mutex<Vec<String>>);

impl Recorder {
    pub fn seen(&self) -> Vec<String> {
        self.0.lock().expect("recorder lock").clone()
    }
}

#[async_trait]
impl CustomerEvents for Recorder {
    async fn password_changed(&self, _: &str, id: &str, reset: bool) -> ApiResult<()> {
        self.0
            .lock()
            .expect("recorder lock")
            .push(format!("password:{id}:{reset}"));
        Ok(())
    }

    async fn customer_deleted(&self, _: &str, id: &str) -> ApiResult<()> {
        self.0
            .lock()
            .expect("recorder lock")
            .push(format!("deleted:{id}"));
        Ok(())
    }
}

/// One project with stores `s1` and `s2` and a customer service over it.
pub struct World {
    pub svc: CustomerService,
    pub p: String,
    pub clock: Arc<ManualClock>,
    pub events: Arc<Recorder>,
    pub repo: Repo,
    pub by: ClientLogging,
}

/// Set up a world on a storage backend.
pub async fn world(storage: Arc<dyn Storage>) -> World {
    let repo = Repo::new(storage);
    let projects = ProjectService::new(repo.clone());
    let p = crate::project();
    projects
        .create(ProjectDraft {
            key: p.clone(),
            languages: vec!["en".into(), "de".into()],
            ..ProjectDraft::default()
        })
        .await
        .expect("create project");
    let stores = StoreService::new(repo.clone(), projects.clone());
    for key in ["s1", "s2"] {
        let d = serde_json::from_value(json!({ "key": key })).expect("store draft");
        stores
            .create(&p, &ClientLogging::default(), d)
            .await
            .expect("create store");
    }
    let clock = ManualClock::starting_now();
    let events = Arc::new(Recorder::default());
    let svc = CustomerService::new(repo.clone(), projects, cheap(64), clock.clone())
        .with_events(events.clone());
    World {
        svc,
        p,
        clock,
        events,
        repo,
        by: ClientLogging::default(),
    }
}

impl World {
    /// Sign up a customer from a JSON draft (the password defaults to `pw`).
    pub async fn signup(&self, store: Option<&str>, mut draft: Value) -> ApiResult<Customer> {
        if draft.get("password").is_none() && draft.get("authenticationMode").is_none() {
            draft["password"] = json!("pw");
        }
        let d: CustomerDraft = serde_json::from_value(draft).expect("customer draft");
        let any = StoreGrant::Any;
        Ok(self
            .svc
            .create(&self.p, store, &any, &self.by, d)
            .await?
            .customer)
    }

    /// Sign up a customer with this email, failing the test on error.
    pub async fn customer(&self, store: Option<&str>, email: &str, stores: &[&str]) -> Customer {
        let mut d = json!({ "email": email });
        if !stores.is_empty() {
            d["stores"] = json!(stores.iter().map(|k| json!({"key": k})).collect::<Vec<_>>());
        }
        self.signup(store, d)
            .await
            .unwrap_or_else(|e| panic!("sign up {email}: {e:?}"))
    }

    /// Sign in.
    pub async fn login(&self, store: Option<&str>, email: &str, pw: &str) -> ApiResult<Customer> {
        let s = serde_json::from_value(json!({"email": email, "password": pw})).expect("signin");
        Ok(self.svc.sign_in(&self.p, store, s).await?.customer)
    }

    /// Apply update actions at the customer's current version.
    pub async fn update(
        &self,
        store: Option<&str>,
        c: &Customer,
        actions: Value,
    ) -> ApiResult<Customer> {
        let u: CustomerUpdate =
            serde_json::from_value(json!({"version": c.meta.version, "actions": actions}))
                .expect("customer update");
        self.svc
            .update(
                &self.p,
                store,
                &StoreGrant::Any,
                &self.by,
                Lookup::Id(&c.meta.id),
                u,
            )
            .await
    }

    /// Get by id.
    pub async fn get(&self, store: Option<&str>, id: &str) -> ApiResult<Customer> {
        self.svc.get(&self.p, store, Lookup::Id(id)).await
    }

    /// The emails a query returns (sorted by email).
    pub async fn emails(&self, store: Option<&str>, predicate: Option<&str>) -> Vec<String> {
        let mut pairs = vec![("sort", "email asc".to_string())];
        if let Some(w) = predicate {
            pairs.push(("where", w.to_string()));
        }
        let page = self
            .svc
            .query(&self.p, store, &QueryParams::from_pairs(pairs))
            .await
            .expect("query customers");
        page.results
            .iter()
            .map(|r| {
                let v: Value = serde_json::from_str(r.get()).expect("result JSON");
                v["email"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    }
}

/// Assert `DuplicateField` on `email` with the value as given.
pub fn assert_dup_email<T: std::fmt::Debug>(r: ApiResult<T>, email: &str) {
    match r {
        Err(e) => assert_eq!(e, ApiError::duplicate("email", email)),
        Ok(v) => panic!("expected a duplicate email {email}, got {v:?}"),
    }
}

/// The error code of a failed call.
pub fn code<T: std::fmt::Debug>(r: ApiResult<T>) -> &'static str {
    match r {
        Err(e) => e.code(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}
