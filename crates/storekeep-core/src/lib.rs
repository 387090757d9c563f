//! storekeep's domain: resources, drafts, update actions, the rules between them, scopes,
//! the one error type, and the storage port. It knows neither HTTP nor SQL: front-ends call
//! the services here, and storage backends implement [`storage::Storage`].

pub mod common;
pub mod error;
pub mod projects;
pub mod query;
pub mod resource;
pub mod storage;
pub mod stores;

pub use error::{ApiError, ApiResult};

use std::sync::Arc;

/// All domain services over one storage backend.
#[derive(Clone)]
pub struct Services {
    pub repo: resource::Repo,
    pub projects: projects::ProjectService,
    pub stores: stores::StoreService,
}

impl Services {
    /// Services over a storage backend.
    pub fn new(storage: Arc<dyn storage::Storage>) -> Self {
        let repo = resource::Repo::new(storage);
        let projects = projects::ProjectService::new(repo.clone());
        let stores = stores::StoreService::new(repo.clone(), projects.clone());
        Services {
            repo,
            projects,
            stores,
        }
    }
}
