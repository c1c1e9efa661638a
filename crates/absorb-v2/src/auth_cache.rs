//! One in-process cache of verified credentials, shared by every HTTP worker, so a request
//! does not pay database round trips before its real work.
//!
//! Actix calls `configure` once per worker; a cache made there was per worker, and
//! `/authenticate` cleared only its own, so an old token kept working on the other workers
//! for up to [`TTL`]. Now there is one cache per process ([`AuthCache::shared`]), and
//! `POST /authenticate` evicts the user's tokens from it before it answers.
//!
//! Tokens are cached only when this process is the database's only user
//! ([`enroll_store::Store::single_process`]: SQLite opened exclusively): then every token
//! revocation by a new token goes through this process's `/authenticate`. Otherwise
//! (PostgreSQL, or SQLite with `ENROLL_SQLITE_LOCKING=shared`) another process can revoke a
//! token at any moment, so every request checks its token against the database. API keys
//! stay cached everywhere for [`TTL`]: no API revokes them.
//!
//! Entries live [`TTL`] at most, and a token entry never outlives the token (ledger clock).
//! That bound is also how long a change made outside `/authenticate` (an admin reset of the
//! tenant) can take to reach a cached token.
use enroll_domain::model::Learner;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;

/// How long a verified credential is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(2);
const MAX_ENTRIES: usize = 10_000;

static SHARED: LazyLock<AuthCache> = LazyLock::new(AuthCache::default);

/// Verified API keys and tokens, keyed by their SHA-256 (never the secret itself).
#[derive(Default)]
pub struct AuthCache {
    keys: Mutex<HashMap<String, (Uuid, Instant)>>,
    tokens: Mutex<Tokens>,
}

/// Token entries, and how many evictions there have been: a request that read its token
/// from the database before an eviction must not put it back after it.
#[derive(Default)]
struct Tokens {
    map: HashMap<String, (Uuid, Arc<Learner>, OffsetDateTime, Instant)>,
    evictions: u64,
}

impl AuthCache {
    /// The process's cache, shared by every worker. Keys are secrets' hashes, which are
    /// unique random values per tenant, so stores in one process (tests) cannot collide.
    pub fn shared() -> &'static AuthCache {
        &SHARED
    }

    /// The tenant of a recently verified API key.
    pub fn key(&self, hash: &str) -> Option<Uuid> {
        let map = self.keys.lock().ok()?;
        map.get(hash)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(t, _)| *t)
    }

    /// Remembers a verified API key.
    pub fn put_key(&self, hash: String, tenant: Uuid) {
        if let Ok(mut map) = self.keys.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(hash, (tenant, Instant::now()));
        }
    }

    /// The tenant and user of a recently verified token, if still valid at `now`.
    pub fn token(&self, hash: &str, now: OffsetDateTime) -> Option<(Uuid, Arc<Learner>)> {
        let tokens = self.tokens.lock().ok()?;
        tokens
            .map
            .get(hash)
            .filter(|(_, _, exp, at)| at.elapsed() < TTL && now < *exp)
            .map(|(t, l, _, _)| (*t, Arc::clone(l)))
    }

    /// The eviction count, to take before checking a token against the database and hand
    /// to [`AuthCache::put_token`].
    pub fn evictions(&self) -> u64 {
        self.tokens.lock().map_or(u64::MAX, |t| t.evictions)
    }

    /// Remembers a verified token, unless an eviction happened since `evictions` was read
    /// (the database said "valid" before a new token may have revoked it).
    pub fn put_token(
        &self,
        hash: String,
        tenant: Uuid,
        user: Arc<Learner>,
        expires_at: OffsetDateTime,
        evictions: u64,
    ) {
        if let Ok(mut tokens) = self.tokens.lock() {
            if tokens.evictions != evictions {
                return;
            }
            if tokens.map.len() >= MAX_ENTRIES {
                tokens.map.clear();
            }
            tokens
                .map
                .insert(hash, (tenant, user, expires_at, Instant::now()));
        }
    }

    /// Forgets every token of a user (a new token revokes the old ones).
    pub fn evict_user(&self, user: Uuid) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.evictions = tokens.evictions.wrapping_add(1);
            tokens.map.retain(|_, (_, l, _, _)| l.id != user);
        }
    }
}
