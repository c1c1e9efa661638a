//! Concurrent writers against the database's invariants, on every backend: a course of
//! capacity 1 gives one seat, concurrent re-enrolls all succeed and leave one active
//! enrollment, concurrent plain enrolls give one enrollment and clear refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{DomainError, EnrollmentState};
use enroll_store::Store;
use enroll_store::StoreError;
use enroll_store::courses::{CourseKey, NewCourse};
use enroll_store::enrollments::{EnrollOptions, EnrollmentQuery};
use enroll_store::learners::{LearnerKey, NewLearner};
use std::sync::Barrier;

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

fn active(store: &Store, course: uuid::Uuid) -> Vec<EnrollmentState> {
    let q = EnrollmentQuery {
        course_id: Some(course),
        active_only: true,
        limit: 1000,
        ..Default::default()
    };
    let (_, rows) = store.list_enrollments(TENANT, &q).unwrap();
    rows.iter().map(|v| v.record.core.state).collect()
}

#[test]
fn a_course_of_capacity_one_gives_one_seat_to_concurrent_enrolls() {
    // Several rounds: a race lost once in a while must still be caught.
    for (_db, store, _) in stores() {
        for round in 0..6 {
            one_seat(&store, round);
        }
    }
}

fn one_seat(store: &Store, round: usize) {
    {
        let course: NewCourse = serde_json::from_value(serde_json::json!({
            "kind": "online_course", "title": "One seat", "capacity": 1,
        }))
        .unwrap();
        let course = store.create_course(TENANT, &course).unwrap();
        let learners: Vec<uuid::Uuid> = (0..16)
            .map(|i| {
                let new = NewLearner {
                    email: format!("seat{round}-{i}@races.example"),
                    ..NewLearner::default()
                };
                store.create_learner(TENANT, &new).unwrap().id
            })
            .collect();
        let out = at_once(16, |i| {
            store.enroll(
                TENANT,
                &LearnerKey::Id(learners[i]),
                &CourseKey::Id(course),
                &EnrollOptions::new(Dialect::Absorb),
            )
        });
        assert!(out.iter().all(Result::is_ok), "{out:?}");
        let states = active(store, course);
        let seated = states
            .iter()
            .filter(|s| **s == EnrollmentState::NotStarted)
            .count();
        let waiting = states
            .iter()
            .filter(|s| **s == EnrollmentState::Waitlisted)
            .count();
        assert_eq!((seated, waiting), (1, 15), "{states:?}");
    }
}

#[test]
fn concurrent_reenrolls_all_succeed_and_leave_one_active_enrollment() {
    for (_db, store, _) in stores() {
        let opts = EnrollOptions::new(Dialect::Absorb).reenroll(true);
        let out = at_once(24, |_| {
            store.enroll(
                TENANT,
                &LearnerKey::Id(BOB),
                &CourseKey::Id(COMPLIANCE),
                &opts,
            )
        });
        assert!(out.iter().all(Result::is_ok), "{out:?}");
        assert_eq!(active(&store, COMPLIANCE).len(), 1);
        let q = EnrollmentQuery {
            learner_id: Some(BOB),
            course_id: Some(COMPLIANCE),
            limit: 100,
            ..Default::default()
        };
        let (total, rows) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!(total, 24);
        // One series: each re-enrollment continued the one before, instance after instance.
        let mut instances: Vec<i32> = rows.iter().map(|v| v.record.instance).collect();
        instances.sort_unstable();
        assert_eq!(instances, (0..24).collect::<Vec<_>>());
    }
}

#[test]
fn concurrent_plain_enrolls_give_one_enrollment() {
    for (_db, store, _) in stores() {
        let out = at_once(24, |_| {
            store.enroll(
                TENANT,
                &LearnerKey::Id(BOB),
                &CourseKey::Id(COMPLIANCE),
                &EnrollOptions::new(Dialect::Absorb),
            )
        });
        assert_eq!(out.iter().filter(|r| r.is_ok()).count(), 1);
        assert!(
            out.iter()
                .filter_map(|r| r.as_ref().err())
                .all(|e| matches!(e, StoreError::Domain(DomainError::AlreadyEnrolled))),
            "{out:?}"
        );
    }
}
