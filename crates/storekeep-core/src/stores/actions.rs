//! Store update actions. `apply` is pure: it works on a copy and either applies every action
//! or fails; references to resources storekeep does not hold are rejected by the service
//! before `apply` runs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{check_localized, LocalizedString, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};

use super::draft::ProductSelectionSettingDraft;
use super::model::{Store, StoreCountry, Storefront};

/// The body of a Store update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreUpdate {
    pub version: i64,
    pub actions: Vec<StoreUpdateAction>,
}

/// Every Store update action of the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum StoreUpdateAction {
    SetName {
        #[serde(default)]
        name: Option<LocalizedString>,
    },
    SetLanguages {
        #[serde(default)]
        languages: Option<Vec<String>>,
    },
    SetCountries {
        #[serde(default)]
        countries: Option<Vec<StoreCountry>>,
    },
    AddCountry {
        country: StoreCountry,
    },
    RemoveCountry {
        country: StoreCountry,
    },
    SetDistributionChannels {
        #[serde(default)]
        distribution_channels: Option<Vec<ResourceIdentifier>>,
    },
    AddDistributionChannel {
        distribution_channel: ResourceIdentifier,
    },
    RemoveDistributionChannel {
        distribution_channel: ResourceIdentifier,
    },
    SetSupplyChannels {
        #[serde(default)]
        supply_channels: Option<Vec<ResourceIdentifier>>,
    },
    AddSupplyChannel {
        supply_channel: ResourceIdentifier,
    },
    RemoveSupplyChannel {
        supply_channel: ResourceIdentifier,
    },
    AddProductSelection {
        product_selection: ResourceIdentifier,
        #[serde(default)]
        active: Option<bool>,
    },
    RemoveProductSelection {
        product_selection: ResourceIdentifier,
    },
    ChangeProductSelectionActive {
        product_selection: ResourceIdentifier,
        #[serde(default)]
        active: Option<bool>,
    },
    SetProductSelections {
        #[serde(default)]
        product_selections: Option<Vec<ProductSelectionSettingDraft>>,
    },
    SetCustomType {
        #[serde(default, rename = "type")]
        type_ref: Option<ResourceIdentifier>,
        #[serde(default)]
        fields: Option<serde_json::Map<String, Value>>,
    },
    SetCustomField {
        name: String,
        #[serde(default)]
        value: Option<Value>,
    },
    SetCheckoutUrlTemplate {
        #[serde(default)]
        checkout_url_template: Option<String>,
    },
    SetOrderUrlTemplate {
        #[serde(default)]
        order_url_template: Option<String>,
    },
    SetTermsOfServiceUrl {
        #[serde(default)]
        terms_of_service_url: Option<String>,
    },
    SetPrivacyPolicyUrl {
        #[serde(default)]
        privacy_policy_url: Option<String>,
    },
    SetRefundPolicyUrl {
        #[serde(default)]
        refund_policy_url: Option<String>,
    },
    SetShippingPolicyUrl {
        #[serde(default)]
        shipping_policy_url: Option<String>,
    },
    SetCookiePolicyUrl {
        #[serde(default)]
        cookie_policy_url: Option<String>,
    },
    SetImprintUrl {
        #[serde(default)]
        imprint_url: Option<String>,
    },
    SetFaqUrl {
        #[serde(default)]
        faq_url: Option<String>,
    },
    SetContactUrl {
        #[serde(default)]
        contact_url: Option<String>,
    },
}
crate::tagged_enum!(StoreUpdateAction, "action");

/// Set one storefront field (`field` is its wire name): an empty value clears it, a store
/// whose storefront ends up empty has none.
fn set_storefront(
    store: &mut Store,
    field: &str,
    slot: fn(&mut Storefront) -> &mut Option<String>,
    value: &Option<String>,
) -> ApiResult<()> {
    let value = value.clone().filter(|v| !v.is_empty());
    if let Some(v) = &value {
        check_storefront_value(field, v)?;
    }
    let mut sf = store.storefront.clone().unwrap_or_default();
    *slot(&mut sf) = value;
    store.storefront = (!sf.is_empty()).then_some(sf);
    Ok(())
}

