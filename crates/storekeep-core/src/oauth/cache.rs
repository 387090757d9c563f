//! The in-process cache of bearer-token look-ups (moka; docs/DESIGN.md, "Caches"). An entry
//! lives as long as its token and at most [`TOKEN_CACHE_TTL_MS`]: with several storekeep
//! instances on one database, a client deleted (and its tokens revoked) on one instance, or a
//! customer's tokens revoked there (password change or reset, deletion), are refused by the
//! others at most one TTL later. On the instance that revoked them, their entries are dropped
//! at once. At most [`CAPACITY`] tokens are kept; beyond it moka's admission policy decides
//! which stay (a look-up that misses the cache reads the database).
//!
//! The library's expiry runs on the real clock; `get` also checks both limits against the
//! service's clock (`now`), which tests move by hand.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::sync::Cache;
use moka::Expiry;

use super::Caller;

/// How long a cached look-up is trusted (milliseconds).
pub const TOKEN_CACHE_TTL_MS: i64 = 30_000;
/// Most cached tokens.
pub const CAPACITY: u64 = 10_000;

#[derive(Clone)]
struct Entry {
    caller: Arc<Caller>,
    cached_at: i64,
}

impl Entry {
    fn fresh(&self, now: i64) -> bool {
        now < self.caller.expires_at_ms && now - self.cached_at < TOKEN_CACHE_TTL_MS
    }
}

/// An entry expires with its token, and after the TTL at the latest.
struct WithToken;

impl Expiry<String, Entry> for WithToken {
    fn expire_after_create(&self, _: &String, e: &Entry, _: Instant) -> Option<Duration> {
        let left = (e.caller.expires_at_ms - e.cached_at).clamp(0, TOKEN_CACHE_TTL_MS);
        Some(Duration::from_millis(left.unsigned_abs()))
    }
}

/// Token hash → caller.
pub(crate) struct TokenCache {
    map: Cache<String, Entry>,
}

impl Default for TokenCache {
    fn default() -> Self {
        TokenCache::with_capacity(CAPACITY)
    }
}

impl TokenCache {
    /// A cache of at most `capacity` tokens.
    pub fn with_capacity(capacity: u64) -> Self {
        TokenCache {
            map: Cache::builder()
                .max_capacity(capacity)
                .expire_after(WithToken)
                .build(),
        }
    }

    /// The cached caller of a token hash, if still fresh.
    pub fn get(&self, hash: &str, now: i64) -> Option<Arc<Caller>> {
        self.map
            .get(hash)
            .filter(|e| e.fresh(now))
            .map(|e| e.caller)
    }

    /// Remember a look-up.
    pub fn insert(&self, hash: String, caller: Arc<Caller>, now: i64) {
        self.map.insert(
            hash,
            Entry {
                caller,
                cached_at: now,
            },
        );
    }

    /// Forget one token.
    pub fn remove(&self, hash: &str) {
        self.map.invalidate(hash);
    }

    /// Forget every token of a customer of a project.
    pub fn remove_customer(&self, project: &str, customer_id: &str) {
        self.remove_where(|c| {
            c.project == project && c.customer_id.as_deref() == Some(customer_id)
        });
    }

    /// Forget every token of a client.
    pub fn remove_client(&self, client_id: &str) {
        self.remove_where(|c| c.client_id == client_id);
    }

    /// Drop the entries of the callers `f` picks, at once (a scan of at most [`CAPACITY`]
    /// entries; revocations are rare).
    fn remove_where(&self, f: impl Fn(&Caller) -> bool) {
        for (hash, e) in self.map.iter() {
            if f(&e.caller) {
                self.map.invalidate(hash.as_str());
            }
        }
    }

    /// How many entries the cache holds once pending evictions ran (tests).
    #[cfg(test)]
    pub fn len(&self) -> u64 {
        self.map.run_pending_tasks();
        self.map.entry_count()
    }
}
