//! Customer update actions. `apply` is pure: data from elsewhere (the keys of the stores an
//! action names, the hash of a password, the project's languages) is loaded by the service
//! and handed in through an [`ActionContext`]. storekeep holds no customer groups and no
//! custom types yet, so every reference to one is `ReferencedResourceNotFound`, while
//! removing or clearing them is a valid no-op.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{check_key, KeyReference, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};

use super::addresses::{self as addr, Role};
use super::draft::{
    check_claimed_len, check_date, check_email, check_locale_format, AddressDraft,
    CustomerGroupAssignmentDraft, Secret,
};
use super::model::{AuthenticationMode, Customer};

/// The body of a Customer update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdate {
    pub version: i64,
    pub actions: Vec<CustomerUpdateAction>,
}

/// Every Customer update action of the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CustomerUpdateAction {
    ChangeEmail {
        email: String,
    },
    SetFirstName {
        #[serde(default)]
        first_name: Option<String>,
    },
    SetLastName {
        #[serde(default)]
        last_name: Option<String>,
    },
    SetMiddleName {
        #[serde(default)]
        middle_name: Option<String>,
    },
    SetTitle {
        #[serde(default)]
        title: Option<String>,
    },
    SetSalutation {
        #[serde(default)]
        salutation: Option<String>,
    },
    SetDateOfBirth {
        #[serde(default)]
        date_of_birth: Option<String>,
    },
    SetCompanyName {
        #[serde(default)]
        company_name: Option<String>,
    },
    SetVatId {
        #[serde(default)]
        vat_id: Option<String>,
    },
    SetLocale {
        #[serde(default)]
        locale: Option<String>,
    },
    SetExternalId {
        #[serde(default)]
        external_id: Option<String>,
    },
    SetKey {
        #[serde(default)]
        key: Option<String>,
    },
    SetCustomerNumber {
        #[serde(default)]
        customer_number: Option<String>,
    },
    AddAddress {
        address: AddressDraft,
    },
    ChangeAddress {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
        address: AddressDraft,
    },
    RemoveAddress {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
    },
    SetDefaultShippingAddress {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
    },
    AddShippingAddressId {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
    },
    RemoveShippingAddressId {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
    },
    SetDefaultBillingAddress {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
    },
    AddBillingAddressId {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
    },
    RemoveBillingAddressId {
        #[serde(default)]
        address_id: Option<String>,
        #[serde(default)]
        address_key: Option<String>,
    },
    SetCustomerGroup {
        #[serde(default)]
        customer_group: Option<ResourceIdentifier>,
    },
    SetCustomerGroupAssignments {
        customer_group_assignments: Vec<CustomerGroupAssignmentDraft>,
    },
    AddCustomerGroupAssignment {
        customer_group_assignment: CustomerGroupAssignmentDraft,
    },
    RemoveCustomerGroupAssignment {
        customer_group: ResourceIdentifier,
    },
    SetStores {
        stores: Vec<ResourceIdentifier>,
    },
    AddStore {
        store: ResourceIdentifier,
    },
    RemoveStore {
        store: ResourceIdentifier,
    },
    SetAuthenticationMode {
        auth_mode: AuthenticationMode,
        #[serde(default)]
        password: Option<Secret>,
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
    SetAddressCustomType {
        address_id: String,
        #[serde(default, rename = "type")]
        type_ref: Option<ResourceIdentifier>,
        #[serde(default)]
        fields: Option<serde_json::Map<String, Value>>,
    },
    SetAddressCustomField {
        address_id: String,
        name: String,
        #[serde(default)]
        value: Option<Value>,
    },
}
crate::tagged_enum!(CustomerUpdateAction, "action");