/// Check a storefront value: URL templates must name their variable, other URLs must be
/// absolute `https` URLs.
pub fn check_storefront_value(field: &str, value: &str) -> ApiResult<()> {
    let ok = match field {
        "checkoutUrlTemplate" => template_has_var(value, "checkoutId"),
        "orderUrlTemplate" => template_has_var(value, "orderId"),
        _ => url::Url::parse(value)
            .map(|u| u.scheme() == "https" && u.host().is_some())
            .unwrap_or(false),
    };
    if ok {
        Ok(())
    } else {
        let why = match field {
            "checkoutUrlTemplate" => "must be a URI template with the variable 'checkoutId'",
            "orderUrlTemplate" => "must be a URI template with the variable 'orderId'",
            _ => "must be an absolute https URL",
        };
        Err(ApiError::invalid_field(
            field,
            Value::String(value.to_string()),
            format!("The value of '{field}' {why}."),
        ))
    }
}

/// Does an RFC 6570 template contain an expression naming `var` (e.g. `{checkoutId}`, `{+checkoutId}`)?
fn template_has_var(t: &str, var: &str) -> bool {
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return false;
        };
        let expr = after[..close].trim_start_matches(['+', '#', '.', '/', ';', '?', '&']);
        if expr
            .split(',')
            .any(|v| v.trim_end_matches('*').split(':').next() == Some(var))
        {
            return true;
        }
        rest = &after[close + 1..];
    }
    false
}

/// Check a list of store countries.
pub fn check_countries(countries: &[StoreCountry]) -> ApiResult<()> {
    for c in countries {
        if !crate::common::valid_country(&c.code) {
            return Err(ApiError::invalid_json(format!(
                "country.code: '{}' is not a valid ISO 3166-1 alpha-2 country code.",
                c.code
            )));
        }
    }
    Ok(())
}

/// Apply one action to a store. Channel, product-selection and type references were
/// rejected before (they cannot resolve), so the reference actions only reach here with
/// "remove all" semantics.
pub fn apply(store: &mut Store, action: &StoreUpdateAction) -> ApiResult<()> {
    use StoreUpdateAction as A;
    match action {
        A::SetName { name } => {
            if let Some(n) = name {
                check_localized("name", n)?;
            }
            store.name = name.clone().filter(|n| !n.is_empty());
        }
        A::SetLanguages { languages } => store.languages = languages.clone().unwrap_or_default(),
        A::SetCountries { countries } => {
            let cs = countries.clone().unwrap_or_default();
            check_countries(&cs)?;
            store.countries = dedup(cs);
        }
        A::AddCountry { country } => {
            check_countries(std::slice::from_ref(country))?;
            if !store.countries.contains(country) {
                store.countries.push(country.clone());
            }
        }
        A::RemoveCountry { country } => {
            check_countries(std::slice::from_ref(country))?;
            store.countries.retain(|c| c != country);
        }
        A::SetDistributionChannels { .. } => store.distribution_channels.clear(),
        A::SetSupplyChannels { .. } => store.supply_channels.clear(),
        A::SetProductSelections { .. } => store.product_selections.clear(),
        A::SetCustomType { .. } => store.custom = None,
        A::SetCustomField { name, .. } => {
            return Err(ApiError::InvalidOperation(format!(
                "Cannot set the custom field '{name}': the store has no custom type."
            )))
        }
        // The service reports these references not found before `apply` runs (storekeep
        // holds no channels or product selections); should one get here, the answer is the same.
        A::AddDistributionChannel { .. }
        | A::RemoveDistributionChannel { .. }
        | A::AddSupplyChannel { .. }
        | A::RemoveSupplyChannel { .. }
        | A::AddProductSelection { .. }
        | A::RemoveProductSelection { .. }
        | A::ChangeProductSelectionActive { .. } => {
            if let Some((type_id, r)) = references(action).first() {
                return Err(r.unknown(type_id));
            }
        }
        A::SetCheckoutUrlTemplate {
            checkout_url_template: v,
        } => set_storefront(
            store,
            "checkoutUrlTemplate",
            |s| &mut s.checkout_url_template,
            v,
        )?,
        A::SetOrderUrlTemplate {
            order_url_template: v,
        } => set_storefront(store, "orderUrlTemplate", |s| &mut s.order_url_template, v)?,
        A::SetTermsOfServiceUrl {
            terms_of_service_url: v,
        } => set_storefront(
            store,
            "termsOfServiceUrl",
            |s| &mut s.terms_of_service_url,
            v,
        )?,
        A::SetPrivacyPolicyUrl {
            privacy_policy_url: v,
        } => set_storefront(store, "privacyPolicyUrl", |s| &mut s.privacy_policy_url, v)?,
        A::SetRefundPolicyUrl {
            refund_policy_url: v,
        } => set_storefront(store, "refundPolicyUrl", |s| &mut s.refund_policy_url, v)?,
        A::SetShippingPolicyUrl {
            shipping_policy_url: v,
        } => set_storefront(
            store,
            "shippingPolicyUrl",
            |s| &mut s.shipping_policy_url,
            v,
        )?,
        A::SetCookiePolicyUrl {
            cookie_policy_url: v,
        } => set_storefront(store, "cookiePolicyUrl", |s| &mut s.cookie_policy_url, v)?,
        A::SetImprintUrl { imprint_url: v } => {
            set_storefront(store, "imprintUrl", |s| &mut s.imprint_url, v)?
        }
        A::SetFaqUrl { faq_url: v } => set_storefront(store, "faqUrl", |s| &mut s.faq_url, v)?,
        A::SetContactUrl { contact_url: v } => {
            set_storefront(store, "contactUrl", |s| &mut s.contact_url, v)?
        }
    }
    Ok(())
}

