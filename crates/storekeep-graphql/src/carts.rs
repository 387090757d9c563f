//! A minimal `Cart` (graphql.md lists `CustomerSignInResult.cart`): the identity, owner, store
//! and state of the active cart a sign-in answers with. The cart queries and mutations
//! themselves are not part of this slice's GraphQL.

use async_graphql::{Enum, Object, SimpleObject};
use storekeep_core::carts as core;

use crate::common::{Initiator, KeyReference};
use crate::scalars::{Country, DateTime, Long};

/// `CartState`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "PascalCase")]
pub enum CartState {
    Active,
    Merged,
    Ordered,
    Frozen,
}

/// `Money`: an amount in cents of a currency.
#[derive(SimpleObject, Debug, Clone)]
pub struct Money {
    pub r#type: String,
    pub currency_code: String,
    pub cent_amount: Long,
    pub fraction_digits: i32,
}

/// `Cart` (the fields this slice shows).
pub struct Cart(pub core::Cart);

#[Object]
impl Cart {
    async fn id(&self) -> &str {
        &self.0.meta.id
    }
    async fn version(&self) -> Long {
        Long(self.0.meta.version)
    }
    async fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }
    async fn customer_id(&self) -> Option<&str> {
        self.0.customer_id.as_deref()
    }
    async fn customer_email(&self) -> Option<&str> {
        self.0.customer_email.as_deref()
    }
    async fn anonymous_id(&self) -> Option<&str> {
        self.0.anonymous_id.as_deref()
    }
    async fn store_ref(&self) -> Option<KeyReference> {
        self.0.store.as_ref().map(KeyReference::from)
    }
    async fn country(&self) -> Option<Country> {
        self.0.country.clone().map(Country)
    }
    async fn cart_state(&self) -> CartState {
        match self.0.cart_state {
            core::CartState::Active => CartState::Active,
            core::CartState::Merged => CartState::Merged,
            core::CartState::Ordered => CartState::Ordered,
            core::CartState::Frozen => CartState::Frozen,
        }
    }
    async fn total_price(&self) -> Money {
        let m = &self.0.total_price;
        Money {
            r#type: "centPrecision".into(),
            currency_code: m.currency_code.clone(),
            cent_amount: Long(m.cent_amount),
            fraction_digits: i32::try_from(m.fraction_digits).unwrap_or(i32::MAX),
        }
    }
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.meta.created_at.clone())
    }
    async fn last_modified_at(&self) -> DateTime {
        DateTime(self.0.meta.last_modified_at.clone())
    }
    async fn created_by(&self) -> Option<Initiator> {
        Initiator::of(&self.0.meta.created_by)
    }
    async fn last_modified_by(&self) -> Option<Initiator> {
        Initiator::of(&self.0.meta.last_modified_by)
    }
}
