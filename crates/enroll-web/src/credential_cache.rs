//! One in-process cache of verified credentials per facade, shared by all its HTTP workers,
//! so that a request does not pay a database round trip before its real work.
//!
//! A facade keeps one [`CredentialCache`] per kind of answer (a `static` in a `LazyLock`:
//! actix calls `configure` once per worker, and a cache made there would be per worker, so a
//! revocation on one worker would leave the credential working on the others). Entries are
//! keyed by the [`CredentialKind`] and the secret's SHA-256, never the secret itself; the
//! value is whatever the facade's verified caller is.
//!
//! The rules, which [`CredentialCache::get`] and [`CredentialCache::put`] apply:
//! * An entry lives [`TTL`] at most, and never past the `valid_until` it was put with (by the
//!   ledger clock: a token's expiry).
//! * [`CredentialKind::Token`]s are cached only while the store has a credential generation
//!   ([`Store::credential_generation`]), and an entry is trusted only in the generation it
//!   was put in:
//!   - SQLite opened exclusively (the default): this process is the database's only user, so
//!     every revocation goes through it, and the facade that revokes calls
//!     [`CredentialCache::evict`] before it answers.
//!   - PostgreSQL: any process's revocation (a deleted token) bumps every process's
//!     generation, through a trigger's `NOTIFY` and each process's listener, within 25 ms of
//!     its commit; while the listener is not hearing (not started, reconnecting) there is no
//!     generation and every request checks its token in the database. So a token revoked by
//!     another gateway process can still pass here for those few milliseconds.
//!   - SQLite opened shared: another process may revoke unheard; tokens are not cached.
//! * [`CredentialKind::ApiKey`]s are cached everywhere: no API revokes them.
//! * A request that checked its credential in the database before an eviction does not put it
//!   back after it (the database may have said "valid" just before the revocation).
//!
//! [`TTL`] is also how long a change made outside the facade's own revocations (an admin
//! reset of the tenant) can take to reach a cached credential.
//!
//! ```
//! use enroll_store::tenants::Principal;
//! use enroll_web::credential_cache::{CredentialCache, CredentialKind};
//! use std::sync::LazyLock;
//!
//! static KEYS: LazyLock<CredentialCache<Principal>> = LazyLock::new(CredentialCache::new);
//!
//! async fn verified(store: &enroll_store::Store, key: String) -> Option<Principal> {
//!     let miss = match KEYS.get(store, CredentialKind::ApiKey, &key) {
//!         Ok(principal) => return Some(principal),
//!         Err(miss) => miss,
//!     };
//!     let dialect = enroll_domain::model::Dialect::Lms365;
//!     let found = store.call(move |s| s.verify_credential(dialect, None, &key)).await;
//!     let principal = found.ok().flatten()?;
//!     KEYS.put(miss, principal.clone(), None);
//!     Some(principal)
//! }
//! ```
use enroll_store::Store;
use enroll_store::secrets::hash_secret;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// How long a verified credential is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(2);
// A bound on memory, not a working-set size: past it the cache starts over.
const MAX_ENTRIES: usize = 10_000;

/// What kind of secret a credential is, which decides where it may be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// A tenant's long-lived secret (an API key, a private key): no API revokes one, so it is
    /// cached in every deployment.
    ApiKey,
    /// A bearer token the ledger issued: a new token or a revocation can end it, so it is
    /// cached only while revocations are heard ([`Store::credential_generation`]).
    Token,
}

type Key = (CredentialKind, String);

struct Entry<V> {
    value: V,
    generation: u64,
    valid_until: Option<OffsetDateTime>,
    at: Instant,
}

struct Entries<V> {
    map: HashMap<Key, Entry<V>>,
    evictions: u64,
}

/// Verified credentials of one facade, keyed by kind and the secret's SHA-256.
pub struct CredentialCache<V> {
    entries: Mutex<Entries<V>>,
}

/// A credential the cache did not answer for: hand it to [`CredentialCache::put`] with what
/// the database said about it.
#[derive(Debug)]
#[must_use = "a miss is put back with the verified value, or dropped when verification fails"]
pub struct Miss {
    // None: this credential may not be cached here.
    key: Option<Key>,
    evictions: u64,
    generation: u64,
}

impl<V: Clone> Default for CredentialCache<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Clone> CredentialCache<V> {
    /// An empty cache.
    pub fn new() -> Self {
        Self {
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                evictions: 0,
            }),
        }
    }

    /// The value a recently verified `secret` of `kind` was put with, if it is still to be
    /// trusted; otherwise the [`Miss`] to put the database's answer back with.
    pub fn get(&self, store: &Store, kind: CredentialKind, secret: &str) -> Result<V, Miss> {
        let generation = match kind {
            CredentialKind::ApiKey => Some(0),
            CredentialKind::Token => store.credential_generation(),
        };
        let Some(generation) = generation else {
            return Err(Miss {
                key: None,
                evictions: 0,
                generation: 0,
            });
        };
        let miss = |key, evictions| Miss {
            key,
            evictions,
            generation,
        };
        let key = (kind, hash_secret(secret));
        let Ok(entries) = self.entries.lock() else {
            return Err(miss(None, 0));
        };
        let fresh = entries.map.get(&key).filter(|e| {
            e.generation == generation
                && e.at.elapsed() < TTL
                && e.valid_until.is_none_or(|until| store.now() < until)
        });
        match fresh {
            Some(e) => Ok(e.value.clone()),
            None => Err(miss(Some(key), entries.evictions)),
        }
    }

    /// Remembers what the database said about a credential the cache missed, valid until
    /// `valid_until` (ledger time; `None`: no end of its own) — unless it may not be cached
    /// here, or an eviction happened since the miss.
    pub fn put(&self, miss: Miss, value: V, valid_until: Option<OffsetDateTime>) {
        let Some(key) = miss.key else {
            return;
        };
        if let Ok(mut entries) = self.entries.lock() {
            if entries.evictions != miss.evictions {
                return;
            }
            if entries.map.len() >= MAX_ENTRIES {
                entries.map.clear();
            }
            entries.map.insert(
                key,
                Entry {
                    value,
                    // A miss begun before a revocation was heard puts an entry of the old
                    // generation, which is never trusted.
                    generation: miss.generation,
                    valid_until,
                    at: Instant::now(),
                },
            );
        }
    }

    /// Forgets every credential of `kind` whose value `ends` says a revocation ended, and makes
    /// checks begun before this call put nothing back. Call it before answering the request
    /// that revoked them.
    pub fn evict(&self, kind: CredentialKind, mut ends: impl FnMut(&V) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.evictions = entries.evictions.wrapping_add(1);
            entries
                .map
                .retain(|(k, _), e| *k != kind || !ends(&e.value));
        }
    }
}
