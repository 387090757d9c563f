//! The Cart service: create, read, query, update and delete carts, globally, in a store and for
//! the `/me` endpoints, and find a customer's active cart. Every operation takes
//! `store: Option<&str>` and `owner: Option<&Owner>` and applies the visibility rules itself
//! (a store sees only its carts, an owner only its own; anything else is 404), so the
//! front-ends cannot get them wrong. The sign-in merge is in `merge.rs` (same type).

use crate::common::{new_id, ClientLogging, IdOrKey, KeyReference, ResourceIdentifier};
use crate::customers::{check_locale, Customer};
use crate::error::{ApiError, ApiResult};
use crate::projects::{Project, ProjectService};
use crate::query::{parse_query_params, CmpOp, Query, QueryParams, ValidFilter};
use crate::resource::{check_action_count, check_version, from_doc, storage_error, write_error};
use crate::resource::{Meta, PagedQueryResponse, Repo};
use crate::storage::{Collection, Lookup, Uniqueness};
use crate::stores::Store;

use super::actions::{CartUpdate, CartUpdateAction};
use super::apply::{apply_all, check_store_country, CartContext};
use super::draft::{build_cart, check_draft, CartDraft};
use super::model::{Cart, CART_SCHEMA};
use super::rules::{active, id_cmp, newest_first, scope_filter, visible, Owner};

/// What update actions need from outside the cart, loaded before `apply`.
struct Loaded {
    customers: Vec<Customer>,
    settings: Option<Project>,
    countries: Vec<String>,
}

impl Loaded {
    fn context(&self) -> CartContext<'_> {
        CartContext {
            customers: &self.customers,
            languages: self.settings.as_ref().map(|p| p.languages.as_slice()),
            store_countries: &self.countries,
            default_delete_days: self
                .settings
                .as_ref()
                .map(|p| p.carts.delete_days_after_last_modification),
        }
    }
}

/// Operations on Carts.
#[derive(Clone)]
pub struct CartService {
    pub(super) repo: Repo,
    pub(super) projects: ProjectService,
}

/// 404 for a cart addressed by id or key (also when the endpoint may not see it).
pub(super) fn not_found(by: Lookup<'_>) -> ApiError {
    match by {
        Lookup::Id(id) => ApiError::not_found_id(id),
        Lookup::Key(key) => ApiError::not_found_key(key),
    }
}

fn store_ref(key: &str) -> KeyReference {
    KeyReference {
        type_id: "store".into(),
        key: key.to_string(),
    }
}

fn country_codes(store: &Store) -> Vec<String> {
    store.countries.iter().map(|c| c.code.clone()).collect()
}

impl CartService {
    /// A service over a repository.
    pub fn new(repo: Repo, projects: ProjectService) -> Self {
        CartService { repo, projects }
    }

    /// The customer with this id, if any.
    pub(super) async fn customer(&self, project: &str, id: &str) -> ApiResult<Option<Customer>> {
        self.repo.find(project, Lookup::Id(id)).await
    }

    /// The store a new cart belongs to: in-store, the path store (a draft naming another
    /// store is refused); the draft's store must exist.
    async fn draft_store(
        &self,
        project: &str,
        store: Option<&str>,
        given: Option<&ResourceIdentifier>,
    ) -> ApiResult<Option<Store>> {
        let found: Option<Store> = match given {
            Some(r) => {
                let s = match r.resolve("store")? {
                    IdOrKey::Id(id) => self.repo.find(project, Lookup::Id(&id)).await?,
                    IdOrKey::Key(key) => self.repo.find(project, Lookup::Key(&key)).await?,
                };
                Some(s.ok_or_else(|| r.not_found("store"))?)
            }
            None => match store {
                Some(s) => Some(self.repo.find(project, Lookup::Key(s)).await?.ok_or_else(
                    || {
                        ApiError::ResourceNotFound(format!(
                            "The Store with key '{s}' was not found."
                        ))
                    },
                )?),
                None => None,
            },
        };
        if let (Some(path), Some(f)) = (store, &found) {
            if f.key != path {
                return Err(ApiError::InvalidOperation(format!(
                    "A cart created in store '{path}' cannot belong to store '{}'.",
                    f.key
                )));
            }
        }
        Ok(found)
    }

