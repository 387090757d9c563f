//! Address update actions: add, change, remove, the shipping/billing lists and defaults,
//! address custom types, and the addressId/addressKey rules.

use serde_json::json;

use super::actions::run;
use super::customer;
use crate::customers::model::Customer;
use crate::error::ApiError;

fn id_of(c: &Customer, key: &str) -> String {
    c.addresses
        .iter()
        .find(|a| a.key.as_deref() == Some(key))
        .and_then(|a| a.id.clone())
        .unwrap()
}

#[test]
fn add_address_assigns_an_id() {
    let mut c = customer();
    let a = json!({"action": "addAddress", "address": {"id": "ignored", "key": "new", "country": "NL"}});
    run(&mut c, a).unwrap();
    assert_eq!(c.addresses.len(), 3);
    let id = id_of(&c, "new");
    assert_ne!(id, "ignored");
    let dup = json!({"action": "addAddress", "address": {"key": "home", "country": "NL"}});
    assert_eq!(
        run(&mut c, dup).unwrap_err(),
        ApiError::duplicate("addresses.key", "home")
    );
    assert_eq!(c.addresses.len(), 3, "a failed action changes nothing");
    let bad = json!({"action": "addAddress", "address": {"country": "NLD"}});
    assert_eq!(run(&mut c, bad).unwrap_err().code(), "InvalidJsonInput");
    let typed = json!({"action": "addAddress", "address": {"country": "NL", "custom": {"type": {"key": "t"}}}});
    let e = run(&mut c, typed).unwrap_err();
    assert!(
        matches!(e, ApiError::ReferencedResourceNotFound { ref type_id, .. } if type_id == "type")
    );
}

#[test]
fn change_address_keeps_the_id() {
    let mut c = customer();
    let home = id_of(&c, "home");
    let a = json!({"action": "changeAddress", "addressId": home, "address": {"key": "home2", "country": "AT", "city": "Wien"}});
    run(&mut c, a).unwrap();
    let changed = c.address(&home).unwrap();
    assert_eq!(changed.key.as_deref(), Some("home2"));
    assert_eq!(changed.city.as_deref(), Some("Wien"));
    assert_eq!(changed.country, "AT");
    let by_key = json!({"action": "changeAddress", "addressKey": "work", "address": {"key": "home2", "country": "AT"}});
    assert_eq!(run(&mut c, by_key).unwrap_err().code(), "DuplicateField");
}

#[test]
fn address_id_or_key_exactly_one() {
    let mut c = customer();
    let before = c.clone();
    let home = id_of(&c, "home");
    for a in [
        json!({"action": "removeAddress"}),
        json!({"action": "removeAddress", "addressId": home, "addressKey": "home"}),
        json!({"action": "addShippingAddressId"}),
        json!({"action": "changeAddress", "address": {"country": "DE"}}),
    ] {
        assert!(
            matches!(run(&mut c, a.clone()), Err(ApiError::InvalidInput(_))),
            "{a}"
        );
    }
    let e = run(
        &mut c,
        json!({"action": "removeAddress", "addressId": "nope"}),
    )
    .unwrap_err();
    assert_eq!(
        e,
        ApiError::InvalidInput("Address with id 'nope' not found.".into())
    );
    let e = run(
        &mut c,
        json!({"action": "addBillingAddressId", "addressKey": "nope"}),
    )
    .unwrap_err();
    assert_eq!(
        e,
        ApiError::InvalidInput("Address with key 'nope' not found.".into())
    );
    assert_eq!(c, before, "failed actions changed nothing");
}

