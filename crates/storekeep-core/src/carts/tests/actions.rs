//! Every cart update action, with its errors, and the `/me` subset.

use serde_json::{json, Value};

use super::{cart, customer, store_ref};
use crate::carts::actions::{check_my_actions, CartUpdateAction};
use crate::carts::apply::{apply, apply_all, CartContext};
use crate::carts::model::{Cart, CartState, CustomLineItemPriceMode, RoundingMode, TaxMode};
use crate::error::ApiError;

fn action(v: Value) -> CartUpdateAction {
    serde_json::from_value(v).unwrap()
}

fn run(c: &mut Cart, v: Value) -> Result<(), ApiError> {
    apply_all(c, &[action(v)], &CartContext::default())
}

fn run_with(c: &mut Cart, v: Value, ctx: &CartContext<'_>) -> Result<(), ApiError> {
    apply_all(c, &[action(v)], ctx)
}

fn code(r: Result<(), ApiError>) -> &'static str {
    r.unwrap_err().code()
}

fn add(slug: &str, cents: i64, qty: i64) -> Value {
    json!({"action": "addCustomLineItem", "name": {"en": slug}, "slug": slug,
           "money": {"currencyCode": "EUR", "centAmount": cents}, "quantity": qty})
}

#[test]
fn add_custom_line_item() {
    let mut c = cart();
    run(&mut c, add("gift-wrap", 250, 3)).unwrap();
    assert_eq!(c.custom_line_items.len(), 2);
    assert_eq!(c.custom_line_items[1].total_price.cent_amount, 750);
    assert_eq!(c.total_price.cent_amount, 300 + 750);
    // The same item again: the quantity increases (API behaviour since 2017-10-06).
    run(&mut c, add("gift-wrap", 250, 2)).unwrap();
    assert_eq!(c.custom_line_items.len(), 2);
    assert_eq!(c.custom_line_items[1].quantity, 5);
    assert_eq!(c.total_price.cent_amount, 300 + 1250);
    // Without quantity: 1.
    let mut no_qty = add("x1", 1, 1);
    no_qty.as_object_mut().unwrap().remove("quantity");
    run(&mut c, no_qty).unwrap();
    assert_eq!(c.custom_line_items[2].quantity, 1);
    let mut dup_key = add("other", 1, 1);
    dup_key["key"] = json!("fee-key");
    assert_eq!(
        run(&mut c, dup_key).unwrap_err(),
        ApiError::duplicate("customLineItems.key", "fee-key")
    );
    let mut usd = add("usd", 1, 1);
    usd["money"]["currencyCode"] = json!("USD");
    assert_eq!(code(run(&mut c, usd)), "InvalidOperation");
    assert_eq!(code(run(&mut c, add("zero", 1, 0))), "InvalidInput");
    assert_eq!(code(run(&mut c, add("huge", i64::MAX, 2))), "InvalidInput");
    let mut taxed = add("taxed", 1, 1);
    taxed["taxCategory"] = json!({"key": "standard"});
    assert_eq!(code(run(&mut c, taxed)), "ReferencedResourceNotFound");
    // Unknown fields of the item are ignored, inside the tagged action too.
    let mut odd = add("odd", 1, 1);
    odd["colour"] = json!("red");
    assert!(matches!(
        serde_json::from_value::<CartUpdateAction>(odd),
        Ok(CartUpdateAction::AddCustomLineItem(_))
    ));
}