impl CustomerUpdateAction {
    /// The wire name of the action (`setFirstName`, …).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("action").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default()
    }

    /// Is the action one of `MyCustomerUpdateAction` (the `/me` endpoints)? Stores, groups,
    /// key, customer number, external id and authentication mode are not.
    /// Exhaustive, so a new action must be classified.
    pub fn allowed_for_me(&self) -> bool {
        use CustomerUpdateAction as A;
        match self {
            A::SetKey { .. }
            | A::SetCustomerNumber { .. }
            | A::SetExternalId { .. }
            | A::SetCustomerGroup { .. }
            | A::SetCustomerGroupAssignments { .. }
            | A::AddCustomerGroupAssignment { .. }
            | A::RemoveCustomerGroupAssignment { .. }
            | A::SetStores { .. }
            | A::AddStore { .. }
            | A::RemoveStore { .. }
            | A::SetAuthenticationMode { .. } => false,
            A::ChangeEmail { .. }
            | A::SetFirstName { .. }
            | A::SetLastName { .. }
            | A::SetMiddleName { .. }
            | A::SetTitle { .. }
            | A::SetSalutation { .. }
            | A::SetDateOfBirth { .. }
            | A::SetCompanyName { .. }
            | A::SetVatId { .. }
            | A::SetLocale { .. }
            | A::AddAddress { .. }
            | A::ChangeAddress { .. }
            | A::RemoveAddress { .. }
            | A::SetDefaultShippingAddress { .. }
            | A::AddShippingAddressId { .. }
            | A::RemoveShippingAddressId { .. }
            | A::SetDefaultBillingAddress { .. }
            | A::AddBillingAddressId { .. }
            | A::RemoveBillingAddressId { .. }
            | A::SetCustomType { .. }
            | A::SetCustomField { .. }
            | A::SetAddressCustomType { .. }
            | A::SetAddressCustomField { .. } => true,
        }
    }

    /// Does the action change the customer's stores?
    pub fn is_store_action(&self) -> bool {
        self.store_refs().is_some()
    }

    /// The store identifiers an action names (they must be resolved before `apply`); `None`
    /// for an action that does not touch the stores. Exhaustive, so a new action must say.
    pub fn store_refs(&self) -> Option<Vec<&ResourceIdentifier>> {
        use CustomerUpdateAction as A;
        match self {
            A::SetStores { stores } => Some(stores.iter().collect()),
            A::AddStore { store } | A::RemoveStore { store } => Some(vec![store]),
            A::ChangeEmail { .. }
            | A::SetFirstName { .. }
            | A::SetLastName { .. }
            | A::SetMiddleName { .. }
            | A::SetTitle { .. }
            | A::SetSalutation { .. }
            | A::SetDateOfBirth { .. }
            | A::SetCompanyName { .. }
            | A::SetVatId { .. }
            | A::SetLocale { .. }
            | A::SetExternalId { .. }
            | A::SetKey { .. }
            | A::SetCustomerNumber { .. }
            | A::AddAddress { .. }
            | A::ChangeAddress { .. }
            | A::RemoveAddress { .. }
            | A::SetDefaultShippingAddress { .. }
            | A::AddShippingAddressId { .. }
            | A::RemoveShippingAddressId { .. }
            | A::SetDefaultBillingAddress { .. }
            | A::AddBillingAddressId { .. }
            | A::RemoveBillingAddressId { .. }
            | A::SetCustomerGroup { .. }
            | A::SetCustomerGroupAssignments { .. }
            | A::AddCustomerGroupAssignment { .. }
            | A::RemoveCustomerGroupAssignment { .. }
            | A::SetAuthenticationMode { .. }
            | A::SetCustomType { .. }
            | A::SetCustomField { .. }
            | A::SetAddressCustomType { .. }
            | A::SetAddressCustomField { .. } => None,
        }
    }
}

