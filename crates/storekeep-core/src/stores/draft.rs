//! StoreDraft: the body of `POST /{projectKey}/stores`.

use serde::{Deserialize, Serialize};

use crate::common::{CustomFieldsDraft, LocalizedString, ResourceIdentifier};

use super::model::{StoreCountry, Storefront};

/// `{ productSelection: ResourceIdentifier, active?: bool }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductSelectionSettingDraft {
    pub product_selection: ResourceIdentifier,
    #[serde(default)]
    pub active: Option<bool>,
}

/// The body that creates a Store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreDraft {
    pub key: String,
    #[serde(default)]
    pub name: Option<LocalizedString>,
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    #[serde(default)]
    pub countries: Option<Vec<StoreCountry>>,
    #[serde(default)]
    pub distribution_channels: Option<Vec<ResourceIdentifier>>,
    #[serde(default)]
    pub supply_channels: Option<Vec<ResourceIdentifier>>,
    #[serde(default)]
    pub product_selections: Option<Vec<ProductSelectionSettingDraft>>,
    #[serde(default)]
    pub custom: Option<CustomFieldsDraft>,
    #[serde(default)]
    pub storefront: Option<Storefront>,
}
