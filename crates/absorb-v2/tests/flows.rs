//! What a real integration runs: authenticate → find the user by `_filter` → enroll → read →
//! page through the course's enrollments → re-enroll → un-enroll; lessons and attempts.
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

#[actix_web::test]
async fn integration_flow_end_to_end() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        // Find the user by username.
        let (s, users) = send(
            &app,
            get(
                "/absorb/users?_filter=username%20eq%20'alice@demo.example'",
                &t,
            ),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(users["totalItems"], 1);
        let user = users["users"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(user, ALICE);
        // Enroll, read it back two ways.
        let (s, created) = send(
            &app,
            post(
                &format!("/absorb/users/{user}/enrollments/{COMPLIANCE}"),
                &t,
            ),
        )
        .await;
        assert_eq!(s, 201, "{created}");
        let id = created["enrollmentId"].as_str().unwrap().to_string();
        // The ledger holds the enrollment for Alice in Compliance, and the answer says so.
        assert_eq!(
            ledger_ids(&store, &id),
            (ALICE.to_string(), COMPLIANCE.to_string())
        );
        assert_eq!(
            (created["userId"].as_str(), created["courseId"].as_str()),
            (Some(ALICE), Some(COMPLIANCE))
        );
        let (s, e) = send(
            &app,
            get(
                &format!("/absorb/users/{user}/enrollments/{COMPLIANCE}"),
                &t,
            ),
        )
        .await;
        assert_eq!(
            (
                s,
                e["id"].as_str(),
                e["status"].as_i64(),
                e["isActive"].as_bool()
            ),
            (200, Some(id.as_str()), Some(0), Some(true))
        );
        let (s, by_id) = send(&app, get(&format!("/absorb/enrollments/{id}"), &t)).await;
        assert_eq!(
            (
                s,
                by_id["courseName"].as_str(),
                by_id["userId"].as_str(),
                by_id["courseId"].as_str()
            ),
            (
                200,
                Some("Compliance Basics"),
                Some(ALICE),
                Some(COMPLIANCE)
            )
        );
        // A second enroll without reEnroll is a 422 in Absorb's shape.
        let (s, err) = send(
            &app,
            post(
                &format!("/absorb/users/{user}/enrollments/{COMPLIANCE}"),
                &t,
            ),
        )
        .await;
        assert_eq!(
            (s, err["code"].as_i64(), err["term"].as_str()),
            (422, Some(422), Some("UnprocessableEntity"))
        );
        // Bob too, then page through the course's enrollments one per page.
        expect(
            &app,
            post(&format!("/absorb/users/{BOB}/enrollments/{COMPLIANCE}"), &t),
            201,
        )
        .await;
        let mut seen = vec![];
        for page in 0..3 {
            let (s, p) = send(&app, get(&format!("/absorb/courses/{COMPLIANCE}/enrollments?_limit=1&_offset={page}&_sort=-dateAdded"), &t)).await;
            assert_eq!(s, 200);
            assert_eq!(
                (
                    p["totalItems"].as_i64(),
                    p["limit"].as_i64(),
                    p["offset"].as_i64()
                ),
                (Some(2), Some(1), Some(page))
            );
            seen.extend(
                p["enrollments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["userId"].as_str().unwrap().to_string()),
            );
        }
        assert_eq!(
            seen,
            vec![BOB.to_string(), ALICE.to_string()],
            "newest first, then nothing on page 3"
        );
        // Re-enroll archives the active enrollment as historical.
        let (s, again) = send(
            &app,
            post(
                &format!("/absorb/users/{user}/enrollments/{COMPLIANCE}?reEnroll=true"),
                &t,
            ),
        )
        .await;
        assert_eq!(s, 201);
        assert_ne!(again["enrollmentId"], created["enrollmentId"]);
        let (_, old) = send(&app, get(&format!("/absorb/enrollments/{id}"), &t)).await;
        assert_eq!(old["isActive"], false);
        let (_, mine) = send(
            &app,
            get(
                &format!("/absorb/users/{user}/enrollments?_filter=isActive"),
                &t,
            ),
        )
        .await;
        assert_eq!(mine["totalItems"], 1);
        let (_, all) = send(&app, get(&format!("/absorb/users/{user}/enrollments"), &t)).await;
        assert_eq!(all["totalItems"], 2);
        // Un-enroll: 204, then the enrollment is cancelled and inactive.
        let new_id = again["enrollmentId"].as_str().unwrap().to_string();
        let (s, _) = send(
            &app,
            post("/absorb/enrollments/unenroll", &t).set_json(json!([new_id])),
        )
        .await;
        assert_eq!(s, 204);
        let (_, gone) = send(&app, get(&format!("/absorb/enrollments/{new_id}"), &t)).await;
        assert_eq!(
            (gone["isActive"].as_bool(), gone["status"].as_i64()),
            (Some(false), Some(10))
        );
        let (s, _) = send(
            &app,
            get(
                &format!("/absorb/users/{user}/enrollments/{COMPLIANCE}"),
                &t,
            ),
        )
        .await;
        assert_eq!(s, 404);
    }
}

#[actix_web::test]
async fn attempts_move_lesson_and_course_progress() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let base = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}");
        expect(&app, post(&base, &t), 201).await;
        for (i, lesson) in [LESSON1, LESSON2, LESSON3].iter().enumerate() {
            let (s, a) = send(&app, post(&format!("{base}/lessons/{lesson}/attempts"), &t)).await;
            assert_eq!(s, 200, "{a}");
            let attempt = a["attemptId"].as_str().unwrap().to_string();
            let (s, _) = send(
                &app,
                post(&format!("/absorb/attempts/{attempt}/finish"), &t)
                    .set_json(json!({"status": 3, "score": 80 + i * 5})),
            )
            .await;
            assert_eq!(s, 200);
            let (_, e) = send(&app, get(&base, &t)).await;
            let want = [33.33, 66.67, 100.0][i];
            assert_eq!(e["progress"].as_f64(), Some(want));
            assert_eq!(e["status"].as_i64(), Some(if i < 2 { 1 } else { 3 }));
        }
        let (_, e) = send(&app, get(&base, &t)).await;
        assert_eq!(e["score"].as_f64(), Some(85.0));
        assert!(e["dateCompleted"].is_string());
        let (_, lesson) = send(&app, get(&format!("{base}/lessons/{LESSON1}"), &t)).await;
        assert_eq!(
            (
                lesson["status"].as_i64(),
                lesson["attempts"].as_i64(),
                lesson["score"].as_f64()
            ),
            (Some(3), Some(1), Some(80.0))
        );
        let (_, chapter) = send(&app, get(&format!("{base}/chapters/{CHAPTER1}"), &t)).await;
        assert_eq!(
            (
                chapter["status"].as_i64(),
                chapter["lessonEnrollmentIds"].as_array().map(Vec::len)
            ),
            (Some(3), Some(2))
        );
        let attempts = expect(
            &app,
            get(&format!("{base}/lessons/{LESSON1}/attempts"), &t),
            200,
        )
        .await;
        assert_eq!(attempts[0]["status"], 3);
        // A finished attempt cannot be finished again; a completed course cannot start a new attempt.
        let id = attempts[0]["id"].as_str().unwrap();
        let (s, _) = send(
            &app,
            put(&format!("/absorb/attempts/{id}"), &t).set_json(json!({"status": 5})),
        )
        .await;
        assert_eq!(s, 422);
        let (s, _) = send(
            &app,
            post(&format!("{base}/lessons/{LESSON1}/attempts"), &t),
        )
        .await;
        assert_eq!(s, 422);
    }
}

