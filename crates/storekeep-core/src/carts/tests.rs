//! Pure tests of the cart domain: drafts and the wire shape, visibility rules, the merge of
//! custom line items. Money arithmetic is in `tests/money.rs`, update actions in
//! `tests/actions.rs`; behaviour over real storage is in storekeep-sql's `tests/it/carts`.

mod actions;
mod money;

use serde_json::{json, Value};

use super::draft::{build_cart, check_draft, CartDraft, MyCartDraft};
use super::merge::{merge_lines, AnonymousCarts};
use super::model::{Cart, CartState};
use super::rules::{visible, Owner};
use crate::common::{ClientLogging, KeyReference, ResourceIdentifier};
use crate::customers::{build_customer, CustomerDraft};
use crate::error::ApiError;
use crate::resource::Meta;

fn meta(id: &str) -> Meta {
    Meta::new(id.into(), &ClientLogging::default())
}

/// Check and build a cart from a JSON draft.
pub(super) fn build(v: Value) -> Result<Cart, ApiError> {
    let d: CartDraft = serde_json::from_value(v).unwrap();
    check_draft(&d)?;
    build_cart(d, meta("cart-1"), None, None)
}

/// A EUR cart with one custom line item `fee` (2 × 1.50 EUR).
pub(super) fn cart() -> Cart {
    build(json!({
        "currency": "EUR",
        "customLineItems": [{
            "name": {"en": "Fee"}, "slug": "fee", "key": "fee-key",
            "money": {"currencyCode": "EUR", "centAmount": 150}, "quantity": 2
        }]
    }))
    .unwrap()
}

/// A customer with id `id` in the given stores.
pub(super) fn customer(id: &str, stores: &[&str]) -> crate::customers::Customer {
    let d: CustomerDraft =
        serde_json::from_value(json!({"email": format!("{id}@x.io"), "password": "pw"})).unwrap();
    let stores = stores.iter().map(|s| store_ref(s)).collect();
    build_customer(d, meta(id), stores).unwrap()
}

pub(super) fn store_ref(key: &str) -> KeyReference {
    KeyReference {
        type_id: "store".into(),
        key: key.into(),
    }
}

fn err(v: Value) -> ApiError {
    build(v).unwrap_err()
}

#[test]
fn minimal_draft_has_the_api_defaults() {
    let c = build(json!({"currency": "EUR"})).unwrap();
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["totalPrice"],
        json!({"type": "centPrecision", "currencyCode": "EUR", "centAmount": 0, "fractionDigits": 2})
    );
    for (field, want) in [
        ("cartState", "Active"),
        ("inventoryMode", "None"),
        ("taxMode", "Platform"),
        ("taxRoundingMode", "HalfEven"),
        ("taxCalculationMode", "LineItemLevel"),
        ("priceRoundingMode", "HalfEven"),
        ("origin", "Customer"),
        ("shippingMode", "Single"),
    ] {
        assert_eq!(v[field], want, "{field}");
    }
    for field in [
        "lineItems",
        "customLineItems",
        "itemShippingAddresses",
        "refusedGifts",
        "discountCodes",
        "directDiscounts",
        "shipping",
    ] {
        assert_eq!(v[field], json!([]), "{field}");
    }
    for absent in [
        "taxedPrice",
        "store",
        "customerId",
        "anonymousId",
        "key",
        "custom",
        "customerGroup",
        "totalLineItemQuantity",
    ] {
        assert!(v.get(absent).is_none(), "{absent}");
    }
    let back: Cart = serde_json::from_value(v).unwrap();
    assert_eq!(back, c);
}

#[test]
fn draft_fields_are_kept() {
    let c = build(json!({
        "currency": "JPY", "key": "my-cart", "customerEmail": "a@b.c", "anonymousId": "anon",
        "country": "JP", "locale": "ja", "origin": "Merchant", "inventoryMode": "TrackOnly",
        "taxMode": "Disabled", "deleteDaysAfterLastModification": 7,
        "shippingAddress": {"country": "JP", "city": "Tokyo"},
        "billingAddress": {"country": "DE", "key": "bill"},
        "itemShippingAddresses": [{"key": "a1", "country": "FR"}],
        "lineItems": [], "discountCodes": []
    }))
    .unwrap();
    assert_eq!(c.key.as_deref(), Some("my-cart"));
    assert_eq!(c.total_price.fraction_digits, 0);
    assert_eq!(c.delete_days_after_last_modification, Some(7));
    assert_eq!(c.shipping_address.unwrap().city.as_deref(), Some("Tokyo"));
    assert_eq!(c.billing_address.unwrap().key.as_deref(), Some("bill"));
    assert_eq!(c.item_shipping_addresses.len(), 1);
    // The project's default lifetime applies only when the draft has none.
    let d: CartDraft = serde_json::from_value(json!({"currency": "EUR"})).unwrap();
    let c = build_cart(d, meta("x"), Some(store_ref("s1")), Some(30)).unwrap();
    assert_eq!(c.delete_days_after_last_modification, Some(30));
    assert_eq!(c.store_key(), Some("s1"));
}

