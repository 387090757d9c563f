//! Customer passwords: Argon2id hashing in PHC string format, constant-time verification,
//! rehash detection, and a `dummy_verify` that does the work of a verification for sign-ins
//! that found no customer (so that a wrong email costs as much time as a wrong password, D7).
//!
//! Argon2id is memory-hard by design (19 MiB per hash with the OWASP parameters), so a flood of
//! sign-ins must not run an unbounded number of hashes at once: every operation takes a permit
//! of a semaphore sized to the machine's cores and runs on tokio's blocking pool. Callers queue
//! for a permit instead of allocating memory.
//!
//! This module never logs a password or a hash.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

/// The salt of `dummy_verify`: its result is thrown away, only its cost matters.
const DUMMY_SALT: &[u8; 16] = b"storekeep-dummy!";

/// How passwords are hashed and which passwords are accepted (D11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordConfig {
    /// Argon2 memory cost in KiB (OWASP: 19456).
    pub memory_kib: u32,
    /// Argon2 iterations (OWASP: 2).
    pub iterations: u32,
    /// Argon2 lanes (OWASP: 1).
    pub parallelism: u32,
    /// Shortest accepted new password, in characters; `None` = no policy (the API has none).
    pub min_length: Option<usize>,
    /// Most hashes computed at once; `None` = the number of available cores.
    pub max_concurrent: Option<usize>,
}

impl Default for PasswordConfig {
    fn default() -> Self {
        PasswordConfig {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
            min_length: None,
            max_concurrent: None,
        }
    }
}

/// A password configuration that Argon2 refuses (e.g. memory below 8 KiB per lane).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid password hashing parameters: {0}")]
pub struct PasswordConfigError(String);

struct Inner {
    config: PasswordConfig,
    params: Params,
    permits: Semaphore,
    operations: AtomicU64,
}

/// The password hasher: cheap to clone, shared by every service that hashes.
#[derive(Clone)]
pub struct Passwords {
    inner: Arc<Inner>,
}

