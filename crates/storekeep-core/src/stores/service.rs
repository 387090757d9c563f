//! The Store service: the operations behind the Store endpoints (REST and GraphQL).

use crate::common::{check_key, check_localized, new_id, ClientLogging, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};
use crate::projects::ProjectService;
use crate::query::{parse_query_params, Filter, QueryParams, Scalar, ScalarKind, ValidFilter};
use crate::query::{Base, CmpOp, FieldRef, Query};
use crate::resource::{check_version, write_error, Meta, PagedQueryResponse, Repo, Resource};
use crate::storage::{Collection, Lookup, Uniqueness};

use super::actions::{apply, check_countries, check_storefront_value, references};
use super::{Store, StoreDraft, StoreUpdate};

/// Most channels / product selections a store may have.
const MAX_REFS: usize = 100;

/// Operations on Stores.
#[derive(Clone)]
pub struct StoreService {
    repo: Repo,
    projects: ProjectService,
}

/// Report the first reference that cannot resolve. storekeep holds no channels, product
/// selections or types yet, so every such reference is unknown; the identifier's shape is
/// checked first so that garbage is a JSON error, not a lookup.
fn reject_references<'a>(
    refs: impl IntoIterator<Item = (&'static str, &'a ResourceIdentifier)>,
) -> ApiResult<()> {
    match refs.into_iter().next() {
        Some((type_id, r)) => {
            r.resolve(type_id)?;
            Err(r.not_found(type_id))
        }
        None => Ok(()),
    }
}

fn check_count(field: &str, n: usize) -> ApiResult<()> {
    if n > MAX_REFS {
        return Err(ApiError::InvalidInput(format!(
            "The store may have at most {MAX_REFS} {field}, got {n}."
        )));
    }
    Ok(())
}

impl StoreService {
    /// A service over a repository.
    pub fn new(repo: Repo, projects: ProjectService) -> Self {
        StoreService { repo, projects }
    }