#[test]
fn custom_line_items_get_ids_and_exact_totals() {
    let c = build(json!({
        "currency": "EUR",
        "customLineItems": [
            {"name": {"en": "A"}, "slug": "aa", "money": {"currencyCode": "EUR", "centAmount": 1999}, "quantity": 3},
            {"name": {"en": "B"}, "slug": "bb", "money": {"currencyCode": "EUR", "centAmount": -500}},
            {"name": {"en": "A"}, "slug": "aa", "money": {"currencyCode": "EUR", "centAmount": 1999}, "quantity": 2}
        ]
    }))
    .unwrap();
    // The equivalent third item only raised the first one's quantity.
    assert_eq!(c.custom_line_items.len(), 2);
    let a = &c.custom_line_items[0];
    assert_eq!(a.quantity, 5);
    assert_eq!(a.total_price.cent_amount, 9995);
    assert_eq!(c.custom_line_items[1].quantity, 1, "quantity defaults to 1");
    assert_eq!(c.total_price.cent_amount, 9995 - 500);
    assert_ne!(a.id, c.custom_line_items[1].id);
    let v = serde_json::to_value(a).unwrap();
    assert_eq!(v["priceMode"], "Standard");
    assert_eq!(v["state"], json!([]));
    assert_eq!(v["money"]["type"], "centPrecision");
    assert!(v.get("taxCategory").is_none());
}

