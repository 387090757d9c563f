//! The Customer service: create, read, query, update and delete, global and in-store. Sign-in
//! and passwords are in `signin.rs`, the token flows in `tokens.rs` (same type).

use std::sync::Arc;

use async_trait::async_trait;

use crate::carts::{AnonymousCarts, CartService};
use crate::clock::Clock;
use crate::common::{new_id, ClientLogging, IdOrKey, KeyReference, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};
use crate::oauth::{SignInThrottle, ThrottleConfig};
use crate::password::Passwords;
use crate::projects::ProjectService;
use crate::query::{parse_query_params, Query, QueryParams, ValidFilter};
use crate::resource::{check_action_count, check_version, Meta, PagedQueryResponse, Repo};
use crate::scopes::StoreGrant;
use crate::storage::{Collection, Lookup};
use crate::stores::Store;

use super::actions::{apply, ActionContext, CustomerUpdate, CustomerUpdateAction};
use super::draft::{build_customer, check_draft, AnonymousCartSignInMode, CustomerDraft};
use super::fence::{check_gain, check_refs};
use super::model::{AuthenticationMode, Customer, CustomerSignInResult, CUSTOMER_SCHEMA};
use super::rules::{claims_changed, customer_uniqueness, visible_in_store, write_error};

/// What other parts of storekeep must learn about customers. The OAuth sessions wire an
/// implementation that revokes the customer's access and refresh tokens; the default does
/// nothing. A failing hook fails the request (500) so that the caller knows tokens may live on.
#[async_trait]
pub trait CustomerEvents: Send + Sync + 'static {
    /// The customer's password changed: `reset = true` for the reset-token flow (the API then
    /// invalidates the customer's password-flow tokens), `false` for change-password.
    async fn password_changed(
        &self,
        project: &str,
        customer_id: &str,
        reset: bool,
    ) -> ApiResult<()>;

    /// The customer was deleted.
    async fn customer_deleted(&self, project: &str, customer_id: &str) -> ApiResult<()>;

    /// The credentials the customer's password-flow tokens were issued on changed by an
    /// update action: `changeEmail`, or `setAuthenticationMode` (the password hash was removed
    /// or set). Issue 21 item 10.
    async fn credentials_changed(&self, _project: &str, _customer_id: &str) -> ApiResult<()> {
        Ok(())
    }
}

/// The default [`CustomerEvents`]: nobody listens.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCustomerEvents;

#[async_trait]
impl CustomerEvents for NoCustomerEvents {
    async fn password_changed(&self, _: &str, _: &str, _: bool) -> ApiResult<()> {
        Ok(())
    }

    async fn customer_deleted(&self, _: &str, _: &str) -> ApiResult<()> {
        Ok(())
    }
}

/// Operations on Customers.
#[derive(Clone)]
pub struct CustomerService {
    pub(super) repo: Repo,
    pub(super) projects: ProjectService,
    pub(super) passwords: Passwords,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) events: Arc<dyn CustomerEvents>,
    pub(super) carts: CartService,
    /// The sign-in throttle (D12) every password check goes through; off unless configured.
    pub(super) throttle: SignInThrottle,
}

/// 404 for a customer addressed by id or key (also when a store may not see it, D1).
pub(super) fn not_found(by: Lookup<'_>) -> ApiError {
    match by {
        Lookup::Id(id) => ApiError::not_found_id(id),
        Lookup::Key(key) => ApiError::not_found_key(key),
    }
}

/// Did an update change what the customer's password-flow tokens were issued on — the email
/// (any change, case included) or the password hash (`setAuthenticationMode` either way)?
fn credentials_changed(before: &Customer, after: &Customer) -> bool {
    before.email != after.email || before.password != after.password
}

/// References of a draft to resources storekeep does not hold (groups, types).
fn reject_draft_references(d: &CustomerDraft) -> ApiResult<()> {
    if let Some(g) = &d.customer_group {
        return Err(g.unknown("customer-group"));
    }
    if let Some(g) = d.customer_group_assignments.iter().flatten().next() {
        return Err(g.customer_group.unknown("customer-group"));
    }
    if let Some(c) = &d.custom {
        return Err(c.type_ref.unknown("type"));
    }
    if let Some(c) = d.addresses.iter().flatten().find_map(|a| a.custom.as_ref()) {
        return Err(c.type_ref.unknown("type"));
    }
    Ok(())
}