    /// The customer (`customerId`) of a new cart, in `store` if the cart has one. A cart in a
    /// store may belong to a global customer or a customer of that store. Since 2025-07-09
    /// the API answers 400 `InvalidInput` when creating a cart in a store for a customer that
    /// does not exist (release note "improved error handling for invalid customers in
    /// store-specific carts"); a customer of another store gets the very same answer (issue
    /// 21, F8), so that a store's client cannot tell the two apart. A cart without a store
    /// for an unknown customer stays `ReferencedResourceNotFound`.
    async fn draft_customer(
        &self,
        project: &str,
        id: &str,
        store: Option<&str>,
    ) -> ApiResult<Customer> {
        match (self.customer(project, id).await?, store) {
            (Some(c), s) if c.visible_in(s) => Ok(c),
            (_, Some(s)) => Err(ApiError::InvalidInput(format!(
                "The customer with ID '{id}' was not found in store '{s}': a cart of a store \
                 belongs to a customer of that store or to a global customer."
            ))),
            (_, None) => Err(ApiError::ReferencedResourceNotFound {
                type_id: "customer".into(),
                id: Some(id.to_string()),
                key: None,
            }),
        }
    }

    /// `POST /carts`, `POST /in-store/key={s}/carts` and the `/me/carts` variants (`owner`).
    pub async fn create(
        &self,
        project: &str,
        store: Option<&str>,
        owner: Option<&Owner>,
        by: &ClientLogging,
        mut d: CartDraft,
    ) -> ApiResult<Cart> {
        check_draft(&d)?;
        match owner {
            Some(Owner::Customer(id)) => {
                d.customer_id = Some(id.clone());
                d.anonymous_id = None;
            }
            Some(Owner::Anonymous(aid)) => {
                d.anonymous_id = Some(aid.clone());
                d.customer_id = None;
            }
            None => {}
        }
        let cart_store = self.draft_store(project, store, d.store.as_ref()).await?;
        if let (Some(s), Some(c)) = (&cart_store, &d.country) {
            check_store_country(Some(&store_ref(&s.key)), &country_codes(s), c)?;
        }
        let customer = match &d.customer_id {
            Some(id) => {
                let in_store = cart_store.as_ref().map(|s| s.key.as_str());
                Some(self.draft_customer(project, id, in_store).await?)
            }
            None => None,
        };
        let p = self.projects.get(project).await?;
        if let Some(l) = &d.locale {
            check_locale(l, Some(&p.languages))?;
        }
        let meta = Meta::new(new_id(), by);
        let store_key = cart_store.map(|s| store_ref(&s.key));
        let mut cart = build_cart(
            d,
            meta,
            store_key,
            Some(p.carts.delete_days_after_last_modification),
        )?;
        cart.customer_group = customer.and_then(|c| c.customer_group);
        self.repo
            .create(project, &cart, &Uniqueness::default())
            .await
            .map_err(|e| write_error(&cart, 0, e))?;
        Ok(cart)
    }

    /// `GET /carts/{id}` and `/key={key}` (global, in-store, `/me`): carts the endpoint may
    /// not see are 404.
    pub async fn get(
        &self,
        project: &str,
        store: Option<&str>,
        owner: Option<&Owner>,
        by: Lookup<'_>,
    ) -> ApiResult<Cart> {
        match self.repo.find::<Cart>(project, by).await? {
            Some(c) if visible(&c, store, owner) => Ok(c),
            _ => Err(not_found(by)),
        }
    }

    /// `GET /carts` (in-store: only that store's carts; `/me`: only the owner's).
    pub async fn query(
        &self,
        project: &str,
        store: Option<&str>,
        owner: Option<&Owner>,
        params: &QueryParams,
    ) -> ApiResult<PagedQueryResponse> {
        let mut q = parse_query_params(params, CART_SCHEMA)?;
        q.filter = scope_filter(store, owner, q.filter.take());
        self.repo.query(Collection::Carts, project, &q).await
    }

    /// `HEAD /carts?where=…`.
    pub async fn exists(
        &self,
        project: &str,
        store: Option<&str>,
        owner: Option<&Owner>,
        params: &QueryParams,
    ) -> ApiResult<bool> {
        let q = Query {
            filter: scope_filter(store, owner, params.filter(CART_SCHEMA)?),
            ..Query::all(1)
        };
        self.repo.exists(Collection::Carts, project, &q).await
    }