#[test]
fn draft_errors() {
    let cli = |extra: Value| {
        let mut l = json!({"name": {"en": "A"}, "slug": "aa", "money": {"currencyCode": "EUR", "centAmount": 1}});
        for (k, v) in extra.as_object().unwrap() {
            l[k] = v.clone();
        }
        json!({"currency": "EUR", "customLineItems": [l]})
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!({"currency": "eur"}), "InvalidJsonInput"),
        (json!({"currency": "EUR", "key": "x"}), "InvalidInput"),
        (
            json!({"currency": "EUR", "lineItems": [{"productId": "p"}]}),
            "InvalidOperation",
        ),
        (
            json!({"currency": "EUR", "customerGroup": {"key": "vip"}}),
            "ReferencedResourceNotFound",
        ),
        (
            json!({"currency": "EUR", "businessUnit": {"key": "bu"}}),
            "ReferencedResourceNotFound",
        ),
        (
            json!({"currency": "EUR", "shippingMethod": {"id": "sm"}}),
            "ReferencedResourceNotFound",
        ),
        (
            json!({"currency": "EUR", "custom": {"type": {"key": "t"}}}),
            "ReferencedResourceNotFound",
        ),
        (
            json!({"currency": "EUR", "customerGroup": {"id": "a", "key": "b"}}),
            "InvalidJsonInput",
        ),
        (
            json!({"currency": "EUR", "shipping": [{}]}),
            "InvalidOperation",
        ),
        (
            json!({"currency": "EUR", "discountCodes": ["SUMMER"]}),
            "InvalidOperation",
        ),
        (
            json!({"currency": "EUR", "country": "de"}),
            "InvalidJsonInput",
        ),
        (
            json!({"currency": "EUR", "locale": "EN"}),
            "InvalidJsonInput",
        ),
        (
            json!({"currency": "EUR", "deleteDaysAfterLastModification": 0}),
            "InvalidInput",
        ),
        (
            json!({"currency": "EUR", "deleteDaysAfterLastModification": 365_241}),
            "InvalidInput",
        ),
        (
            json!({"currency": "EUR", "shippingAddress": {"country": "Germany"}}),
            "InvalidJsonInput",
        ),
        (
            json!({"currency": "EUR", "billingAddress": {"country": "DE", "custom": {"type": {"key": "t"}}}}),
            "ReferencedResourceNotFound",
        ),
        (
            json!({"currency": "EUR", "itemShippingAddresses": [{"country": "DE"}]}),
            "InvalidInput",
        ),
        (
            json!({"currency": "EUR", "itemShippingAddresses": [{"key": "kk", "country": "DE"}, {"key": "kk", "country": "FR"}]}),
            "DuplicateField",
        ),
        (
            cli(json!({"money": {"currencyCode": "USD", "centAmount": 1}})),
            "InvalidOperation",
        ),
        (cli(json!({"quantity": 0})), "InvalidInput"),
        (cli(json!({"quantity": -1})), "InvalidInput"),
        (cli(json!({"slug": "a b"})), "InvalidInput"),
        (cli(json!({"key": "!"})), "InvalidInput"),
        (cli(json!({"name": {"EN": "x"}})), "InvalidField"),
        (
            cli(json!({"taxCategory": {"key": "std"}})),
            "ReferencedResourceNotFound",
        ),
        (
            cli(json!({"custom": {"type": {"key": "t"}}})),
            "ReferencedResourceNotFound",
        ),
        (
            cli(json!({"externalTaxRate": {"name": "x", "country": "DE"}})),
            "InvalidOperation",
        ),
        (
            cli(json!({"money": {"currencyCode": "EUR", "centAmount": i64::MAX}, "quantity": 2})),
            "InvalidInput",
        ),
    ];
    for (draft, want) in cases {
        assert_eq!(err(draft.clone()).code(), want, "{draft}");
    }
    let e = err(cli(json!({"taxCategory": {"key": "std"}})));
    assert_eq!(e.to_error_object()["typeId"], "tax-category");
    let e = err(json!({"currency": "EUR", "lineItems": [{"sku": "x"}]}));
    assert!(e.to_string().contains("no product catalogue"), "{e}");
    // Two items with the same key that are not the same item.
    let e = err(json!({"currency": "EUR", "customLineItems": [
        {"name": {"en": "A"}, "slug": "aa", "key": "kk", "money": {"currencyCode": "EUR", "centAmount": 1}},
        {"name": {"en": "B"}, "slug": "bb", "key": "kk", "money": {"currencyCode": "EUR", "centAmount": 1}}
    ]}));
    assert_eq!(e, ApiError::duplicate("customLineItems.key", "kk"));
    // The most days allowed.
    assert!(build(json!({"currency": "EUR", "deleteDaysAfterLastModification": 365_240})).is_ok());
}

#[test]
fn wrong_types_do_not_parse_and_unknown_draft_fields_are_ignored() {
    let d: CartDraft = serde_json::from_value(json!({"currency": "EUR", "colour": "red"})).unwrap();
    assert_eq!(d.currency, "EUR");
    for v in [
        json!({"currency": "EUR", "taxMode": "Sometimes"}),
        json!({"currency": "EUR", "origin": "Robot"}),
        json!({"key": "no-currency"}),
        json!({"currency": "EUR", "customLineItems": [{"name": {"en": "A"}, "slug": "aa",
            "money": {"currencyCode": "EUR", "centAmount": 1.5}}]}),
    ] {
        assert!(
            serde_json::from_value::<CartDraft>(v.clone()).is_err(),
            "{v}"
        );
    }
}

#[test]
fn my_cart_drafts_drop_the_fields_they_do_not_have() {
    let d: MyCartDraft = serde_json::from_value(json!({
        "currency": "EUR", "country": "DE", "store": {"key": "s"},
        "key": "k", "customerId": "c", "anonymousId": "a", "customLineItems": [],
        "origin": "Merchant",
    }))
    .unwrap();
    let d = d.into_draft();
    assert_eq!(d.country.as_deref(), Some("DE"));
    assert!(d.store.is_some());
    assert_eq!(
        (
            d.key,
            d.customer_id,
            d.anonymous_id,
            d.custom_line_items,
            d.origin
        ),
        (None, None, None, None, None)
    );
}

#[test]
fn visibility_by_store_and_owner() {
    let mut c = cart();
    let jane = Owner::Customer("jane".into());
    let anon = Owner::Anonymous("a1".into());
    assert!(visible(&c, None, None));
    assert!(
        !visible(&c, Some("s1"), None),
        "a cart without store is not in s1"
    );
    c.store = Some(store_ref("s1"));
    assert!(visible(&c, Some("s1"), None));
    assert!(!visible(&c, Some("s2"), None));
    assert!(!visible(&c, None, Some(&jane)));
    c.anonymous_id = Some("a1".into());
    assert!(visible(&c, Some("s1"), Some(&anon)));
    assert!(!visible(&c, None, Some(&Owner::Anonymous("a2".into()))));
    c.customer_id = Some("jane".into());
    assert!(visible(&c, Some("s1"), Some(&jane)));
    assert!(!visible(&c, Some("s2"), Some(&jane)));
    assert!(
        !visible(&c, None, Some(&anon)),
        "an anonymous session no longer sees a cart once a customer owns it"
    );
}

