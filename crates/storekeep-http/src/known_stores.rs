//! The store of an in-store path (`/{projectKey}/in-store/key={storeKey}/…`) must exist
//! (D5: 404 `ResourceNotFound` for a caller whose scopes allow that store; the 403 for other
//! callers comes first, from the authorization check). Store keys found to exist are
//! remembered for a few seconds, so that in-store requests do not each cost an extra database
//! round trip; stores can be deleted, so the memory is short, and a store deleted through this
//! instance is forgotten at once. Only existing stores are remembered: a store created a
//! moment ago is never answered with a stale 404.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use storekeep_core::ApiError;

use crate::error::HttpError;
use crate::AppState;

/// How long a store found to exist is trusted without asking the database again.
pub const STORE_TTL: Duration = Duration::from_secs(5);

/// Most entries kept; beyond it expired entries are dropped, and if that is not enough, all.
const MAX_ENTRIES: usize = 10_000;

/// Store keys (per project) recently found to exist.
#[derive(Debug, Default)]
pub struct KnownStores {
    seen: Mutex<HashMap<(String, String), Instant>>,
}

impl KnownStores {
    /// Was the store seen within [`STORE_TTL`]? A poisoned lock counts as "not seen".
    fn fresh(&self, project: &str, key: &str) -> bool {
        let Ok(seen) = self.seen.lock() else {
            return false;
        };
        seen.get(&(project.to_string(), key.to_string()))
            .is_some_and(|at| at.elapsed() < STORE_TTL)
    }

    fn remember(&self, project: &str, key: &str) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() >= MAX_ENTRIES {
            seen.retain(|_, at| at.elapsed() < STORE_TTL);
            if seen.len() >= MAX_ENTRIES {
                seen.clear();
            }
        }
        seen.insert((project.to_string(), key.to_string()), Instant::now());
    }

    /// Forget a store (it was deleted through this instance).
    pub fn forget(&self, project: &str, key: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.remove(&(project.to_string(), key.to_string()));
        }
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
        let k = KnownStores::default();
        for i in 0..MAX_ENTRIES + 5 {
            k.remember("p", &i.to_string());
        }
        let len = k.seen.lock().map(|s| s.len()).unwrap_or(usize::MAX);
        assert!(len <= MAX_ENTRIES, "{len}");
        assert!(k.fresh("p", &(MAX_ENTRIES + 4).to_string()));
    }
}
