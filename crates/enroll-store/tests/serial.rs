//! Concurrent mutations of one enrollment end in a state some serial order of them produces,
//! and every call that succeeded is in that state: an un-enroll racing a `complete`, a
//! `complete` racing progress, two un-enrolls of the same enrollments in opposite orders.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, EnrollmentState};
use enroll_store::Store;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::{LearnerKey, NewLearner};
use std::sync::Barrier;
use uuid::Uuid;

/// Runs `f(i)` on `n` threads released at once; the results in order.
fn at_once<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..n)
            .map(|i| {
                let (f, b) = (&f, &barrier);
                s.spawn(move || {
                    b.wait();
                    f(i)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// A new learner's new enrollment in Compliance Basics.
fn fresh_enrollment(store: &Store, tag: &str) -> Uuid {
    let new = NewLearner {
        email: format!("{tag}@serial.example"),
        ..NewLearner::default()
    };
    let learner = store.create_learner(TENANT, &new).unwrap().id;
    store
        .enroll(
            TENANT,
            &LearnerKey::Id(learner),
            &CourseKey::Id(COMPLIANCE),
            &EnrollOptions::new(Dialect::Absorb),
        )
        .unwrap()
        .enrollment
        .core
        .id
}

/// Whether an un-enroll and a `complete` that raced ended as one of them after the other:
/// un-enroll first (it cancels; `complete` is refused), or `complete` first (then the
/// un-enroll archives the completed enrollment, which keeps its result).
fn serial(store: &Store, id: Uuid, unenrolled: bool, completed: bool) -> Result<(), String> {
    let e = store.enrollment(TENANT, id).unwrap().record.core;
    let seen = format!(
        "un-enroll ok {unenrolled}, complete ok {completed}: {:?} active {} score {:?}",
        e.state, e.active, e.score
    );
    let ok = match (unenrolled, completed) {
        (true, false) => e.state == EnrollmentState::Cancelled && !e.active && e.score.is_none(),
        (true, true) => e.state == EnrollmentState::Completed && !e.active && e.score == Some(90.0),
        _ => false,
    };
    if ok { Ok(()) } else { Err(seen) }
}

#[test]
fn an_unenroll_racing_a_complete_ends_in_a_serial_state() {
    for (db, store, _) in stores() {
        let mut wrong = Vec::new();
        for round in 0..60 {
            let id = fresh_enrollment(&store, &format!("race{round}"));
            let out = at_once(2, |i| {
                if i == 0 {
                    store.unenroll(TENANT, &[id]).is_ok()
                } else {
                    let cmd = Command::Complete { score: Some(90.0) };
                    store.apply_command(TENANT, id, &cmd).is_ok()
                }
            });
            if let Err(e) = serial(&store, id, out[0], out[1]) {
                wrong.push(e);
            }
        }
        assert!(
            wrong.is_empty(),
            "{db:?}: {} of 60 rounds: {wrong:#?}",
            wrong.len()
        );
    }
}

#[test]
fn a_complete_racing_progress_keeps_both() {
    // Progress then complete, or complete then progress (refused: the enrollment is
    // finished): either way the enrollment ends completed with the score.
    for (db, store, _) in stores() {
        let mut wrong = Vec::new();
        for round in 0..40 {
            let id = fresh_enrollment(&store, &format!("progress{round}"));
            store.apply_command(TENANT, id, &Command::Start).unwrap();
            let out = at_once(2, |i| {
                let cmd = if i == 0 {
                    Command::Complete { score: Some(90.0) }
                } else {
                    Command::RecordProgress {
                        progress: 50.0,
                        time_spent_ms: 1_000,
                    }
                };
                store.apply_command(TENANT, id, &cmd).is_ok()
            });
            let e = store.enrollment(TENANT, id).unwrap().record.core;
            let ok = out[0]
                && e.state == EnrollmentState::Completed
                && e.score == Some(90.0)
                && (out[1] == (e.time_spent_ms == 1_000));
            if !ok {
                wrong.push(format!(
                    "{out:?}: {:?} {:?} {}",
                    e.state, e.score, e.time_spent_ms
                ));
            }
        }
        assert!(wrong.is_empty(), "{db:?}: {wrong:#?}");
    }
}

#[test]
fn unenrolls_of_the_same_enrollments_in_opposite_orders_never_fail_internally() {
    for (db, store, _) in stores() {
        for round in 0..10 {
            let mut ids: Vec<Uuid> = (0..4)
                .map(|i| fresh_enrollment(&store, &format!("order{round}-{i}")))
                .collect();
            ids.sort();
            let reversed: Vec<Uuid> = ids.iter().rev().copied().collect();
            let out = at_once(8, |i| {
                store.unenroll(TENANT, if i % 2 == 0 { &ids } else { &reversed })
            });
            let done = out.iter().filter(|r| r.is_ok()).count();
            assert_eq!(done, 1, "{db:?}: one un-enroll ends them: {out:?}");
            assert!(
                out.iter()
                    .filter_map(|r| r.as_ref().err())
                    .all(|e| matches!(
                        e,
                        enroll_store::StoreError::Invalid(m) if m.contains("not active")
                    )),
                "{db:?}: the others are refused, never an internal error: {out:?}"
            );
        }
    }
}