/// Refuse actions the `/me` endpoints do not know: for `MyCustomerUpdate` they are not a
/// valid `action` value, hence a JSON error as with any unknown action.
pub fn check_my_actions(actions: &[CustomerUpdateAction]) -> ApiResult<()> {
    match actions.iter().find(|a| !a.allowed_for_me()) {
        Some(a) => Err(ApiError::invalid_json(format!(
            "actions -> action: unknown MyCustomerUpdateAction '{}'.",
            a.name()
        ))),
        None => Ok(()),
    }
}

/// What `apply` needs from outside the customer.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActionContext<'a> {
    /// The stores the request names, resolved: identifier → key. Identifiers missing here
    /// do not exist.
    pub stores: &'a [(ResourceIdentifier, String)],
    /// The hash of the password of a `setAuthenticationMode` action.
    pub password_hash: Option<&'a str>,
    /// The project's languages, for `setLocale`.
    pub languages: Option<&'a [String]>,
}

impl ActionContext<'_> {
    fn store(&self, r: &ResourceIdentifier) -> ApiResult<KeyReference> {
        r.resolve("store")?;
        self.stores
            .iter()
            .find(|(i, _)| i.id == r.id && i.key == r.key)
            .map(|(_, key)| KeyReference {
                type_id: "store".into(),
                key: key.clone(),
            })
            .ok_or_else(|| r.not_found("store"))
    }
}

/// Check a locale against the project's languages.
pub fn check_locale(locale: &str, languages: Option<&[String]>) -> ApiResult<()> {
    check_locale_format(locale)?;
    match languages {
        Some(langs) if !langs.iter().any(|l| l == locale) => Err(ApiError::InvalidField {
            field: "locale".into(),
            invalid_value: Value::String(locale.to_string()),
            allowed_values: Some(langs.iter().cloned().map(Value::String).collect()),
            message: format!("Locale '{locale}' is not one of the project's languages."),
        }),
        _ => Ok(()),
    }
}