fn dedup(cs: Vec<StoreCountry>) -> Vec<StoreCountry> {
    let mut out: Vec<StoreCountry> = Vec::with_capacity(cs.len());
    for c in cs {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The references an action makes to channels, product selections or types: each must be
/// resolved (and, as storekeep holds none of those resources yet, is reported not found).
pub fn references(action: &StoreUpdateAction) -> Vec<(&'static str, &ResourceIdentifier)> {
    use StoreUpdateAction as A;
    // Exhaustive: an action added later must say which references it makes.
    match action {
        A::SetDistributionChannels {
            distribution_channels: v,
        }
        | A::SetSupplyChannels { supply_channels: v } => {
            v.iter().flatten().map(|r| ("channel", r)).collect()
        }
        A::AddDistributionChannel {
            distribution_channel: r,
        }
        | A::RemoveDistributionChannel {
            distribution_channel: r,
        }
        | A::AddSupplyChannel { supply_channel: r }
        | A::RemoveSupplyChannel { supply_channel: r } => vec![("channel", r)],
        A::AddProductSelection {
            product_selection: r,
            ..
        }
        | A::RemoveProductSelection {
            product_selection: r,
        }
        | A::ChangeProductSelectionActive {
            product_selection: r,
            ..
        } => vec![("product-selection", r)],
        A::SetProductSelections {
            product_selections: v,
        } => v
            .iter()
            .flatten()
            .map(|p| ("product-selection", &p.product_selection))
            .collect(),
        A::SetCustomType { type_ref, .. } => type_ref.iter().map(|r| ("type", r)).collect(),
        A::SetName { .. }
        | A::SetLanguages { .. }
        | A::SetCountries { .. }
        | A::AddCountry { .. }
        | A::RemoveCountry { .. }
        | A::SetCustomField { .. }
        | A::SetCheckoutUrlTemplate { .. }
        | A::SetOrderUrlTemplate { .. }
        | A::SetTermsOfServiceUrl { .. }
        | A::SetPrivacyPolicyUrl { .. }
        | A::SetRefundPolicyUrl { .. }
        | A::SetShippingPolicyUrl { .. }
        | A::SetCookiePolicyUrl { .. }
        | A::SetImprintUrl { .. }
        | A::SetFaqUrl { .. }
        | A::SetContactUrl { .. } => Vec::new(),
    }
}