#[test]
fn defaults_join_their_lists() {
    let mut c = customer();
    let (home, work) = (id_of(&c, "home"), id_of(&c, "work"));
    run(
        &mut c,
        json!({"action": "setDefaultShippingAddress", "addressKey": "home"}),
    )
    .unwrap();
    assert_eq!(c.default_shipping_address_id.as_ref(), Some(&home));
    assert_eq!(c.shipping_address_ids, vec![home.clone()]);
    run(
        &mut c,
        json!({"action": "setDefaultBillingAddress", "addressId": work}),
    )
    .unwrap();
    assert_eq!(c.default_billing_address_id.as_ref(), Some(&work));
    assert_eq!(c.billing_address_ids, vec![work.clone()]);
    // Neither id nor key: the default is unset, the list stays.
    run(&mut c, json!({"action": "setDefaultShippingAddress"})).unwrap();
    assert_eq!(c.default_shipping_address_id, None);
    assert_eq!(c.shipping_address_ids, vec![home.clone()]);
    run(&mut c, json!({"action": "setDefaultBillingAddress"})).unwrap();
    assert_eq!(c.default_billing_address_id, None);
    let r = run(
        &mut c,
        json!({"action": "setDefaultBillingAddress", "addressKey": "nope"}),
    );
    assert!(matches!(r, Err(ApiError::InvalidInput(_))));
}

#[test]
fn list_membership() {
    let mut c = customer();
    let (home, work) = (id_of(&c, "home"), id_of(&c, "work"));
    run(
        &mut c,
        json!({"action": "addShippingAddressId", "addressId": home}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "addShippingAddressId", "addressKey": "home"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "addShippingAddressId", "addressKey": "work"}),
    )
    .unwrap();
    assert_eq!(c.shipping_address_ids, vec![home.clone(), work.clone()]);
    run(
        &mut c,
        json!({"action": "addBillingAddressId", "addressKey": "work"}),
    )
    .unwrap();
    assert_eq!(c.billing_address_ids, vec![work.clone()]);
    // Removing the default from its list also unsets the default.
    run(
        &mut c,
        json!({"action": "setDefaultShippingAddress", "addressKey": "work"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "removeShippingAddressId", "addressKey": "work"}),
    )
    .unwrap();
    assert_eq!(c.shipping_address_ids, vec![home.clone()]);
    assert_eq!(c.default_shipping_address_id, None);
    run(
        &mut c,
        json!({"action": "setDefaultBillingAddress", "addressKey": "work"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "removeBillingAddressId", "addressId": work}),
    )
    .unwrap();
    assert!(c.billing_address_ids.is_empty());
    assert_eq!(c.default_billing_address_id, None);
    // Removing an address that is in no list is fine.
    run(
        &mut c,
        json!({"action": "removeBillingAddressId", "addressKey": "home"}),
    )
    .unwrap();
}

#[test]
fn remove_address_cleans_lists_and_defaults() {
    let mut c = customer();
    let (home, work) = (id_of(&c, "home"), id_of(&c, "work"));
    run(
        &mut c,
        json!({"action": "setDefaultShippingAddress", "addressKey": "home"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "setDefaultBillingAddress", "addressKey": "home"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "addBillingAddressId", "addressKey": "work"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "removeAddress", "addressKey": "home"}),
    )
    .unwrap();
    assert_eq!(c.addresses.len(), 1);
    assert!(c.address(&home).is_none());
    assert!(c.shipping_address_ids.is_empty());
    assert_eq!(c.billing_address_ids, vec![work]);
    assert_eq!(c.default_shipping_address_id, None);
    assert_eq!(c.default_billing_address_id, None);
}

#[test]
fn address_custom_types() {
    let mut c = customer();
    let home = id_of(&c, "home");
    let a = json!({"action": "setAddressCustomType", "addressId": home, "type": {"key": "t"}});
    let e = run(&mut c, a).unwrap_err();
    assert!(
        matches!(e, ApiError::ReferencedResourceNotFound { ref type_id, .. } if type_id == "type")
    );
    run(
        &mut c,
        json!({"action": "setAddressCustomType", "addressId": home}),
    )
    .unwrap();
    let r = run(
        &mut c,
        json!({"action": "setAddressCustomType", "addressId": "nope"}),
    );
    assert!(
        matches!(r, Err(ApiError::InvalidInput(_))),
        "unknown address first"
    );
    let r = run(
        &mut c,
        json!({"action": "setAddressCustomField", "addressId": home, "name": "x", "value": 1}),
    );
    assert_eq!(r.unwrap_err().code(), "InvalidOperation");
    let r = run(
        &mut c,
        json!({"action": "setAddressCustomField", "addressId": "nope", "name": "x"}),
    );
    assert!(matches!(r, Err(ApiError::InvalidInput(_))));
}