impl CustomerService {
    /// A service over a repository, hashing with `passwords`, on `clock`.
    pub fn new(
        repo: Repo,
        projects: ProjectService,
        passwords: Passwords,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let carts = CartService::new(repo.clone(), projects.clone());
        let throttle = SignInThrottle::new(repo.clone(), clock.clone(), ThrottleConfig::disabled());
        CustomerService {
            repo,
            projects,
            passwords,
            clock,
            events: Arc::new(NoCustomerEvents),
            carts,
            throttle,
        }
    }

    /// The same service throttling sign-ins per (project, email) with `config` (D12, F5).
    pub fn with_signin_throttle(mut self, config: ThrottleConfig) -> Self {
        self.throttle = SignInThrottle::new(self.repo.clone(), self.clock.clone(), config);
        self
    }

    /// The same service reporting to `events` (token revocation on password reset).
    pub fn with_events(mut self, events: Arc<dyn CustomerEvents>) -> Self {
        self.events = events;
        self
    }

    /// The same service hashing with `passwords` (e.g. from the server's configuration).
    pub fn with_passwords(mut self, passwords: Passwords) -> Self {
        self.passwords = passwords;
        self
    }

    /// The password hasher (shared with whoever needs the same pool).
    pub fn passwords(&self) -> &Passwords {
        &self.passwords
    }

