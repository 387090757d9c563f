//! The store of an in-store path (`/{projectKey}/in-store/key={storeKey}/…`) must exist
//! (D5: 404 `ResourceNotFound` for a caller whose scopes allow that store; the 403 for other
//! callers comes first, from the authorization check). Store keys found to exist are
//! remembered for a few seconds, so that in-store requests do not each cost an extra database
//! round trip; stores can be deleted, so the memory is short, and a store deleted through this
//! instance is forgotten at once. Only existing stores are remembered: a store created a
//! moment ago is never answered with a stale 404. Every project path checks that its project
//! exists the same way, with a longer memory ([`KnownProjects`]). Both are moka caches
//! (docs/DESIGN.md, "Caches"): bounded, with a TTL, and explicit invalidation.

use std::time::Duration;

use moka::sync::Cache;
use storekeep_core::ApiError;

use crate::error::HttpError;
use crate::AppState;

/// How long a store found to exist is trusted without asking the database again.
pub const STORE_TTL: Duration = Duration::from_secs(5);

/// How long a project found to exist is trusted. Projects are not deleted through the API;
/// the TTL only bounds how long one deleted by other means keeps answering here.
pub const PROJECT_TTL: Duration = Duration::from_secs(600);

/// Most entries kept of each kind (moka's admission policy picks which, beyond it).
pub const MAX_ENTRIES: u64 = 10_000;

/// Store keys (per project) recently found to exist.
#[derive(Debug)]
pub struct KnownStores {
    seen: Cache<(String, String), ()>,
}

impl Default for KnownStores {
    fn default() -> Self {
        KnownStores::with_capacity(MAX_ENTRIES)
    }
}

impl KnownStores {
    fn with_capacity(capacity: u64) -> Self {
        KnownStores {
            seen: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(STORE_TTL)
                .build(),
        }
    }

    /// Was the store seen within [`STORE_TTL`]?
    fn fresh(&self, project: &str, key: &str) -> bool {
        self.seen
            .contains_key(&(project.to_string(), key.to_string()))
    }

    fn remember(&self, project: &str, key: &str) {
        self.seen.insert((project.to_string(), key.to_string()), ());
    }

    /// Forget a store (it was deleted through this instance).
    pub fn forget(&self, project: &str, key: &str) {
        self.seen
            .invalidate(&(project.to_string(), key.to_string()));
    }
}

/// Project keys recently found to exist (the check every project path makes).
#[derive(Debug)]
pub struct KnownProjects {
    seen: Cache<String, ()>,
}

impl Default for KnownProjects {
    fn default() -> Self {
        KnownProjects {
            seen: Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(PROJECT_TTL)
                .build(),
        }
    }
}

impl KnownProjects {
    /// Was the project seen within [`PROJECT_TTL`]?
    pub fn contains(&self, project: &str) -> bool {
        self.seen.contains_key(project)
    }

    /// Remember a project that exists.
    pub fn insert(&self, project: &str) {
        self.seen.insert(project.to_string(), ());
    }
}

/// The store key of an in-store path segment (`key={storeKey}`), which must name an existing
/// store of the project: else 404 `ResourceNotFound`.
pub async fn ensure_store(
    state: &AppState,
    project: &str,
    segment: &str,
) -> Result<String, HttpError> {
    let Some(key) = segment.strip_prefix("key=") else {
        return Err(HttpError(ApiError::ResourceNotFound(format!(
            "The store segment '{segment}' must be written as key={{storeKey}}."
        ))));
    };
    if state.known_stores.fresh(project, key) {
        return Ok(key.to_string());
    }
    match state.services.stores.find_by_key(project, key).await? {
        Some(_) => {
            state.known_stores.remember(project, key);
            Ok(key.to_string())
        }
        None => Err(HttpError(ApiError::ResourceNotFound(format!(
            "The Store with key '{key}' was not found."
        )))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_forgets() {
        let k = KnownStores::default();
        assert!(!k.fresh("p", "s"));
        k.remember("p", "s");
        assert!(k.fresh("p", "s"));
        assert!(!k.fresh("p", "t"));
        assert!(!k.fresh("q", "s"));
        k.forget("p", "s");
        assert!(!k.fresh("p", "s"));
    }

    #[test]
    fn stays_bounded() {
        let k = KnownStores::with_capacity(16);
        for i in 0..200 {
            k.remember("p", &i.to_string());
        }
        k.seen.run_pending_tasks();
        let len = k.seen.entry_count();
        assert!((1..=16).contains(&len), "{len}");
    }

    #[test]
    fn projects_are_remembered() {
        let k = KnownProjects::default();
        assert!(!k.contains("p"));
        k.insert("p");
        assert!(k.contains("p"));
        assert!(!k.contains("q"));
    }
}
