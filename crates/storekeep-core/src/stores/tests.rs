use serde_json::json;

use super::actions::{apply, check_storefront_value, references};
use super::*;
use crate::common::ClientLogging;
use crate::resource::Meta;
use crate::ApiError;

fn store() -> Store {
    Store {
        meta: Meta::new("id-1".into(), &ClientLogging::default()),
        key: "s1".into(),
        name: None,
        languages: vec![],
        countries: vec![],
        distribution_channels: vec![],
        supply_channels: vec![],
        product_selections: vec![],
        custom: None,
        storefront: None,
    }
}

fn action(v: serde_json::Value) -> StoreUpdateAction {
    serde_json::from_value(v).unwrap()
}

fn run(s: &mut Store, v: serde_json::Value) -> Result<(), ApiError> {
    apply(s, &action(v))
}

#[test]
fn set_name_sets_and_unsets() {
    let mut s = store();
    run(
        &mut s,
        json!({"action": "setName", "name": {"en": "A", "de-DE": "B"}}),
    )
    .unwrap();
    assert_eq!(s.name.as_ref().unwrap()["de-DE"], "B");
    run(&mut s, json!({"action": "setName"})).unwrap();
    assert_eq!(s.name, None);
    let err = run(&mut s, json!({"action": "setName", "name": {"EN!": "x"}})).unwrap_err();
    assert_eq!(err.code(), "InvalidField");
}

#[test]
fn countries_set_add_remove_dedup_and_validate() {
    let mut s = store();
    run(&mut s, json!({"action": "setCountries", "countries": [{"code": "DE"}, {"code": "DE"}, {"code": "AT"}]})).unwrap();
    assert_eq!(
        s.countries
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["DE", "AT"]
    );
    run(
        &mut s,
        json!({"action": "addCountry", "country": {"code": "AT"}}),
    )
    .unwrap();
    assert_eq!(s.countries.len(), 2, "adding a present country is a no-op");
    run(
        &mut s,
        json!({"action": "addCountry", "country": {"code": "US"}}),
    )
    .unwrap();
    run(
        &mut s,
        json!({"action": "removeCountry", "country": {"code": "DE"}}),
    )
    .unwrap();
    assert_eq!(
        s.countries
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["AT", "US"]
    );
    run(
        &mut s,
        json!({"action": "removeCountry", "country": {"code": "FR"}}),
    )
    .unwrap();
    assert_eq!(
        s.countries.len(),
        2,
        "removing an absent country is a no-op"
    );
    let err = run(
        &mut s,
        json!({"action": "addCountry", "country": {"code": "de"}}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "InvalidJsonInput");
    run(&mut s, json!({"action": "setCountries"})).unwrap();
    assert!(s.countries.is_empty());
}

#[test]
fn languages_replace() {
    let mut s = store();
    run(
        &mut s,
        json!({"action": "setLanguages", "languages": ["en", "de"]}),
    )
    .unwrap();
    assert_eq!(s.languages, ["en", "de"]);
    run(&mut s, json!({"action": "setLanguages"})).unwrap();
    assert!(s.languages.is_empty());
}

#[test]
fn storefront_urls_validate_and_unset() {
    let mut s = store();
    run(&mut s, json!({"action": "setCheckoutUrlTemplate", "checkoutUrlTemplate": "https://shop.example/checkout/{checkoutId}"})).unwrap();
    run(&mut s, json!({"action": "setOrderUrlTemplate", "orderUrlTemplate": "https://shop.example/o{?orderId}"})).unwrap();
    for (a, f) in [
        ("setTermsOfServiceUrl", "termsOfServiceUrl"),
        ("setPrivacyPolicyUrl", "privacyPolicyUrl"),
        ("setRefundPolicyUrl", "refundPolicyUrl"),
        ("setShippingPolicyUrl", "shippingPolicyUrl"),
        ("setCookiePolicyUrl", "cookiePolicyUrl"),
        ("setImprintUrl", "imprintUrl"),
        ("setFaqUrl", "faqUrl"),
        ("setContactUrl", "contactUrl"),
    ] {
        run(&mut s, json!({"action": a, f: "https://shop.example/page"})).unwrap();
        let err = run(&mut s, json!({"action": a, f: "http://shop.example/page"})).unwrap_err();
        assert_eq!(err.code(), "InvalidField", "{a} must refuse non-https");
    }
    let sf = s.storefront.clone().unwrap();
    assert_eq!(sf.faq_url.as_deref(), Some("https://shop.example/page"));
    assert!(sf.order_url_template.unwrap().contains("orderId"));
    let err = run(
        &mut s,
        json!({"action": "setCheckoutUrlTemplate", "checkoutUrlTemplate": "https://x/{orderId}"}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "InvalidField");
    run(&mut s, json!({"action": "setFaqUrl", "faqUrl": ""})).unwrap();
    assert_eq!(
        s.storefront.as_ref().unwrap().faq_url,
        None,
        "empty string removes the value"
    );
    for a in [
        "setCheckoutUrlTemplate",
        "setOrderUrlTemplate",
        "setTermsOfServiceUrl",
        "setPrivacyPolicyUrl",
        "setRefundPolicyUrl",
        "setShippingPolicyUrl",
        "setCookiePolicyUrl",
        "setImprintUrl",
        "setContactUrl",
    ] {
        run(&mut s, json!({"action": a})).unwrap();
    }
    assert_eq!(s.storefront, None, "a storefront with no values disappears");
}

#[test]
fn template_variables() {
    assert!(check_storefront_value("checkoutUrlTemplate", "https://a/{+checkoutId}").is_ok());
    assert!(check_storefront_value("checkoutUrlTemplate", "https://a/{x,checkoutId}").is_ok());
    assert!(check_storefront_value("checkoutUrlTemplate", "https://a/{checkoutIdx}").is_err());
    assert!(check_storefront_value("checkoutUrlTemplate", "https://a/{checkoutId").is_err());
    assert!(check_storefront_value("imprintUrl", "not a url").is_err());
}

#[test]
fn custom_fields_need_a_type() {
    let mut s = store();
    let err = run(
        &mut s,
        json!({"action": "setCustomField", "name": "x", "value": 1}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "InvalidOperation");
    run(&mut s, json!({"action": "setCustomType"})).unwrap();
    assert_eq!(s.custom, None);
}

#[test]
fn reference_actions_name_their_targets() {
    let a =
        action(json!({"action": "addDistributionChannel", "distributionChannel": {"key": "c1"}}));
    let r = references(&a);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, "channel");
    let a = action(
        json!({"action": "setProductSelections", "productSelections": [{"productSelection": {"id": "p"}, "active": true}]}),
    );
    assert_eq!(references(&a)[0].0, "product-selection");
    let a = action(json!({"action": "setCustomType", "type": {"key": "t"}}));
    assert_eq!(references(&a)[0].0, "type");
    let a = action(json!({"action": "setSupplyChannels"}));
    assert!(references(&a).is_empty());
}

#[test]
fn unknown_action_does_not_parse_and_unknown_fields_are_ignored() {
    assert!(
        serde_json::from_value::<StoreUpdateAction>(json!({"action": "setKey", "key": "x"}))
            .is_err()
    );
    assert!(serde_json::from_value::<StoreDraft>(json!({"key": "k", "extra": 1})).is_ok());
    assert!(serde_json::from_value::<StoreDraft>(json!({"name": {"en": "x"}})).is_err());
}
