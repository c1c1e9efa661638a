//! The credential cache's rules on a real store of each backend: API keys cached everywhere,
//! tokens only where revocations are heard (the database's only user; on PostgreSQL, a
//! process whose listener hears other processes' revocations), never past their validity
//! (ledger clock), and never put back after an eviction that came after their check.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use enroll_auth::prelude::*;
use enroll_domain::OffsetClock;
use enroll_domain::model::Dialect;
use enroll_store::testing::TestDb;
use enroll_web::{CredentialCache, CredentialKind};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};
use time::Duration;

/// The demo seed's Absorb private key.
const KEY: &str = "b1f0e3c2-7d4a-4e8b-9c61-2f5a8d7e4b10";

fn stores() -> Vec<(TestDb, enroll_store::Store, Arc<OffsetClock>)> {
    TestDb::all()
        .unwrap()
        .into_iter()
        .map(|db| {
            let clock = Arc::new(OffsetClock::new(0));
            let store = db.store(clock.clone()).unwrap();
            (db, store, clock)
        })
        .collect()
}

#[test]
fn api_keys_are_cached_on_every_backend() {
    for (db, store, _) in stores() {
        let cache = CredentialCache::<u32>::new();
        let miss = cache
            .get(&store, CredentialKind::ApiKey, "key-1")
            .expect_err("empty");
        cache.put(miss, 7, None);
        assert_eq!(
            cache.get(&store, CredentialKind::ApiKey, "key-1").ok(),
            Some(7),
            "{db:?}"
        );
        // Another secret, or the same secret as another kind, is another entry.
        assert!(cache.get(&store, CredentialKind::ApiKey, "key-2").is_err());
        if store.single_process() {
            assert!(cache.get(&store, CredentialKind::Token, "key-1").is_err());
        }
    }
}

/// Waits (at most 5 s) until the store's listener hears revocations.
fn hearing(store: &enroll_store::Store) -> bool {
    let until = Instant::now() + StdDuration::from_secs(5);
    while store.credential_generation().is_none() && Instant::now() < until {
        std::thread::sleep(StdDuration::from_millis(10));
    }
    store.credential_generation().is_some()
}

#[test]
fn tokens_are_cached_only_where_revocations_are_heard() {
    for (db, store, _) in stores() {
        let cache = CredentialCache::<u32>::new();
        let put_and_get = |secret: &str| {
            let miss = cache
                .get(&store, CredentialKind::Token, secret)
                .expect_err("empty");
            cache.put(miss, 1, None);
            cache.get(&store, CredentialKind::Token, secret).ok()
        };
        if store.backend() == "sqlite" {
            // Opened exclusively by default: this process is the database's only user.
            assert!(store.single_process(), "{db:?}");
            assert_eq!(put_and_get("t"), Some(1), "{db:?}");
            continue;
        }
        assert!(!store.single_process());
        // Shared by processes, and not listening yet: another process's revocation would go
        // unheard, so nothing is cached.
        assert_eq!(store.credential_generation(), None);
        assert_eq!(put_and_get("t"), None, "{db:?}");
        store.listen();
        assert!(hearing(&store), "the listener subscribed");
        assert_eq!(put_and_get("u"), Some(1), "{db:?}");
    }
}

#[test]
fn a_token_revoked_by_another_process_ends_what_this_one_cached() {
    for (db, store, _) in stores() {
        if store.backend() != "postgresql" {
            continue;
        }
        store.listen();
        assert!(hearing(&store));
        let other = db.store(Arc::new(OffsetClock::new(0))).unwrap();
        other
            .load_seed(&enroll_store::testing::demo_seed().unwrap())
            .unwrap();
        let tenant = other
            .verify_credential(Dialect::Absorb, None, KEY)
            .unwrap()
            .unwrap()
            .tenant_id;
        let cache = CredentialCache::<u32>::new();
        let miss = cache
            .get(&store, CredentialKind::Token, "t")
            .expect_err("empty");
        cache.put(miss, 1, None);
        assert_eq!(cache.get(&store, CredentialKind::Token, "t").ok(), Some(1));
        // A token issued and then replaced in the other process (a deleted token).
        let ttl = Duration::hours(1);
        other
            .issue_token(tenant, Dialect::Absorb, "someone", "", ttl, true)
            .unwrap();
        let revoked_at = Instant::now();
        other
            .issue_token(tenant, Dialect::Absorb, "someone", "", ttl, true)
            .unwrap();
        while cache.get(&store, CredentialKind::Token, "t").is_ok() {
            assert!(
                revoked_at.elapsed() < StdDuration::from_secs(1),
                "still trusted 1 s after another process revoked a token"
            );
            std::thread::sleep(StdDuration::from_millis(1));
        }
        // An answer checked before the revocation was heard is not trusted afterwards.
        assert!(cache.get(&store, CredentialKind::Token, "t").is_err());
    }
}

#[test]
fn a_token_entry_ends_with_the_token() {
    for (db, store, clock) in stores() {
        if !store.single_process() {
            continue;
        }
        let cache = CredentialCache::<u32>::new();
        let until = store.now() + Duration::minutes(1);
        let miss = cache
            .get(&store, CredentialKind::Token, "t")
            .expect_err("empty");
        cache.put(miss, 1, Some(until));
        assert_eq!(cache.get(&store, CredentialKind::Token, "t").ok(), Some(1));
        clock.advance(Duration::minutes(1));
        assert!(
            cache.get(&store, CredentialKind::Token, "t").is_err(),
            "expired by the ledger clock: {db:?}"
        );
    }
}

#[test]
fn evictions_forget_what_they_name_and_stop_older_checks_putting_back() {
    for (_db, store, _) in stores() {
        if !store.single_process() {
            continue;
        }
        let cache = CredentialCache::<u32>::new();
        for (t, v) in [("a", 1), ("b", 2)] {
            let miss = cache
                .get(&store, CredentialKind::Token, t)
                .expect_err("empty");
            cache.put(miss, v, None);
        }
        // A check that began before the eviction (the database said "valid" before the
        // revocation) must not put its answer back after it.
        let stale = cache
            .get(&store, CredentialKind::Token, "c")
            .expect_err("empty");
        cache.evict(CredentialKind::Token, |v| *v == 1);
        cache.put(stale, 3, None);
        assert!(cache.get(&store, CredentialKind::Token, "a").is_err());
        assert_eq!(cache.get(&store, CredentialKind::Token, "b").ok(), Some(2));
        assert!(cache.get(&store, CredentialKind::Token, "c").is_err());
        // One that begins after it does.
        let fresh = cache
            .get(&store, CredentialKind::Token, "c")
            .expect_err("empty");
        cache.put(fresh, 3, None);
        assert_eq!(cache.get(&store, CredentialKind::Token, "c").ok(), Some(3));
    }
}
