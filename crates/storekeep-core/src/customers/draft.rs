//! The request bodies of the customer endpoints (`CustomerDraft`, `CustomerSignin`, the
//! password and email-token bodies) and the pure checks and conversion from a draft to a
//! [`Customer`]. Nothing here does I/O: stores are resolved and the password is hashed by the
//! service before [`build_customer`] runs.

use serde::{Deserialize, Serialize};

use crate::common::{check_key, new_id, CustomFieldsDraft, KeyReference, ResourceIdentifier};
use crate::common::{valid_country, valid_locale};
use crate::error::{ApiError, ApiResult};
use crate::resource::Meta;

use crate::address::{Address, AddressOf};

use super::model::{AuthenticationMode, Customer};

/// A password or token value from a request. Its `Debug` output is redacted so that it can
/// never end up in a log line by accident.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wrap a plain value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The plain value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

/// An address in a draft or an update action (`BaseAddress` / `AddressDraft` on the wire).
/// Any `id` it carries is ignored: the server assigns ids.
pub type AddressDraft = AddressOf<CustomFieldsDraft>;

/// `{ customerGroup: ResourceIdentifier }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerGroupAssignmentDraft {
    pub customer_group: ResourceIdentifier,
}

/// The body that creates (signs up) a customer, globally or in a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerDraft {
    pub email: String,
    #[serde(default)]
    pub password: Option<Secret>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub customer_number: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub middle_name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub salutation: Option<String>,
    #[serde(default)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub addresses: Option<Vec<AddressDraft>>,
    #[serde(default)]
    pub default_shipping_address: Option<i64>,
    #[serde(default)]
    pub shipping_addresses: Option<Vec<i64>>,
    #[serde(default)]
    pub default_billing_address: Option<i64>,
    #[serde(default)]
    pub billing_addresses: Option<Vec<i64>>,
    #[serde(default)]
    pub is_email_verified: Option<bool>,
    #[serde(default)]
    pub customer_group: Option<ResourceIdentifier>,
    #[serde(default)]
    pub customer_group_assignments: Option<Vec<CustomerGroupAssignmentDraft>>,
    #[serde(default)]
    pub custom: Option<CustomFieldsDraft>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub stores: Option<Vec<ResourceIdentifier>>,
    #[serde(default)]
    pub authentication_mode: Option<AuthenticationMode>,
    #[serde(default)]
    pub anonymous_cart: Option<ResourceIdentifier>,
    #[serde(default)]
    pub anonymous_cart_id: Option<String>,
    #[serde(default)]
    pub anonymous_id: Option<String>,
}

/// How an anonymous cart joins the customer's carts at sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum AnonymousCartSignInMode {
    #[default]
    MergeWithExistingCustomerCart,
    UseAsNewActiveCustomerCart,
}

/// The body of `POST /login` (email compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSignin {
    pub email: String,
    pub password: Secret,
    #[serde(default)]
    pub anonymous_cart: Option<ResourceIdentifier>,
    #[serde(default)]
    pub anonymous_cart_id: Option<String>,
    #[serde(default)]
    pub anonymous_cart_sign_in_mode: Option<AnonymousCartSignInMode>,
    #[serde(default)]
    pub anonymous_id: Option<String>,
    #[serde(default)]
    pub update_product_data: Option<bool>,
}

/// The body of `POST /me/login`: the anonymous cart is the active cart of the token's
/// anonymous session, handled per `activeCartSignInMode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyCustomerSignin {
    pub email: String,
    pub password: Secret,
    #[serde(default)]
    pub active_cart_sign_in_mode: Option<AnonymousCartSignInMode>,
    #[serde(default)]
    pub update_product_data: Option<bool>,
}

/// The body of `POST /customers/password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerChangePassword {
    pub id: String,
    pub version: i64,
    pub current_password: Secret,
    pub new_password: Secret,
}

/// The body of `POST /customers/password-token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCreatePasswordResetToken {
    pub email: String,
    #[serde(default)]
    pub ttl_minutes: Option<i64>,
    #[serde(default)]
    pub invalidate_older_tokens: Option<bool>,
}

