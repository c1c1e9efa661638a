//! Hashing of secrets. API keys and client secrets are high-entropy, so one SHA-256 is enough
//! and lets us look a key up by its hash; passwords are low-entropy and get salted
//! PBKDF2-HMAC-SHA256 at [`PASSWORD_ROUNDS`] iterations (OWASP's figure for it), about 0.1 s
//! of one core per hash.
//!
//! So that repeated logins stay fast, a successful verification is remembered for the life
//! of the process, keyed by a digest of the *stored hash* and the password under a random
//! per-process key: a password changed anywhere (another process included) gives a new stored
//! hash, which the cache has never seen, so the old password cannot log in through it; a
//! wrong password never matches an entry, so guessing still pays the full cost. The cache
//! lives only in memory. Hashes made with fewer rounds keep verifying ([`outdated`] says to
//! re-hash them, which `Store::login` does on the next successful login).
use sha2::digest::consts::U64;
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex};

/// PBKDF2-HMAC-SHA256 iterations for new password hashes.
pub const PASSWORD_ROUNDS: u32 = 600_000;
/// More rounds than this in a stored hash is refused rather than computed (a corrupt hash must
/// not cost minutes of CPU).
const MAX_ROUNDS: u32 = 10_000_000;
/// Entries the per-process caches hold before they start over.
const CACHE_ENTRIES: usize = 10_000;

/// SHA-256 of a high-entropy secret (API key, client secret, bearer token), hex-encoded.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A salted PBKDF2-HMAC-SHA256 password hash: `pbkdf2$<rounds>$<salt>$<hash>`.
pub fn hash_password(password: &str) -> String {
    hash_password_at(password, PASSWORD_ROUNDS)
}

/// [`hash_password`] with a given number of rounds (tests of older hashes).
pub fn hash_password_at(password: &str, rounds: u32) -> String {
    let salt = uuid::Uuid::new_v4().simple().to_string();
    let hash = hex::encode(pbkdf2_sha256(password.as_bytes(), salt.as_bytes(), rounds));
    format!("pbkdf2${rounds}${salt}${hash}")
}

/// [`hash_password`] for the account `owner` (e.g. tenant and username): the same owner and
/// password hashed again in this process (a seed loaded anew, a tenant reset) get the hash
/// made the first time, instead of another tenth of a second each.
pub fn hash_password_for(owner: &str, password: &str) -> String {
    static MADE: LazyLock<Mutex<HashMap<[u8; 32], String>>> = LazyLock::new(Default::default);
    let key = keyed_digest(&[b"owner", owner.as_bytes(), password.as_bytes()]);
    if let Some(h) = MADE.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return h;
    }
    let hash = hash_password(password);
    if let Ok(mut made) = MADE.lock() {
        if made.len() >= CACHE_ENTRIES {
            made.clear();
        }
        made.insert(key, hash.clone());
    }
    hash
}

