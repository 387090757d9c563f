//! The address update actions of customers: add, change and remove addresses, the
//! shipping/billing id lists and their defaults, and the custom type of an address. Actions
//! name an address by `addressId` or `addressKey` (exactly one); an unknown one is
//! `InvalidInput`. Like `apply` (which dispatches every action, exhaustively, in
//! `actions.rs`), these are pure and leave the customer untouched when they fail. They take the
//! fields of an action, not the action enum, so this module does not import `actions.rs`.

use crate::error::{ApiError, ApiResult};

use crate::common::ResourceIdentifier;

use super::draft::{check_address, AddressDraft};
use super::model::Customer;

/// The id of the address an action names by id or by key (exactly one).
pub fn address_id(c: &Customer, id: &Option<String>, key: &Option<String>) -> ApiResult<String> {
    match (id, key) {
        (Some(id), None) => c
            .address(id)
            .map(|_| id.clone())
            .ok_or_else(|| ApiError::InvalidInput(format!("Address with id '{id}' not found."))),
        (None, Some(key)) => c
            .addresses
            .iter()
            .find(|a| a.key.as_deref() == Some(key.as_str()))
            .and_then(|a| a.id.clone())
            .ok_or_else(|| ApiError::InvalidInput(format!("Address with key '{key}' not found."))),
        _ => Err(ApiError::InvalidInput(
            "Exactly one of 'addressId' and 'addressKey' must be given.".into(),
        )),
    }
}

fn push_unique(list: &mut Vec<String>, id: &str) {
    if !list.iter().any(|x| x == id) {
        list.push(id.to_string());
    }
}

/// No address other than `except` has the key `key` (address keys are unique per customer).
fn check_key_free(c: &Customer, key: Option<&str>, except: Option<&String>) -> ApiResult<()> {
    let Some(key) = key else {
        return Ok(());
    };
    let taken = c
        .addresses
        .iter()
        .any(|a| a.key.as_deref() == Some(key) && a.id.as_ref() != except);
    if taken {
        return Err(ApiError::duplicate("addresses.key", key));
    }
    Ok(())
}

/// The two roles an address plays for a customer: one of its shipping or billing addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Shipping,
    Billing,
}

/// The id list and the default of a role.
fn role_of(c: &mut Customer, role: Role) -> (&mut Vec<String>, &mut Option<String>) {
    match role {
        Role::Shipping => (
            &mut c.shipping_address_ids,
            &mut c.default_shipping_address_id,
        ),
        Role::Billing => (
            &mut c.billing_address_ids,
            &mut c.default_billing_address_id,
        ),
    }
}

/// A new address or its replacement: valid, without custom type (storekeep holds none), with
/// a key no other address of the customer has.
fn checked(c: &Customer, address: &AddressDraft, id: Option<&String>) -> ApiResult<()> {
    check_address(address)?;
    if let Some(t) = address.custom.as_ref() {
        return Err(t.type_ref.unknown("type"));
    }
    check_key_free(c, address.key.as_deref(), id)
}

/// `addAddress`.
pub(super) fn add_address(c: &mut Customer, address: &AddressDraft) -> ApiResult<()> {
    checked(c, address, None)?;
    c.addresses.push(
        address
            .clone()
            .with_custom(Some(crate::common::new_id()), None),
    );
    Ok(())
}

/// `changeAddress`: the address keeps its id.
pub(super) fn change_address(
    c: &mut Customer,
    id: &Option<String>,
    key: &Option<String>,
    address: &AddressDraft,
) -> ApiResult<()> {
    let id = address_id(c, id, key)?;
    checked(c, address, Some(&id))?;
    for slot in c.addresses.iter_mut() {
        if slot.id.as_ref() == Some(&id) {
            *slot = address.clone().with_custom(Some(id.clone()), None);
        }
    }
    Ok(())
}

/// `removeAddress`: also from both roles and their defaults.
pub(super) fn remove_address(
    c: &mut Customer,
    id: &Option<String>,
    key: &Option<String>,
) -> ApiResult<()> {
    let id = address_id(c, id, key)?;
    c.addresses.retain(|x| x.id.as_ref() != Some(&id));
    for role in [Role::Shipping, Role::Billing] {
        drop_from(c, role, &id);
    }
    Ok(())
}

fn drop_from(c: &mut Customer, role: Role, id: &String) {
    let (ids, default) = role_of(c, role);
    ids.retain(|x| x != id);
    if default.as_ref() == Some(id) {
        *default = None;
    }
}

/// `setDefaultShippingAddress` / `setDefaultBillingAddress`: naming no address clears the
/// default; naming one also adds it to the role's ids.
pub(super) fn set_default(
    c: &mut Customer,
    role: Role,
    id: &Option<String>,
    key: &Option<String>,
) -> ApiResult<()> {
    if id.is_none() && key.is_none() {
        *role_of(c, role).1 = None;
        return Ok(());
    }
    let id = address_id(c, id, key)?;
    let (ids, default) = role_of(c, role);
    push_unique(ids, &id);
    *default = Some(id);
    Ok(())
}

/// `addShippingAddressId` / `addBillingAddressId`.
pub(super) fn add_to(
    c: &mut Customer,
    role: Role,
    id: &Option<String>,
    key: &Option<String>,
) -> ApiResult<()> {
    let id = address_id(c, id, key)?;
    push_unique(role_of(c, role).0, &id);
    Ok(())
}

/// `removeShippingAddressId` / `removeBillingAddressId`: also clears the role's default.
pub(super) fn remove_from(
    c: &mut Customer,
    role: Role,
    id: &Option<String>,
    key: &Option<String>,
) -> ApiResult<()> {
    let id = address_id(c, id, key)?;
    drop_from(c, role, &id);
    Ok(())
}

/// `setAddressCustomType`: removing the type is a no-op; any type is not found.
pub(super) fn set_address_custom_type(
    c: &mut Customer,
    id: &str,
    type_ref: &Option<ResourceIdentifier>,
) -> ApiResult<()> {
    let id = address_id(c, &Some(id.to_string()), &None)?;
    if let Some(r) = type_ref {
        return Err(r.unknown("type"));
    }
    for addr in c
        .addresses
        .iter_mut()
        .filter(|x| x.id.as_ref() == Some(&id))
    {
        addr.custom = None;
    }
    Ok(())
}

/// `setAddressCustomField`: the address exists but has no custom type.
pub(super) fn set_address_custom_field(c: &Customer, id: &str, name: &str) -> ApiResult<()> {
    address_id(c, &Some(id.to_string()), &None)?;
    Err(no_custom_type(name))
}

/// A custom field on a resource without custom type.
pub(super) fn no_custom_type(name: &str) -> ApiError {
    ApiError::InvalidOperation(format!(
        "Cannot set the custom field '{name}': the resource has no custom type."
    ))
}
