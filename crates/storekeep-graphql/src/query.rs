//! The query root (graphql.md §5): `customer`, `customers`, `store`, `stores`, `me`,
//! `inStore(key)` and `inStores(keys)` with their `customer`, `customers` and `me`. Queries go
//! through the REST pipeline (`QueryParams` → `parse_query_params`), so `where`, `sort`,
//! `limit` and `offset` have the same grammar, limits and errors. `customer(…)` and `store(…)`
//! answer `null` when nothing (visible) is found.

use async_graphql::{Context, Object};
use storekeep_core::query::{QueryParams, MAX_LIMIT};
use storekeep_core::scopes::Perm;
use storekeep_core::storage::Lookup;
use storekeep_core::{ApiError, ApiResult};

use crate::access::{gql, Gql};
use crate::customers::{Customer, CustomerQueryResult};
use crate::scalars::KeyReferenceInput;
use crate::stores::{Store, StoreQueryResult};

/// The REST query parameters of a GraphQL query field.
pub fn query_params(
    predicate: Option<String>,
    sort: Option<Vec<String>>,
    limit: Option<i32>,
    offset: Option<i32>,
    extra_where: Option<String>,
) -> QueryParams {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    pairs.extend(predicate.map(|w| ("where", w)));
    pairs.extend(extra_where.map(|w| ("where", w)));
    pairs.extend(sort.into_iter().flatten().map(|s| ("sort", s)));
    pairs.extend(limit.map(|l| ("limit", l.to_string())));
    pairs.extend(offset.map(|o| ("offset", o.to_string())));
    QueryParams::from_pairs(pairs)
}

/// What a `where` argument costs: a filtered query reads every row no index narrows, so its
/// cost does not depend on `limit`. Unparsable predicates cost the base (they are refused
/// when the field runs).
pub const WHERE_COST: usize = 100;
/// … plus this much per term of the predicate.
pub const WHERE_TERM_COST: usize = 10;

/// The cost of a query field: its selection once per result it may return (`limit`, default
/// 20, at most `MAX_LIMIT`), plus one, plus the cost of its `where`.
fn list_complexity(limit: Option<i32>, child_complexity: usize, predicate: Option<&str>) -> usize {
    let n = limit.unwrap_or(20).clamp(0, MAX_LIMIT as i32);
    let filter = predicate.map_or(0, |p| {
        let terms = storekeep_core::query::predicate_terms(p).unwrap_or(0);
        WHERE_COST.saturating_add(WHERE_TERM_COST.saturating_mul(terms))
    });
    (n as usize)
        .saturating_mul(child_complexity)
        .saturating_add(1)
        .saturating_add(filter)
}

/// How `customer(…)` addresses its customer: exactly one argument.
enum Selector {
    Id(String),
    Key(String),
    EmailToken(String),
    PasswordToken(String),
}

impl Selector {
    fn of(
        email_token: Option<String>,
        password_token: Option<String>,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Selector> {
        let given = [
            id.map(Selector::Id),
            key.map(Selector::Key),
            email_token.map(Selector::EmailToken),
            password_token.map(Selector::PasswordToken),
        ];
        let mut given = given.into_iter().flatten();
        match (given.next(), given.next()) {
            (Some(s), None) => Ok(s),
            _ => Err(ApiError::InvalidInput(
                "Exactly one of the arguments 'id', 'key', 'emailToken' and 'passwordToken' must be given.".into(),
            )),
        }
    }
}

/// `None` for a 404, the error otherwise.
fn found<T>(r: ApiResult<T>) -> ApiResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ApiError::ResourceNotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Is the customer visible from these stores (any of them; D1)? `None` = project-wide.
fn visible(c: &storekeep_core::customers::Customer, stores: Option<&[String]>) -> bool {
    match stores {
        None => true,
        Some(keys) => keys.iter().any(|k| c.visible_in(Some(k))),
    }
}

/// The one store of a single-store look-up (the services take one store).
fn single(stores: Option<&[String]>) -> Option<&str> {
    match stores {
        Some([one]) => Some(one.as_str()),
        _ => None,
    }
}

/// A customer by selector, seen from `stores`.
async fn find_customer(
    g: &Gql,
    stores: Option<&[String]>,
    sel: Selector,
) -> ApiResult<Option<Customer>> {
    let svc = &g.services.customers;
    let store = single(stores);
    let c = match &sel {
        Selector::Id(id) => found(Box::pin(svc.get(&g.project, store, Lookup::Id(id))).await)?,
        Selector::Key(key) => found(Box::pin(svc.get(&g.project, store, Lookup::Key(key))).await)?,
        Selector::EmailToken(t) => {
            found(Box::pin(svc.get_by_email_token(&g.project, store, t)).await)?
        }
        Selector::PasswordToken(t) => {
            found(Box::pin(svc.get_by_password_token(&g.project, store, t)).await)?
        }
    };
    Ok(c.filter(|c| visible(c, stores)).map(Customer))
}

/// A page of customers seen from `stores` (`None` = project-wide).
async fn query_customers(
    g: &Gql,
    stores: Option<&[String]>,
    params: (
        Option<String>,
        Option<Vec<String>>,
        Option<i32>,
        Option<i32>,
    ),
) -> ApiResult<CustomerQueryResult> {
    let (predicate, sort, limit, offset) = params;
    let many = stores.filter(|s| s.len() > 1);
    // Several stores: the customers of any of them or global (D1). The keys name existing
    // stores (checked before), so they are plain `[A-Za-z0-9_-]` keys and quote safely.
    let extra = many.map(|keys| {
        let list: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
        format!("stores is empty or stores(key in ({}))", list.join(", "))
    });
    let params = query_params(predicate, sort, limit, offset, extra);
    let page = Box::pin(
        g.services
            .customers
            .query(&g.project, single(stores), &params),
    )
    .await?;
    CustomerQueryResult::new(page)
}

/// The query root.
pub struct Query;

#[Object]
impl Query {
    /// A customer by exactly one of `id`, `key`, `emailToken`, `passwordToken`; `null` if none.
    async fn customer(
        &self,
        ctx: &Context<'_>,
        email_token: Option<String>,
        password_token: Option<String>,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        g.require(Perm::ViewCustomers, None)?;
        let sel = Selector::of(email_token, password_token, id, key)?;
        find_customer(g, None, sel).await
    }