/// The body of `POST /customers/password/reset`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerResetPassword {
    pub token_value: Secret,
    pub new_password: Secret,
    #[serde(default)]
    pub version: Option<i64>,
}

/// The body of `POST /customers/email-token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCreateEmailToken {
    pub id: String,
    #[serde(default)]
    pub version: Option<i64>,
    pub ttl_minutes: i64,
    #[serde(default)]
    pub invalidate_older_tokens: Option<bool>,
}

/// The body of `POST /customers/email/confirm`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerEmailVerify {
    pub token_value: Secret,
    #[serde(default)]
    pub version: Option<i64>,
}

/// Check an address draft: ISO country code, key format.
pub fn check_address(a: &AddressDraft) -> ApiResult<()> {
    if !valid_country(&a.country) {
        return Err(ApiError::invalid_json(format!(
            "address -> country: '{}' is not a valid ISO 3166-1 alpha-2 country code.",
            a.country
        )));
    }
    if let Some(k) = &a.key {
        check_key("address key", k)?;
    }
    Ok(())
}

/// No two addresses of a customer share a key.
pub fn check_address_keys(addresses: &[Address]) -> ApiResult<()> {
    for (i, a) in addresses.iter().enumerate() {
        if let Some(k) = &a.key {
            if addresses[..i].iter().any(|b| b.key.as_ref() == Some(k)) {
                return Err(ApiError::duplicate("addresses.key", k));
            }
        }
    }
    Ok(())
}

/// `dateOfBirth` is a date `YYYY-MM-DD`.
pub fn check_date(field: &str, value: &str) -> ApiResult<()> {
    match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(_) if value.len() == 10 => Ok(()),
        _ => Err(ApiError::invalid_json(format!(
            "{field}: '{value}' is not a valid date (expected YYYY-MM-DD)."
        ))),
    }
}

/// A locale must be an IETF language tag (the project check is the service's).
pub fn check_locale_format(locale: &str) -> ApiResult<()> {
    if valid_locale(locale) {
        Ok(())
    } else {
        Err(ApiError::invalid_json(format!(
            "locale: '{locale}' is not a valid locale."
        )))
    }
}

/// Resolve a 0-based address index of a draft.
fn address_at(ids: &[String], field: &str, index: i64) -> ApiResult<String> {
    usize::try_from(index)
        .ok()
        .and_then(|i| ids.get(i))
        .cloned()
        .ok_or_else(|| {
            ApiError::InvalidInput(format!(
                "The value {index} of '{field}' is not a valid index into 'addresses' ({} given).",
                ids.len()
            ))
        })
}

fn push_unique(list: &mut Vec<String>, id: String) {
    if !list.contains(&id) {
        list.push(id);
    }
}

/// The longest email and customer number accepted, in characters. Both are uniqueness claims
/// kept in a database index, whose entries PostgreSQL limits to about 2.7 kB; the API
/// documents no limit, and no real one comes near it (an email address has at most 254
/// characters, RFC 5321).
pub const MAX_CLAIMED_LEN: usize = 256;

/// Refuse an email or customer number longer than [`MAX_CLAIMED_LEN`].
pub fn check_claimed_len(field: &str, value: &str) -> ApiResult<()> {
    let n = value.chars().count();
    if n <= MAX_CLAIMED_LEN {
        return Ok(());
    }
    Err(ApiError::InvalidInput(format!(
        "The value of '{field}' is too long: {n} characters, at most {MAX_CLAIMED_LEN} are allowed."
    )))
}

