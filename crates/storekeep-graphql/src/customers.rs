//! The Customer side of the schema (graphql.md §3): `Customer` with its resolved helpers
//! (`defaultShippingAddress`, `shippingAddresses`, `stores`, …), `Address`,
//! `CustomerQueryResult`, `CustomerSignInResult`, and the two token types.

use async_graphql::{Context, Enum, Object, SimpleObject};
use storekeep_core::customers as core;
use storekeep_core::resource::PagedQueryResponse;
use storekeep_core::scopes::Perm;
use storekeep_core::{ApiError, ApiResult};

use crate::access::gql;
use crate::carts::Cart;
use crate::common::{CustomFieldsType, Initiator, KeyReference, Reference};
use crate::scalars::{Country, Date, DateTime, Locale, Long};
use crate::stores::Store;

/// `AuthenticationMode`: `Password` (default) or `ExternalAuth`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[graphql(rename_items = "PascalCase")]
pub enum AuthenticationMode {
    ExternalAuth,
    Password,
}

impl From<core::AuthenticationMode> for AuthenticationMode {
    fn from(m: core::AuthenticationMode) -> Self {
        match m {
            core::AuthenticationMode::Password => AuthenticationMode::Password,
            core::AuthenticationMode::ExternalAuth => AuthenticationMode::ExternalAuth,
        }
    }
}

/// `Address`: a postal address of a customer.
pub struct Address(pub core::Address);

#[Object]
impl Address {
    pub(crate) async fn id(&self) -> Option<&str> {
        self.0.id.as_deref()
    }
    async fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }
    async fn country(&self) -> Country {
        Country(self.0.country.clone())
    }
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    async fn salutation(&self) -> Option<&str> {
        self.0.salutation.as_deref()
    }
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    async fn street_name(&self) -> Option<&str> {
        self.0.street_name.as_deref()
    }
    async fn street_number(&self) -> Option<&str> {
        self.0.street_number.as_deref()
    }
    async fn additional_street_info(&self) -> Option<&str> {
        self.0.additional_street_info.as_deref()
    }
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    async fn state(&self) -> Option<&str> {
        self.0.state.as_deref()
    }
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    async fn building(&self) -> Option<&str> {
        self.0.building.as_deref()
    }
    async fn apartment(&self) -> Option<&str> {
        self.0.apartment.as_deref()
    }
    #[graphql(name = "pOBox")]
    async fn p_o_box(&self) -> Option<&str> {
        self.0.p_o_box.as_deref()
    }
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    async fn mobile(&self) -> Option<&str> {
        self.0.mobile.as_deref()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn fax(&self) -> Option<&str> {
        self.0.fax.as_deref()
    }
    async fn additional_address_info(&self) -> Option<&str> {
        self.0.additional_address_info.as_deref()
    }
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }
    async fn custom(&self) -> Option<CustomFieldsType> {
        self.0.custom.clone().map(CustomFieldsType)
    }
}

/// `CustomerGroupAssignment`: a customer group the customer is in.
#[derive(SimpleObject, Debug, Clone)]
pub struct CustomerGroupAssignment {
    pub customer_group_ref: Reference,
}

/// `Customer`: a customer account, global (no stores) or assigned to stores.
pub struct Customer(pub core::Customer);

impl Customer {
    fn addresses_with(&self, ids: &[String]) -> Vec<Address> {
        ids.iter()
            .filter_map(|id| self.0.address(id).cloned().map(Address))
            .collect()
    }
}

