//! Lesson values are the ledger's own on every backend: attempt statuses and lesson kinds are
//! stored as the ledger names them, and the migration carries existing rows over.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use diesel::RunQueryDsl;
use enroll_domain::lesson::{AttemptStatus, LessonKind};
use enroll_domain::model::Dialect;
use enroll_progress::LessonProgress;
use enroll_progress::lessons::FinishAttempt;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;
use enroll_store::testing::demo::{ALICE, COMPLIANCE, TENANT, stores};
use uuid::Uuid;

const FINAL_QUIZ: Uuid = Uuid::from_u128(0xc2000000_0000_4000_8000_000000000003);

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

fn texts(store: &enroll_store::Store, sql: &str) -> Vec<String> {
    store
        .with_conn(|c| Ok(diesel::sql_query(sql).load::<Text>(c)?))
        .unwrap()
        .into_iter()
        .map(|t| t.v)
        .collect()
}

#[test]
fn attempts_and_lessons_are_stored_in_the_ledgers_words_and_migrate() {
    for (db, store, clock) in stores() {
        let opts = EnrollOptions::new(Dialect::Absorb);
        let e = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts,
            )
            .unwrap()
            .enrollment
            .core
            .id;
        let first = store.start_attempt(TENANT, e, FINAL_QUIZ).unwrap();
        let done = FinishAttempt {
            status: AttemptStatus::Complete,
            score: Some(80.0),
            started: None,
            completed: None,
        };
        store.finish_attempt(TENANT, first.id, None, &done).unwrap();
        let second = store.start_attempt(TENANT, e, FINAL_QUIZ).unwrap();
        let by_start = "SELECT status AS v FROM attempts ORDER BY started_at, id";
        let mut stored = texts(&store, by_start);
        stored.sort();
        assert_eq!(stored, ["completed", "in_progress"], "{}", store.backend());
        let kind = format!("SELECT kind AS v FROM lessons WHERE id = '{FINAL_QUIZ}'");
        assert_eq!(texts(&store, &kind), ["assessment"]);
        drop(store);
        enroll_store::testing::revert_to(&db, "20261205000603");
        let store = db.store(clock.clone()).unwrap();
        let status = |id: Uuid| store.attempt(TENANT, id).unwrap().status;
        assert_eq!(status(first.id), AttemptStatus::Complete);
        assert_eq!(status(second.id), AttemptStatus::InProgress);
        let (lessons, _) = store.lesson_tree(TENANT, e).unwrap();
        let quiz = lessons.iter().find(|l| l.lesson.id == FINAL_QUIZ).unwrap();
        assert_eq!(quiz.lesson.kind, LessonKind::Assessment);
        assert!(lessons.iter().any(|l| l.lesson.kind == LessonKind::Content));
    }
}