/// Characters that render as nothing or reorder text (Unicode format characters, category
/// Cf): soft hyphen, zero-width space/joiners, directional marks and overrides, word joiner
/// and invisible operators, BOM, interlinear annotation marks.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Can `email` be an address? (issue 21 F9; the rule is in docs/DESIGN.md.) Not empty, at
/// most [`MAX_CLAIMED_LEN`] characters, no whitespace, control or invisible (format)
/// characters anywhere, and an `@` with something before and after the last one. Nothing
/// else is judged (no DNS, no TLD list, internationalised addresses pass); case is kept and
/// compared case-insensitively as before. Refused: `InvalidJsonInput` naming `field`, as the
/// API reports a value its decoder refuses.
pub fn check_email(field: &str, email: &str) -> ApiResult<()> {
    check_claimed_len(field, email)?;
    let bad = |why: &str| {
        Err(ApiError::invalid_json(format!(
            "{field}: invalid email address ({why})."
        )))
    };
    if email.is_empty() {
        return bad("empty");
    }
    if email
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || invisible(c))
    {
        return bad("whitespace, control or invisible characters");
    }
    match email.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(()),
        _ => bad("no local part, '@' and domain"),
    }
}

/// Check everything in a draft that needs no I/O.
pub fn check_draft(d: &CustomerDraft) -> ApiResult<()> {
    check_email("email", &d.email)?;
    if let Some(n) = &d.customer_number {
        check_claimed_len("customerNumber", n)?;
    }
    if let Some(k) = &d.key {
        check_key("key", k)?;
    }
    if let Some(b) = &d.date_of_birth {
        check_date("dateOfBirth", b)?;
    }
    if let Some(l) = &d.locale {
        check_locale_format(l)?;
    }
    for a in d.addresses.iter().flatten() {
        check_address(a)?;
    }
    if d.authentication_mode.unwrap_or_default() == AuthenticationMode::Password
        && d.password.is_none()
    {
        return Err(ApiError::RequiredField {
            field: "password".into(),
        });
    }
    Ok(())
}

/// Turn a checked draft into a customer: addresses get ids, address indices become ids (a
/// default address is also a member of its list, as with `setDefault*Address`). `stores`
/// are resolved keys. The customer has no password yet: the service hashes the draft's
/// password only once everything else is known to be valid.
pub fn build_customer(
    d: CustomerDraft,
    meta: Meta,
    stores: Vec<KeyReference>,
) -> ApiResult<Customer> {
    let addresses: Vec<Address> = d
        .addresses
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.with_custom(Some(new_id()), None))
        .collect();
    check_address_keys(&addresses)?;
    let ids: Vec<String> = addresses.iter().filter_map(|a| a.id.clone()).collect();
    let mut shipping = Vec::new();
    for i in d.shipping_addresses.unwrap_or_default() {
        push_unique(&mut shipping, address_at(&ids, "shippingAddresses", i)?);
    }
    let mut billing = Vec::new();
    for i in d.billing_addresses.unwrap_or_default() {
        push_unique(&mut billing, address_at(&ids, "billingAddresses", i)?);
    }
    let default_shipping = d
        .default_shipping_address
        .map(|i| address_at(&ids, "defaultShippingAddress", i))
        .transpose()?;
    let default_billing = d
        .default_billing_address
        .map(|i| address_at(&ids, "defaultBillingAddress", i))
        .transpose()?;
    // A default index sets only the default id: CustomerDraft.raml says the lists are "set
    // to the IDs of these addresses" (`shippingAddresses`/`billingAddresses`) and describes
    // no implied membership, unlike the `setDefault…Address` actions (docs/DESIGN.md).
    let mode = d.authentication_mode.unwrap_or_default();
    Ok(Customer {
        meta,
        key: d.key,
        customer_number: d.customer_number,
        external_id: d.external_id,
        email: d.email,
        password: None,
        first_name: d.first_name,
        last_name: d.last_name,
        middle_name: d.middle_name,
        title: d.title,
        salutation: d.salutation,
        date_of_birth: d.date_of_birth,
        company_name: d.company_name,
        vat_id: d.vat_id,
        addresses,
        default_shipping_address_id: default_shipping,
        shipping_address_ids: shipping,
        default_billing_address_id: default_billing,
        billing_address_ids: billing,
        is_email_verified: d.is_email_verified.unwrap_or(false),
        customer_group: None,
        customer_group_assignments: Vec::new(),
        custom: None,
        locale: d.locale,
        stores,
        authentication_mode: mode,
    })
}