    async fn check_languages(&self, project: &str, languages: &[String]) -> ApiResult<()> {
        if languages.is_empty() {
            return Ok(());
        }
        let p = self.projects.get(project).await?;
        let missing: Vec<String> = languages
            .iter()
            .filter(|l| !p.languages.contains(l))
            .cloned()
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ApiError::ProjectNotConfiguredForLanguages { languages: missing })
        }
    }

    /// `POST /{p}/stores`.
    pub async fn create(
        &self,
        project: &str,
        by: &ClientLogging,
        d: StoreDraft,
    ) -> ApiResult<Store> {
        check_key("key", &d.key)?;
        if let Some(n) = &d.name {
            check_localized("name", n)?;
        }
        let languages = dedup_strings(d.languages.unwrap_or_default());
        let countries = d.countries.unwrap_or_default();
        check_countries(&countries)?;
        let dist = d.distribution_channels.unwrap_or_default();
        let supply = d.supply_channels.unwrap_or_default();
        let selections = d.product_selections.unwrap_or_default();
        check_count("distributionChannels", dist.len())?;
        check_count("supplyChannels", supply.len())?;
        check_count("productSelections", selections.len())?;
        let mut storefront = d.storefront.filter(|s| !s.is_empty());
        if let Some(sf) = &mut storefront {
            for (field, value) in storefront_fields(sf) {
                check_storefront_value(field, value)?;
            }
        }
        reject_references(
            dist.iter()
                .map(|r| ("channel", r))
                .chain(supply.iter().map(|r| ("channel", r)))
                .chain(
                    selections
                        .iter()
                        .map(|p| ("product-selection", &p.product_selection)),
                )
                .chain(d.custom.iter().map(|c| ("type", &c.type_ref))),
        )?;
        self.check_languages(project, &languages).await?;
        let store = Store {
            meta: Meta::new(new_id(), by),
            key: d.key,
            name: d.name.filter(|n| !n.is_empty()),
            languages,
            countries,
            distribution_channels: Vec::new(),
            supply_channels: Vec::new(),
            product_selections: Vec::new(),
            custom: None,
            storefront,
        };
        self.repo
            .create(project, &store, &Uniqueness::default())
            .await
            .map_err(|e| write_error(&store, 0, e))?;
        Ok(store)
    }

    /// `GET /{p}/stores/{id}` and `/key={key}`.
    pub async fn get(&self, project: &str, by: Lookup<'_>) -> ApiResult<Store> {
        self.repo.load(project, by).await
    }

    /// Does a store with this key exist?
    pub async fn find_by_key(&self, project: &str, key: &str) -> ApiResult<Option<Store>> {
        self.repo.find(project, Lookup::Key(key)).await
    }

    /// `GET /{p}/stores`.
    pub async fn query(
        &self,
        project: &str,
        params: &QueryParams,
    ) -> ApiResult<PagedQueryResponse> {
        let q = parse_query_params(params, Store::schema())?;
        self.repo.query(Collection::Stores, project, &q).await
    }

    /// `HEAD /{p}/stores?where=…`.
    pub async fn exists(&self, project: &str, params: &QueryParams) -> ApiResult<bool> {
        let filter = params.filter(Store::schema())?;
        let q = Query {
            filter,
            ..Query::all(1)
        };
        self.repo.exists(Collection::Stores, project, &q).await
    }

    /// `POST /{p}/stores/{id}` and `/key={key}`.
    pub async fn update(
        &self,
        project: &str,
        by: &ClientLogging,
        target: Lookup<'_>,
        u: StoreUpdate,
    ) -> ApiResult<Store> {
        crate::resource::check_action_count(u.actions.len())?;
        let current: Store = self.repo.load(project, target).await?;
        check_version(&current, u.version)?;
        let mut next = current.clone();
        for a in &u.actions {
            reject_references(references(a))?;
            if let super::StoreUpdateAction::SetLanguages { languages: Some(l) } = a {
                self.check_languages(project, l).await?;
            }
            if let super::StoreUpdateAction::SetDistributionChannels {
                distribution_channels: Some(v),
            }
            | super::StoreUpdateAction::SetSupplyChannels {
                supply_channels: Some(v),
            } = a
            {
                check_count("channels", v.len())?;
            }
            apply(&mut next, a)?;
        }
        next.languages = dedup_strings(std::mem::take(&mut next.languages));
        self.repo
            .save(project, &current, next, by, None)
            .await
            .map_err(|e| write_error(&current, u.version, e))
    }

    /// `DELETE /{p}/stores/{id}?version=N`: refused while customers or carts reference it (D6).
    pub async fn delete(
        &self,
        project: &str,
        target: Lookup<'_>,
        version: i64,
    ) -> ApiResult<Store> {
        let current: Store = self.repo.load(project, target).await?;
        check_version(&current, version)?;
        for (coll, what) in [
            (Collection::Customers, "customer"),
            (Collection::Carts, "cart"),
        ] {
            let q = Query {
                filter: Some(references_store(coll, &current.key)),
                ..Query::all(1)
            };
            if self.repo.exists(coll, project, &q).await? {
                return Err(ApiError::ReferenceExists {
                    referenced_by: Some(what.to_string()),
                    message: format!(
                        "Can not delete a store while it is referenced by at least one {what}."
                    ),
                });
            }
        }
        self.repo
            .delete(project, &current, version)
            .await
            .map_err(|e| write_error(&current, version, e))?;
        Ok(current)
    }
}

/// The filter "this document references store `key`": `stores(key = k)` on customers,
/// `store(key = k)` on carts.
fn references_store(coll: Collection, key: &str) -> ValidFilter {
    let text = |path: Vec<String>, base| FieldRef {
        base,
        column: None,
        path,
        kind: ScalarKind::Text,
    };
    let eq = |field| Filter::Cmp {
        field,
        op: CmpOp::Eq,
        value: Scalar::Text(key.to_string()),
    };
    let f = if coll == Collection::Customers {
        Filter::AnyElement {
            array: text(vec!["stores".into()], Base::Row),
            inner: Box::new(eq(text(vec!["key".into()], Base::Element(0)))),
        }
    } else {
        eq(text(vec!["store".into(), "key".into()], Base::Row))
    };
    ValidFilter::from_filter(f)
}

fn storefront_fields(sf: &super::Storefront) -> Vec<(&'static str, &str)> {
    [
        ("checkoutUrlTemplate", &sf.checkout_url_template),
        ("orderUrlTemplate", &sf.order_url_template),
        ("termsOfServiceUrl", &sf.terms_of_service_url),
        ("privacyPolicyUrl", &sf.privacy_policy_url),
        ("refundPolicyUrl", &sf.refund_policy_url),
        ("shippingPolicyUrl", &sf.shipping_policy_url),
        ("cookiePolicyUrl", &sf.cookie_policy_url),
        ("imprintUrl", &sf.imprint_url),
        ("faqUrl", &sf.faq_url),
        ("contactUrl", &sf.contact_url),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
    .collect()
}

fn dedup_strings(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}