/// Apply one action to a customer (pure; the service applies all actions to a copy).
pub fn apply(c: &mut Customer, a: &CustomerUpdateAction, ctx: &ActionContext<'_>) -> ApiResult<()> {
    use CustomerUpdateAction as A;
    match a {
        A::ChangeEmail { email } => {
            check_email("email", email)?;
            if *email != c.email {
                c.email = email.clone();
                c.is_email_verified = false;
            }
        }
        A::SetFirstName { first_name: v } => c.first_name = v.clone(),
        A::SetLastName { last_name: v } => c.last_name = v.clone(),
        A::SetMiddleName { middle_name: v } => c.middle_name = v.clone(),
        A::SetTitle { title: v } => c.title = v.clone(),
        A::SetSalutation { salutation: v } => c.salutation = v.clone(),
        A::SetCompanyName { company_name: v } => c.company_name = v.clone(),
        A::SetVatId { vat_id: v } => c.vat_id = v.clone(),
        A::SetExternalId { external_id: v } => c.external_id = v.clone(),
        A::SetDateOfBirth { date_of_birth: v } => {
            if let Some(d) = v {
                check_date("dateOfBirth", d)?;
            }
            c.date_of_birth = v.clone();
        }
        A::SetLocale { locale: v } => {
            if let Some(l) = v {
                check_locale(l, ctx.languages)?;
            }
            c.locale = v.clone();
        }
        A::SetKey { key } => {
            if let Some(k) = key {
                check_key("key", k)?;
            }
            c.key = key.clone();
        }
        A::SetCustomerNumber { customer_number } => {
            set_customer_number(c, customer_number)?;
        }
        A::SetStores { stores } => {
            let mut keys: Vec<KeyReference> = Vec::with_capacity(stores.len());
            for r in stores {
                let k = ctx.store(r)?;
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            c.stores = keys;
        }
        A::AddStore { store } => {
            let k = ctx.store(store)?;
            if !c.stores.contains(&k) {
                c.stores.push(k);
            }
        }
        A::RemoveStore { store } => {
            let k = ctx.store(store)?;
            c.stores.retain(|s| *s != k);
        }
        A::SetAuthenticationMode {
            auth_mode,
            password,
        } => set_auth_mode(c, *auth_mode, password.is_some(), ctx.password_hash)?,
        A::AddAddress { address } => addr::add_address(c, address)?,
        A::ChangeAddress {
            address_id: id,
            address_key: key,
            address,
        } => addr::change_address(c, id, key, address)?,
        A::RemoveAddress {
            address_id: id,
            address_key: key,
        } => addr::remove_address(c, id, key)?,
        A::SetDefaultShippingAddress {
            address_id: id,
            address_key: key,
        } => addr::set_default(c, Role::Shipping, id, key)?,
        A::SetDefaultBillingAddress {
            address_id: id,
            address_key: key,
        } => addr::set_default(c, Role::Billing, id, key)?,
        A::AddShippingAddressId {
            address_id: id,
            address_key: key,
        } => addr::add_to(c, Role::Shipping, id, key)?,
        A::AddBillingAddressId {
            address_id: id,
            address_key: key,
        } => addr::add_to(c, Role::Billing, id, key)?,
        A::RemoveShippingAddressId {
            address_id: id,
            address_key: key,
        } => addr::remove_from(c, Role::Shipping, id, key)?,
        A::RemoveBillingAddressId {
            address_id: id,
            address_key: key,
        } => addr::remove_from(c, Role::Billing, id, key)?,
        // storekeep holds no customer groups and no types: naming one is not found, removing
        // them is a no-op.
        A::SetCustomerGroup { customer_group } => match customer_group {
            Some(r) => return Err(r.unknown("customer-group")),
            None => c.customer_group = None,
        },
        A::SetCustomerGroupAssignments {
            customer_group_assignments,
        } => match customer_group_assignments.first() {
            Some(g) => return Err(g.customer_group.unknown("customer-group")),
            None => c.customer_group_assignments.clear(),
        },
        A::AddCustomerGroupAssignment {
            customer_group_assignment: g,
        } => return Err(g.customer_group.unknown("customer-group")),
        A::RemoveCustomerGroupAssignment { customer_group } => {
            return Err(customer_group.unknown("customer-group"))
        }
        A::SetCustomType { type_ref, .. } => match type_ref {
            Some(r) => return Err(r.unknown("type")),
            None => c.custom = None,
        },
        A::SetCustomField { name, .. } => return Err(addr::no_custom_type(name)),
        A::SetAddressCustomType {
            address_id: id,
            type_ref,
            ..
        } => addr::set_address_custom_type(c, id, type_ref)?,
        A::SetAddressCustomField {
            address_id: id,
            name,
            ..
        } => addr::set_address_custom_field(c, id, name)?,
    }
    Ok(())
}

fn set_customer_number(c: &mut Customer, n: &Option<String>) -> ApiResult<()> {
    if let Some(n) = n {
        check_claimed_len("customerNumber", n)?;
    }
    match (&c.customer_number, n) {
        (Some(old), new) if new.as_ref() != Some(old) => Err(ApiError::InvalidOperation(
            "The customerNumber of a customer cannot be changed once it is set.".into(),
        )),
        _ => {
            c.customer_number = n.clone();
            Ok(())
        }
    }
}

fn set_auth_mode(
    c: &mut Customer,
    mode: AuthenticationMode,
    has_password: bool,
    hash: Option<&str>,
) -> ApiResult<()> {
    if c.authentication_mode == mode {
        return Err(ApiError::InvalidOperation(format!(
            "The customer already uses the authentication mode '{mode:?}'."
        )));
    }
    match mode {
        AuthenticationMode::ExternalAuth => c.password = None,
        AuthenticationMode::Password => match hash {
            Some(h) if has_password => c.password = Some(h.to_string()),
            _ => {
                return Err(ApiError::RequiredField {
                    field: "password".into(),
                })
            }
        },
    }
    c.authentication_mode = mode;
    Ok(())
}