    /// `POST /carts/{id}` and `/key={key}` (global, in-store, `/me`).
    pub async fn update(
        &self,
        project: &str,
        store: Option<&str>,
        owner: Option<&Owner>,
        by: &ClientLogging,
        target: Lookup<'_>,
        u: CartUpdate,
    ) -> ApiResult<Cart> {
        check_action_count(u.actions.len())?;
        let current = self.get(project, store, owner, target).await?;
        check_version(&current, u.version)?;
        let loaded = self.load_context(project, &current, &u.actions).await?;
        let ctx = loaded.context();
        let mut next = current.clone();
        apply_all(&mut next, &u.actions, &ctx)?;
        self.save(project, by, &current, next).await
    }

    /// Load what the actions need from outside the cart (only what they need).
    async fn load_context(
        &self,
        project: &str,
        cart: &Cart,
        actions: &[CartUpdateAction],
    ) -> ApiResult<Loaded> {
        let mut customers: Vec<Customer> = Vec::new();
        for id in actions.iter().filter_map(|a| a.customer_id()) {
            if customers.iter().all(|c| c.meta.id != id) {
                customers.extend(self.customer(project, id).await?);
            }
        }
        let settings = match actions.iter().any(CartUpdateAction::needs_project) {
            true => Some(self.projects.get(project).await?),
            false => None,
        };
        let store = match (
            cart.store_key(),
            actions.iter().any(CartUpdateAction::needs_store_countries),
        ) {
            (Some(s), true) => self.repo.find::<Store>(project, Lookup::Key(s)).await?,
            _ => None,
        };
        Ok(Loaded {
            customers,
            settings,
            countries: store.as_ref().map(country_codes).unwrap_or_default(),
        })
    }

    /// Store `next` over `current` (version-checked; a no-op keeps the version, D9).
    pub(super) async fn save(
        &self,
        project: &str,
        by: &ClientLogging,
        current: &Cart,
        next: Cart,
    ) -> ApiResult<Cart> {
        let failed = next.clone();
        let expected = current.meta.version;
        self.repo
            .save(project, current, next, by, None)
            .await
            .map_err(|e| write_error(&failed, expected, e))
    }

    /// `DELETE /carts/{id}?version=N[&dataErasure=true]` and by key (global, in-store,
    /// `/me`). storekeep keeps no other personal data of a cart, so `data_erasure` needs no
    /// extra work.
    pub async fn delete(
        &self,
        project: &str,
        store: Option<&str>,
        owner: Option<&Owner>,
        target: Lookup<'_>,
        version: i64,
        data_erasure: bool,
    ) -> ApiResult<Cart> {
        let current = self.get(project, store, owner, target).await?;
        check_version(&current, version)?;
        self.repo
            .delete(project, &current, version)
            .await
            .map_err(|e| write_error(&current, version, e))?;
        if data_erasure {
            tracing::debug!(cart = %current.meta.id, "cart deleted with data erasure");
        }
        Ok(current)
    }

    /// `GET /carts/customer-id={id}` (global or in-store): the customer's most recently
    /// modified `Active` cart with origin `Customer`, else 404.
    pub async fn active_cart(
        &self,
        project: &str,
        store: Option<&str>,
        customer_id: &str,
    ) -> ApiResult<Cart> {
        self.my_active_cart(project, store, &Owner::Customer(customer_id.to_string()))
            .await
    }

    /// `GET /me/active-cart` (global or in-store): the owner's active cart, else 404.
    pub async fn my_active_cart(
        &self,
        project: &str,
        store: Option<&str>,
        owner: &Owner,
    ) -> ApiResult<Cart> {
        self.find_active(project, store, owner, None)
            .await?
            .ok_or_else(|| {
                ApiError::ResourceNotFound("No active cart exists for this customer.".into())
            })
    }

    /// The owner's most recently modified active cart, other than `except`.
    pub(super) async fn find_active(
        &self,
        project: &str,
        store: Option<&str>,
        owner: &Owner,
        except: Option<&str>,
    ) -> ApiResult<Option<Cart>> {
        let mut filter = scope_filter(store, Some(owner), Some(active()));
        if let Some(id) = except {
            filter = ValidFilter::and_opt(filter, Some(id_cmp(CmpOp::Ne, id)));
        }
        let q = Query {
            filter,
            sort: vec![newest_first()?],
            ..Query::all(1)
        };
        Ok(self.find_carts(project, &q).await?.into_iter().next())
    }

    /// The carts a query finds, decoded.
    pub(super) async fn find_carts(&self, project: &str, q: &Query) -> ApiResult<Vec<Cart>> {
        let page = self
            .repo
            .storage()
            .query(Collection::Carts, project, q)
            .await
            .map_err(|e| storage_error(e, ""))?;
        page.docs.iter().map(from_doc).collect()
    }
}
