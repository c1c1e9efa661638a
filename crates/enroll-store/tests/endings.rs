//! One meaning per operation, on every backend: `cancel` ends an enrollment as an un-enroll
//! does (its slot is free again), session enrollments end one way, a session's capacity is
//! counted like a course's (also under concurrent joins), and the expiry sweep goes through
//! more candidates than one batch holds. (Attempts: `enroll-progress`'s tests.)
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, DomainError, EnrollmentState};
use enroll_store::courses::{CourseKey, NewCourse};
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::{LearnerKey, NewLearner};
use enroll_store::{Store, StoreError};
use std::sync::Barrier;
use uuid::Uuid;

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

fn learner(store: &Store, email: &str) -> Uuid {
    let new = NewLearner {
        email: email.into(),
        ..NewLearner::default()
    };
    store.create_learner(TENANT, &new).unwrap().id
}

fn enroll(store: &Store, learner: Uuid, course: Uuid, session: Option<Uuid>) -> Uuid {
    let opts = EnrollOptions {
        session_id: session,
        ..EnrollOptions::new(Dialect::Absorb)
    };
    store
        .enroll(
            TENANT,
            &LearnerKey::Id(learner),
            &CourseKey::Id(course),
            &opts,
        )
        .unwrap()
        .enrollment
        .core
        .id
}

/// An instructor-led course with one session of capacity `cap`; (course, session).
fn small_workshop(store: &Store, cap: i32) -> (Uuid, Uuid) {
    let session = Uuid::new_v4();
    let course: NewCourse = serde_json::from_value(serde_json::json!({
        "kind": "instructor_led", "title": "Small workshop", "sessionType": "single_session",
        "sessions": [{"id": session, "name": "Room 1", "capacity": cap}],
    }))
    .unwrap();
    (store.create_course(TENANT, &course).unwrap(), session)
}

#[test]
fn cancel_ends_the_enrollment_as_an_unenroll_does() {
    for (db, store, _) in stores() {
        let alice = enroll(&store, ALICE, LEADERSHIP, Some(BERLIN));
        let ended = store
            .apply_command(TENANT, alice, &Command::Cancel)
            .unwrap();
        assert_eq!(
            (ended.state, ended.active),
            (EnrollmentState::Cancelled, false),
            "{db:?}"
        );
        // The learner's slot in the course is free: a plain enroll is not refused.
        let again = enroll(&store, ALICE, LEADERSHIP, Some(BERLIN));
        assert_ne!(again, alice);
        // Its session enrollment ended with it, as an un-enroll's does.
        let sessions = store.session_enrollments(TENANT, alice).unwrap();
        assert!(
            sessions
                .iter()
                .all(|s| !s.active && s.state == EnrollmentState::Cancelled),
            "{db:?}: {sessions:?}"
        );
        store.unenroll(TENANT, &[again]).unwrap();
        let sessions = store.session_enrollments(TENANT, again).unwrap();
        assert!(
            sessions
                .iter()
                .all(|s| !s.active && s.state == EnrollmentState::Cancelled),
            "{db:?}: {sessions:?}"
        );
        // A finished enrollment cannot be cancelled; an ended one takes no command.
        let bob = enroll(&store, BOB, COMPLIANCE, None);
        store
            .apply_command(TENANT, bob, &Command::Complete { score: Some(80.0) })
            .unwrap();
        assert!(matches!(
            store.apply_command(TENANT, bob, &Command::Cancel),
            Err(StoreError::Domain(_))
        ));
        assert!(matches!(
            store.apply_command(TENANT, alice, &Command::Cancel),
            Err(StoreError::Domain(DomainError::NotActive))
        ));
    }
}

#[test]
fn a_full_session_waitlists_like_a_full_course() {
    for (db, store, _) in stores() {
        let (course, session) = small_workshop(&store, 2);
        let states: Vec<EnrollmentState> = (0..3)
            .map(|i| {
                let l = learner(&store, &format!("room{i}@endings.example"));
                let e = enroll(&store, l, course, Some(session));
                store.session_enrollments(TENANT, e).unwrap()[0].state
            })
            .collect();
        use EnrollmentState::{NotStarted, Waitlisted};
        assert_eq!(states, [NotStarted, NotStarted, Waitlisted], "{db:?}");
        // Through the session call too (a learner enrolled in the course picks the session).
        let l = learner(&store, "late@endings.example");
        let e = enroll(&store, l, course, None);
        let out = store
            .enroll_session(
                TENANT,
                &LearnerKey::Id(l),
                &CourseKey::Id(course),
                session,
                &EnrollOptions::new(Dialect::Absorb),
                false,
            )
            .unwrap();
        assert_eq!(out.enrollment.core.id, e);
        let joined = store.session_enrollments(TENANT, e).unwrap();
        assert_eq!(joined[0].state, Waitlisted, "{db:?}");
    }
}

#[test]
fn concurrent_joins_of_a_session_take_its_places_in_turn() {
    for (db, store, _) in stores() {
        let (course, session) = small_workshop(&store, 1);
        let learners: Vec<Uuid> = (0..8)
            .map(|i| learner(&store, &format!("rush{i}@endings.example")))
            .collect();
        let ids = at_once(8, |i| enroll(&store, learners[i], course, Some(session)));
        let seated = ids
            .iter()
            .filter(|e| {
                store.session_enrollments(TENANT, **e).unwrap()[0].state
                    == EnrollmentState::NotStarted
            })
            .count();
        assert_eq!(seated, 1, "{db:?}: one place, one seated");
    }
}

#[test]
fn the_sweep_expires_more_than_one_batch() {
    for (db, store, clock) in stores() {
        let course = COMPLIANCE;
        let n = usize::try_from(enroll_store::enrollments::expiry::BATCH).unwrap() * 2 + 7;
        let expires = store.now() + time::Duration::days(1);
        let learners: Vec<Uuid> = (0..n)
            .map(|i| learner(&store, &format!("sweep{i}@endings.example")))
            .collect();
        let opts = EnrollOptions {
            expires: Some(expires),
            ..EnrollOptions::new(Dialect::Absorb)
        };
        store
            .enroll_many(TENANT, &learners, &[course], &opts)
            .unwrap();
        assert_eq!(store.expire_due().unwrap(), 0, "{db:?}");
        clock.advance(time::Duration::days(2));
        assert_eq!(store.expire_due().unwrap(), n, "{db:?}");
        assert_eq!(store.expire_due().unwrap(), 0, "{db:?}");
    }
}
