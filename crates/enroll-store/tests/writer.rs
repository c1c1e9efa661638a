//! Concurrent writes: every acknowledged write is there, every failed one left nothing
//! behind, whatever else shared its transaction (SQLite commits queued writers as a group).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_store::conn::DbConn;
use enroll_store::learners::{LearnerKey, NewLearner, insert_learner};
use enroll_store::{Store, StoreError};
use std::ops::Range;
use std::sync::{Arc, Barrier};
use uuid::Uuid;

fn new_learner(n: usize) -> NewLearner {
    serde_json::from_value(serde_json::json!({
        "email": format!("writer{n}@example.test"),
        "firstName": "W",
        "lastName": format!("{n}"),
    }))
    .unwrap()
}

/// Unit `n` of a concurrent run: inserts learner `n`, and every third unit then fails, so
/// its row must not survive.
fn unit(n: usize) -> impl FnMut(&mut DbConn) -> Result<Uuid, StoreError> + Send + 'static {
    move |c| {
        let l = insert_learner(c, TENANT, &new_learner(n), 0)?;
        if n.is_multiple_of(3) {
            return Err(StoreError::Invalid(format!("unit {n} refused")));
        }
        Ok(l.id)
    }
}

/// Runs `run(store, n)` for every `n` in `units`, each on its own thread, all released at
/// once; returns the results in order. The moment a unit is acknowledged, its thread reads
/// its row back through another connection: an acknowledgement sent before the COMMIT that
/// holds the row (the group-commit writer answering too early) finds nothing there.
fn concurrently(
    store: &Store,
    units: Range<usize>,
    run: fn(&Store, usize) -> Result<Uuid, StoreError>,
) -> Vec<Result<Uuid, StoreError>> {
    let barrier = Arc::new(Barrier::new(units.len()));
    let handles: Vec<_> = units
        .map(|n| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let out = run(&store, n);
                if let Ok(id) = &out {
                    let key = LearnerKey::Email(format!("writer{n}@example.test"));
                    let seen = store.learner(TENANT, &key).map(|l| l.id);
                    assert_eq!(
                        seen.ok(),
                        Some(*id),
                        "unit {n} acknowledged before its commit"
                    );
                }
                out
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Every acknowledged unit's row is there; only refused units failed, and left nothing.
fn assert_outcomes(store: &Store, units: Range<usize>, results: &[Result<Uuid, StoreError>]) {
    for (n, r) in units.zip(results) {
        let email = format!("writer{n}@example.test");
        let found = store.learner(TENANT, &LearnerKey::Email(email));
        match r {
            Ok(id) => assert_eq!(found.unwrap().id, *id, "unit {n} acknowledged but missing"),
            Err(e) => {
                assert_eq!(n % 3, 0, "unit {n} failed unexpectedly: {e}");
                assert!(found.is_err(), "unit {n} failed but its row survived");
            }
        }
    }
}

#[test]
fn failed_units_roll_back_alone_and_acknowledged_ones_are_committed_when_acknowledged() {
    for (_db, store, _) in stores() {
        const N: usize = 48;
        let results = concurrently(&store, 0..N, |s, n| s.write(unit(n)));
        assert_outcomes(&store, 0..N, &results);
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), N - N / 3);
    }
}

#[test]
fn a_panicking_unit_does_not_lose_the_others() {
    for (_db, store, _) in stores() {
        let s = store.clone();
        let panicked = std::thread::spawn(move || {
            s.write(|c| -> Result<(), StoreError> {
                insert_learner(c, TENANT, &new_learner(1000), 0)?;
                panic!("a bug in a unit of work");
            })
        })
        .join();
        assert!(panicked.is_err());
        let id = store
            .write(|c| Ok(insert_learner(c, TENANT, &new_learner(1001), 0)?.id))
            .unwrap();
        let key = |n: usize| LearnerKey::Email(format!("writer{n}@example.test"));
        assert_eq!(store.learner(TENANT, &key(1001)).unwrap().id, id);
        assert!(store.learner(TENANT, &key(1000)).is_err());
    }
}

/// Runs `f` to completion on a fresh single-threaded runtime (one per test thread).
fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn queued_and_borrowed_units_share_batches_and_fail_alone() {
    for (_db, store, _) in stores() {
        // Even units are queued for the drain thread, odd ones run on their own thread.
        let results = concurrently(&store, 2000..2048, |s, n| {
            if n.is_multiple_of(2) {
                block_on(s.write_async(unit(n)))
            } else {
                s.write(unit(n))
            }
        });
        assert_outcomes(&store, 2000..2048, &results);
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 48 - 16);
    }
}

#[test]
fn a_panicking_queued_unit_fails_alone() {
    for (_db, store, _) in stores() {
        let r = block_on(store.write_async(|c| -> Result<(), StoreError> {
            insert_learner(c, TENANT, &new_learner(3000), 0)?;
            panic!("a bug in a queued unit of work");
        }));
        assert!(matches!(r, Err(StoreError::Internal(_))), "{r:?}");
        let id = block_on(
            store.write_async(|c| Ok(insert_learner(c, TENANT, &new_learner(3001), 0)?.id)),
        )
        .unwrap();
        let key = |n: usize| LearnerKey::Email(format!("writer{n}@example.test"));
        assert_eq!(store.learner(TENANT, &key(3001)).unwrap().id, id);
        assert!(store.learner(TENANT, &key(3000)).is_err());
    }
}
