//! A small in-process cache of bearer-token look-ups. Entries expire with their token and
//! after a short TTL: with several storekeep instances on one database, a client deleted (and
//! its tokens revoked) on one instance, or a customer's tokens revoked there (password change
//! or reset, deletion), are refused by the others at most one TTL later. On the instance that
//! revoked them, their entries are dropped at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::Caller;

/// How long a cached look-up is trusted (milliseconds).
pub const TOKEN_CACHE_TTL_MS: i64 = 30_000;
/// Most cached tokens; when full, stale entries are dropped, and if none are, all of them.
const CAPACITY: usize = 10_000;

struct Entry {
    caller: Arc<Caller>,
    cached_at: i64,
}

impl Entry {
    fn fresh(&self, now: i64) -> bool {
        now < self.caller.expires_at_ms && now - self.cached_at < TOKEN_CACHE_TTL_MS
    }
}

/// Token hash → caller.
#[derive(Default)]
pub(crate) struct TokenCache {
    map: RwLock<HashMap<String, Entry>>,
}

impl TokenCache {
    /// The cached caller of a token hash, if still fresh.
    pub fn get(&self, hash: &str, now: i64) -> Option<Arc<Caller>> {
        let map = self.map.read().ok()?;
        map.get(hash)
            .filter(|e| e.fresh(now))
            .map(|e| e.caller.clone())
    }

    /// Remember a look-up.
    pub fn insert(&self, hash: String, caller: Arc<Caller>, now: i64) {
        let Ok(mut map) = self.map.write() else {
            return;
        };
        if map.len() >= CAPACITY {
            map.retain(|_, e| e.fresh(now));
            if map.len() >= CAPACITY {
                map.clear();
            }
        }
        map.insert(
            hash,
            Entry {
                caller,
                cached_at: now,
            },
        );
    }

    /// Forget one token.
    pub fn remove(&self, hash: &str) {
        if let Ok(mut map) = self.map.write() {
            map.remove(hash);
        }
    }

    /// Forget every token of a customer of a project.
    pub fn remove_customer(&self, project: &str, customer_id: &str) {
        if let Ok(mut map) = self.map.write() {
            map.retain(|_, e| {
                e.caller.project != project || e.caller.customer_id.as_deref() != Some(customer_id)
            });
        }
    }

    /// Forget every token of a client.
    pub fn remove_client(&self, client_id: &str) {
        if let Ok(mut map) = self.map.write() {
            map.retain(|_, e| e.caller.client_id != client_id);
        }
    }
}
