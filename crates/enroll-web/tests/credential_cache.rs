//! The credential cache's rules on a real store of each backend: API keys cached everywhere,
//! tokens only where this process is the database's only user, never past their validity
//! (ledger clock), and never put back after an eviction that came after their check.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use enroll_domain::OffsetClock;
use enroll_store::testing::TestDb;
use enroll_web::{CredentialCache, CredentialKind};
use std::sync::Arc;
use time::Duration;

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

#[test]
fn tokens_are_cached_only_by_the_database_s_only_user() {
    for (db, store, _) in stores() {
        let cache = CredentialCache::<u32>::new();
        let miss = cache
            .get(&store, CredentialKind::Token, "t")
            .expect_err("empty");
        cache.put(miss, 1, None);
        let hit = cache.get(&store, CredentialKind::Token, "t").ok();
        // SQLite is opened exclusively by default; PostgreSQL is shared by processes.
        let expected = (store.backend() == "sqlite").then_some(1);
        assert_eq!(store.single_process(), expected.is_some(), "{db:?}");
        assert_eq!(hit, expected, "{db:?}");
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
