//! Money on carts: the `Money` draft that requests carry, the `CentPrecisionMoney` that carts
//! show, the number of fraction digits of each ISO 4217 currency, and the exact integer
//! arithmetic behind every total. Amounts are `i64` cents (minor units) and every product and
//! sum is checked: an overflow is a 400 `InvalidInput`, never a wrapped or rounded value, and
//! no floating point is ever involved.

use serde::{Deserialize, Serialize};

use crate::common::valid_currency;
use crate::error::{ApiError, ApiResult};

/// The `type` of a typed money value. storekeep only holds cent-precision money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum MoneyType {
    #[default]
    #[serde(rename = "centPrecision")]
    CentPrecision,
}

/// `{type: "centPrecision", currencyCode, centAmount, fractionDigits}` as carts return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CentPrecisionMoney {
    #[serde(rename = "type", default)]
    pub money_type: MoneyType,
    pub currency_code: String,
    pub cent_amount: i64,
    pub fraction_digits: u32,
}

impl CentPrecisionMoney {
    /// `cent_amount` minor units of `currency` (a checked currency code).
    pub fn new(currency: &str, cent_amount: i64) -> Self {
        CentPrecisionMoney {
            money_type: MoneyType::CentPrecision,
            currency_code: currency.to_string(),
            cent_amount,
            fraction_digits: fraction_digits(currency),
        }
    }

    /// Zero in `currency`.
    pub fn zero(currency: &str) -> Self {
        Self::new(currency, 0)
    }
}

/// A money value in a request: `{currencyCode, centAmount}`. A typed value that a client
/// read from a cart (`{type: "centPrecision", …, fractionDigits}`) is accepted too, as long as
/// its fraction digits are the currency's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    pub currency_code: String,
    pub cent_amount: i64,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub money_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction_digits: Option<u32>,
}

impl Money {
    /// `{currencyCode, centAmount}`.
    pub fn new(currency: &str, cent_amount: i64) -> Self {
        Money {
            currency_code: currency.to_string(),
            cent_amount,
            money_type: None,
            fraction_digits: None,
        }
    }

    /// Check the value and turn it into cent-precision money; `field` names it in errors.
    pub fn to_cent_precision(&self, field: &str) -> ApiResult<CentPrecisionMoney> {
        check_currency(field, &self.currency_code)?;
        match self.money_type.as_deref() {
            None | Some("centPrecision") => {}
            Some(other) => {
                return Err(ApiError::invalid_json(format!(
                    "{field} -> type: '{other}' is not supported; money must be given as \
                     {{currencyCode, centAmount}} (cent precision)."
                )))
            }
        }
        let digits = fraction_digits(&self.currency_code);
        if let Some(given) = self.fraction_digits {
            if given != digits {
                return Err(ApiError::InvalidInput(format!(
                    "{field}: fractionDigits {given} does not match the {} fraction digits of \
                     currency '{}'.",
                    digits, self.currency_code
                )));
            }
        }
        Ok(CentPrecisionMoney::new(
            &self.currency_code,
            self.cent_amount,
        ))
    }
}

/// A currency code must be ISO 4217 shaped (`^[A-Z]{3}$`).
pub fn check_currency(field: &str, code: &str) -> ApiResult<()> {
    if valid_currency(code) {
        Ok(())
    } else {
        Err(ApiError::invalid_json(format!(
            "{field}: '{code}' is not a valid ISO 4217 currency code."
        )))
    }
}

/// Currencies whose minor unit is not 1/100, by ISO 4217 exponent. Every other currency has
/// two fraction digits.
const ZERO_DIGITS: [&str; 17] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];
const THREE_DIGITS: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
const FOUR_DIGITS: [&str; 2] = ["CLF", "UYW"];

/// The number of fraction digits of a currency (ISO 4217 exponent; 2 unless listed).
pub fn fraction_digits(currency: &str) -> u32 {
    if ZERO_DIGITS.contains(&currency) {
        0
    } else if THREE_DIGITS.contains(&currency) {
        3
    } else if FOUR_DIGITS.contains(&currency) {
        4
    } else {
        2
    }
}

fn overflow(what: &str) -> ApiError {
    ApiError::InvalidInput(format!(
        "The {what} is too large: amounts are limited to {} minor units.",
        i64::MAX
    ))
}

/// `unit × quantity`, exactly.
pub fn line_total(unit: i64, quantity: i64) -> ApiResult<i64> {
    unit.checked_mul(quantity)
        .ok_or_else(|| overflow("total price of a line item"))
}

/// The exact sum of amounts.
pub fn sum(amounts: impl IntoIterator<Item = i64>) -> ApiResult<i64> {
    amounts.into_iter().try_fold(0i64, |acc, a| {
        acc.checked_add(a)
            .ok_or_else(|| overflow("total price of the cart"))
    })
}

/// `a + b` for quantities, exactly.
pub fn add_quantity(a: i64, b: i64) -> ApiResult<i64> {
    a.checked_add(b).ok_or_else(|| overflow("quantity"))
}
