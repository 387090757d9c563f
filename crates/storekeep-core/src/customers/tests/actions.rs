//! Update actions other than the address ones: fields, key, number, stores, groups, custom
//! types, authentication mode, and the `/me` subset.

use serde_json::{json, Value};

use super::customer;
use crate::common::{KeyReference, ResourceIdentifier};
use crate::customers::actions::{apply, check_my_actions, ActionContext, CustomerUpdateAction};
use crate::customers::model::{AuthenticationMode, Customer};
use crate::error::ApiError;

pub(super) fn action(v: Value) -> CustomerUpdateAction {
    serde_json::from_value(v).unwrap()
}

pub(super) fn run(c: &mut Customer, v: Value) -> Result<(), ApiError> {
    apply(c, &action(v), &ActionContext::default())
}

fn run_with(c: &mut Customer, v: Value, ctx: &ActionContext<'_>) -> Result<(), ApiError> {
    apply(c, &action(v), ctx)
}

fn code(r: Result<(), ApiError>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn change_email_resets_verification() {
    let mut c = customer();
    c.is_email_verified = true;
    run(
        &mut c,
        json!({"action": "changeEmail", "email": "Jane@Example.com"}),
    )
    .unwrap();
    assert!(c.is_email_verified, "same email: nothing changes");
    run(
        &mut c,
        json!({"action": "changeEmail", "email": "new@example.com"}),
    )
    .unwrap();
    assert_eq!(c.email, "new@example.com");
    assert!(!c.is_email_verified);
}

#[test]
fn simple_fields_set_and_unset() {
    for (action, field) in [
        ("setFirstName", "firstName"),
        ("setLastName", "lastName"),
        ("setMiddleName", "middleName"),
        ("setTitle", "title"),
        ("setSalutation", "salutation"),
        ("setCompanyName", "companyName"),
        ("setVatId", "vatId"),
        ("setExternalId", "externalId"),
    ] {
        let mut c = customer();
        run(&mut c, json!({"action": action, field: "V"})).unwrap();
        assert_eq!(serde_json::to_value(&c).unwrap()[field], "V", "{action}");
        run(&mut c, json!({"action": action})).unwrap();
        assert!(
            serde_json::to_value(&c).unwrap().get(field).is_none(),
            "{action}"
        );
    }
}

#[test]
fn date_of_birth() {
    let mut c = customer();
    run(
        &mut c,
        json!({"action": "setDateOfBirth", "dateOfBirth": "2000-02-29"}),
    )
    .unwrap();
    assert_eq!(c.date_of_birth.as_deref(), Some("2000-02-29"));
    let r = run(
        &mut c,
        json!({"action": "setDateOfBirth", "dateOfBirth": "2001-02-29"}),
    );
    assert_eq!(code(r), "InvalidJsonInput");
    run(&mut c, json!({"action": "setDateOfBirth"})).unwrap();
    assert_eq!(c.date_of_birth, None);
}

#[test]
fn locale_must_be_a_project_language() {
    let langs = vec!["en".to_string(), "de-DE".to_string()];
    let ctx = ActionContext {
        languages: Some(&langs),
        ..ActionContext::default()
    };
    let mut c = customer();
    run_with(
        &mut c,
        json!({"action": "setLocale", "locale": "de-DE"}),
        &ctx,
    )
    .unwrap();
    assert_eq!(c.locale.as_deref(), Some("de-DE"));
    let e = run_with(&mut c, json!({"action": "setLocale", "locale": "fr"}), &ctx).unwrap_err();
    assert!(
        matches!(e, ApiError::InvalidField { ref field, .. } if field == "locale"),
        "{e:?}"
    );
    let r = run_with(
        &mut c,
        json!({"action": "setLocale", "locale": "not a locale"}),
        &ctx,
    );
    assert_eq!(code(r), "InvalidJsonInput");
    run_with(&mut c, json!({"action": "setLocale"}), &ctx).unwrap();
    assert_eq!(c.locale, None);
}

#[test]
fn set_key() {
    let mut c = customer();
    run(&mut c, json!({"action": "setKey", "key": "cust-1"})).unwrap();
    assert_eq!(c.key.as_deref(), Some("cust-1"));
    assert_eq!(
        code(run(&mut c, json!({"action": "setKey", "key": "x"}))),
        "InvalidInput"
    );
    assert_eq!(
        code(run(&mut c, json!({"action": "setKey", "key": "a/b"}))),
        "InvalidInput"
    );
    run(&mut c, json!({"action": "setKey"})).unwrap();
    assert_eq!(c.key, None);
}

#[test]
fn customer_number_is_immutable_once_set() {
    let mut c = customer();
    run(&mut c, json!({"action": "setCustomerNumber"})).unwrap();
    run(
        &mut c,
        json!({"action": "setCustomerNumber", "customerNumber": "N-1"}),
    )
    .unwrap();
    assert_eq!(c.customer_number.as_deref(), Some("N-1"));
    run(
        &mut c,
        json!({"action": "setCustomerNumber", "customerNumber": "N-1"}),
    )
    .unwrap();
    let r = run(
        &mut c,
        json!({"action": "setCustomerNumber", "customerNumber": "N-2"}),
    );
    assert_eq!(code(r), "InvalidOperation");
    assert_eq!(
        code(run(&mut c, json!({"action": "setCustomerNumber"}))),
        "InvalidOperation"
    );
    assert_eq!(c.customer_number.as_deref(), Some("N-1"));
}

fn key_ref(k: &str) -> KeyReference {
    KeyReference {
        type_id: "store".into(),
        key: k.into(),
    }
}

#[test]
fn stores_are_resolved_keys() {
    let by_id = ResourceIdentifier {
        id: Some("id-2".into()),
        ..Default::default()
    };
    let by_key = ResourceIdentifier {
        key: Some("s1".into()),
        ..Default::default()
    };
    let known = vec![(by_key, "s1".to_string()), (by_id, "s2".to_string())];
    let ctx = ActionContext {
        stores: &known,
        ..ActionContext::default()
    };
    let mut c = customer();
    let set = json!({"action": "setStores", "stores": [
        {"typeId": "store", "key": "s1"}, {"id": "id-2"}, {"key": "s1"}
    ]});
    run_with(&mut c, set, &ctx).unwrap();
    assert_eq!(
        c.stores,
        vec![key_ref("s1"), key_ref("s2")],
        "ids resolved, deduplicated"
    );
    run_with(
        &mut c,
        json!({"action": "removeStore", "store": {"key": "s1"}}),
        &ctx,
    )
    .unwrap();
    assert_eq!(c.stores, vec![key_ref("s2")]);
    run_with(
        &mut c,
        json!({"action": "addStore", "store": {"key": "s1"}}),
        &ctx,
    )
    .unwrap();
    run_with(
        &mut c,
        json!({"action": "addStore", "store": {"key": "s1"}}),
        &ctx,
    )
    .unwrap();
    assert_eq!(c.stores, vec![key_ref("s2"), key_ref("s1")]);
    run_with(&mut c, json!({"action": "setStores", "stores": []}), &ctx).unwrap();
    assert!(c.is_global());
    // Unknown stores and malformed identifiers.
    let e = run_with(
        &mut c,
        json!({"action": "addStore", "store": {"key": "nope"}}),
        &ctx,
    )
    .unwrap_err();
    assert_eq!(
        e,
        ApiError::ReferencedResourceNotFound {
            type_id: "store".into(),
            id: None,
            key: Some("nope".into())
        }
    );
    let r = run_with(
        &mut c,
        json!({"action": "addStore", "store": {"id": "x", "key": "s1"}}),
        &ctx,
    );
    assert_eq!(code(r), "InvalidJsonInput");
    let r = run_with(
        &mut c,
        json!({"action": "removeStore", "store": {"typeId": "channel", "key": "s1"}}),
        &ctx,
    );
    assert_eq!(code(r), "InvalidJsonInput");
}

#[test]
fn customer_groups_do_not_exist() {
    let mut c = customer();
    let group = json!({"typeId": "customer-group", "key": "vip"});
    for a in [
        json!({"action": "setCustomerGroup", "customerGroup": group}),
        json!({"action": "setCustomerGroupAssignments", "customerGroupAssignments": [{"customerGroup": group}]}),
        json!({"action": "addCustomerGroupAssignment", "customerGroupAssignment": {"customerGroup": group}}),
        json!({"action": "removeCustomerGroupAssignment", "customerGroup": group}),
    ] {
        let e = run(&mut c, a.clone()).unwrap_err();
        assert_eq!(
            e,
            ApiError::ReferencedResourceNotFound {
                type_id: "customer-group".into(),
                id: None,
                key: Some("vip".into())
            },
            "{a}"
        );
    }
    let before = c.clone();
    run(&mut c, json!({"action": "setCustomerGroup"})).unwrap();
    run(
        &mut c,
        json!({"action": "setCustomerGroupAssignments", "customerGroupAssignments": []}),
    )
    .unwrap();
    assert_eq!(c, before, "clearing is a no-op");
}

#[test]
fn custom_types_do_not_exist() {
    let mut c = customer();
    let t = json!({"action": "setCustomType", "type": {"key": "t1"}, "fields": {"a": 1}});
    let e = run(&mut c, t).unwrap_err();
    assert!(
        matches!(e, ApiError::ReferencedResourceNotFound { ref type_id, .. } if type_id == "type")
    );
    run(&mut c, json!({"action": "setCustomType"})).unwrap();
    let r = run(
        &mut c,
        json!({"action": "setCustomField", "name": "a", "value": 1}),
    );
    assert_eq!(code(r), "InvalidOperation");
    let r = run(&mut c, json!({"action": "setCustomField", "name": "a"}));
    assert_eq!(code(r), "InvalidOperation", "removing a non-existing field");
}

#[test]
fn authentication_mode() {
    let mut c = customer();
    c.password = Some("$argon2id$old".into());
    let r = run(
        &mut c,
        json!({"action": "setAuthenticationMode", "authMode": "Password", "password": "x"}),
    );
    assert_eq!(code(r), "InvalidOperation", "already Password");
    run(
        &mut c,
        json!({"action": "setAuthenticationMode", "authMode": "ExternalAuth"}),
    )
    .unwrap();
    assert_eq!(c.authentication_mode, AuthenticationMode::ExternalAuth);
    assert_eq!(c.password, None);
    let r = run(
        &mut c,
        json!({"action": "setAuthenticationMode", "authMode": "Password"}),
    );
    assert_eq!(code(r), "RequiredField");
    let ctx = ActionContext {
        password_hash: Some("$argon2id$new"),
        ..ActionContext::default()
    };
    let a = json!({"action": "setAuthenticationMode", "authMode": "Password", "password": "pw"});
    run_with(&mut c, a, &ctx).unwrap();
    assert_eq!(c.authentication_mode, AuthenticationMode::Password);
    assert_eq!(c.password.as_deref(), Some("$argon2id$new"));
    // The field is `authMode`, not `authenticationMode`.
    let wrong: Result<CustomerUpdateAction, _> = serde_json::from_value(
        json!({"action": "setAuthenticationMode", "authenticationMode": "Password"}),
    );
    assert!(wrong.is_err());
}

#[test]
fn unknown_actions_do_not_parse() {
    let r: Result<CustomerUpdateAction, _> =
        serde_json::from_value(json!({"action": "setShoeSize", "size": 44}));
    assert!(r.is_err());
    let r: Result<CustomerUpdateAction, _> =
        serde_json::from_value(json!({"action": "changeEmail"}));
    assert!(r.is_err(), "email is required");
}

#[test]
fn me_subset() {
    let allowed = [
        json!({"action": "changeEmail", "email": "x@y.z"}),
        json!({"action": "setFirstName"}),
        json!({"action": "setLocale"}),
        json!({"action": "addAddress", "address": {"country": "DE"}}),
        json!({"action": "setDefaultBillingAddress"}),
        json!({"action": "setCustomType"}),
        json!({"action": "setAddressCustomField", "addressId": "a", "name": "n"}),
    ];
    let refused = [
        json!({"action": "setKey"}),
        json!({"action": "setCustomerNumber"}),
        json!({"action": "setExternalId"}),
        json!({"action": "setCustomerGroup"}),
        json!({"action": "setStores", "stores": []}),
        json!({"action": "addStore", "store": {"key": "s1"}}),
        json!({"action": "setAuthenticationMode", "authMode": "ExternalAuth"}),
    ];
    let allowed: Vec<_> = allowed.into_iter().map(action).collect();
    assert!(check_my_actions(&allowed).is_ok());
    for a in refused {
        let a = action(a);
        assert!(!a.allowed_for_me());
        let e = check_my_actions(std::slice::from_ref(&a)).unwrap_err();
        assert_eq!(e.code(), "InvalidJsonInput");
        assert!(e.to_error_object()["detailedErrorMessage"]
            .as_str()
            .unwrap()
            .contains(&a.name()));
    }
}

#[test]
fn action_names_round_trip() {
    let a = action(json!({"action": "removeBillingAddressId", "addressKey": "home"}));
    assert_eq!(a.name(), "removeBillingAddressId");
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(v["addressKey"], "home");
}

#[test]
fn emails_and_customer_numbers_have_a_length_limit() {
    use crate::customers::draft::{check_draft, MAX_CLAIMED_LEN};
    let at_limit = format!("{}@x.de", "a".repeat(MAX_CLAIMED_LEN - 5));
    let over = format!("a{at_limit}");
    let mut c = customer();
    assert_eq!(
        run(&mut c, json!({"action": "changeEmail", "email": at_limit})),
        Ok(())
    );
    let r = run(&mut c, json!({"action": "changeEmail", "email": over}));
    assert_eq!(code(r), "InvalidInput");
    let r = run(
        &mut c,
        json!({"action": "setCustomerNumber", "customerNumber": "n".repeat(MAX_CLAIMED_LEN + 1)}),
    );
    assert_eq!(code(r), "InvalidInput");
    let draft = |email: &str, number: usize| {
        serde_json::from_value(
            json!({"email": email, "password": "p", "customerNumber": "n".repeat(number)}),
        )
        .unwrap()
    };
    assert_eq!(check_draft(&draft(&at_limit, MAX_CLAIMED_LEN)), Ok(()));
    assert_eq!(
        check_draft(&draft(&over, 2)).map_err(|e| e.code()),
        Err("InvalidInput")
    );
    assert_eq!(
        check_draft(&draft("a@b.c", MAX_CLAIMED_LEN + 1)).map_err(|e| e.code()),
        Err("InvalidInput")
    );
}
