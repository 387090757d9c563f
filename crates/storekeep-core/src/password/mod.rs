//! The one Argon2id pool of the process: customer passwords, API-client secrets, the dummy
//! verifications of sign-ins and token requests that found no customer or client (so that a
//! wrong email or client id costs as much time as a wrong password, D7), and the bootstrap's
//! secret all hash here. PHC string format, constant-time verification, rehash detection.
//! No other module may call Argon2: `tests::argon2_runs_only_in_the_pool` scans the
//! workspace's sources for it.
//!
//! Argon2id is memory-hard by design (19 MiB per hash with the OWASP parameters), so a flood
//! must not run an unbounded number of hashes at once (issue 14: 300 concurrent failing token
//! requests took the server to 17 GiB when client secrets were hashed outside this pool).
//! Every operation takes a permit of a semaphore sized to the machine's cores and runs on
//! tokio's blocking pool; the permit is held by the blocking job itself, so a caller that
//! goes away (a disconnected client) cannot let more jobs run than there are permits. The
//! wait for a permit is bounded too: past `max_queue` waiting operations the pool answers
//! `OverCapacity` (503 with `Retry-After`, docs/DESIGN.md) at once instead of queueing
//! without limit. The Argon2 memory blocks are allocated once per permit and reused
//! (`hash_password_into_with_memory`): freeing and re-allocating 19 MiB per hash made the
//! allocator keep one such region per blocking thread, so the resident memory grew with the
//! number of threads that had ever hashed.
//!
//! This module never logs a password, a secret or a hash.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{ApiError, ApiResult};

/// Operations that may wait for a permit, per permit, unless configured otherwise. With the
/// OWASP parameters one operation takes 10–20 ms of a core, so a full queue drains in well
/// under a second.
pub const DEFAULT_QUEUE_PER_PERMIT: usize = 32;

/// The `Retry-After` of an `OverCapacity` answer, in seconds.
pub const RETRY_AFTER_SECS: u64 = 1;

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
    /// One permit per operation that may compute at once.
    permits: Arc<Semaphore>,
    /// One permit per operation that may be in the pool at all (computing or waiting).
    admission: Arc<Semaphore>,
    max_concurrent: usize,
    max_queue: usize,
    operations: AtomicU64,
    rejected: AtomicU64,
    /// Argon2 working memory, at most one buffer per permit, reused across hashes.
    buffers: std::sync::Mutex<Vec<Vec<Block>>>,
}

/// The Argon2 pool: cheap to clone, one per process, shared by every service that hashes.
#[derive(Clone)]
pub struct Passwords {
    inner: Arc<Inner>,
}

impl Default for Passwords {
    /// The OWASP parameters, no policy, a permit per core and the default queue.
    fn default() -> Self {
        Passwords::build(PasswordConfig::default(), Params::DEFAULT, None)
    }
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("config", &self.inner.config)
            .field("max_queue", &self.inner.max_queue)
            .finish_non_exhaustive()
    }
}

impl Passwords {
    /// A pool with the given configuration and the default queue
    /// ([`DEFAULT_QUEUE_PER_PERMIT`] per permit).
    pub fn new(config: PasswordConfig) -> Result<Self, PasswordConfigError> {
        Passwords::with_queue(config, None)
    }

    /// A pool with the given configuration; at most `max_queue` operations wait for a permit
    /// (`None`: [`DEFAULT_QUEUE_PER_PERMIT`] per permit; `Some(0)`: none wait).
    pub fn with_queue(
        config: PasswordConfig,
        max_queue: Option<usize>,
    ) -> Result<Self, PasswordConfigError> {
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
        Ok(Passwords::build(config, params, max_queue))
    }

    fn build(config: PasswordConfig, params: Params, max_queue: Option<usize>) -> Self {
        let permits = config
            .max_concurrent
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            })
            .max(1);
        let max_queue = max_queue.unwrap_or(permits.saturating_mul(DEFAULT_QUEUE_PER_PERMIT));
        let admitted = permits
            .saturating_add(max_queue)
            .min(Semaphore::MAX_PERMITS);
        Passwords {
            inner: Arc::new(Inner {
                config,
                params,
                permits: Arc::new(Semaphore::new(permits)),
                admission: Arc::new(Semaphore::new(admitted)),
                max_concurrent: permits,
                max_queue,
                operations: AtomicU64::new(0),
                rejected: AtomicU64::new(0),
                buffers: std::sync::Mutex::new(Vec::new()),
            }),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &PasswordConfig {
        &self.inner.config
    }

    /// How many operations may compute at once (the permits).
    pub fn max_concurrent(&self) -> usize {
        self.inner.max_concurrent
    }

    /// How many operations may wait for a permit before the pool answers `OverCapacity`.
    pub fn max_queue(&self) -> usize {
        self.inner.max_queue
    }

    /// How many hash computations (hash, verify, dummy) ran so far; lets tests see that
    /// every sign-in path does the same work.
    pub fn operations(&self) -> u64 {
        self.inner.operations.load(Ordering::SeqCst)
    }

    /// How many operations were refused with `OverCapacity` so far.
    pub fn rejected(&self) -> u64 {
        self.inner.rejected.load(Ordering::SeqCst)
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

    /// The answer when the queue is full.
    fn over_capacity() -> ApiError {
        ApiError::OverCapacity {
            message: "The server is at capacity for password and secret checks; retry later."
                .into(),
            retry_after_secs: RETRY_AFTER_SECS,
        }
    }

    /// Run one hash computation on the blocking pool while holding a permit. Both permits
    /// move into the blocking job, so they are released when the computation ends, not when
    /// the caller stops waiting for it.
    async fn run<T, F>(&self, job: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Passwords, &mut Vec<Block>) -> T + Send + 'static,
    {
        let Ok(admitted) = self.inner.admission.clone().try_acquire_owned() else {
            self.inner.rejected.fetch_add(1, Ordering::SeqCst);
            tracing::warn!("Argon2 queue full: answering OverCapacity");
            return Err(Self::over_capacity());
        };
        let permit = self
            .inner
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| {
                tracing::error!("password hashing pool is closed");
                ApiError::general()
            })?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let _held: (OwnedSemaphorePermit, OwnedSemaphorePermit) = (admitted, permit);
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

    /// Keep a buffer for the next operation; never more than one per permit.
    fn give_buffer(&self, buf: Vec<Block>) {
        if let Ok(mut v) = self.inner.buffers.lock() {
            if v.len() < self.max_concurrent() {
                v.push(buf);
            }
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
mod tests;