impl Default for Passwords {
    /// The OWASP parameters and no policy.
    fn default() -> Self {
        Passwords::build(PasswordConfig::default(), Params::DEFAULT)
    }
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Passwords {
    /// A hasher with the given configuration.
    pub fn new(config: PasswordConfig) -> Result<Self, PasswordConfigError> {
        let params = Params::new(
            config.memory_kib,
            config.iterations,
            config.parallelism,
            None,
        )
        .map_err(|e| PasswordConfigError(e.to_string()))?;
        if config.max_concurrent == Some(0) {
            return Err(PasswordConfigError(
                "max_concurrent must be at least 1".into(),
            ));
        }
        Ok(Passwords::build(config, params))
    }

    fn build(config: PasswordConfig, params: Params) -> Self {
        let permits = config.max_concurrent.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        Passwords {
            inner: Arc::new(Inner {
                config,
                params,
                permits: Semaphore::new(permits.max(1)),
                operations: AtomicU64::new(0),
            }),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &PasswordConfig {
        &self.inner.config
    }

    /// How many hash computations (hash, verify, dummy) ran so far; lets tests see that
    /// every sign-in path does the same work.
    pub fn operations(&self) -> u64 {
        self.inner.operations.load(Ordering::SeqCst)
    }

    /// Check a new password against the policy (D11: none unless a minimum length is set).
    pub fn check_policy(&self, plain: &str) -> ApiResult<()> {
        match self.inner.config.min_length {
            Some(min) if plain.chars().count() < min => Err(ApiError::InvalidInput(format!(
                "The password must have at least {min} characters."
            ))),
            _ => Ok(()),
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            self.inner.params.clone(),
        )
    }

    /// Run one hash computation on the blocking pool while holding a permit.
    async fn run<T, F>(&self, job: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Passwords) -> T + Send + 'static,
    {
        let _permit = self.inner.permits.acquire().await.map_err(|_| {
            tracing::error!("password hashing pool is closed");
            ApiError::general()
        })?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            me.inner.operations.fetch_add(1, Ordering::SeqCst);
            job(&me)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            ApiError::general()
        })
    }

    /// Hash a password into a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
    pub async fn hash(&self, plain: &str) -> ApiResult<String> {
        let plain = plain.to_owned();
        self.run(move |me| {
            let mut salt = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut salt);
            let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
            me.argon2()
                .hash_password(plain.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| e.to_string())
        })
        .await?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::general()
        })
    }

    /// Does `plain` match the PHC string? The comparison is constant-time; a stored string
    /// that is not a valid PHC hash never matches (and still costs a dummy verification).
    pub async fn verify(&self, plain: &str, phc: &str) -> ApiResult<bool> {
        let plain = plain.to_owned();
        let phc = phc.to_owned();
        self.run(move |me| match PasswordHash::new(&phc) {
            Ok(parsed) => Argon2::default()
                .verify_password(plain.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => {
                tracing::warn!("a stored password is not a PHC string");
                me.dummy_work(&plain);
                false
            }
        })
        .await
    }

    /// Do the work of one verification with the current parameters and throw it away: the
    /// path taken when no customer (or no password) was found.
    pub async fn dummy_verify(&self, plain: &str) -> ApiResult<()> {
        let plain = plain.to_owned();
        self.run(move |me| me.dummy_work(&plain)).await
    }

    fn dummy_work(&self, plain: &str) {
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        if self
            .argon2()
            .hash_password_into(plain.as_bytes(), DUMMY_SALT, &mut out)
            .is_err()
        {
            tracing::warn!("dummy password verification failed");
        }
    }

    /// Was the PHC string made with other parameters (or another algorithm) than the current
    /// configuration? Then a successful sign-in should store a fresh hash.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return true;
        };
        if parsed.algorithm != argon2::ARGON2ID_IDENT
            || parsed.version != Some(Version::V0x13 as u32)
        {
            return true;
        }
        let Ok(p) = Params::try_from(&parsed) else {
            return true;
        };
        let want = &self.inner.params;
        p.m_cost() != want.m_cost() || p.t_cost() != want.t_cost() || p.p_cost() != want.p_cost()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap(min_length: Option<usize>) -> Passwords {
        Passwords::new(PasswordConfig {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            min_length,
            max_concurrent: Some(2),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let p = cheap(None);
        let h = p.hash("s3cret").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{h}");
        assert!(p.verify("s3cret", &h).await.unwrap());
        assert!(!p.verify("S3cret", &h).await.unwrap());
        assert!(!p.verify("", &h).await.unwrap());
        // Fresh salt every time.
        assert_ne!(h, p.hash("s3cret").await.unwrap());
        assert_eq!(p.operations(), 5);
    }

    #[tokio::test]
    async fn garbage_hash_never_matches() {
        let p = cheap(None);
        assert!(!p.verify("x", "not-a-phc-string").await.unwrap());
        assert!(!p.verify("x", "").await.unwrap());
        assert!(p.needs_rehash("not-a-phc-string"));
    }

    #[tokio::test]
    async fn dummy_verify_counts_as_work() {
        let p = cheap(None);
        p.dummy_verify("whatever").await.unwrap();
        assert_eq!(p.operations(), 1);
    }

    #[tokio::test]
    async fn rehash_when_parameters_change() {
        let old = cheap(None);
        let h = old.hash("pw").await.unwrap();
        assert!(!old.needs_rehash(&h));
        let new = Passwords::new(PasswordConfig {
            memory_kib: 128,
            ..old.config().clone()
        })
        .unwrap();
        assert!(new.needs_rehash(&h));
        // A hash of other parameters still verifies (parameters come from the PHC string).
        assert!(new.verify("pw", &h).await.unwrap());
        let argon2i = "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaA";
        assert!(old.needs_rehash(argon2i));
    }

    #[test]
    fn default_is_owasp() {
        let p = Passwords::default();
        assert_eq!(p.config().memory_kib, 19456);
        assert_eq!(p.config().iterations, 2);
        assert_eq!(p.config().parallelism, 1);
        assert!(p.check_policy("").is_ok(), "no policy by default (D11)");
    }

    #[test]
    fn policy_min_length() {
        let p = cheap(Some(8));
        assert!(matches!(
            p.check_policy("short"),
            Err(ApiError::InvalidInput(_))
        ));
        assert!(p.check_policy("long enough").is_ok());
        assert!(p.check_policy("ääääääää").is_ok(), "counts characters");
    }

    #[test]
    fn bad_config_is_refused() {
        let bad = PasswordConfig {
            memory_kib: 1,
            ..PasswordConfig::default()
        };
        assert!(Passwords::new(bad).is_err());
        let zero = PasswordConfig {
            max_concurrent: Some(0),
            ..PasswordConfig::default()
        };
        assert!(Passwords::new(zero).is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn at_most_max_concurrent_hashes() {
        use std::sync::atomic::AtomicUsize;
        let p = cheap(None);
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (p, running, peak) = (p.clone(), running.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                p.run(move |_| {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(p.operations(), 8);
        assert_eq!(peak.load(Ordering::SeqCst), 2, "two permits, eight jobs");
        assert_eq!(p.inner.permits.available_permits(), 2);
    }
}
