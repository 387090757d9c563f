//! The address update actions of customers: add, change and remove addresses, the
//! shipping/billing id lists and their defaults. Actions name an address by `addressId` or
//! `addressKey` (exactly one); an unknown one is `InvalidInput`. Like `apply`, these are pure
//! and leave the customer untouched when they fail.

use crate::error::{ApiError, ApiResult};

use super::actions::{unknown, CustomerUpdateAction};
use super::draft::check_address;
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

pub(super) fn apply_address(c: &mut Customer, a: &CustomerUpdateAction) -> ApiResult<()> {
    use CustomerUpdateAction as A;
    match a {
        A::AddAddress { address } => {
            check_address(address)?;
            if let Some(t) = address.custom.as_ref() {
                return Err(unknown("type", &t.type_ref));
            }
            check_key_free(c, address.key.as_deref(), None)?;
            c.addresses.push(
                address
                    .clone()
                    .with_custom(Some(crate::common::new_id()), None),
            );
        }
        A::ChangeAddress {
            address_id: id,
            address_key: key,
            address,
        } => {
            let id = address_id(c, id, key)?;
            check_address(address)?;
            if let Some(t) = address.custom.as_ref() {
                return Err(unknown("type", &t.type_ref));
            }
            check_key_free(c, address.key.as_deref(), Some(&id))?;
            for slot in c.addresses.iter_mut() {
                if slot.id.as_ref() == Some(&id) {
                    *slot = address.clone().with_custom(Some(id.clone()), None);
                }
            }
        }
        A::RemoveAddress {
            address_id: id,
            address_key: key,
        } => {
            let id = address_id(c, id, key)?;
            c.addresses.retain(|x| x.id.as_ref() != Some(&id));
            c.shipping_address_ids.retain(|x| *x != id);
            c.billing_address_ids.retain(|x| *x != id);
            if c.default_shipping_address_id.as_ref() == Some(&id) {
                c.default_shipping_address_id = None;
            }
            if c.default_billing_address_id.as_ref() == Some(&id) {
                c.default_billing_address_id = None;
            }
        }
        A::SetDefaultShippingAddress {
            address_id: None,
            address_key: None,
        } => c.default_shipping_address_id = None,
        A::SetDefaultShippingAddress {
            address_id: id,
            address_key: key,
        } => {
            let id = address_id(c, id, key)?;
            push_unique(&mut c.shipping_address_ids, &id);
            c.default_shipping_address_id = Some(id);
        }
        A::SetDefaultBillingAddress {
            address_id: None,
            address_key: None,
        } => c.default_billing_address_id = None,
        A::SetDefaultBillingAddress {
            address_id: id,
            address_key: key,
        } => {
            let id = address_id(c, id, key)?;
            push_unique(&mut c.billing_address_ids, &id);
            c.default_billing_address_id = Some(id);
        }
        A::AddShippingAddressId {
            address_id: id,
            address_key: key,
        } => {
            let id = address_id(c, id, key)?;
            push_unique(&mut c.shipping_address_ids, &id);
        }
        A::AddBillingAddressId {
            address_id: id,
            address_key: key,
        } => {
            let id = address_id(c, id, key)?;
            push_unique(&mut c.billing_address_ids, &id);
        }
        A::RemoveShippingAddressId {
            address_id: id,
            address_key: key,
        } => {
            let id = address_id(c, id, key)?;
            c.shipping_address_ids.retain(|x| *x != id);
            if c.default_shipping_address_id.as_ref() == Some(&id) {
                c.default_shipping_address_id = None;
            }
        }
        A::RemoveBillingAddressId {
            address_id: id,
            address_key: key,
        } => {
            let id = address_id(c, id, key)?;
            c.billing_address_ids.retain(|x| *x != id);
            if c.default_billing_address_id.as_ref() == Some(&id) {
                c.default_billing_address_id = None;
            }
        }
        // Every other action is handled by `apply` or `apply_reference_or_address`.
        _ => return Err(ApiError::general()),
    }
    Ok(())
}
