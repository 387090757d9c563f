//! The Store side of the schema (graphql.md §3): `Store` with its localized `name`,
//! `StoreCountry`, `ProductSelectionSetting`, `Storefront` and `StoreQueryResult`.

use async_graphql::{Object, SimpleObject};
use storekeep_core::resource::PagedQueryResponse;
use storekeep_core::stores as core;
use storekeep_core::{ApiError, ApiResult};

use crate::common::{localized_list, pick_localized, CustomFieldsType, Initiator};
use crate::common::{LocalizedString, Reference};
use crate::scalars::{Country, DateTime, Locale, Long};

/// `StoreCountry`: `{code}`.
#[derive(SimpleObject, Debug, Clone)]
pub struct StoreCountry {
    pub code: Country,
}

/// `ProductSelectionSetting`: a product selection of the store and whether it is active.
#[derive(SimpleObject, Debug, Clone)]
pub struct ProductSelectionSetting {
    pub product_selection_ref: Reference,
    pub active: bool,
}

/// `Storefront`: the store's storefront URLs.
#[derive(SimpleObject, Debug, Clone)]
pub struct Storefront {
    pub checkout_url_template: Option<String>,
    pub order_url_template: Option<String>,
    pub terms_of_service_url: Option<String>,
    pub privacy_policy_url: Option<String>,
    pub refund_policy_url: Option<String>,
    pub shipping_policy_url: Option<String>,
    pub cookie_policy_url: Option<String>,
    pub imprint_url: Option<String>,
    pub faq_url: Option<String>,
    pub contact_url: Option<String>,
}

impl From<&core::Storefront> for Storefront {
    fn from(s: &core::Storefront) -> Self {
        Storefront {
            checkout_url_template: s.checkout_url_template.clone(),
            order_url_template: s.order_url_template.clone(),
            terms_of_service_url: s.terms_of_service_url.clone(),
            privacy_policy_url: s.privacy_policy_url.clone(),
            refund_policy_url: s.refund_policy_url.clone(),
            shipping_policy_url: s.shipping_policy_url.clone(),
            cookie_policy_url: s.cookie_policy_url.clone(),
            imprint_url: s.imprint_url.clone(),
            faq_url: s.faq_url.clone(),
            contact_url: s.contact_url.clone(),
        }
    }
}

/// `Store`: a store of the project.
pub struct Store(pub core::Store);

#[Object]
impl Store {
    pub(crate) async fn id(&self) -> &str {
        &self.0.meta.id
    }
    pub(crate) async fn version(&self) -> Long {
        Long(self.0.meta.version)
    }
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// The name in `locale`, else in the first of `acceptLanguage` the store has.
    async fn name(
        &self,
        locale: Option<Locale>,
        accept_language: Option<Vec<Locale>>,
    ) -> Option<String> {
        let name = self.0.name.as_ref()?;
        pick_localized(name, locale.as_ref(), accept_language.as_deref())
    }
    async fn name_all_locales(&self) -> Option<Vec<LocalizedString>> {
        self.0.name.as_ref().map(localized_list)
    }
    async fn languages(&self) -> Option<Vec<Locale>> {
        Some(self.0.languages.iter().cloned().map(Locale).collect())
    }
    async fn countries(&self) -> Option<Vec<StoreCountry>> {
        Some(
            self.0
                .countries
                .iter()
                .map(|c| StoreCountry {
                    code: Country(c.code.clone()),
                })
                .collect(),
        )
    }
    async fn product_selections(&self) -> Vec<ProductSelectionSetting> {
        self.0
            .product_selections
            .iter()
            .map(|p| ProductSelectionSetting {
                product_selection_ref: Reference::from(&p.product_selection),
                active: p.active,
            })
            .collect()
    }
    async fn distribution_channels_ref(&self) -> Vec<Reference> {
        self.0
            .distribution_channels
            .iter()
            .map(Reference::from)
            .collect()
    }
    async fn supply_channels_ref(&self) -> Vec<Reference> {
        self.0.supply_channels.iter().map(Reference::from).collect()
    }
    async fn storefront(&self) -> Option<Storefront> {
        self.0.storefront.as_ref().map(Storefront::from)
    }
    async fn custom(&self) -> Option<CustomFieldsType> {
        self.0.custom.clone().map(CustomFieldsType)
    }
    pub(crate) async fn created_at(&self) -> DateTime {
        DateTime(self.0.meta.created_at.clone())
    }
    pub(crate) async fn last_modified_at(&self) -> DateTime {
        DateTime(self.0.meta.last_modified_at.clone())
    }
    pub(crate) async fn created_by(&self) -> Option<Initiator> {
        Initiator::of(&self.0.meta.created_by)
    }
    pub(crate) async fn last_modified_by(&self) -> Option<Initiator> {
        Initiator::of(&self.0.meta.last_modified_by)
    }
}

/// `StoreQueryResult`: a page of stores.
pub struct StoreQueryResult(pub PagedQueryResponse);

fn parse_store(raw: &str) -> ApiResult<core::Store> {
    serde_json::from_str(raw).map_err(|e| {
        tracing::error!(error = %e, "a stored store does not read as a Store");
        ApiError::general()
    })
}

#[Object]
impl StoreQueryResult {
    async fn offset(&self) -> i32 {
        i32::try_from(self.0.offset).unwrap_or(i32::MAX)
    }
    async fn count(&self) -> i32 {
        i32::try_from(self.0.count).unwrap_or(i32::MAX)
    }
    async fn total(&self) -> Long {
        Long(self.0.total.map_or(self.0.count as i64, |t| t as i64))
    }
    /// Whether any store matches (the GraphQL twin of `HEAD`).
    async fn exists(&self) -> bool {
        self.0.total.map_or(self.0.count > 0, |t| t > 0)
    }
    async fn results(&self) -> ApiResult<Vec<Store>> {
        self.0
            .results
            .iter()
            .map(|r| parse_store(r.get()).map(Store))
            .collect()
    }
}
