//! Password logins: today's hash cost, old hashes upgraded on the next successful login, a
//! changed password never bypassed through the process's verification cache, and repeated
//! failures throttled per account, the count shared by every process on the database.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use diesel::prelude::*;
use enroll_auth::logins::{FIRST_LOCK, FREE_FAILURES, Login};
use enroll_auth::prelude::*;
use enroll_store::Store;
use enroll_store::options::SqliteLocking;
use enroll_store::schema::learners;
use enroll_store::secrets::{PASSWORD_ROUNDS, hash_password_at};
use enroll_store::testing::demo::*;
use std::time::Duration;

const ALICE_NAME: &str = "alice@demo.example";
const ALICE_PASSWORD: &str = "Demo-Learner-1";

fn stored_hash(store: &Store) -> String {
    store
        .with_conn(|c| {
            Ok(learners::table
                .filter(learners::id.eq(ALICE.to_string()))
                .select(learners::password_hash)
                .first::<Option<String>>(c)?)
        })
        .unwrap()
        .unwrap()
}

fn set_hash(store: &Store, hash: &str) {
    set_hash_of(store, ALICE, hash);
}

fn set_hash_of(store: &Store, learner: uuid::Uuid, hash: &str) {
    store
        .write(|c| {
            diesel::update(learners::table.filter(learners::id.eq(learner.to_string())))
                .set(learners::password_hash.eq(hash))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
}

fn accepted(l: &Login) -> bool {
    matches!(l, Login::Accepted(u) if u.id == ALICE)
}

#[test]
fn passwords_are_stored_at_todays_cost_and_old_hashes_are_upgraded_on_login() {
    for (_db, store, _) in stores() {
        let rounds = |h: &str| h.split('$').nth(1).unwrap().parse::<u32>().unwrap();
        assert_eq!(rounds(&stored_hash(&store)), PASSWORD_ROUNDS);
        assert_eq!(PASSWORD_ROUNDS, 600_000);
        // A hash from before: fewer rounds. It still works, and is replaced.
        let old = hash_password_at(ALICE_PASSWORD, 20_000);
        set_hash(&store, &old);
        let l = store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap();
        assert!(accepted(&l), "{l:?}");
        let upgraded = stored_hash(&store);
        assert_ne!(upgraded, old);
        assert_eq!(rounds(&upgraded), PASSWORD_ROUNDS);
        assert!(accepted(
            &store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap()
        ));
        assert_eq!(
            store.login(TENANT, ALICE_NAME, "wrong").unwrap(),
            Login::Refused
        );
    }
}

#[test]
fn a_password_changed_elsewhere_is_not_bypassed_by_the_verification_cache() {
    for (_db, store, _) in stores() {
        // Verified once, so this process remembers the pair.
        assert!(accepted(
            &store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap()
        ));
        // Another process (or an admin) changes the password in the database.
        set_hash(&store, &hash_password_at("New-Password-2", 1000));
        assert_eq!(
            store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap(),
            Login::Refused
        );
        assert!(accepted(
            &store.login(TENANT, ALICE_NAME, "New-Password-2").unwrap()
        ));
        // And changed back to a new hash of the first password: checked afresh, admitted.
        set_hash(&store, &hash_password_at(ALICE_PASSWORD, 1000));
        assert!(accepted(
            &store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap()
        ));
    }
}

fn fail(store: &Store, user: &str, times: i32) {
    for _ in 0..times {
        assert_eq!(store.login(TENANT, user, "wrong").unwrap(), Login::Refused);
    }
}

/// The lock a login met, rounded up to the whole lock it is part of: time passes on the
/// ledger's clock while the failures before it are checked (a second or so each in a debug
/// build), so `retry_after` is the lock less that.
fn throttled(l: &Login) -> Option<Duration> {
    const LOCKS: [Duration; 4] = [
        FIRST_LOCK,
        FIRST_LOCK.saturating_mul(2),
        FIRST_LOCK.saturating_mul(4),
        FIRST_LOCK.saturating_mul(8),
    ];
    match l {
        Login::Throttled { retry_after } => LOCKS
            .into_iter()
            .find(|lock| *retry_after <= *lock && *lock - *retry_after < Duration::from_secs(20))
            .or(Some(*retry_after)),
        _ => None,
    }
}

#[test]
fn repeated_failures_lock_the_account_for_a_growing_while_and_a_success_clears_them() {
    for (_db, store, clock) in stores() {
        // A cheap hash: failures are checked in full, a debug build takes a second for each
        // at today's cost.
        set_hash(&store, &hash_password_at(ALICE_PASSWORD, 1000));
        fail(&store, ALICE_NAME, FREE_FAILURES);
        // Locked: even the right password is refused, with the time left.
        let l = store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap();
        assert_eq!(throttled(&l), Some(FIRST_LOCK), "{l:?}");
        // Any case of the name is the same account; another user is not affected.
        assert!(throttled(&store.login(TENANT, "ALICE@demo.example", "x").unwrap()).is_some());
        assert_eq!(
            store
                .login(TENANT, "bob@demo.example", "Demo-Learner-1")
                .unwrap(),
            Login::Accepted(
                store
                    .learner(TENANT, &enroll_store::learners::LearnerKey::Id(BOB))
                    .unwrap()
            )
        );
        clock.advance(time::Duration::seconds(31));
        // One more failure locks it twice as long.
        fail(&store, ALICE_NAME, 1);
        let l = store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap();
        assert_eq!(throttled(&l), Some(FIRST_LOCK * 2), "{l:?}");
        clock.advance(time::Duration::seconds(61));
        // The lock over, the right password gets in and clears the count.
        assert!(accepted(
            &store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap()
        ));
        fail(&store, ALICE_NAME, FREE_FAILURES - 1);
        assert!(accepted(
            &store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap()
        ));
    }
}

#[test]
fn unknown_usernames_are_throttled_like_known_ones() {
    for (_db, store, _) in stores() {
        fail(&store, "nobody@demo.example", FREE_FAILURES);
        let l = store.login(TENANT, "nobody@demo.example", "x").unwrap();
        assert_eq!(throttled(&l), Some(FIRST_LOCK));
    }
}

#[test]
fn every_process_on_the_database_adds_to_one_count() {
    for (db, first, clock) in stores() {
        // A second process: its own store (and pool) on the same database.
        let second = Store::builder(&db.url)
            .clock(clock.clone())
            .sqlite_locking(SqliteLocking::Shared)
            .open();
        let Ok(second) = second else {
            // SQLite opened exclusively by the first store: one process per file.
            assert_eq!(first.backend(), "sqlite");
            continue;
        };
        set_hash(&first, &hash_password_at(ALICE_PASSWORD, 1000));
        fail(&first, ALICE_NAME, FREE_FAILURES - 2);
        fail(&second, ALICE_NAME, 2);
        for store in [&first, &second] {
            let l = store.login(TENANT, ALICE_NAME, ALICE_PASSWORD).unwrap();
            assert_eq!(
                throttled(&l),
                Some(FIRST_LOCK),
                "{}: {l:?}",
                store.backend()
            );
        }
    }
}

#[test]
fn concurrent_failures_all_count() {
    for (_db, store, _) in stores() {
        let carol = uuid::Uuid::from_u128(0xa0000000_0000_4000_8000_000000000004);
        set_hash_of(&store, carol, &hash_password_at("Demo-Learner-1", 1000));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let s = store.clone();
                std::thread::spawn(move || s.login(TENANT, "carol@demo.example", "wrong").unwrap())
            })
            .collect();
        let answers: Vec<Login> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        // Every refusal counted (a login that met the lock is no failure): none lost.
        let refused = answers.iter().filter(|l| **l == Login::Refused).count();
        assert!(refused >= 5, "{answers:?}");
        let expected = FIRST_LOCK * 2u32.pow(u32::try_from(refused).unwrap() - 5);
        let l = store
            .login(TENANT, "carol@demo.example", "Demo-Learner-1")
            .unwrap();
        assert_eq!(
            throttled(&l),
            Some(expected),
            "{}: {l:?} after {answers:?}",
            store.backend()
        );
    }
}
