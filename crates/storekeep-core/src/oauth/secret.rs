//! Random credentials and their hashes. Tokens and generated secrets are 32 bytes from the
//! operating system's CSPRNG, base64url without padding. Tokens are stored as SHA-256 (they
//! have 256 bits of entropy, so a fast hash is enough and allows lookup by hash); client
//! secrets may be chosen by people (`CTP_CLIENT_SECRET`), so they are stored as Argon2id.
//! Argon2 runs on the blocking thread pool, never on the async executor.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ApiResult};

/// `n` random bytes, base64url without padding.
pub fn random_string(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new access/refresh token or client secret (256 bits).
pub fn random_token() -> String {
    random_string(32)
}

/// A new client id (144 bits, 24 characters).
pub fn random_client_id() -> String {
    random_string(18)
}

/// Lower-case hex SHA-256 of a string.
pub fn sha256_hex(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// Compare two strings in time independent of where they differ.
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(error = %e, "hashing task failed");
        ApiError::general()
    })
}

/// The Argon2id hash (PHC string) of a secret.
pub async fn hash_secret(secret: &str) -> ApiResult<String> {
    let secret = secret.to_string();
    blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "cannot hash a client secret");
        ApiError::general()
    })
}

/// Does `secret` match the Argon2 PHC string `phc`? (Constant-time inside argon2.)
pub async fn verify_secret(secret: &str, phc: &str) -> ApiResult<bool> {
    let secret = secret.to_string();
    let phc = phc.to_string();
    blocking(move || match PasswordHash::new(&phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "stored client secret hash does not parse");
            false
        }
    })
    .await
}

/// Spend the time of one verification without a stored hash (unknown client ids), so that
/// response times do not tell which client ids exist.
pub async fn verify_nothing(secret: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = match DUMMY.get() {
        Some(p) => p.clone(),
        None => match hash_secret(&random_token()).await {
            Ok(p) => DUMMY.get_or_init(|| p).clone(),
            Err(_) => return,
        },
    };
    let _ = verify_secret(secret, &phc).await;
}

#[cfg(test)]
mod tests {
    use super::sha256_hex;

    #[test]
    fn sha256_hex_matches_the_standard_vectors() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
