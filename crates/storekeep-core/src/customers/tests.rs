//! Pure tests of the customer domain: drafts, the wire shape, uniqueness claims, visibility
//! filters and error mapping. Update actions are in `tests/actions.rs` and
//! `tests/addresses.rs`; behaviour over real storage is in storekeep-sql's `tests/it`.

mod actions;
mod addresses;

use serde_json::{json, Value};

use super::draft::{build_customer, check_draft, CustomerDraft, Secret};
use super::model::{AuthenticationMode, Customer};
use super::rules::{claims_changed, customer_uniqueness, visible_in_store, write_error};
use super::tokens::check_ttl;
use crate::common::{ClientLogging, KeyReference};
use crate::error::ApiError;
use crate::query::{Filter, Scalar};
use crate::resource::Meta;
use crate::storage::{Claim, Exclusion, StorageError};

fn meta() -> Meta {
    Meta::new("c-1".into(), &ClientLogging::default())
}

fn draft(v: Value) -> CustomerDraft {
    serde_json::from_value(v).unwrap()
}

fn store(key: &str) -> KeyReference {
    KeyReference {
        type_id: "store".into(),
        key: key.into(),
    }
}

/// A customer with two addresses (`home`, `work`) and no lists set.
pub(super) fn customer() -> Customer {
    let d = draft(json!({
        "email": "Jane@Example.com",
        "password": "pw",
        "addresses": [
            {"key": "home", "country": "DE", "city": "Berlin"},
            {"key": "work", "country": "FR"}
        ]
    }));
    build_customer(d, meta(), Vec::new()).unwrap()
}

fn build(v: Value) -> Result<Customer, ApiError> {
    let d = draft(v);
    check_draft(&d)?;
    build_customer(d, meta(), Vec::new())
}

#[test]
fn minimal_draft_defaults() {
    let c = build(json!({"email": "a@b.c", "password": "x"})).unwrap();
    assert_eq!(c.email, "a@b.c");
    assert_eq!(c.authentication_mode, AuthenticationMode::Password);
    assert!(!c.is_email_verified);
    assert!(c.addresses.is_empty() && c.stores.is_empty());
    assert_eq!(c.password, None, "the service stores the hash later");
    assert_eq!(c.meta.version, 1);
}

#[test]
fn draft_ignores_unknown_fields() {
    let r: CustomerDraft =
        serde_json::from_value(json!({"email": "A@b.c", "lowercaseEmail": "x@y.z"})).unwrap();
    assert_eq!(r.email, "A@b.c");
}

