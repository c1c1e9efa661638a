//! Hashing of secrets. API keys and client secrets are high-entropy, so one SHA-256 is enough
//! and lets us look a key up by its hash; passwords are low-entropy and get salted PBKDF2.
use sha2::{Digest, Sha256};

const PBKDF2_ROUNDS: u32 = 20_000;

/// SHA-256 of a high-entropy secret (API key, client secret, bearer token), hex-encoded.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A salted PBKDF2-HMAC-SHA256 password hash: `pbkdf2$<rounds>$<salt>$<hash>`.
pub fn hash_password(password: &str) -> String {
    let salt = uuid::Uuid::new_v4().simple().to_string();
    let hash = pbkdf2_hex(password, &salt, PBKDF2_ROUNDS);
    format!("pbkdf2${PBKDF2_ROUNDS}${salt}${hash}")
}

/// Checks a password against [`hash_password`]'s output, in constant time.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("pbkdf2"), Some(rounds), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let Ok(rounds) = rounds.parse::<u32>() else {
        return false;
    };
    constant_time_eq(
        pbkdf2_hex(password, salt, rounds).as_bytes(),
        hash.as_bytes(),
    )
}

fn pbkdf2_hex(password: &str, salt: &str, rounds: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt.as_bytes(), rounds, &mut out);
    hex::encode(out)
}

/// Compares two byte strings without an early exit.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh random token (256 bits, URL-safe hex).
pub fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_salts_differ() {
        let a = hash_password("s3cret");
        let b = hash_password("s3cret");
        assert_ne!(a, b);
        assert!(verify_password("s3cret", &a));
        assert!(!verify_password("S3cret", &a));
        assert!(!verify_password("s3cret", "garbage"));
    }

    #[test]
    fn secret_hash_is_stable_and_not_the_secret() {
        assert_eq!(hash_secret("key"), hash_secret("key"));
        assert_ne!(hash_secret("key"), "key");
        assert_eq!(hash_secret("key").len(), 64);
    }
}
