//! Sign-in throttling (D12, issue 21 F5). Every sign-in attempt for one (project, email) —
//! `/login`, `/in-store/key={s}/login`, `/me/login` (both forms) and both OAuth password flows,
//! which all go through `CustomerService::authenticate` — is counted *before* the password is
//! checked; once more than `failures` attempts were counted without a success in between,
//! further attempts are answered 429 `TooManyRequests` with `Retry-After` until `window_secs`
//! after the last counted attempt. A success resets the counter, but only an attempt that was
//! let through can succeed: a correct password never unlocks a throttled key early.
//!
//! **One counter per email, whatever the path or store.** The key was (store, email), and a
//! global customer can sign in through the project and through every store: each path had
//! its own counter, so an attacker got `failures × (stores + 1)` guesses per window. The key
//! is now the project (the counter's partition) and the lower-cased email only. It cannot
//! depend on which account the email names: that would need a look-up before counting, and
//! the key would then tell whether an account exists — e.g. if a global customer's attempts
//! through store `s` and through the project shared a counter while an unknown email's did
//! not, five guesses via `s` and one via the project would reveal the account. A key without
//! the store is the same for every email, known or not. The price: two store customers with
//! the same email in two stores (separate accounts, D2) share one counter.
//!
//! Counting before checking makes the limit hold under concurrency (parallel guesses each
//! take a count; none is checked once the count is over the limit). Attempts refused at the
//! limit neither count nor prolong the refusal, so `Retry-After` is honest.
//!
//! The counters live in the database (`Storage::bump_counter`), not in memory: they are
//! bounded by the rows' expiry (purged with expired tokens) and shared by every storekeep
//! instance on one PostgreSQL database. The key is a hash of the lower-cased email, so the
//! counters table holds no email addresses.

use std::sync::Arc;

use crate::clock::Clock;
use crate::customers::normalize_email;
use crate::error::{ApiError, ApiResult};
use crate::resource::{storage_error, Repo};

use super::sha256_hex;

/// How many failed sign-ins are tolerated and for how long a throttled key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Attempts without a success after which a key is throttled; `0` turns throttling off.
    pub failures: u32,
    /// How long a throttled key is refused after its last counted attempt (seconds).
    pub window_secs: u64,
}

impl ThrottleConfig {
    /// Default number of tolerated failures.
    pub const DEFAULT_FAILURES: u32 = 5;
    /// Default window (seconds).
    pub const DEFAULT_WINDOW_SECS: u64 = 60;

    /// No throttling.
    pub fn disabled() -> Self {
        ThrottleConfig {
            failures: 0,
            window_secs: Self::DEFAULT_WINDOW_SECS,
        }
    }

    /// Is throttling on?
    pub fn enabled(&self) -> bool {
        self.failures > 0 && self.window_secs > 0
    }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            failures: Self::DEFAULT_FAILURES,
            window_secs: Self::DEFAULT_WINDOW_SECS,
        }
    }
}

/// The sign-in throttle of one set of services.
#[derive(Clone)]
pub struct SignInThrottle {
    repo: Repo,
    clock: Arc<dyn Clock>,
    config: ThrottleConfig,
}

/// The counter key of a sign-in: a hash of the normalised email (the same for every path
/// and store, see the module docs).
fn counter_key(email: &str) -> String {
    format!("signin:{}", sha256_hex(&normalize_email(email)))
}

impl SignInThrottle {
    /// A throttle over a repository and a clock.
    pub fn new(repo: Repo, clock: Arc<dyn Clock>, config: ThrottleConfig) -> Self {
        SignInThrottle {
            repo,
            clock,
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> ThrottleConfig {
        self.config
    }

    /// Count a sign-in attempt; 429 `TooManyRequests` if the key is over the limit (the
    /// password must then not be checked).
    pub async fn admit(&self, project: &str, email: &str) -> ApiResult<()> {
        if !self.config.enabled() {
            return Ok(());
        }
        let now = self.clock.now_ms();
        let limit = i64::from(self.config.failures);
        let window_ms = i64::try_from(self.config.window_secs)
            .unwrap_or(i64::MAX / 2_000)
            .saturating_mul(1000);
        let (count, expires_at) = self
            .repo
            .storage()
            .bump_counter(project, &counter_key(email), now, window_ms, limit + 1)
            .await
            .map_err(|e| storage_error(e, ""))?;
        if count <= limit {
            return Ok(());
        }
        let retry_after_secs = u64::try_from((expires_at - now + 999) / 1000)
            .unwrap_or(1)
            .max(1);
        Err(ApiError::TooManyRequests {
            message: format!(
                "Too many failed sign-in attempts for this account. Try again in {retry_after_secs} seconds."
            ),
            retry_after_secs,
        })
    }

    /// A sign-in succeeded: forget the key's failures. A failure to do so is logged only (the
    /// sign-in itself is valid; the count then simply expires).
    pub async fn succeeded(&self, project: &str, email: &str) {
        if !self.config.enabled() {
            return;
        }
        let key = counter_key(email);
        if let Err(e) = self.repo.storage().reset_counter(project, &key).await {
            tracing::warn!(error = %e, "could not reset a sign-in throttle counter");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_email_case_and_hold_no_email() {
        assert_eq!(counter_key("A@X.io"), counter_key("a@x.io"));
        assert_ne!(counter_key("a@x.io"), counter_key("b@x.io"));
        assert!(!counter_key("a@x.io").contains('@'));
    }

    #[test]
    fn config_defaults_and_off() {
        let d = ThrottleConfig::default();
        assert_eq!((d.failures, d.window_secs), (5, 60));
        assert!(d.enabled());
        assert!(!ThrottleConfig::disabled().enabled());
        let zero_window = ThrottleConfig {
            failures: 3,
            window_secs: 0,
        };
        assert!(!zero_window.enabled());
    }
}