#[actix_web::test]
async fn failed_attempts_count_failures_and_user_specific_finish_checks_ownership() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let base = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}");
        expect(&app, post(&base, &t), 201).await;
        expect(
            &app,
            post(&format!("/absorb/users/{BOB}/enrollments/{COMPLIANCE}"), &t),
            201,
        )
        .await;
        let a = expect(
            &app,
            post(&format!("{base}/lessons/{LESSON3}/attempts"), &t),
            200,
        )
        .await;
        let attempt = a["attemptId"].as_str().unwrap();
        // Bob's path cannot finish Alice's attempt.
        let bob = format!(
            "/absorb/users/{BOB}/enrollments/{COMPLIANCE}/lessons/{LESSON3}/attempts/{attempt}/finish"
        );
        let (s, _) = send(&app, post(&bob, &t).set_json(json!({"status": 5}))).await;
        assert_eq!(s, 404);
        let (s, _) = send(
            &app,
            post(
                &format!("{base}/lessons/{LESSON3}/attempts/{attempt}/finish"),
                &t,
            )
            .set_json(json!({"status": 5, "score": 20})),
        )
        .await;
        assert_eq!(s, 200);
        let (_, l) = send(&app, get(&format!("{base}/lessons/{LESSON3}"), &t)).await;
        assert_eq!(
            (l["status"].as_i64(), l["failures"].as_i64()),
            (Some(5), Some(1))
        );
        let (s, err) = send(
            &app,
            post(&format!("/absorb/attempts/{attempt}/finish"), &t).set_json(json!({"status": 2})),
        )
        .await;
        assert_eq!(s, 400, "{err}");
    }
}

