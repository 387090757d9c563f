//! The mutation root (graphql.md §6), merged from one object per area: the customer
//! mutations of API clients (with `storeKey`), the `me` mutations of customer sessions, and the
//! store mutations. Each checks the scope of its REST twin, then calls the same core service.

mod customers;
mod me;
mod stores;

use async_graphql::MergedObject;
use storekeep_core::storage::Lookup;
use storekeep_core::{ApiError, ApiResult};

pub use customers::CustomerMutation;
pub use me::MeMutation;
pub use stores::StoreMutation;

/// The mutation root.
#[derive(MergedObject, Default)]
pub struct Mutation(CustomerMutation, MeMutation, StoreMutation);

/// The resource an update or delete addresses: exactly one of `id` and `key`.
pub fn target<'a>(id: &'a Option<String>, key: &'a Option<String>) -> ApiResult<Lookup<'a>> {
    match (id, key) {
        (Some(id), None) => Ok(Lookup::Id(id)),
        (None, Some(key)) => Ok(Lookup::Key(key)),
        _ => Err(ApiError::InvalidInput(
            "Exactly one of the arguments 'id' and 'key' must be given.".into(),
        )),
    }
}