    /// Resolve store identifiers to keys. Identifiers that are malformed or name no store are
    /// left out: `apply` reports them in action order.
    pub(super) async fn resolve_stores<'a>(
        &self,
        project: &str,
        refs: impl IntoIterator<Item = &'a ResourceIdentifier>,
    ) -> ApiResult<Vec<(ResourceIdentifier, String)>> {
        let mut out: Vec<(ResourceIdentifier, String)> = Vec::new();
        for r in refs {
            if out.iter().any(|(i, _)| i.id == r.id && i.key == r.key) {
                continue;
            }
            let found: Option<Store> = match r.resolve("store") {
                Ok(IdOrKey::Id(id)) => self.repo.find(project, Lookup::Id(&id)).await?,
                Ok(IdOrKey::Key(key)) => self.repo.find(project, Lookup::Key(&key)).await?,
                Err(_) => None,
            };
            if let Some(s) = found {
                out.push((r.clone(), s.key));
            }
        }
        Ok(out)
    }

    /// The project's languages (a locale must be one of them).
    async fn languages(&self, project: &str) -> ApiResult<Vec<String>> {
        Ok(self.projects.get(project).await?.languages)
    }

    /// `POST /customers` and `POST /in-store/key={s}/customers` (sign-up). An
    /// `anonymousCart` becomes the new customer's cart and `anonymousId` hands over the
    /// session's carts; both are checked before the customer is stored.
    /// The draft's `stores` may only name stores of `grant` (the caller's, F3).
    pub async fn create(
        &self,
        project: &str,
        store: Option<&str>,
        grant: &StoreGrant,
        by: &ClientLogging,
        mut d: CustomerDraft,
    ) -> ApiResult<CustomerSignInResult> {
        check_draft(&d)?;
        reject_draft_references(&d)?;
        let stores = self
            .draft_stores(project, store, grant, d.stores.as_deref())
            .await?;
        if let Some(l) = &d.locale {
            super::actions::check_locale(l, Some(&self.languages(project).await?))?;
        }
        let anonymous = AnonymousCarts {
            cart: AnonymousCarts::cart_identifier(
                d.anonymous_cart.take(),
                d.anonymous_cart_id.take(),
            )?,
            anonymous_id: d.anonymous_id.take(),
            mode: AnonymousCartSignInMode::UseAsNewActiveCustomerCart,
        };
        let plain = d.password.take();
        let mut customer = build_customer(d, Meta::new(new_id(), by), stores)?;
        self.carts
            .check_anonymous(project, store, &customer, &anonymous)
            .await?;
        if customer.authentication_mode == AuthenticationMode::Password {
            if let Some(p) = &plain {
                self.passwords.check_policy(p.expose())?;
                customer.password = Some(self.passwords.hash(p.expose()).await?);
            }
        }
        self.repo
            .create(project, &customer, &customer_uniqueness(&customer))
            .await
            .map_err(|e| write_error(&customer, 0, e))?;
        let cart = self
            .signup_carts(project, store, by, &customer, &anonymous)
            .await;
        Ok(CustomerSignInResult { customer, cart })
    }

    /// The carts of a sign-up, after the customer is stored. The anonymous cart was checked
    /// before; if it changed since (merged or ordered by a concurrent request) the sign-up
    /// still succeeds — the customer exists — without that cart.
    async fn signup_carts(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        customer: &Customer,
        anonymous: &AnonymousCarts,
    ) -> Option<crate::carts::Cart> {
        if anonymous.is_empty() {
            return None;
        }
        match self
            .carts
            .sign_in_carts(project, store, customer, by, anonymous)
            .await
        {
            Ok(cart) => cart,
            Err(e) => {
                tracing::warn!(error = %e, customer = %customer.meta.id, "anonymous carts were not assigned at sign-up");
                None
            }
        }
    }

    /// `GET /customers/{id}` and `/key={key}`, global or in-store (D1: a store sees its own
    /// and the global customers; others are 404).
    pub async fn get(
        &self,
        project: &str,
        store: Option<&str>,
        by: Lookup<'_>,
    ) -> ApiResult<Customer> {
        match self.repo.find::<Customer>(project, by).await? {
            Some(c) if c.visible_in(store) => Ok(c),
            _ => Err(not_found(by)),
        }
    }

    /// The stored wire JSON of the customer, if `store` sees it: GET by id or key answers with
    /// the stored document as is, reading only its `stores` for the visibility check (no
    /// decode and re-encode of the whole customer on the hottest read path).
    pub async fn get_raw(
        &self,
        project: &str,
        store: Option<&str>,
        by: Lookup<'_>,
    ) -> ApiResult<String> {
        #[derive(serde::Deserialize)]
        struct Fence {
            #[serde(default)]
            stores: Vec<KeyReference>,
        }
        let doc = self
            .repo
            .get_doc(Collection::Customers, project, by)
            .await?
            .ok_or_else(|| not_found(by))?;
        if let Some(s) = store {
            let fence: Fence = serde_json::from_str(&doc.body).map_err(|e| {
                tracing::error!(error = %e, "stored customer does not decode");
                ApiError::general()
            })?;
            if !(fence.stores.is_empty() || fence.stores.iter().any(|r| r.key == s)) {
                return Err(not_found(by));
            }
        }
        Ok(doc.body)
    }

    fn query_filter(store: Option<&str>, filter: Option<ValidFilter>) -> Option<ValidFilter> {
        ValidFilter::and_opt(filter, store.map(visible_in_store))
    }

    /// `GET /customers` (in-store: only the customers that store sees).
    pub async fn query(
        &self,
        project: &str,
        store: Option<&str>,
        params: &QueryParams,
    ) -> ApiResult<PagedQueryResponse> {
        let mut q = parse_query_params(params, CUSTOMER_SCHEMA)?;
        q.filter = Self::query_filter(store, q.filter.take());
        self.repo.query(Collection::Customers, project, &q).await
    }

    /// `HEAD /customers?where=…`.
    pub async fn exists(
        &self,
        project: &str,
        store: Option<&str>,
        params: &QueryParams,
    ) -> ApiResult<bool> {
        let q = Query {
            filter: Self::query_filter(store, params.filter(CUSTOMER_SCHEMA)?),
            ..Query::all(1)
        };
        self.repo.exists(Collection::Customers, project, &q).await
    }

    /// `POST /customers/{id}` and `/key={key}`, global or in-store; store actions may only
    /// gain stores of `grant` (the caller's, F3).
    pub async fn update(
        &self,
        project: &str,
        store: Option<&str>,
        grant: &StoreGrant,
        by: &ClientLogging,
        target: Lookup<'_>,
        u: CustomerUpdate,
    ) -> ApiResult<Customer> {
        check_action_count(u.actions.len())?;
        let current = self.get(project, store, target).await?;
        check_version(&current, u.version)?;
        self.apply_and_save(project, grant, by, &current, &u.actions)
            .await
    }

    /// Apply actions to a copy of `current` and store the result (claims re-checked when the
    /// email, the stores or the customer number changed). The store fence of `grant` (F3) is
    /// checked on the named stores before anything else and on the result before the write
    /// (and so before any uniqueness check). Also used by the `/me` endpoints.
    pub async fn apply_and_save(
        &self,
        project: &str,
        grant: &StoreGrant,
        by: &ClientLogging,
        current: &Customer,
        actions: &[CustomerUpdateAction],
    ) -> ApiResult<Customer> {
        // Collected first: an iterator with a closure type held across the await would make
        // this future not `Send` for every lifetime, and axum handlers must be `Send`.
        let refs: Vec<&ResourceIdentifier> = actions
            .iter()
            .flat_map(|a| a.store_refs().unwrap_or_default())
            .collect();
        let stores = self.resolve_stores(project, refs).await?;
        let named: Vec<_> = actions
            .iter()
            .flat_map(|a| a.store_refs().unwrap_or_default())
            .collect();
        check_refs(grant, &current.stores, &named, &stores)?;
        let sets_locale = actions
            .iter()
            .any(|a| matches!(a, CustomerUpdateAction::SetLocale { locale: Some(_) }));
        let languages = match sets_locale {
            true => Some(self.languages(project).await?),
            false => None,
        };
        let mut next = current.clone();
        for a in actions {
            let hash = match a {
                CustomerUpdateAction::SetAuthenticationMode {
                    auth_mode: AuthenticationMode::Password,
                    password: Some(p),
                } if next.authentication_mode != AuthenticationMode::Password => {
                    self.passwords.check_policy(p.expose())?;
                    Some(self.passwords.hash(p.expose()).await?)
                }
                _ => None,
            };
            let ctx = ActionContext {
                stores: &stores,
                password_hash: hash.as_deref(),
                languages: languages.as_deref(),
            };
            apply(&mut next, a, &ctx)?;
            if a.is_store_action() {
                check_gain(grant, Some(&current.stores), &next.stores)?;
            }
        }
        let saved = self.save(project, by, current, next).await?;
        if credentials_changed(current, &saved) {
            self.events
                .credentials_changed(project, &saved.meta.id)
                .await?;
        }
        Ok(saved)
    }

    /// Store `next` over `current`, re-claiming email and customer number when they or the
    /// stores changed (D2).
    pub(super) async fn save(
        &self,
        project: &str,
        by: &ClientLogging,
        current: &Customer,
        next: Customer,
    ) -> ApiResult<Customer> {
        let uniq = claims_changed(current, &next).then(|| customer_uniqueness(&next));
        let expected = current.meta.version;
        let failed = next.clone();
        self.repo
            .save(project, current, next, by, uniq.as_ref())
            .await
            .map_err(|e| write_error(&failed, expected, e))
    }

    /// `DELETE /customers/{id}?version=N[&dataErasure=true]` and by key, global or in-store.
    /// The document and its tokens are deleted either way, so `data_erasure` needs no extra
    /// work: storekeep keeps no other personal data of the customer.
    pub async fn delete(
        &self,
        project: &str,
        store: Option<&str>,
        target: Lookup<'_>,
        version: i64,
        data_erasure: bool,
    ) -> ApiResult<Customer> {
        let current = self.get(project, store, target).await?;
        check_version(&current, version)?;
        self.repo
            .delete(project, &current, version)
            .await
            .map_err(|e| write_error(&current, version, e))?;
        if data_erasure {
            tracing::debug!(customer = %current.meta.id, "customer deleted with data erasure");
        }
        self.delete_tokens(project, &current.meta.id, None).await?;
        self.events
            .customer_deleted(project, &current.meta.id)
            .await?;
        Ok(current)
    }
}