#[actix_web::test]
async fn ilc_session_enrollment_with_cancel_and_reenroll() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let base = format!("/absorb/users/{ALICE}/enrollments/{LEADERSHIP}");
        let (s, c) = send(&app, post(&format!("{base}/sessions/{BERLIN}"), &t)).await;
        assert_eq!(s, 201, "{c}");
        // What the ledger holds: Alice's Leadership enrollment, with a Berlin session
        // enrollment under the id the answer gave.
        let enrollment = c["enrollmentId"].as_str().unwrap();
        assert_eq!(
            ledger_ids(&store, enrollment),
            (ALICE.to_string(), LEADERSHIP.to_string())
        );
        let sessions = store
            .session_enrollments(tenant(&store), uuid::Uuid::parse_str(enrollment).unwrap())
            .unwrap();
        assert_eq!(
            sessions
                .iter()
                .map(|x| (x.id.to_string(), x.session_id.to_string()))
                .collect::<Vec<_>>(),
            vec![(
                c["sessionEnrollmentId"].as_str().unwrap().to_string(),
                BERLIN.to_string()
            )]
        );
        // Another session without cancelSession → 422; with it → moved.
        let (s, _) = send(&app, post(&format!("{base}/sessions/{ONLINE}"), &t)).await;
        assert_eq!(s, 422);
        let (s, moved) = send(
            &app,
            post(&format!("{base}/sessions/{ONLINE}?cancelSession=true"), &t),
        )
        .await;
        assert_eq!(s, 201);
        assert_eq!(moved["enrollmentId"], c["enrollmentId"]);
        let (_, list) = send(&app, get(&format!("{base}/sessions"), &t)).await;
        let states: Vec<_> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["sessionId"].as_str().unwrap().to_string(),
                    x["status"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            states,
            vec![(ONLINE.to_string(), 0), (BERLIN.to_string(), 10)]
        );
        let (s, one) = send(&app, get(&format!("{base}/sessions/{ONLINE}"), &t)).await;
        assert_eq!(
            (s, one["courseEnrollmentId"].clone()),
            (200, c["enrollmentId"].clone())
        );
        let (_, roster) = send(
            &app,
            get(
                &format!("/absorb/courses/{LEADERSHIP}/sessions/{ONLINE}/enrollments"),
                &t,
            ),
        )
        .await;
        assert_eq!(roster["totalItems"], 1);
        // reEnroll starts a new course enrollment.
        let (s, re) = send(
            &app,
            post(&format!("{base}/sessions/{BERLIN}?reEnroll=true"), &t),
        )
        .await;
        assert_eq!(s, 201);
        assert_ne!(re["enrollmentId"], c["enrollmentId"]);
        // An online course is not an ILC.
        let (s, _) = send(
            &app,
            post(
                &format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}/sessions/{BERLIN}"),
                &t,
            ),
        )
        .await;
        assert_eq!(s, 422);
    }
}

#[actix_web::test]
async fn create_or_update_sets_fields_and_status() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let body = json!({"courseId": PRIVACY, "status": 3, "score": 92.5, "credits": 1.5, "acceptedTermsAndConditions": true,
                          "dateExpires": "2030-01-01T00:00:00Z", "courseName": "ignored", "progress": 12});
        let (s, c) = send(
            &app,
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t).set_json(&body),
        )
        .await;
        assert_eq!(s, 201, "{c}");
        // Sending it again updates the same enrollment (status 3 twice is fine).
        let (s, c2) = send(
            &app,
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t).set_json(&body),
        )
        .await;
        assert_eq!((s, &c2["enrollmentId"]), (201, &c["enrollmentId"]));
        let (_, e) = send(
            &app,
            get(&format!("/absorb/users/{ALICE}/enrollments/{PRIVACY}"), &t),
        )
        .await;
        assert_eq!(
            (
                e["status"].as_i64(),
                e["score"].as_f64(),
                e["credits"].as_f64()
            ),
            (Some(3), Some(92.5), Some(1.5))
        );
        assert_eq!(
            (
                e["acceptedTermsAndConditions"].as_bool(),
                e["dateExpires"].as_str()
            ),
            (Some(true), Some("2030-01-01T00:00:00Z"))
        );
        let (s, err) = send(
            &app,
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t).set_json(json!({"status": 1})),
        )
        .await;
        assert_eq!(
            (s, err["message"].as_str()),
            (400, Some("The CourseId field is required."))
        );
        let (s, _) = send(
            &app,
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t)
                .set_json(json!({"courseId": PRIVACY, "status": 99})),
        )
        .await;
        assert_eq!(s, 400);
        let (s, _) = send(
            &app,
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t)
                .set_json(json!({"courseId": PRIVACY, "status": 6})),
        )
        .await;
        assert_eq!(s, 422);
    }
}

