//! Customer passwords: Argon2id hashing in PHC string format, constant-time verification,
//! rehash detection, and a `dummy_verify` that does the work of a verification for sign-ins
//! that found no customer (so that a wrong email costs as much time as a wrong password, D7).
//!
//! Argon2id is memory-hard by design (19 MiB per hash with the OWASP parameters), so a flood of
//! sign-ins must not run an unbounded number of hashes at once: every operation takes a permit
//! of a semaphore sized to the machine's cores and runs on tokio's blocking pool. Callers queue
//! for a permit instead of allocating memory. The Argon2 memory blocks are allocated once per
//! permit and reused (`hash_password_into_with_memory`): freeing and re-allocating 19 MiB per
//! hash made the allocator keep one such region per blocking thread, so the resident memory
//! grew with the number of threads that had ever hashed.
//!
//! This module never logs a password or a hash.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    /// Argon2 working memory, one buffer per permit, reused across hashes.
    buffers: std::sync::Mutex<Vec<Vec<Block>>>,
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
                buffers: std::sync::Mutex::new(Vec::new()),
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

    /// Run one hash computation on the blocking pool while holding a permit.
    async fn run<T, F>(&self, job: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Passwords, &mut Vec<Block>) -> T + Send + 'static,
    {
        let _permit = self.inner.permits.acquire().await.map_err(|_| {
            tracing::error!("password hashing pool is closed");
            ApiError::general()
        })?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            me.inner.operations.fetch_add(1, Ordering::SeqCst);
            let mut buf = me.take_buffer();
            let out = job(&me, &mut buf);
            me.give_buffer(buf);
            out
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            ApiError::general()
        })
    }

    fn take_buffer(&self) -> Vec<Block> {
        self.inner
            .buffers
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default()
    }

    fn give_buffer(&self, buf: Vec<Block>) {
        if let Ok(mut v) = self.inner.buffers.lock() {
            v.push(buf);
        }
    }

    /// Compute an Argon2id hash into `out` with `params`, in the reused buffer.
    fn compute(
        params: &Params,
        plain: &[u8],
        salt: &[u8],
        out: &mut [u8],
        buf: &mut Vec<Block>,
    ) -> Result<(), String> {
        let blocks = params.block_count();
        if buf.len() != blocks {
            buf.clear();
            buf.resize(blocks, Block::default());
        }
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into_with_memory(plain, salt, out, &mut buf[..])
            .map_err(|e| e.to_string())
    }

    /// Hash a password into a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
    pub async fn hash(&self, plain: &str) -> ApiResult<String> {
        let plain = plain.to_owned();
        self.run(move |me, buf| {
            let mut salt = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut salt);
            let salt_b64 = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
            let p = &me.inner.params;
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            Self::compute(p, plain.as_bytes(), &salt, &mut out, buf)?;
            let hash = Output::new(&out).map_err(|e| e.to_string())?;
            Ok::<_, String>(format!(
                "$argon2id$v=19$m={},t={},p={}${}${}",
                p.m_cost(),
                p.t_cost(),
                p.p_cost(),
                salt_b64.as_str(),
                hash
            ))
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
        self.run(move |me, buf| match Self::check(&plain, &phc, buf) {
            Some(ok) => ok,
            None => {
                tracing::warn!("a stored password is not an Argon2id PHC string");
                me.dummy_work(&plain, buf);
                false
            }
        })
        .await
    }

    /// Do the work of one verification with the current parameters and throw it away: the
    /// path taken when no customer (or no password) was found.
    pub async fn dummy_verify(&self, plain: &str) -> ApiResult<()> {
        let plain = plain.to_owned();
        self.run(move |me, buf| me.dummy_work(&plain, buf)).await
    }

    fn dummy_work(&self, plain: &str, buf: &mut Vec<Block>) {
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        if Self::compute(
            &self.inner.params,
            plain.as_bytes(),
            DUMMY_SALT,
            &mut out,
            buf,
        )
        .is_err()
        {
            tracing::warn!("dummy password verification failed");
        }
    }

    /// Verify against a PHC string with the parameters it names; `None` when it is not an
    /// Argon2id hash we can check. `Output`'s equality is constant-time.
    fn check(plain: &str, phc: &str, buf: &mut Vec<Block>) -> Option<bool> {
        let parsed = PasswordHash::new(phc).ok()?;
        if parsed.algorithm != argon2::ARGON2ID_IDENT {
            return None;
        }
        let params = Params::try_from(&parsed).ok()?;
        let expected = parsed.hash?;
        let mut salt_buf = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_buf).ok()?;
        let mut out = vec![0u8; expected.len()];
        Self::compute(&params, plain.as_bytes(), salt, &mut out, buf).ok()?;
        let computed = Output::new(&out).ok()?;
        Some(computed == expected)
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
    async fn phc_strings_interoperate_with_the_argon2_crate() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let p = Passwords::default();
        let ours = p.hash("s3cret").await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"s3cret", &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"other", &parsed)
            .is_err());
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(p.verify("pw", &theirs).await.unwrap());
        assert!(!p.verify("pw2", &theirs).await.unwrap());
        assert!(!p.needs_rehash(&theirs));
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
                p.run(move |_, _| {
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