#[test]
fn addresses_get_ids_and_indices_become_ids() {
    let c = build(json!({
        "email": "a@b.c", "password": "x",
        "addresses": [
            {"id": "mine", "country": "DE"}, {"country": "FR"}, {"country": "IT"}
        ],
        "shippingAddresses": [2, 2],
        "defaultShippingAddress": 0,
        "billingAddresses": [1],
        "defaultBillingAddress": 1
    }))
    .unwrap();
    let ids: Vec<String> = c.addresses.iter().map(|a| a.id.clone().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert!(
        !ids.contains(&"mine".to_string()),
        "sent ids are overwritten"
    );
    assert_ne!(ids[0], ids[1]);
    // Duplicates collapse; a default index sets the default id only, not list membership
    // (CustomerDraft.raml; docs/DESIGN.md).
    assert_eq!(c.shipping_address_ids, vec![ids[2].clone()]);
    assert_eq!(c.default_shipping_address_id.as_ref(), Some(&ids[0]));
    assert_eq!(c.billing_address_ids, vec![ids[1].clone()]);
    assert_eq!(c.default_billing_address_id.as_ref(), Some(&ids[1]));
}

#[test]
fn address_index_out_of_range_is_invalid_input() {
    for (field, v) in [
        ("defaultShippingAddress", json!(1)),
        ("defaultBillingAddress", json!(-1)),
        ("shippingAddresses", json!([0, 5])),
        ("billingAddresses", json!([1])),
    ] {
        let mut d = json!({"email": "a@b.c", "password": "x", "addresses": [{"country": "DE"}]});
        d[field] = v;
        match build(d) {
            Err(ApiError::InvalidInput(m)) => assert!(m.contains(field), "{m}"),
            other => panic!("{field}: {other:?}"),
        }
    }
    // No addresses at all: index 0 is out of range too.
    let r = build(json!({"email": "a@b.c", "password": "x", "defaultShippingAddress": 0}));
    assert!(matches!(r, Err(ApiError::InvalidInput(_))));
}

#[test]
fn draft_checks() {
    let bad = |v: Value| build(v).unwrap_err().code();
    assert_eq!(bad(json!({"email": "a@b.c"})), "RequiredField");
    assert!(build(json!({"email": "a@b.c", "authenticationMode": "ExternalAuth"})).is_ok());
    let base = |k: &str, v: Value| {
        let mut d = json!({"email": "a@b.c", "password": "x"});
        d[k] = v;
        d
    };
    assert_eq!(bad(base("key", json!("a b"))), "InvalidInput");
    assert_eq!(
        bad(base("dateOfBirth", json!("1990-13-01"))),
        "InvalidJsonInput"
    );
    assert_eq!(
        bad(base("dateOfBirth", json!("1990-1-1"))),
        "InvalidJsonInput"
    );
    assert!(build(base("dateOfBirth", json!("1990-01-31"))).is_ok());
    assert_eq!(bad(base("locale", json!("EN"))), "InvalidJsonInput");
    assert_eq!(
        bad(base("addresses", json!([{"country": "de"}]))),
        "InvalidJsonInput"
    );
    assert_eq!(
        bad(base("addresses", json!([{"country": "DE", "key": "x"}]))),
        "InvalidInput"
    );
    assert_eq!(
        bad(base(
            "addresses",
            json!([{"country": "DE", "key": "k1"}, {"country": "FR", "key": "k1"}])
        )),
        "DuplicateField"
    );
}

#[test]
fn external_auth_keeps_no_password() {
    let c = build(json!({"email": "a@b.c", "password": "x", "authenticationMode": "ExternalAuth"}))
        .unwrap();
    assert_eq!(c.authentication_mode, AuthenticationMode::ExternalAuth);
    assert_eq!(c.password, None);
}

#[test]
fn wire_shape() {
    let mut c = customer();
    c.stores = vec![store("s1")];
    c.addresses[0].p_o_box = Some("12".into());
    let v = serde_json::to_value(&c).unwrap();
    for f in [
        "id",
        "version",
        "createdAt",
        "lastModifiedAt",
        "email",
        "addresses",
        "shippingAddressIds",
        "billingAddressIds",
        "isEmailVerified",
        "customerGroupAssignments",
        "stores",
        "authenticationMode",
    ] {
        assert!(v.get(f).is_some(), "missing {f}: {v}");
    }
    assert_eq!(v["authenticationMode"], "Password");
    assert_eq!(v["stores"], json!([{"typeId": "store", "key": "s1"}]));
    assert_eq!(v["addresses"][0]["pOBox"], "12");
    assert!(v.get("lowercaseEmail").is_none());
    assert!(v.get("key").is_none(), "absent optionals are omitted");
    let back: Customer = serde_json::from_value(v).unwrap();
    assert_eq!(back, c);
}

#[test]
fn secrets_are_redacted_in_debug() {
    let d = draft(json!({"email": "a@b.c", "password": "hunter2"}));
    assert!(!format!("{d:?}").contains("hunter2"));
    assert_eq!(Secret::from("x").expose(), "x");
}

#[test]
fn visibility() {
    let mut c = customer();
    assert!(
        c.visible_in(None) && c.visible_in(Some("s1")),
        "global: everywhere (D1)"
    );
    c.stores = vec![store("s1")];
    assert!(c.visible_in(None) && c.visible_in(Some("s1")));
    assert!(!c.visible_in(Some("s2")));
}

#[test]
fn uniqueness_of_a_global_customer() {
    let mut c = customer();
    c.customer_number = Some("N-1".into());
    let u = customer_uniqueness(&c);
    assert_eq!(
        u.claims,
        vec![
            Claim {
                scope: "email:*".into(),
                value: "jane@example.com".into()
            },
            Claim {
                scope: "customerNumber".into(),
                value: "N-1".into()
            },
        ]
    );
    assert_eq!(
        u.exclusions,
        vec![Exclusion {
            scope_prefix: "email:".into(),
            value: "jane@example.com".into()
        }]
    );
    assert_eq!(u.locks, vec!["email:jane@example.com".to_string()]);
}

#[test]
fn uniqueness_of_a_store_customer() {
    let mut c = customer();
    c.stores = vec![store("s1"), store("s2")];
    let u = customer_uniqueness(&c);
    let scopes: Vec<&str> = u.claims.iter().map(|c| c.scope.as_str()).collect();
    assert_eq!(scopes, vec!["email:store:s1", "email:store:s2"]);
    assert!(u.claims.iter().all(|c| c.value == "jane@example.com"));
    assert_eq!(
        u.exclusions,
        vec![Exclusion {
            scope_prefix: "email:*".into(),
            value: "jane@example.com".into()
        }]
    );
    assert_eq!(u.locks, vec!["email:jane@example.com".to_string()]);
}

#[test]
fn claims_change_with_email_stores_or_number() {
    let a = customer();
    let mut b = a.clone();
    b.first_name = Some("J".into());
    b.email = "JANE@example.COM".into();
    assert!(
        !claims_changed(&a, &b),
        "case and other fields do not matter"
    );
    b.email = "other@example.com".into();
    assert!(claims_changed(&a, &b));
    let mut b = a.clone();
    b.stores = vec![store("s1")];
    assert!(claims_changed(&a, &b));
    let mut b = a.clone();
    b.customer_number = Some("1".into());
    assert!(claims_changed(&a, &b));
}

#[test]
fn store_visibility_filter() {
    let f = visible_in_store("s1");
    let Filter::Or(parts) = f.root() else {
        panic!("{f:?}")
    };
    assert!(
        matches!(&parts[0], Filter::Empty { field, negated: false } if field.path == ["stores"])
    );
    let Filter::AnyElement { array, inner } = &parts[1] else {
        panic!("{parts:?}")
    };
    assert_eq!(array.path, ["stores"]);
    assert!(
        matches!(&**inner, Filter::Cmp { field, value: Scalar::Text(s), .. }
        if field.path == ["key"] && s == "s1")
    );
}

#[test]
fn storage_errors_map_to_duplicate_fields() {
    let mut c = customer();
    c.key = Some("k1".into());
    let dup = |scope: &str, value: &str| StorageError::DuplicateClaim {
        scope: scope.into(),
        value: value.into(),
    };
    let e = write_error(&c, 1, dup("email:store:s1", "jane@example.com"));
    assert_eq!(
        e,
        ApiError::duplicate("email", "Jane@Example.com"),
        "as given"
    );
    let e = write_error(&c, 1, dup("email:*", "jane@example.com"));
    assert_eq!(e, ApiError::duplicate("email", "Jane@Example.com"));
    let e = write_error(&c, 1, dup("customerNumber", "N-1"));
    assert_eq!(e, ApiError::duplicate("customerNumber", "N-1"));
    assert_eq!(
        write_error(&c, 1, StorageError::DuplicateKey),
        ApiError::duplicate("key", "k1")
    );
    let e = write_error(&c, 1, StorageError::VersionConflict { current_version: 3 });
    assert!(matches!(
        e,
        ApiError::ConcurrentModification {
            current_version: Some(3),
            ..
        }
    ));
    assert_eq!(
        write_error(&c, 1, StorageError::Backend("x".into())).code(),
        "General"
    );
}

#[test]
fn token_ttl_bounds() {
    assert!(check_ttl(1).is_ok());
    assert!(check_ttl(10_080).is_ok());
    for bad in [0, -5, 10_081] {
        assert!(
            matches!(check_ttl(bad), Err(ApiError::InvalidInput(_))),
            "{bad}"
        );
    }
}
