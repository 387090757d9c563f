//! Stores: the resource, its draft, its update actions and the service that creates, reads,
//! updates, queries and deletes them. Store keys are immutable; channels, product selections
//! and custom types are references to resources storekeep does not hold yet, so any such
//! reference is answered with `ReferencedResourceNotFound`.

mod actions;
mod draft;
mod model;
mod service;

#[cfg(test)]
mod tests;

pub use actions::{apply, references, StoreUpdate, StoreUpdateAction};
pub use draft::{ProductSelectionSettingDraft, StoreDraft};
pub use model::{ProductSelectionSetting, Store, StoreCountry, Storefront, STORE_SCHEMA};
pub use service::StoreService;
