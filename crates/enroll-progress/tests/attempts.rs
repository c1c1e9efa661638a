//! Attempts on every backend: concurrent attempts of one lesson all count, and an ended
//! enrollment's attempts take no writes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use enroll_domain::lesson::AttemptStatus;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, DomainError, EnrollmentState};
use enroll_progress::{FinishAttempt, LessonProgress};
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::{LearnerKey, NewLearner};
use enroll_store::testing::demo::{ALICE, COMPLIANCE, TENANT, stores};
use enroll_store::{Store, StoreError};
use std::sync::Barrier;
use uuid::Uuid;

const FINAL_QUIZ: Uuid = Uuid::from_u128(0xc2000000_0000_4000_8000_000000000003);

fn at_once<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..n)
            .map(|_| {
                let (f, b) = (&f, &barrier);
                s.spawn(move || {
                    b.wait();
                    f(0)
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

fn enroll(store: &Store, learner: Uuid, course: Uuid) -> Uuid {
    let opts = EnrollOptions::new(Dialect::Absorb);
    let key = (LearnerKey::Id(learner), CourseKey::Id(course));
    let made = store.enroll(TENANT, &key.0, &key.1, &opts).unwrap();
    made.enrollment.core.id
}

#[test]
fn concurrent_attempts_of_one_lesson_all_count() {
    for (db, store, _) in stores() {
        for round in 0..10 {
            let l = learner(&store, &format!("quiz{round}@endings.example"));
            let e = enroll(&store, l, COMPLIANCE);
            // Started already: the attempts change nothing on the course enrollment.
            store.apply_command(TENANT, e, &Command::Start).unwrap();
            let out = at_once(8, |_| store.start_attempt(TENANT, e, FINAL_QUIZ));
            assert!(out.iter().all(Result::is_ok), "{db:?}: {out:?}");
            let (lessons, _) = store.lesson_tree(TENANT, e).unwrap();
            let quiz = lessons.iter().find(|l| l.lesson.id == FINAL_QUIZ).unwrap();
            assert_eq!(quiz.attempts, 8, "{db:?}");
            assert_eq!(
                store.list_attempts(TENANT, e, FINAL_QUIZ).unwrap().len(),
                8,
                "{db:?}"
            );
        }
    }
}

#[test]
fn an_ended_enrollments_attempts_take_no_writes() {
    for (db, store, _) in stores() {
        let e = enroll(&store, ALICE, COMPLIANCE);
        let attempt = store.start_attempt(TENANT, e, FINAL_QUIZ).unwrap();
        store.unenroll(TENANT, &[e]).unwrap();
        let finish = FinishAttempt {
            status: AttemptStatus::Complete,
            score: Some(100.0),
            started: None,
            completed: None,
        };
        let err = store
            .finish_attempt(TENANT, attempt.id, None, &finish)
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Domain(DomainError::NotActive)),
            "{db:?}: {err:?}"
        );
        let now = store.attempt(TENANT, attempt.id).unwrap();
        assert_eq!(now, attempt, "{db:?}: the attempt is as it was");
        let ended = store.enrollment(TENANT, e).unwrap().record.core;
        assert_eq!(
            (ended.state, ended.score),
            (EnrollmentState::Cancelled, None),
            "{db:?}"
        );
    }
}
