//! Bad input gets Absorb's error shape with a clear message: never a panic, a 500 or a leak.
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

#[actix_web::test]
async fn auth_failures_are_401_in_absorb_shape() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, e) = send(&app, TestRequest::get().uri("/absorb/courses")).await;
        assert_eq!(
            (s, e["message"].as_str()),
            (401, Some("The x-api-key header is missing."))
        );
        assert_shape(&e, "error.json");
        let (s, _) = send(
            &app,
            TestRequest::get()
                .uri("/absorb/courses")
                .insert_header(("x-api-key", "wrong")),
        )
        .await;
        assert_eq!(s, 401);
        let (s, e) = send(
            &app,
            TestRequest::get()
                .uri("/absorb/courses")
                .insert_header(("x-api-key", KEY)),
        )
        .await;
        assert_eq!(
            (s, e["message"].as_str()),
            (401, Some("The Authorization header is missing."))
        );
        let bad = json!({"username": "admin@demo.example", "password": "nope", "privateKey": KEY});
        let (s, _) = send(
            &app,
            TestRequest::post()
                .uri("/absorb/authenticate")
                .insert_header(("x-api-key", KEY))
                .set_json(bad),
        )
        .await;
        assert_eq!(s, 401);
        let (s, e) = send(
            &app,
            TestRequest::post()
                .uri("/absorb/authenticate")
                .insert_header(("x-api-key", KEY))
                .set_json(json!({"username": "x"})),
        )
        .await;
        assert_eq!(s, 400);
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("password, privateKey")
        );
    }
}

#[actix_web::test]
async fn malformed_input_is_400() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let cases = [
            get("/absorb/users/123/enrollments", &t),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?_filter=status%20eq%20'x'"),
                &t,
            ),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?_filter=(status%20eq%201"),
                &t,
            ),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?_sort=nope"),
                &t,
            ),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?_limit=0"),
                &t,
            ),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?_offset=-1"),
                &t,
            ),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?status=42"),
                &t,
            ),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?modifiedSince=yesterday"),
                &t,
            ),
            post(
                &format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}?reEnroll=maybe"),
                &t,
            ),
            // Empty values of typed parameters are malformed, not absent.
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?_limit="),
                &t,
            ),
            get(
                &format!("/absorb/courses/{COMPLIANCE}/enrollments?_offset=2147483648"),
                &t,
            ),
            get(
                &format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}?modifiedSince="),
                &t,
            ),
            get(
                &format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}?status="),
                &t,
            ),
            post(
                &format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}?reEnroll="),
                &t,
            ),
            get(
                &format!("/absorb/enrollments?userIds=&courseIds={COMPLIANCE}"),
                &t,
            ),
            get(&format!("/absorb/enrollments?userIds={ALICE},,{BOB}"), &t),
            get(
                &format!(
                    "/absorb/courses/{LEADERSHIP}/sessions/{BERLIN}/enrollments?_filter=status%20eq%201"
                ),
                &t,
            ),
            get("/absorb/courses", &t).insert_header(("x-api-version", "1")),
            get("/absorb/courses", &t).insert_header(("x-api-version", "")),
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t)
                .insert_header(("content-type", "application/json"))
                .set_payload("{not json"),
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t)
                .set_json(json!({"courseId": 5})),
            post("/absorb/enrollments/unenroll", &t).set_json(json!({"ids": []})),
            post("/absorb/enrollments/unenroll", &t).set_json(json!(["not-a-guid"])),
        ];
        for req in cases {
            let (s, e) = send(&app, req).await;
            assert_eq!(s, 400, "{e}");
            assert_eq!(e["code"], 400);
            assert!(
                e["validations"].as_array().is_some_and(|v| !v.is_empty()),
                "{e}"
            );
        }
    }
}

#[actix_web::test]
async fn unknown_and_foreign_ids_are_404_without_leaks() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let nobody = "00000000-0000-4000-8000-00000000dead";
        let (s, e) = send(
            &app,
            get(&format!("/absorb/users/{nobody}/enrollments"), &t),
        )
        .await;
        assert_eq!((s, e["message"].as_str()), (404, Some("User not found.")));
        let (s, e) = send(
            &app,
            post(&format!("/absorb/users/{ALICE}/enrollments/{nobody}"), &t),
        )
        .await;
        assert_eq!((s, e["message"].as_str()), (404, Some("Course not found.")));
        // Another tenant's enrollment is invisible.
        let other = store.create_tenant("Other", &Default::default()).unwrap();
        let learner = store
            .create_learner(
                other.id,
                &enroll_store::learners::NewLearner {
                    email: "x@other.example".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        let course = store
            .create_course(
                other.id,
                &serde_json::from_value(json!({"kind": "online_course", "title": "Theirs"}))
                    .unwrap(),
            )
            .unwrap();
        let theirs = store
            .enroll(
                other.id,
                &enroll_store::learners::LearnerKey::Id(learner.id),
                &enroll_store::courses::CourseKey::Id(course),
                &enroll_store::enrollments::EnrollOptions::new(
                    enroll_domain::model::Dialect::Absorb,
                ),
            )
            .unwrap();
        let (s, e) = send(
            &app,
            get(
                &format!("/absorb/enrollments/{}", theirs.enrollment.core.id),
                &t,
            ),
        )
        .await;
        assert_eq!(
            (s, e["message"].as_str()),
            (404, Some("Enrollment not found."))
        );
        let (s, e) = send(
            &app,
            post("/absorb/enrollments/unenroll", &t).set_json(json!([theirs.enrollment.core.id])),
        )
        .await;
        assert_eq!(s, 422, "{e}");
        assert!(
            store
                .enrollment(other.id, theirs.enrollment.core.id)
                .unwrap()
                .record
                .core
                .active
        );
        let (s, _) = send(&app, get(&format!("/absorb/courses/{course}"), &t)).await;
        assert_eq!(s, 404);
    }
}
