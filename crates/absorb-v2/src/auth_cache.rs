//! A short-lived, in-process cache of verified credentials, so a request does not pay three
//! database round trips before its real work.
//!
//! Entries live [`TTL`] at most, and a token entry never outlives the token (ledger clock).
//! `POST /authenticate` evicts the user's entries at once, so in one process a re-issued token
//! revokes the old one immediately; other gateways on the same database notice within [`TTL`].
use enroll_domain::model::Learner;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;

/// How long a verified credential is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(2);
const MAX_ENTRIES: usize = 10_000;

/// Verified API keys and tokens, keyed by their SHA-256 (never the secret itself).
#[derive(Default)]
pub struct AuthCache {
    keys: Mutex<HashMap<String, (Uuid, Instant)>>,
    tokens: Mutex<HashMap<String, (Uuid, Arc<Learner>, OffsetDateTime, Instant)>>,
}

impl AuthCache {
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
        let map = self.tokens.lock().ok()?;
        map.get(hash)
            .filter(|(_, _, exp, at)| at.elapsed() < TTL && now < *exp)
            .map(|(t, l, _, _)| (*t, Arc::clone(l)))
    }

    /// Remembers a verified token.
    pub fn put_token(
        &self,
        hash: String,
        tenant: Uuid,
        user: Arc<Learner>,
        expires_at: OffsetDateTime,
    ) {
        if let Ok(mut map) = self.tokens.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(hash, (tenant, user, expires_at, Instant::now()));
        }
    }

    /// Forgets every token of a user (a new token revokes the old ones).
    pub fn evict_user(&self, user: Uuid) {
        if let Ok(mut map) = self.tokens.lock() {
            map.retain(|_, (_, l, _, _)| l.id != user);
        }
    }
}