fn line(name: &str, slug: &str, cents: i64, qty: i64) -> Value {
    json!({"name": {"en": name}, "slug": slug, "money": {"currencyCode": "EUR", "centAmount": cents}, "quantity": qty})
}

#[test]
fn merging_takes_the_larger_quantity_of_matching_items() {
    let mut target = build(json!({"currency": "EUR", "customLineItems": [
        line("A", "aa", 100, 2), {"name": {"en": "K"}, "slug": "kk", "key": "shared",
            "money": {"currencyCode": "EUR", "centAmount": 5}}
    ], "itemShippingAddresses": [{"key": "home", "country": "DE"}]}))
    .unwrap();
    let anon = build(json!({"currency": "EUR", "customLineItems": [
        line("A", "aa", 100, 5), line("A", "aa", 200, 1), line("B", "bb", 300, 1),
        {"name": {"en": "Other"}, "slug": "oo", "key": "shared", "money": {"currencyCode": "EUR", "centAmount": 7}}
    ], "itemShippingAddresses": [{"key": "home", "country": "FR"}, {"key": "work", "country": "FR"}]}))
    .unwrap();
    merge_lines(&mut target, &anon).unwrap();
    let items: Vec<(&str, i64, i64)> = target
        .custom_line_items
        .iter()
        .map(|l| (l.slug.as_str(), l.money.cent_amount, l.quantity))
        .collect();
    assert_eq!(
        items,
        [
            ("aa", 100, 5),
            ("kk", 5, 1),
            ("aa", 200, 1),
            ("bb", 300, 1),
            ("oo", 7, 1)
        ]
    );
    // Copies get new ids; a key the target already uses is dropped from the copy.
    assert!(anon
        .custom_line_items
        .iter()
        .all(|a| target.custom_line_items.iter().all(|t| t.id != a.id)));
    assert_eq!(target.custom_line_items[4].key, None);
    assert_eq!(target.total_price.cent_amount, 500 + 5 + 200 + 300 + 7);
    let keys: Vec<_> = target
        .item_shipping_addresses
        .iter()
        .map(|a| a.key.clone().unwrap())
        .collect();
    assert_eq!(keys, ["home", "work"]);
    assert_eq!(
        target.item_shipping_addresses[0].country, "DE",
        "the customer's address wins"
    );
    // Every item of a cart matches itself: merging a cart into itself changes nothing.
    let before = target.custom_line_items.len();
    let mut again = target.clone();
    merge_lines(&mut again, &target).unwrap();
    assert_eq!(again.custom_line_items.len(), before);
}

#[test]
fn anonymous_cart_identifiers() {
    let id = |s: &str| ResourceIdentifier {
        type_id: None,
        id: Some(s.into()),
        key: None,
    };
    assert_eq!(AnonymousCarts::cart_identifier(None, None).unwrap(), None);
    let r = AnonymousCarts::cart_identifier(None, Some("c1".into()))
        .unwrap()
        .unwrap();
    assert_eq!(r.id.as_deref(), Some("c1"));
    assert_eq!(r.type_id.as_deref(), Some("cart"));
    assert_eq!(
        AnonymousCarts::cart_identifier(Some(id("c1")), Some("c1".into())).unwrap(),
        Some(id("c1"))
    );
    let e = AnonymousCarts::cart_identifier(Some(id("c1")), Some("c2".into())).unwrap_err();
    assert_eq!(e.code(), "InvalidOperation");
    assert!(AnonymousCarts::default().is_empty());
}

#[test]
fn cart_states_serialize_as_the_api_names_them() {
    let mut c = cart();
    for (state, name) in [
        (CartState::Active, "Active"),
        (CartState::Merged, "Merged"),
        (CartState::Ordered, "Ordered"),
        (CartState::Frozen, "Frozen"),
    ] {
        c.cart_state = state;
        assert_eq!(serde_json::to_value(&c).unwrap()["cartState"], name);
    }
}
