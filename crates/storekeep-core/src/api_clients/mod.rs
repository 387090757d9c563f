//! API clients: the OAuth clients of a project (`/{projectKey}/api-clients`). The resource as
//! stored holds only its wire fields; the secret is shown once in the create response and kept
//! only as an Argon2id hash by the [`oauth`](crate::oauth) service. Deleting a client revokes
//! its tokens. There is no update endpoint.

mod draft;
mod model;
mod service;
mod store;

#[cfg(test)]
mod tests;

pub use draft::{
    ApiClientDraft, ACCESS_VALIDITY_RANGE, DEFAULT_ACCESS_VALIDITY_SECS,
    DEFAULT_REFRESH_VALIDITY_SECS, REFRESH_VALIDITY_RANGE,
};
pub use model::{ApiClient, ApiClientWithSecret, API_CLIENT_SCHEMA};
pub use service::{ApiClientService, EnsureOutcome};
pub(crate) use store::{load_client, touch_last_used};