/// The parts of a stored password hash: (rounds, salt, hex hash).
fn parse(stored: &str) -> Option<(u32, &str, &str)> {
    let mut parts = stored.split('$');
    let (Some("pbkdf2"), Some(rounds), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let rounds = rounds
        .parse::<u32>()
        .ok()
        .filter(|r| (1..=MAX_ROUNDS).contains(r))?;
    Some((rounds, salt, hash))
}

/// Checks a password against [`hash_password`]'s output (any round count), in constant time.
/// A pair verified before in this process is answered from memory (see the module docs).
pub fn verify_password(password: &str, stored: &str) -> bool {
    static VERIFIED: LazyLock<Mutex<HashSet<[u8; 32]>>> = LazyLock::new(Default::default);
    let Some((rounds, salt, hash)) = parse(stored) else {
        return false;
    };
    let key = keyed_digest(&[b"verified", stored.as_bytes(), password.as_bytes()]);
    if VERIFIED.lock().is_ok_and(|v| v.contains(&key)) {
        return true;
    }
    let derived = hex::encode(pbkdf2_sha256(password.as_bytes(), salt.as_bytes(), rounds));
    let ok = constant_time_eq(derived.as_bytes(), hash.as_bytes());
    if ok && let Ok(mut v) = VERIFIED.lock() {
        if v.len() >= CACHE_ENTRIES {
            v.clear();
        }
        v.insert(key);
    }
    ok
}

/// Spends what verifying a current hash costs, for an account without one: a login for an
/// unknown user takes as long as one for a known user.
pub fn verify_nothing(password: &str) {
    let _ = pbkdf2_sha256(password.as_bytes(), b"no such account", PASSWORD_ROUNDS);
}

/// Whether a stored password hash is weaker than [`hash_password`] makes today (fewer
/// rounds, or a format this crate does not write any more): re-hash it at the next login.
pub fn outdated(stored: &str) -> bool {
    parse(stored).is_none_or(|(rounds, _, _)| rounds < PASSWORD_ROUNDS)
}

/// SHA-256 over length-prefixed `parts` under a random key made once per process.
fn keyed_digest(parts: &[&[u8]]) -> [u8; 32] {
    static KEY: LazyLock<[u8; 32]> = LazyLock::new(|| {
        let mut k = [0u8; 32];
        k[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        k[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        k
    });
    let mut h = Sha256::new();
    h.update(*KEY);
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().into()
}

#[cfg(test)]
thread_local! {
    /// PBKDF2 derivations made on this thread (tests check the cache spares them).
    pub(crate) static DERIVATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// SHA-256's initial state.
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The SHA-256 state after one block of `key` XOR `pad` (HMAC's inner or outer key).
fn keyed_state(key: &[u8], pad: u8) -> [u32; 8] {
    let mut block = GenericArray::<u8, U64>::default();
    for (i, b) in block.iter_mut().enumerate() {
        *b = pad ^ key.get(i).copied().unwrap_or(0);
    }
    let mut state = IV;
    sha2::compress256(&mut state, std::slice::from_ref(&block));
    state
}

/// The first 32 bytes of PBKDF2-HMAC-SHA256 (RFC 8018), all a password hash stores.
///
/// The iterations call SHA-256's block function directly on precomputed inner and outer key
/// states (two blocks per round, as any PBKDF2 does). The generic `pbkdf2` crate computes the
/// same bytes (a test compares them), but its code is instantiated in this crate, which debug
/// builds do not optimise: there it took 2.7 s per hash, this takes 0.4 s (0.09 s in release).
fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 32] {
    #[cfg(test)]
    DERIVATIONS.with(|d| d.set(d.get() + 1));
    // HMAC keys longer than a block are hashed first.
    let hashed;
    let key = if password.len() > 64 {
        hashed = Sha256::digest(password);
        hashed.as_slice()
    } else {
        password
    };
    let (inner, outer) = (keyed_state(key, 0x36), keyed_state(key, 0x5c));
    // U1 = HMAC(password, salt || INT(1)), through the generic HMAC pieces once.
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let first = Sha256::new()
        .chain_update(ipad)
        .chain_update(salt)
        .chain_update(1u32.to_be_bytes())
        .finalize();
    let mut u: [u8; 32] = Sha256::new()
        .chain_update(opad)
        .chain_update(first)
        .finalize()
        .into();
    let mut acc = u;
    // Every later U is HMAC(password, U_prev): one block of 32 message bytes, the padding
    // byte and the bit length of key block plus message (96 bytes = 768 bits).
    let mut block = [GenericArray::<u8, U64>::default()];
    block[0][32] = 0x80;
    block[0][62] = 0x03;
    for _ in 1..rounds {
        block[0][..32].copy_from_slice(&u);
        let mut s = inner;
        sha2::compress256(&mut s, &block);
        let mut j = 0;
        while j < 8 {
            let b = s[j].to_be_bytes();
            block[0][4 * j] = b[0];
            block[0][4 * j + 1] = b[1];
            block[0][4 * j + 2] = b[2];
            block[0][4 * j + 3] = b[3];
            j += 1;
        }
        let mut s = outer;
        sha2::compress256(&mut s, &block);
        let mut j = 0;
        while j < 8 {
            let b = s[j].to_be_bytes();
            u[4 * j] = b[0];
            u[4 * j + 1] = b[1];
            u[4 * j + 2] = b[2];
            u[4 * j + 3] = b[3];
            acc[4 * j] ^= b[0];
            acc[4 * j + 1] ^= b[1];
            acc[4 * j + 2] ^= b[2];
            acc[4 * j + 3] ^= b[3];
            j += 1;
        }
    }
    acc
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
        assert!(a.starts_with("pbkdf2$600000$"), "{a}");
        assert!(verify_password("s3cret", &a));
        assert!(!verify_password("S3cret", &a));
        assert!(!verify_password("s3cret", "garbage"));
        assert!(!verify_password("s3cret", "pbkdf2$4294967295$salt$00"));
    }

    #[test]
    fn the_derivation_is_pbkdf2_hmac_sha256() {
        // RFC 7914 section 11, the first 32 bytes of each.
        let vectors: [(&[u8], &[u8], u32, &str); 2] = [
            (
                b"passwd",
                b"salt",
                1,
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
            ),
            (
                b"Password",
                b"NaCl",
                80_000,
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56",
            ),
        ];
        for (p, s, c, want) in vectors {
            assert_eq!(hex::encode(pbkdf2_sha256(p, s, c)), want);
        }
        // And the generic crate's answer, for a long (pre-hashed) and a short key.
        for p in ["x".repeat(100), "pw".to_string(), "y".repeat(64)] {
            let mut want = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(p.as_bytes(), b"some salt", 1000, &mut want);
            assert_eq!(pbkdf2_sha256(p.as_bytes(), b"some salt", 1000), want, "{p}");
        }
    }

    #[test]
    fn old_hashes_verify_and_are_outdated_current_ones_are_not() {
        let old = hash_password_at("pw", 20_000);
        assert!(verify_password("pw", &old));
        assert!(outdated(&old));
        assert!(outdated("md5$whatever"));
        assert!(!outdated(&hash_password("pw")));
    }

    #[test]
    fn a_verified_pair_is_remembered_but_a_new_hash_or_a_wrong_password_is_not() {
        let stored = hash_password_at("remembered", 1000);
        let count = || DERIVATIONS.with(std::cell::Cell::get);
        assert!(verify_password("remembered", &stored));
        let after_first = count();
        assert!(verify_password("remembered", &stored));
        assert_eq!(count(), after_first, "answered from memory");
        assert!(!verify_password("wrong", &stored));
        assert_eq!(
            count(),
            after_first + 1,
            "a wrong password pays the full cost"
        );
        // The same password under another stored hash (changed, even back) is checked again.
        let changed = hash_password_at("remembered", 1000);
        let before = count();
        assert!(verify_password("remembered", &changed));
        assert_eq!(count(), before + 1);
        // A stored hash changed to another password no longer admits the old one.
        let other = hash_password_at("another", 1000);
        assert!(!verify_password("remembered", &other));
    }

    #[test]
    fn an_owner_hashing_the_same_password_again_gets_the_same_hash() {
        let a = hash_password_for("tenant/alice", "pw1");
        assert_eq!(hash_password_for("tenant/alice", "pw1"), a);
        assert_ne!(hash_password_for("tenant/bob", "pw1"), a);
        assert_ne!(hash_password_for("tenant/alice", "pw2"), a);
        assert!(verify_password("pw1", &a));
    }

    #[test]
    fn secret_hash_is_stable_and_not_the_secret() {
        assert_eq!(hash_secret("key"), hash_secret("key"));
        assert_ne!(hash_secret("key"), "key");
        assert_eq!(hash_secret("key").len(), 64);
    }
}