#[actix_web::test]
async fn bulk_list_and_my_enrollments() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        for (u, c) in [(ALICE, COMPLIANCE), (ALICE, PRIVACY), (BOB, PRIVACY)] {
            expect(
                &app,
                post(&format!("/absorb/users/{u}/enrollments/{c}"), &t),
                201,
            )
            .await;
        }
        let (s, bulk) = send(
            &app,
            get(
                &format!("/absorb/enrollments?userIds={ALICE}&userIds={BOB}&courseIds={PRIVACY}"),
                &t,
            ),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(bulk.as_array().unwrap().len(), 2);
        let (s, _) = send(&app, get("/absorb/enrollments", &t)).await;
        assert_eq!(s, 400);
        // A learner's token reaches only /my-enrollments.
        let lt = login(&app, "bob@demo.example", "Demo-Learner-1").await;
        let (s, mine) = send(&app, get("/absorb/my-enrollments", &lt)).await;
        assert_eq!((s, mine["totalItems"].as_i64()), (200, Some(1)));
        let (s, _) = send(
            &app,
            post(&format!("/absorb/my-enrollments/{COMPLIANCE}"), &lt),
        )
        .await;
        assert_eq!(s, 201);
        let (s, one) = send(
            &app,
            get(&format!("/absorb/my-enrollments/{COMPLIANCE}"), &lt),
        )
        .await;
        assert_eq!((s, one["userId"].as_str()), (200, Some(BOB)));
        let (s, err) = send(
            &app,
            get(&format!("/absorb/users/{ALICE}/enrollments"), &lt),
        )
        .await;
        assert_eq!((s, err["term"].as_str()), (403, Some("Forbidden")));
    }
}

#[actix_web::test]
async fn tokens_expire_after_four_hours_and_new_ones_revoke_old_ones() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        let first = admin(&app).await;
        let (s, _) = send(&app, get("/absorb/courses", &first)).await;
        assert_eq!(s, 200);
        let second = admin(&app).await;
        let (s, err) = send(&app, get("/absorb/courses", &first)).await;
        assert_eq!((s, err["code"].as_i64()), (401, Some(401)));
        // The raw token (no "Bearer") is accepted too.
        let raw = TestRequest::get()
            .uri("/absorb/courses")
            .insert_header(("x-api-key", KEY))
            .insert_header(("Authorization", second.clone()));
        assert_eq!(send(&app, raw).await.0, 200);
        clock.advance(time::Duration::hours(4) + time::Duration::seconds(1));
        assert_eq!(send(&app, get("/absorb/courses", &second)).await.0, 401);
    }
}

#[actix_web::test]
async fn a_user_with_an_explicit_absorb_id_is_not_found_by_its_ledger_id() {
    use enroll_domain::model::Dialect;
    use enroll_store::learners::NewLearner;
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let explicit = "0c0ffee0-0000-4000-8000-00000000abcd";
        let learner = store
            .create_learner(
                tenant(&store),
                &NewLearner {
                    email: "dora@demo.example".into(),
                    first_name: "Dora".into(),
                    last_name: "Explicit".into(),
                    department_id: Some(uuid::Uuid::from_u128(
                        0x5e000000_0000_4000_8000_000000000001,
                    )),
                    ids: [(Dialect::Absorb, explicit.to_string())]
                        .into_iter()
                        .collect(),
                    ..NewLearner::default()
                },
            )
            .unwrap();
        let ledger = learner.id.to_string();
        let (s, u) = send(&app, get(&format!("/absorb/users/{explicit}"), &t)).await;
        assert_eq!((s, u["id"].as_str()), (200, Some(explicit)), "{u}");
        let (s, u) = send(&app, get(&format!("/absorb/users/{ledger}"), &t)).await;
        assert_eq!(s, 404, "the ledger id still names the user: {u}");
        let (s, b) = send(
            &app,
            post(
                &format!("/absorb/users/{ledger}/enrollments/{COMPLIANCE}"),
                &t,
            ),
        )
        .await;
        assert_eq!(s, 404, "enrolled through the ledger id: {b}");
        let (s, b) = send(
            &app,
            post(
                &format!("/absorb/users/{explicit}/enrollments/{COMPLIANCE}"),
                &t,
            ),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["userId"].as_str(), Some(explicit));
    }
}