#[Object]
impl Customer {
    pub(crate) async fn id(&self) -> &str {
        &self.0.meta.id
    }
    pub(crate) async fn version(&self) -> Long {
        Long(self.0.meta.version)
    }
    async fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }
    async fn customer_number(&self) -> Option<&str> {
        self.0.customer_number.as_deref()
    }
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Always null: neither the password nor its hash is ever returned (issue 21 F10). The
    /// field stays in the schema because the API's schema has it (nullable).
    async fn password(&self) -> Option<&str> {
        None
    }
    async fn authentication_mode(&self) -> Option<AuthenticationMode> {
        Some(self.0.authentication_mode.into())
    }
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    async fn middle_name(&self) -> Option<&str> {
        self.0.middle_name.as_deref()
    }
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    async fn salutation(&self) -> Option<&str> {
        self.0.salutation.as_deref()
    }
    async fn company_name(&self) -> Option<&str> {
        self.0.company_name.as_deref()
    }
    async fn vat_id(&self) -> Option<&str> {
        self.0.vat_id.as_deref()
    }
    async fn locale(&self) -> Option<Locale> {
        self.0.locale.clone().map(Locale)
    }
    async fn date_of_birth(&self) -> Option<Date> {
        self.0.date_of_birth.clone().map(Date)
    }
    async fn addresses(&self) -> Vec<Address> {
        self.0.addresses.iter().cloned().map(Address).collect()
    }
    async fn default_shipping_address_id(&self) -> Option<&str> {
        self.0.default_shipping_address_id.as_deref()
    }
    async fn default_billing_address_id(&self) -> Option<&str> {
        self.0.default_billing_address_id.as_deref()
    }
    async fn shipping_address_ids(&self) -> &[String] {
        &self.0.shipping_address_ids
    }
    async fn billing_address_ids(&self) -> &[String] {
        &self.0.billing_address_ids
    }
    async fn default_shipping_address(&self) -> Option<Address> {
        let id = self.0.default_shipping_address_id.as_deref()?;
        self.0.address(id).cloned().map(Address)
    }
    async fn default_billing_address(&self) -> Option<Address> {
        let id = self.0.default_billing_address_id.as_deref()?;
        self.0.address(id).cloned().map(Address)
    }
    async fn shipping_addresses(&self) -> Vec<Address> {
        self.addresses_with(&self.0.shipping_address_ids)
    }
    async fn billing_addresses(&self) -> Vec<Address> {
        self.addresses_with(&self.0.billing_address_ids)
    }
    async fn is_email_verified(&self) -> bool {
        self.0.is_email_verified
    }
    async fn customer_group_ref(&self) -> Option<Reference> {
        self.0.customer_group.as_ref().map(Reference::from)
    }
    async fn customer_group_assignments(&self) -> Vec<CustomerGroupAssignment> {
        self.0
            .customer_group_assignments
            .iter()
            .map(|a| CustomerGroupAssignment {
                customer_group_ref: Reference::from(&a.customer_group),
            })
            .collect()
    }
    async fn stores_ref(&self) -> Vec<KeyReference> {
        self.0.stores.iter().map(KeyReference::from).collect()
    }
    /// The customer's stores, resolved: needs `view_stores` as `GET /stores` does.
    async fn stores(&self, ctx: &Context<'_>) -> ApiResult<Vec<Store>> {
        let g = gql(ctx)?;
        g.require(Perm::ViewStores, None)?;
        let mut out = Vec::with_capacity(self.0.stores.len());
        for r in &self.0.stores {
            if let Some(s) = g.services.stores.find_by_key(&g.project, &r.key).await? {
                out.push(Store(s));
            }
        }
        Ok(out)
    }
    async fn custom(&self) -> Option<CustomFieldsType> {
        self.0.custom.clone().map(CustomFieldsType)
    }
    pub(crate) async fn created_at(&self) -> DateTime {
        DateTime(self.0.meta.created_at.clone())
    }
    pub(crate) async fn last_modified_at(&self) -> DateTime {
        DateTime(self.0.meta.last_modified_at.clone())
    }
    pub(crate) async fn created_by(&self) -> Option<Initiator> {
        Initiator::of(&self.0.meta.created_by)
    }
    pub(crate) async fn last_modified_by(&self) -> Option<Initiator> {
        Initiator::of(&self.0.meta.last_modified_by)
    }
}

/// `CustomerQueryResult`: a page of customers.
pub struct CustomerQueryResult(pub PagedQueryResponse);

