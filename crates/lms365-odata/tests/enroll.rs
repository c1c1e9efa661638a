//! `Courses({Id})/Enroll` and `POST Enrollments`: the seed page's session rules, claims
//! logins, the approval flow, capacity and its override, and one enrollment per user and
//! course.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use enroll_store::outbox::Channel;
use enroll_store::outbox::Outbox as _;
use serde_json::json;

#[actix_rt::test]
async fn the_seed_pages_session_rules() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        // A single-session course without a session: enrolled, asked by mail to choose one.
        let (s, e) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": ALICE_LOGIN}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(e["RegistrationStatus"], "Enrolled");
        assert_eq!(e["courseSessionId"], serde_json::Value::Null);
        assert_eq!(e["UserLoginName"], ALICE_LOGIN);
        assert!(
            e["@odata.context"]
                .as_str()
                .unwrap()
                .ends_with("$metadata#Enrollments/$entity")
        );
        let (n, mails) = store
            .list_outbox(tenant(), Channel::Mail, Some("alice@demo.example"), 10, 0)
            .unwrap();
        assert_eq!(n, 1);
        assert!(
            mails[0]
                .subject
                .as_deref()
                .unwrap()
                .contains("Leadership Workshop")
        );
        // The same call with a session now completes it.
        let (s, again) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": "alice@demo.example", "courseSessionId": ONLINE}),
            ),
        )
        .await;
        assert_eq!(s, 200, "{again}");
        assert_eq!(again["Id"], e["Id"]);
        assert_eq!(again["courseSessionId"], ONLINE);
        // A session of the course: enrolled in it.
        let (s, e) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": "bob@demo.example", "courseSessionIds": [BERLIN]}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(e["courseSessionId"], BERLIN);
        // A session on an "enroll to all sessions" course: the request fails, nothing written.
        let before = enrollment_count(&store);
        let (s, b) = call(
            &app,
            post(
                "/Courses(104)/Enroll",
                json!({"userLoginName": "carol@demo.example", "courseSessionId": DAY1}),
            ),
        )
        .await;
        odata_error(s, &b, 400, "all of its sessions");
        // Another course's session, and two sessions on a single-session course.
        let (s, b) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": "carol@demo.example", "courseSessionId": DAY1}),
            ),
        )
        .await;
        odata_error(s, &b, 404, "Session not found");
        let (s, b) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": "carol@demo.example", "courseSessionIds": [BERLIN, ONLINE]}),
            ),
        )
        .await;
        odata_error(s, &b, 400, "one session");
        assert_eq!(enrollment_count(&store), before);
    }
}

#[actix_rt::test]
async fn approval_flow_and_its_override() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, e) = call(
            &app,
            post(
                "/Courses(104)/Enroll",
                json!({"userLoginName": "carol@demo.example"}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(e["RegistrationStatus"], "Pending");
        let id = e["Id"].as_str().unwrap().to_string();
        assert_eq!(
            call(
                &app,
                post(&format!("/Enrollments({id})/Approve"), json!({}))
            )
            .await
            .0,
            204
        );
        let (_, e) = call(&app, get(&format!("/Enrollments({id})"))).await;
        assert_eq!(e["RegistrationStatus"], "Enrolled");
        // Approving twice is refused.
        let (s, b) = call(
            &app,
            post(&format!("/Enrollments({id})/Approve"), json!({})),
        )
        .await;
        odata_error(s, &b, 400, "cannot approve");
        // Rejected, with a reason.
        let (s, e) = call(
            &app,
            post(
                "/Courses(104)/Enroll",
                json!({"userLoginName": "bob@demo.example"}),
            ),
        )
        .await;
        assert_eq!(s, 201);
        let id = e["Id"].as_str().unwrap().to_string();
        let r = post(
            &format!("/Enrollments({id})/Reject"),
            json!({"message": "no budget"}),
        );
        assert_eq!(call(&app, r).await.0, 204);
        let (_, e) = call(&app, get(&format!("/Enrollments({id})"))).await;
        assert_eq!(e["RegistrationStatus"], "Rejected");
        // ignoreEnrollmentFlow skips the approval.
        let (s, e) = call(
            &app,
            post(
                "/Courses(104)/Enroll",
                json!({"userLoginName": ALICE_LOGIN, "ignoreEnrollmentFlow": true}),
            ),
        )
        .await;
        assert_eq!(
            (s, &e["RegistrationStatus"]),
            (201, &json!("Enrolled")),
            "{e}"
        );
    }
}

#[actix_rt::test]
async fn a_full_session_waitlists_unless_max_attendees_is_ignored() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = tenant();
        for i in 0..20 {
            let l: enroll_store::learners::NewLearner = serde_json::from_value(json!({
                "email": format!("seat{i}@demo.example"), "firstName": "S", "lastName": "T"
            }))
            .unwrap();
            store.create_learner(t, &l).unwrap();
            let (s, b) = call(
                &app,
                post(
                    "/Courses(103)/Enroll",
                    json!({"userLoginName": format!("seat{i}@demo.example"), "courseSessionId": BERLIN}),
                ),
            )
            .await;
            assert_eq!(s, 201, "{b}");
        }
        let (_, e) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": ALICE_LOGIN, "courseSessionId": BERLIN}),
            ),
        )
        .await;
        let id = uuid::Uuid::parse_str(e["Id"].as_str().unwrap()).unwrap();
        let roster = store.session_enrollments(t, id).unwrap();
        assert_eq!(roster[0].state, enroll_domain::EnrollmentState::Waitlisted);
        let (_, e) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": "bob@demo.example", "courseSessionId": BERLIN,
                       "ignoreMaxAttendees": true}),
            ),
        )
        .await;
        let id = uuid::Uuid::parse_str(e["Id"].as_str().unwrap()).unwrap();
        let roster = store.session_enrollments(t, id).unwrap();
        assert_eq!(roster[0].state, enroll_domain::EnrollmentState::NotStarted);
    }
}

#[actix_rt::test]
async fn post_enrollments_by_user_id_or_login() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, e) = call(
            &app,
            post(
                "/Enrollments",
                json!({"CourseId": 101, "UserId": ALICE_LOGIN}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(e["CourseId"], 101);
        let (s, again) = call(
            &app,
            post(
                "/Enrollments",
                json!({"CourseId": "101", "UserLoginName": "alice@demo.example"}),
            ),
        )
        .await;
        assert_eq!((s, &again["Id"]), (200, &e["Id"]), "{again}");
        let (s, b) = call(&app, post("/Enrollments", json!({"CourseId": 101}))).await;
        odata_error(s, &b, 400, "UserId or UserLoginName");
        let (s, b) = call(
            &app,
            post(
                "/Enrollments",
                json!({"CourseId": 999, "UserId": ALICE_LOGIN}),
            ),
        )
        .await;
        odata_error(s, &b, 404, "Course not found");
        let (s, b) = call(
            &app,
            post(
                "/Courses(101)/Enroll",
                json!({"userLoginName": "nobody@x.example"}),
            ),
        )
        .await;
        odata_error(s, &b, 404, "nobody@x.example");
    }
}