#[test]
fn remove_and_change_custom_line_items() {
    let mut c = cart();
    let id = c.custom_line_items[0].id.clone();
    let by_id = |a: &str, extra: Value| {
        let mut v = json!({"action": a, "customLineItemId": id});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    run(
        &mut c,
        by_id("changeCustomLineItemQuantity", json!({"quantity": 4})),
    )
    .unwrap();
    assert_eq!(c.total_price.cent_amount, 600);
    let money = json!({"money": {"currencyCode": "EUR", "centAmount": 99}});
    run(&mut c, by_id("changeCustomLineItemMoney", money)).unwrap();
    assert_eq!(c.custom_line_items[0].total_price.cent_amount, 396);
    assert_eq!(c.total_price.cent_amount, 396);
    let usd = json!({"money": {"currencyCode": "USD", "centAmount": 99}});
    assert_eq!(
        code(run(&mut c, by_id("changeCustomLineItemMoney", usd))),
        "InvalidOperation"
    );
    run(
        &mut c,
        by_id("changeCustomLineItemPriceMode", json!({"mode": "External"})),
    )
    .unwrap();
    assert_eq!(
        c.custom_line_items[0].price_mode,
        CustomLineItemPriceMode::External
    );
    let neg = by_id("changeCustomLineItemQuantity", json!({"quantity": -1}));
    assert_eq!(code(run(&mut c, neg)), "InvalidInput");
    // By key, and quantity 0 removes the item.
    run(
        &mut c,
        json!({"action": "changeCustomLineItemQuantity",
                       "customLineItemKey": "fee-key", "quantity": 0}),
    )
    .unwrap();
    assert!(c.custom_line_items.is_empty());
    assert_eq!(c.total_price.cent_amount, 0);

    let mut c = cart();
    for bad in [
        json!({"action": "removeCustomLineItem"}),
        json!({"action": "removeCustomLineItem", "customLineItemId": "x", "customLineItemKey": "y"}),
        json!({"action": "removeCustomLineItem", "customLineItemId": "nope"}),
        json!({"action": "removeCustomLineItem", "customLineItemKey": "nope"}),
    ] {
        assert_eq!(code(run(&mut c, bad.clone())), "InvalidInput", "{bad}");
    }
    run(
        &mut c,
        json!({"action": "removeCustomLineItem", "customLineItemKey": "fee-key"}),
    )
    .unwrap();
    assert!(c.custom_line_items.is_empty());
}

#[test]
fn set_customer_id_checks_existence_and_the_store_rule() {
    let global = customer("g", &[]);
    let in_s1 = customer("one", &["s1"]);
    let known = [global.clone(), in_s1.clone()];
    let ctx = CartContext {
        customers: &known,
        ..CartContext::default()
    };
    let set = |id: &str| json!({"action": "setCustomerId", "customerId": id});
    let mut c = cart();
    let e = run_with(&mut c, set("missing"), &ctx).unwrap_err();
    assert_eq!(e.code(), "ReferencedResourceNotFound");
    assert_eq!(e.to_error_object()["typeId"], "customer");
    // No store: any customer.
    run_with(&mut c, set("one"), &ctx).unwrap();
    assert_eq!(c.customer_id.as_deref(), Some("one"));
    // In store s2: only global customers or customers of s2; a customer of another store is
    // answered as an unknown one (issue 21, F8).
    c.store = Some(store_ref("s2"));
    let e = run_with(&mut c, set("one"), &ctx).unwrap_err();
    assert_eq!(e.code(), "ReferencedResourceNotFound");
    let unknown = run_with(&mut c, set("missing"), &ctx).unwrap_err();
    assert_eq!(
        e.to_string().replace("'one'", "'missing'"),
        unknown.to_string()
    );
    run_with(&mut c, set("g"), &ctx).unwrap();
    c.store = Some(store_ref("s1"));
    run_with(&mut c, set("one"), &ctx).unwrap();
    run_with(&mut c, json!({"action": "setCustomerId"}), &ctx).unwrap();
    assert_eq!(c.customer_id, None);
}

#[test]
fn owner_fields() {
    let mut c = cart();
    run(
        &mut c,
        json!({"action": "setCustomerEmail", "email": "a@b.c"}),
    )
    .unwrap();
    assert_eq!(c.customer_email.as_deref(), Some("a@b.c"));
    run(&mut c, json!({"action": "setCustomerEmail"})).unwrap();
    assert_eq!(c.customer_email, None);
    run(
        &mut c,
        json!({"action": "setAnonymousId", "anonymousId": "a1"}),
    )
    .unwrap();
    assert_eq!(c.anonymous_id.as_deref(), Some("a1"));
    c.customer_id = Some("jane".into());
    let r = run(
        &mut c,
        json!({"action": "setAnonymousId", "anonymousId": "a2"}),
    );
    assert_eq!(code(r), "InvalidOperation");
    let r = run(
        &mut c,
        json!({"action": "setCustomerGroup", "customerGroup": {"key": "vip"}}),
    );
    assert_eq!(code(r), "ReferencedResourceNotFound");
    run(&mut c, json!({"action": "setCustomerGroup"})).unwrap();
}

#[test]
fn addresses() {
    let mut c = cart();
    let set =
        json!({"action": "setShippingAddress", "address": {"country": "DE", "city": "Berlin"}});
    run(&mut c, set).unwrap();
    assert_eq!(c.shipping_address.as_ref().unwrap().country, "DE");
    run(
        &mut c,
        json!({"action": "setBillingAddress", "address": {"country": "AT"}}),
    )
    .unwrap();
    assert_eq!(c.billing_address.as_ref().unwrap().country, "AT");
    let bad = json!({"action": "setShippingAddress", "address": {"country": "Deutschland"}});
    assert_eq!(code(run(&mut c, bad)), "InvalidJsonInput");
    assert_eq!(
        c.shipping_address.as_ref().unwrap().city.as_deref(),
        Some("Berlin")
    );
    run(&mut c, json!({"action": "setShippingAddress"})).unwrap();
    run(&mut c, json!({"action": "setBillingAddress"})).unwrap();
    assert!(c.shipping_address.is_none() && c.billing_address.is_none());

    let item = |action: &str, key: &str, country: &str| json!({"action": action, "address": {"key": key, "country": country}});
    run(&mut c, item("addItemShippingAddress", "a1", "DE")).unwrap();
    let r = run(&mut c, item("addItemShippingAddress", "a1", "FR"));
    assert_eq!(code(r), "DuplicateField");
    let no_key = json!({"action": "addItemShippingAddress", "address": {"country": "FR"}});
    assert_eq!(code(run(&mut c, no_key)), "InvalidInput");
    run(&mut c, item("updateItemShippingAddress", "a1", "FR")).unwrap();
    assert_eq!(c.item_shipping_addresses[0].country, "FR");
    let r = run(&mut c, item("updateItemShippingAddress", "b1", "FR"));
    assert_eq!(code(r), "InvalidInput");
    let rm = |k: &str| json!({"action": "removeItemShippingAddress", "addressKey": k});
    assert_eq!(code(run(&mut c, rm("b1"))), "InvalidInput");
    run(&mut c, rm("a1")).unwrap();
    assert!(c.item_shipping_addresses.is_empty());
}

#[test]
fn set_country_checks_the_store_countries() {
    let countries = ["DE".to_string(), "AT".to_string()];
    let ctx = CartContext {
        store_countries: &countries,
        ..CartContext::default()
    };
    let set = |c: &str| json!({"action": "setCountry", "country": c});
    let mut c = cart();
    // No store: any country.
    run_with(&mut c, set("FR"), &ctx).unwrap();
    c.store = Some(store_ref("dach"));
    run_with(&mut c, set("AT"), &ctx).unwrap();
    let e = run_with(&mut c, set("FR"), &ctx).unwrap_err();
    assert_eq!(e.code(), "CountryNotConfiguredInStore");
    assert_eq!(e.status(), 400);
    assert_eq!(
        e.to_string(),
        "The country FR is not configured for the store dach."
    );
    let obj = e.to_error_object();
    assert_eq!(obj["storeCountries"], json!(["DE", "AT"]));
    assert_eq!(obj["country"], "FR");
    assert_eq!(c.country.as_deref(), Some("AT"));
    // A store without countries accepts any.
    run(&mut c, set("FR")).unwrap();
    assert_eq!(code(run(&mut c, set("fr"))), "InvalidJsonInput");
    run(&mut c, json!({"action": "setCountry"})).unwrap();
    assert_eq!(c.country, None);
}

#[test]
fn locale_key_lifetime_and_modes() {
    let langs = ["en".to_string(), "de-DE".to_string()];
    let ctx = CartContext {
        languages: Some(&langs),
        default_delete_days: Some(90),
        ..CartContext::default()
    };
    let mut c = cart();
    run_with(
        &mut c,
        json!({"action": "setLocale", "locale": "de-DE"}),
        &ctx,
    )
    .unwrap();
    assert_eq!(c.locale.as_deref(), Some("de-DE"));
    let r = run_with(&mut c, json!({"action": "setLocale", "locale": "fr"}), &ctx);
    assert_eq!(code(r), "InvalidField");
    let r = run_with(&mut c, json!({"action": "setLocale", "locale": "--"}), &ctx);
    assert_eq!(code(r), "InvalidJsonInput");
    run(&mut c, json!({"action": "setKey", "key": "cart-1"})).unwrap();
    assert_eq!(c.key.as_deref(), Some("cart-1"));
    assert_eq!(
        code(run(&mut c, json!({"action": "setKey", "key": "a"}))),
        "InvalidInput"
    );
    run(&mut c, json!({"action": "setKey"})).unwrap();
    assert_eq!(c.key, None);
    let days = |d: Value| json!({"action": "setDeleteDaysAfterLastModification", "deleteDaysAfterLastModification": d});
    run_with(&mut c, days(json!(3)), &ctx).unwrap();
    assert_eq!(c.delete_days_after_last_modification, Some(3));
    assert_eq!(code(run_with(&mut c, days(json!(0)), &ctx)), "InvalidInput");
    run_with(
        &mut c,
        json!({"action": "setDeleteDaysAfterLastModification"}),
        &ctx,
    )
    .unwrap();
    assert_eq!(
        c.delete_days_after_last_modification,
        Some(90),
        "the project default"
    );
    run(
        &mut c,
        json!({"action": "changeTaxMode", "taxMode": "External"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "changeTaxRoundingMode", "taxRoundingMode": "HalfUp"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "changePriceRoundingMode", "priceRoundingMode": "HalfDown"}),
    )
    .unwrap();
    run(
        &mut c,
        json!({"action": "changeTaxCalculationMode", "taxCalculationMode": "UnitPriceLevel"}),
    )
    .unwrap();
    assert_eq!(c.tax_mode, TaxMode::External);
    assert_eq!(c.tax_rounding_mode, RoundingMode::HalfUp);
    assert_eq!(c.price_rounding_mode, RoundingMode::HalfDown);
}

#[test]
fn custom_fields_line_items_and_recalculate() {
    let mut c = cart();
    let before = c.clone();
    let r = run(
        &mut c,
        json!({"action": "setCustomType", "type": {"key": "t"}}),
    );
    assert_eq!(code(r), "ReferencedResourceNotFound");
    run(&mut c, json!({"action": "setCustomType"})).unwrap();
    let r = run(
        &mut c,
        json!({"action": "setCustomField", "name": "x", "value": 1}),
    );
    assert_eq!(code(r), "InvalidOperation");
    for a in ["addLineItem", "removeLineItem", "changeLineItemQuantity"] {
        let r = run(
            &mut c,
            json!({"action": a, "productId": "p", "variantId": 1}),
        );
        let e = r.unwrap_err();
        assert_eq!(e.code(), "InvalidOperation", "{a}");
        assert!(
            e.to_string().contains("line items are not supported"),
            "{e}"
        );
    }
    run(
        &mut c,
        json!({"action": "recalculate", "updateProductData": true}),
    )
    .unwrap();
    assert_eq!(c, before, "nothing changed");
}

#[test]
fn only_active_carts_accept_actions() {
    for state in [CartState::Merged, CartState::Ordered, CartState::Frozen] {
        let mut c = cart();
        c.cart_state = state;
        let r = run(&mut c, json!({"action": "setKey", "key": "abc"}));
        assert_eq!(code(r), "InvalidOperation", "{state:?}");
        assert_eq!(c.key, None);
    }
}

#[test]
fn apply_all_stops_at_the_first_error() {
    let mut c = cart();
    let actions = [
        action(json!({"action": "setKey", "key": "first"})),
        action(json!({"action": "setKey", "key": "!"})),
    ];
    assert!(apply_all(&mut c, &actions, &CartContext::default()).is_err());
    // `apply` alone changes only what one action touches; totals are `apply_all`'s job.
    let mut c = cart();
    apply(
        &mut c,
        &action(add("extra", 100, 1)),
        &CartContext::default(),
    )
    .unwrap();
    assert_eq!(c.total_price.cent_amount, 300, "not recomputed by apply");
}

#[test]
fn my_cart_actions() {
    let ok = [
        action(json!({"action": "setCountry", "country": "DE"})),
        action(json!({"action": "setShippingAddress"})),
        action(json!({"action": "recalculate"})),
    ];
    assert!(check_my_actions(&ok).is_ok());
    for v in [
        add("fee", 1, 1),
        json!({"action": "setCustomerId", "customerId": "x"}),
        json!({"action": "setAnonymousId"}),
        json!({"action": "setKey", "key": "kk"}),
    ] {
        let e = check_my_actions(&[action(v.clone())]).unwrap_err();
        assert_eq!(e.code(), "InvalidJsonInput", "{v}");
    }
}

#[test]
fn unknown_actions_do_not_parse() {
    for v in [
        json!({"action": "explode"}),
        json!({"action": "changeTaxMode", "taxMode": "Sometimes"}),
        json!({"action": "changeCustomLineItemQuantity", "customLineItemId": "x"}),
    ] {
        assert!(
            serde_json::from_value::<CartUpdateAction>(v.clone()).is_err(),
            "{v}"
        );
    }
}
