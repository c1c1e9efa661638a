//! Writes to an ended enrollment are refused on every route: after an un-enroll, finishing
//! one of its attempts by the attempt's id (`POST /attempts/{id}/finish`, `PUT
//! /attempts/{id}`) is a 422 that says why, as the per-user route's 404 already was, and the
//! attempt and the enrollment stay as they were.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_progress::LessonProgress;
use serde_json::json;

#[actix_web::test]
async fn an_unenrolled_enrollments_attempts_cannot_be_finished() {
    for (db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let base = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}");
        let created = expect(&app, post(&base, &t), 201).await;
        let enrollment = created["enrollmentId"].as_str().unwrap().to_string();
        let a = expect(
            &app,
            post(&format!("{base}/lessons/{LESSON1}/attempts"), &t),
            200,
        )
        .await;
        let id = a["attemptId"].as_str().unwrap();
        let unenroll = post("/absorb/enrollments/unenroll", &t).set_json(json!([enrollment]));
        expect(&app, unenroll, 204).await;
        let finish = json!({"status": 3, "score": 100});
        for req in [
            post(&format!("/absorb/attempts/{id}/finish"), &t),
            put(&format!("/absorb/attempts/{id}"), &t),
        ] {
            let (s, e) = send(&app, req.set_json(&finish)).await;
            assert_eq!(s, 422, "{db:?}: {e}");
            assert_eq!(e["term"], "UnprocessableEntity", "{db:?}: {e}");
            assert!(
                e["message"]
                    .as_str()
                    .unwrap()
                    .contains("not the learner's active"),
                "{db:?}: {e}"
            );
        }
        for req in [
            post(
                &format!("{base}/lessons/{LESSON1}/attempts/{id}/finish"),
                &t,
            ),
            put(&format!("{base}/lessons/{LESSON1}/attempts/{id}"), &t),
        ] {
            assert_eq!(send(&app, req.set_json(&finish)).await.0, 404, "{db:?}");
        }
        let tenant = tenant(&store);
        let attempt = store
            .attempt(tenant, uuid::Uuid::parse_str(id).unwrap())
            .unwrap();
        assert_eq!(
            (
                absorb_v2::vocab::attempt_code(attempt.status),
                attempt.score
            ),
            (1, None),
            "{db:?}: still in progress, no score"
        );
        let e = store
            .enrollment(tenant, uuid::Uuid::parse_str(&enrollment).unwrap())
            .unwrap()
            .record
            .core;
        assert_eq!(
            (e.state, e.score, e.active),
            (enroll_domain::EnrollmentState::Cancelled, None, false),
            "{db:?}: the enrollment is as the un-enroll left it"
        );
    }
}
