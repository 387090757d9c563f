//! storekeep's domain: resources, drafts, update actions, the rules between them, scopes,
//! the OAuth services, the one error type, and the storage port. It knows neither HTTP nor
//! SQL: front-ends call the services here, and storage backends implement
//! [`storage::Storage`].

pub mod address;
pub mod api_clients;
pub mod carts;
pub mod clock;
pub mod common;
pub mod customers;
pub mod error;
pub mod error_body;
pub mod oauth;
pub mod password;
pub mod projects;
pub mod query;
pub mod resource;
pub mod scopes;
pub mod storage;
pub mod stores;
pub mod wire;

pub use error::{ApiError, ApiResult};

use std::sync::Arc;

/// All domain services over one storage backend.
#[derive(Clone)]
pub struct Services {
    pub repo: resource::Repo,
    pub projects: projects::ProjectService,
    pub stores: stores::StoreService,
    pub customers: customers::CustomerService,
    pub carts: carts::CartService,
    pub api_clients: api_clients::ApiClientService,
    pub oauth: oauth::OAuthService,
}

impl Services {
    /// Services over a storage backend, on the system clock.
    pub fn new(storage: Arc<dyn storage::Storage>) -> Self {
        Self::with_clock(storage, Arc::new(clock::SystemClock))
    }

    /// The same services with another sign-in throttle (D12), e.g. from the server's
    /// configuration (the default is [`oauth::ThrottleConfig::default`]).
    pub fn with_signin_throttle(mut self, config: oauth::ThrottleConfig) -> Self {
        self.customers = self.customers.with_signin_throttle(config);
        self
    }

    /// The same services on another Argon2 pool (e.g. the server's configured one, or cheap
    /// parameters in tests): client secrets and customer passwords both use it.
    pub fn with_passwords(mut self, passwords: password::Passwords) -> Self {
        self.oauth = self.oauth.with_passwords(passwords.clone());
        self.customers = self.customers.with_passwords(passwords);
        self.api_clients = self.api_clients.with_oauth(self.oauth.clone());
        self
    }

    /// Services over a storage backend and a clock (tests inject a manual clock to observe
    /// token expiry).
    pub fn with_clock(storage: Arc<dyn storage::Storage>, clock: Arc<dyn clock::Clock>) -> Self {
        let repo = resource::Repo::new(storage);
        let projects = projects::ProjectService::new(repo.clone());
        let stores = stores::StoreService::new(repo.clone(), projects.clone());
        let carts = carts::CartService::new(repo.clone(), projects.clone());
        // One Argon2 pool for the whole process: client secrets and customer passwords.
        let passwords = password::Passwords::default();
        let oauth = oauth::OAuthService::new(repo.clone(), clock.clone(), passwords.clone());
        let customers = customers::CustomerService::new(
            repo.clone(),
            projects.clone(),
            passwords,
            clock.clone(),
        )
        .with_events(oauth.customer_events())
        .with_signin_throttle(oauth::ThrottleConfig::default());
        let api_clients = api_clients::ApiClientService::new(
            repo.clone(),
            projects.clone(),
            oauth.clone(),
            clock,
        );
        Services {
            repo,
            projects,
            stores,
            customers,
            carts,
            api_clients,
            oauth,
        }
    }
}