impl CustomerQueryResult {
    /// Check that every result reads as a customer.
    pub fn new(page: PagedQueryResponse) -> ApiResult<Self> {
        for r in &page.results {
            parse_customer(r.get())?;
        }
        Ok(CustomerQueryResult(page))
    }
}

fn parse_customer(raw: &str) -> ApiResult<core::Customer> {
    serde_json::from_str(raw).map_err(|e| {
        tracing::error!(error = %e, "a stored customer does not read as a Customer");
        ApiError::general()
    })
}

#[Object]
impl CustomerQueryResult {
    async fn offset(&self) -> i32 {
        i32::try_from(self.0.offset).unwrap_or(i32::MAX)
    }
    async fn count(&self) -> i32 {
        i32::try_from(self.0.count).unwrap_or(i32::MAX)
    }
    async fn total(&self) -> Long {
        Long(self.0.total.map_or(self.0.count as i64, |t| t as i64))
    }
    /// Whether any customer matches (the GraphQL twin of `HEAD`).
    async fn exists(&self) -> bool {
        self.0.total.map_or(self.0.count > 0, |t| t > 0)
    }
    async fn results(&self) -> ApiResult<Vec<Customer>> {
        self.0
            .results
            .iter()
            .map(|r| parse_customer(r.get()).map(Customer))
            .collect()
    }
}

/// `CustomerSignInResult`: the customer and its active cart after sign-up or sign-in.
pub struct CustomerSignInResult(pub core::CustomerSignInResult);

#[Object]
impl CustomerSignInResult {
    async fn customer(&self) -> Customer {
        Customer(self.0.customer.clone())
    }
    async fn cart(&self) -> Option<Cart> {
        self.0.cart.clone().map(Cart)
    }
}

/// The fields both customer token types share.
fn token_fields(t: &core::CustomerToken) -> (DateTime, DateTime) {
    let created = DateTime(t.created_at.clone());
    let modified = DateTime(
        t.last_modified_at
            .clone()
            .unwrap_or_else(|| t.created_at.clone()),
    );
    (created, modified)
}

/// `CustomerPasswordToken`: a password-reset token (its value is shown only here).
pub struct CustomerPasswordToken(pub core::CustomerToken);

/// `CustomerEmailToken`: an email-verification token (its value is shown only here).
pub struct CustomerEmailToken(pub core::CustomerToken);

#[Object]
impl CustomerPasswordToken {
    pub(crate) async fn id(&self) -> &str {
        &self.0.id
    }
    pub(crate) async fn version(&self) -> Long {
        Long(1)
    }
    async fn customer_id(&self) -> &str {
        &self.0.customer_id
    }
    async fn value(&self) -> &str {
        &self.0.value
    }
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at.clone())
    }
    async fn invalidate_older_tokens(&self) -> bool {
        self.0.invalidate_older_tokens
    }
    pub(crate) async fn created_at(&self) -> DateTime {
        token_fields(&self.0).0
    }
    pub(crate) async fn last_modified_at(&self) -> DateTime {
        token_fields(&self.0).1
    }
    pub(crate) async fn created_by(&self) -> Option<Initiator> {
        None
    }
    pub(crate) async fn last_modified_by(&self) -> Option<Initiator> {
        None
    }
}

#[Object]
impl CustomerEmailToken {
    pub(crate) async fn id(&self) -> &str {
        &self.0.id
    }
    pub(crate) async fn version(&self) -> Long {
        Long(1)
    }
    async fn customer_id(&self) -> &str {
        &self.0.customer_id
    }
    async fn value(&self) -> &str {
        &self.0.value
    }
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at.clone())
    }
    async fn invalidate_older_tokens(&self) -> bool {
        self.0.invalidate_older_tokens
    }
    pub(crate) async fn created_at(&self) -> DateTime {
        token_fields(&self.0).0
    }
    pub(crate) async fn last_modified_at(&self) -> DateTime {
        token_fields(&self.0).1
    }
    pub(crate) async fn created_by(&self) -> Option<Initiator> {
        None
    }
    pub(crate) async fn last_modified_by(&self) -> Option<Initiator> {
        None
    }
}
