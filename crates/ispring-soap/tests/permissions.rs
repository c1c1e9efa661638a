//! Who may enroll whom, as the vendor's page states it: the account and its administrators
//! anyone; department administrators only learners of the departments they manage and their
//! sub-departments (`Permission denied` otherwise, nothing written); learners nobody. Carol
//! administers Sales (Alice); Bob is in Engineering.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

fn enroll(credentials: &str, learners: &[&str]) -> String {
    let ids: String = learners.iter().map(|l| format!("<id>{l}</id>")).collect();
    envelope(
        "EnrollLearnersInCourses",
        &format!(
            "{credentials}<courseIds><id>{COMPLIANCE}</id></courseIds><learnerIds>{ids}</learnerIds><dueDateType>unlimited</dueDateType>"
        ),
    )
}

fn carol(req: TestRequest) -> TestRequest {
    req.insert_header(("X-Auth-Account-Url", ACCOUNT))
        .insert_header(("X-Auth-Email", "carol@demo.example"))
        .insert_header(("X-Auth-Password", "Demo-Learner-1"))
}

#[actix_rt::test]
async fn a_department_administrator_enrolls_only_inside_her_departments() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let c = user_credentials("carol@demo.example", "Demo-Learner-1");
        // Bob, alone or with Alice: Permission denied, and nothing is written.
        for learners in [&[BOB][..], &[ALICE, BOB][..]] {
            let (s, b) = soap(&app, enroll(&c, learners)).await;
            assert_eq!(s, 500, "{b}");
            assert_eq!(
                xml_text(&b, "faultstring").as_deref(),
                Some("Permission denied")
            );
            assert!(
                xml_text(&b, "message").unwrap().contains(BOB),
                "names the learner: {b}"
            );
            assert_eq!(enrollment_count(&store), 0);
        }
        let (s, b) = soap(&app, enroll(&c, &[ALICE])).await;
        assert_eq!(s, 200, "{b}");
        assert!(active(&store, ALICE, COMPLIANCE).is_some());
        // The administrator enrolls anyone, with legacy credentials too.
        let admin = user_credentials("admin@demo.example", "Demo-Admin-1");
        assert_eq!(soap(&app, enroll(&admin, &[BOB])).await.0, 200);
        // A learner enrolls nobody, not even herself.
        let alice = user_credentials("alice@demo.example", "Demo-Learner-1");
        let (s, b) = soap(&app, enroll(&alice, &[ALICE])).await;
        assert_eq!(
            (s, xml_text(&b, "faultstring").as_deref()),
            (500, Some("Permission denied"))
        );
    }
}

#[actix_rt::test]
async fn a_department_administrator_sees_and_changes_only_her_departments() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let body = json!({"courseIds": [COMPLIANCE], "learnerIds": [ALICE, BOB], "dueDateType": "unlimited"});
        assert_eq!(
            raw(&app, post_json("/ispring/enrollment", &t, body))
                .await
                .0,
            201
        );
        let bob = active(&store, BOB, COMPLIANCE)
            .unwrap()
            .record
            .core
            .id
            .to_string();
        let alice = active(&store, ALICE, COMPLIANCE)
            .unwrap()
            .record
            .core
            .id
            .to_string();

        let (s, b) = json(&app, carol(TestRequest::get().uri("/ispring/enrollment"))).await;
        assert_eq!(s, 200, "{b}");
        let learners: Vec<&str> = b["enrollments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["learnerId"].as_str().unwrap())
            .collect();
        assert_eq!(learners, [ALICE]);
        let (s, b) = json(
            &app,
            carol(TestRequest::get().uri(&format!("/ispring/enrollment/{bob}"))),
        )
        .await;
        assert_eq!((s, b["code"].as_i64()), (403, Some(403)), "{b}");
        let (_, b) = json(
            &app,
            carol(TestRequest::get().uri("/ispring/learners/results")),
        )
        .await;
        assert_eq!(b["results"].as_array().unwrap().len(), 1);
        let (_, b) = json(&app, carol(TestRequest::get().uri("/ispring/user"))).await;
        let users: Vec<&str> = b
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["userId"].as_str().unwrap())
            .collect();
        assert_eq!(users, [ALICE, CAROL]);
        assert_eq!(
            json(
                &app,
                carol(TestRequest::get().uri(&format!("/ispring/user/{BOB}")))
            )
            .await
            .0,
            403
        );

        // Writes on Bob's enrollment are refused and change nothing; Alice's go through.
        let schedule = json!({"accessDate": "2030-01-01", "dueDateType": "unlimited"});
        for path in [
            format!("/ispring/enrollment/{bob}"),
            format!("/ispring/enrollment/{bob}/reenroll"),
        ] {
            let req = carol(TestRequest::post().uri(&path)).set_json(schedule.clone());
            assert_eq!(json(&app, req).await.0, 403, "{path}");
        }
        let req = carol(TestRequest::post().uri("/ispring/enrollment/delete"))
            .set_json(json!({"enrollmentIds": [alice, bob]}));
        assert_eq!(json(&app, req).await.0, 403);
        let still = active(&store, BOB, COMPLIANCE).unwrap();
        assert_eq!(still.record.core.id.to_string(), bob);
        assert!(
            still
                .record
                .core
                .dates
                .access
                .is_some_and(|a| a.year() != 2030)
        );
        assert!(
            active(&store, ALICE, COMPLIANCE).is_some(),
            "all or nothing"
        );
        let req = carol(TestRequest::post().uri("/ispring/enrollment/delete"))
            .set_json(json!({"enrollmentIds": [alice]}));
        assert_eq!(raw(&app, req).await.0, 204);
        assert!(active(&store, ALICE, COMPLIANCE).is_none());
    }
}
