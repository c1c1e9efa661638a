//! Concurrent writes: every acknowledged write is there, every failed one left nothing
//! behind, whatever else shared its transaction (SQLite commits queued writers as a group).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_store::StoreError;
use enroll_store::learners::{LearnerKey, NewLearner, insert_learner};
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

#[test]
fn failed_units_roll_back_alone_and_acknowledged_ones_are_committed() {
    for (_db, store, _) in stores() {
        const N: usize = 48;
        let barrier = Arc::new(Barrier::new(N));
        let handles: Vec<_> = (0..N)
            .map(|n| {
                let (store, barrier) = (store.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    store.write(|c| {
                        let l = insert_learner(c, TENANT, &new_learner(n), 0)?;
                        // Every third unit fails after writing: its row must not survive.
                        if n % 3 == 0 {
                            return Err(StoreError::Invalid(format!("unit {n} refused")));
                        }
                        Ok(l.id)
                    })
                })
            })
            .collect();
        let results: Vec<Result<Uuid, StoreError>> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        for (n, r) in results.iter().enumerate() {
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
        const N: usize = 48;
        let barrier = Arc::new(Barrier::new(N));
        let handles: Vec<_> = (0..N)
            .map(|n| {
                let (store, barrier) = (store.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let unit = move |c: &mut _| {
                        let l = insert_learner(c, TENANT, &new_learner(2000 + n), 0)?;
                        if n % 3 == 0 {
                            return Err(StoreError::Invalid(format!("unit {n} refused")));
                        }
                        Ok(l.id)
                    };
                    barrier.wait();
                    // Even units are queued for the drain thread, odd ones run on this thread.
                    if n % 2 == 0 {
                        block_on(store.write_async(unit))
                    } else {
                        store.write(unit)
                    }
                })
            })
            .collect();
        for (n, h) in handles.into_iter().enumerate() {
            let r = h.join().unwrap();
            let found = store.learner(
                TENANT,
                &LearnerKey::Email(format!("writer{}@example.test", 2000 + n)),
            );
            match r {
                Ok(id) => assert_eq!(found.unwrap().id, id, "unit {n} acknowledged but missing"),
                Err(e) => {
                    assert_eq!(n % 3, 0, "unit {n} failed unexpectedly: {e}");
                    assert!(found.is_err(), "unit {n} failed but its row survived");
                }
            }
        }
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
