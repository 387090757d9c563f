//! Money: the `Money` draft, cent-precision values, ISO 4217 fraction digits and the exact,
//! checked integer arithmetic of totals.

use serde_json::json;

use crate::carts::lines::recompute;
use crate::carts::money::{fraction_digits, line_total, sum, CentPrecisionMoney, Money};
use crate::error::ApiError;

use super::cart;

#[test]
fn fraction_digits_follow_iso_4217() {
    for (currency, digits) in [
        ("EUR", 2),
        ("USD", 2),
        ("GBP", 2),
        ("CHF", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("ISK", 0),
        ("CLP", 0),
        ("VND", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("JOD", 3),
        ("OMR", 3),
        ("TND", 3),
        ("IQD", 3),
        ("LYD", 3),
        ("CLF", 4),
        ("XYZ", 2),
    ] {
        assert_eq!(fraction_digits(currency), digits, "{currency}");
        assert_eq!(CentPrecisionMoney::zero(currency).fraction_digits, digits);
    }
}

#[test]
fn cent_precision_money_wire_shape() {
    let m = CentPrecisionMoney::new("KWD", 1234);
    assert_eq!(
        serde_json::to_value(&m).unwrap(),
        json!({"type": "centPrecision", "currencyCode": "KWD", "centAmount": 1234, "fractionDigits": 3})
    );
}

fn money(v: serde_json::Value) -> Result<CentPrecisionMoney, ApiError> {
    let m: Money = serde_json::from_value(v).unwrap();
    m.to_cent_precision("money")
}

#[test]
fn money_drafts() {
    let m = money(json!({"currencyCode": "JPY", "centAmount": 500})).unwrap();
    assert_eq!((m.cent_amount, m.fraction_digits), (500, 0));
    // A typed value read from a cart is accepted back.
    let typed = json!({"type": "centPrecision", "currencyCode": "EUR", "centAmount": -5, "fractionDigits": 2});
    assert_eq!(money(typed).unwrap(), CentPrecisionMoney::new("EUR", -5));
    let wrong_digits = json!({"type": "centPrecision", "currencyCode": "EUR", "centAmount": 5, "fractionDigits": 3});
    assert_eq!(money(wrong_digits).unwrap_err().code(), "InvalidInput");
    let high = json!({"type": "highPrecision", "currencyCode": "EUR", "centAmount": 5});
    assert_eq!(money(high).unwrap_err().code(), "InvalidJsonInput");
    let bad = json!({"currencyCode": "euro", "centAmount": 5});
    assert_eq!(money(bad).unwrap_err().code(), "InvalidJsonInput");
    for v in [
        json!({"currencyCode": "EUR", "centAmount": 1.5}),
        json!({"currencyCode": "EUR", "centAmount": "5"}),
        json!({"currencyCode": "EUR", "centAmount": 9.3e18}),
        json!({"currencyCode": "EUR"}),
    ] {
        assert!(serde_json::from_value::<Money>(v.clone()).is_err(), "{v}");
    }
    // Undeclared members are ignored, as sphere-json's money reader does (docs/DESIGN.md).
    let extra = json!({"currencyCode": "EUR", "centAmount": 1, "preciseAmount": 10});
    assert!(serde_json::from_value::<Money>(extra).is_ok());
}

#[test]
fn arithmetic_is_exact_and_checked() {
    assert_eq!(line_total(1999, 3).unwrap(), 5997);
    assert_eq!(line_total(-250, 4).unwrap(), -1000);
    let big = i64::MAX / 2;
    assert_eq!(line_total(big, 2).unwrap(), big * 2);
    assert_eq!(line_total(big + 1, 2).unwrap_err().code(), "InvalidInput");
    assert_eq!(line_total(i64::MIN, -1).unwrap_err().code(), "InvalidInput");
    assert_eq!(sum([1, 2, 3]).unwrap(), 6);
    assert_eq!(sum(Vec::new()).unwrap(), 0);
    assert_eq!(sum([i64::MAX, 1]).unwrap_err().code(), "InvalidInput");
    assert_eq!(sum([i64::MAX, 1, -1]).unwrap_err().code(), "InvalidInput");
    // Amounts beyond f64's exact integers stay exact.
    let exact = 9_007_199_254_740_993i64;
    assert_eq!(line_total(exact, 1).unwrap(), exact);
    assert_eq!(sum([exact, 2]).unwrap(), 9_007_199_254_740_995);
}

#[test]
fn recompute_sums_every_item() {
    let mut c = cart();
    c.custom_line_items[0].quantity = 7;
    c.total_price.cent_amount = 0;
    c.custom_line_items[0].total_price.cent_amount = 0;
    recompute(&mut c).unwrap();
    assert_eq!(c.custom_line_items[0].total_price.cent_amount, 1050);
    assert_eq!(c.total_price.cent_amount, 1050);
    c.custom_line_items[0].quantity = i64::MAX;
    assert_eq!(recompute(&mut c).unwrap_err().code(), "InvalidInput");
}
