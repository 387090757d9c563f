//! The cart service over real storage (in-memory SQLite always, PostgreSQL when configured):
//! in-store visibility and creation, the store rule for store-specific customers, active-cart
//! selection, `/me` owners, and the anonymous-cart handling of sign-in and sign-up, including
//! a merge racing concurrent cart updates. Each case uses a fresh project with the stores `s1`
//! (countries DE, AT) and `s2` (no countries).

mod crud;
mod merge;
mod race;
mod rules;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use storekeep_core::carts::{Cart, CartDraft, CartService, CartUpdate, Owner};
use storekeep_core::clock::ManualClock;
use storekeep_core::common::ClientLogging;
use storekeep_core::customers::{Customer, CustomerService, CustomerSignInResult};
use storekeep_core::error::{ApiError, ApiResult};
use storekeep_core::projects::{ProjectDraft, ProjectService};
use storekeep_core::resource::Repo;
use storekeep_core::scopes::StoreGrant;
use storekeep_core::storage::{Lookup, Storage};
use storekeep_core::stores::StoreService;

/// One project with stores `s1` and `s2`, a cart and a customer service over it.
pub struct World {
    pub repo: Repo,
    pub carts: CartService,
    pub customers: CustomerService,
    pub p: String,
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
            currencies: vec!["EUR".into(), "USD".into()],
            ..ProjectDraft::default()
        })
        .await
        .expect("create project");
    let stores = StoreService::new(repo.clone(), projects.clone());
    for d in [
        json!({"key": "s1", "countries": [{"code": "DE"}, {"code": "AT"}]}),
        json!({"key": "s2"}),
    ] {
        let d = serde_json::from_value(d).expect("store draft");
        stores
            .create(&p, &ClientLogging::default(), d)
            .await
            .expect("create store");
    }
    let customers = CustomerService::new(
        repo.clone(),
        projects.clone(),
        crate::customers::cheap(64),
        ManualClock::starting_now(),
    );
    World {
        carts: CartService::new(repo.clone(), projects),
        repo,
        customers,
        p,
        by: ClientLogging::default(),
    }
}

/// Let the clock move on, so that the next write is strictly more recent (timestamps have
/// millisecond precision).
pub async fn tick() {
    tokio::time::sleep(Duration::from_millis(3)).await;
}

/// A custom line item draft `slug` of `cents` EUR cents.
pub fn item(slug: &str, cents: i64, qty: i64) -> Value {
    json!({"name": {"en": slug}, "slug": slug, "quantity": qty,
           "money": {"currencyCode": "EUR", "centAmount": cents}})
}

/// The slugs and quantities of a cart's custom line items, sorted by slug.
pub fn items(c: &Cart) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = c
        .custom_line_items
        .iter()
        .map(|l| (l.slug.clone(), l.quantity))
        .collect();
    v.sort();
    v
}

impl World {
    /// Sign up a customer (password `pw`) in the given stores.
    pub async fn customer(&self, email: &str, stores: &[&str]) -> Customer {
        let mut d = json!({ "email": email, "password": "pw" });
        if !stores.is_empty() {
            d["stores"] = json!(stores.iter().map(|k| json!({"key": k})).collect::<Vec<_>>());
        }
        let d = serde_json::from_value(d).expect("customer draft");
        self.customers
            .create(&self.p, None, &StoreGrant::Any, &self.by, d)
            .await
            .unwrap_or_else(|e| panic!("sign up {email}: {e:?}"))
            .customer
    }

    /// Create a cart from a JSON draft (`currency` defaults to EUR).
    pub async fn try_cart(
        &self,
        store: Option<&str>,
        owner: Option<&Owner>,
        mut draft: Value,
    ) -> ApiResult<Cart> {
        if draft.get("currency").is_none() {
            draft["currency"] = json!("EUR");
        }
        let d: CartDraft = serde_json::from_value(draft).expect("cart draft");
        self.carts.create(&self.p, store, owner, &self.by, d).await
    }

    /// Create a cart, failing the test on error.
    pub async fn cart(&self, store: Option<&str>, draft: Value) -> Cart {
        self.try_cart(store, None, draft.clone())
            .await
            .unwrap_or_else(|e| panic!("create cart {draft}: {e:?}"))
    }

    /// Apply actions at the cart's current version.
    pub async fn update(&self, store: Option<&str>, c: &Cart, actions: Value) -> ApiResult<Cart> {
        let u: CartUpdate =
            serde_json::from_value(json!({"version": c.meta.version, "actions": actions}))
                .expect("cart update");
        self.carts
            .update(&self.p, store, None, &self.by, Lookup::Id(&c.meta.id), u)
            .await
    }

    /// Get by id through the project endpoints.
    pub async fn get(&self, id: &str) -> Cart {
        self.carts
            .get(&self.p, None, None, Lookup::Id(id))
            .await
            .unwrap_or_else(|e| panic!("get cart {id}: {e:?}"))
    }

    /// Sign in with a JSON `CustomerSignin` body (password `pw` unless given).
    pub async fn sign_in(
        &self,
        store: Option<&str>,
        mut body: Value,
    ) -> ApiResult<CustomerSignInResult> {
        if body.get("password").is_none() {
            body["password"] = json!("pw");
        }
        let s = serde_json::from_value(body).expect("sign-in body");
        self.customers.sign_in(&self.p, store, s).await
    }

    /// Sign up with a JSON `CustomerDraft` (password `pw` unless given).
    pub async fn sign_up(
        &self,
        store: Option<&str>,
        mut body: Value,
    ) -> ApiResult<CustomerSignInResult> {
        if body.get("password").is_none() {
            body["password"] = json!("pw");
        }
        let d = serde_json::from_value(body).expect("customer draft");
        let any = StoreGrant::Any;
        self.customers
            .create(&self.p, store, &any, &self.by, d)
            .await
    }
}

/// The error code of a failed call.
pub fn code<T: std::fmt::Debug>(r: ApiResult<T>) -> &'static str {
    match r {
        Err(e) => e.code(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

/// The error of a failed call.
pub fn error<T: std::fmt::Debug>(r: ApiResult<T>) -> ApiError {
    match r {
        Err(e) => e,
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}