    /// Customers matching `where`, sorted, paged (the `GET /customers` parameters).
    #[graphql(complexity = "list_complexity(limit, child_complexity, predicate.as_deref())")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] predicate: Option<String>,
        sort: Option<Vec<String>>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> ApiResult<CustomerQueryResult> {
        let g = gql(ctx)?;
        g.require(Perm::ViewCustomers, None)?;
        query_customers(g, None, (predicate, sort, limit, offset)).await
    }

    /// A store by `id` or `key`; `null` if none.
    async fn store(
        &self,
        ctx: &Context<'_>,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Option<Store>> {
        let g = gql(ctx)?;
        g.require(Perm::ViewStores, None)?;
        let lookup = match (&id, &key) {
            (Some(id), None) => Lookup::Id(id),
            (None, Some(key)) => Lookup::Key(key),
            _ => {
                return Err(ApiError::InvalidInput(
                    "Exactly one of the arguments 'id' and 'key' must be given.".into(),
                ))
            }
        };
        Ok(found(Box::pin(g.services.stores.get(&g.project, lookup)).await)?.map(Store))
    }

    /// Stores matching `where`, sorted, paged (the `GET /stores` parameters).
    #[graphql(complexity = "list_complexity(limit, child_complexity, predicate.as_deref())")]
    async fn stores(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] predicate: Option<String>,
        sort: Option<Vec<String>>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> ApiResult<StoreQueryResult> {
        let g = gql(ctx)?;
        g.require(Perm::ViewStores, None)?;
        let params = query_params(predicate, sort, limit, offset, None);
        Ok(StoreQueryResult(
            Box::pin(g.services.stores.query(&g.project, &params)).await?,
        ))
    }

    /// The customer or anonymous session of the access token (password or anonymous flow).
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let g = gql(ctx)?;
        require_session(g)?;
        g.require_me(None).await?;
        Ok(Me { stores: None })
    }

    /// Resources inside the store `key`.
    async fn in_store(&self, key: KeyReferenceInput) -> InStore {
        InStore {
            stores: vec![key.0],
        }
    }

    /// Resources inside any of the stores `keys`.
    async fn in_stores(&self, keys: Vec<KeyReferenceInput>) -> ApiResult<InStore> {
        if keys.is_empty() {
            return Err(ApiError::InvalidInput(
                "inStores needs at least one store key.".into(),
            ));
        }
        Ok(InStore {
            stores: keys.into_iter().map(|k| k.0).collect(),
        })
    }
}

/// `me` needs a customer or anonymous-session token.
fn require_session(g: &Gql) -> ApiResult<()> {
    if g.is_session() {
        Ok(())
    } else {
        Err(ApiError::InsufficientScope(
            "Insufficient scope. 'me' can only be used with an access token of the password flow or of an anonymous session.".into(),
        ))
    }
}

/// `InStore`: the resources of one or several stores.
pub struct InStore {
    stores: Vec<String>,
}

#[Object]
impl InStore {
    /// The customer or anonymous session of the access token, in these stores.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<InStoreMe> {
        let g = gql(ctx)?;
        require_session(g)?;
        for s in &self.stores {
            g.require_me(Some(s)).await?;
        }
        Ok(InStoreMe(Me {
            stores: Some(self.stores.clone()),
        }))
    }

    /// A customer of these stores (or a global one, D1); `null` if none.
    async fn customer(
        &self,
        ctx: &Context<'_>,
        email_token: Option<String>,
        password_token: Option<String>,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        g.require_stores(Perm::ViewCustomers, &self.stores).await?;
        let sel = Selector::of(email_token, password_token, id, key)?;
        find_customer(g, Some(&self.stores), sel).await
    }

    /// The customers of these stores and the global ones (D1).
    #[graphql(complexity = "list_complexity(limit, child_complexity, predicate.as_deref())")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] predicate: Option<String>,
        sort: Option<Vec<String>>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> ApiResult<CustomerQueryResult> {
        let g = gql(ctx)?;
        g.require_stores(Perm::ViewCustomers, &self.stores).await?;
        query_customers(g, Some(&self.stores), (predicate, sort, limit, offset)).await
    }
}

/// `Me`: the data of the token's customer or anonymous session.
pub struct Me {
    stores: Option<Vec<String>>,
}

impl Me {
    async fn my_customer(&self, ctx: &Context<'_>) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let Some(id) = g.caller.customer_id.as_deref() else {
            return Ok(None);
        };
        let store = single(self.stores.as_deref());
        let found = found(Box::pin(g.services.customers.get_me(&g.project, store, id)).await)?;
        Ok(found
            .filter(|c| visible(c, self.stores.as_deref()))
            .map(Customer))
    }
}

#[Object]
impl Me {
    /// The signed-in customer (`null` for an anonymous session).
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<Customer>> {
        self.my_customer(ctx).await
    }
}

/// `InStoreMe`: the data of the token's customer or anonymous session inside stores.
pub struct InStoreMe(Me);

#[Object]
impl InStoreMe {
    /// The signed-in customer if it belongs to these stores or is global (`null` otherwise
    /// and for an anonymous session).
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<Customer>> {
        self.0.my_customer(ctx).await
    }
}
