//! Inviting, listing, revoking and granting again, as a TrainerCentral client does it, on the
//! ledger: ids that find the same member again, one enrollment per learner and course,
//! expiry on the ledger's clock, progress made elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use enroll_domain::transition::Command;
use serde_json::{Value, json};
use time::Duration;

/// Members of a course whose name or address holds `search`.
async fn members<S>(app: &S, t: &str, course: &str, search: &str) -> Vec<Value>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let uri = api(&format!(
        "/course/{course}/courseMembers.json?filter=3&searchText={search}"
    ));
    let (s, b) = json(app, get(&uri, t)).await;
    assert_eq!(s, 200, "{b}");
    b["courseMembers"].as_array().unwrap().clone()
}

#[actix_rt::test]
async fn an_invite_enrolls_a_new_learner_once_and_lists_it() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let (before_e, before_l) = counts(&store);
        let body = attendee("ava@example.com", Some(COMPLIANCE));
        let (s, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let m = &b["courseMember"][0];
        assert_eq!(m["courseId"], COMPLIANCE);
        assert_eq!(m["orgId"], ORG);
        assert_eq!(m["status"], "1");
        assert_eq!(m["completionPercentage"], "0");
        let p = &b["portalMember"];
        assert_eq!(
            (p["email"].as_str(), p["name"].as_str()),
            (Some("ava@example.com"), Some("Ava Chen"))
        );
        assert_eq!(p["role"], "5");
        assert_eq!(m["orgMemberId"], p["id"]);
        assert_eq!(counts(&store), (before_e + 1, before_l + 1));
        // Again: refused, nothing changed.
        let (s, b2) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        assert_eq!(
            (s, &b2["code"]),
            (400, &Value::from("DUPLICATE_DATA")),
            "{b2}"
        );
        assert_eq!(counts(&store), (before_e + 1, before_l + 1));
        // The list finds it by part of the address, with the same id.
        let list = members(&app, &t, COMPLIANCE, "AVA@exam").await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["id"], m["id"]);
        assert_eq!(list[0]["email"], "ava@example.com");
        assert!(members(&app, &t, COMPLIANCE, "nobody").await.is_empty());
        // An existing learner is enrolled in another course without a new learner.
        let body = attendee("ava@example.com", Some(PRIVACY));
        let (s, _) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(counts(&store).1, before_l + 1);
        // The academy learner and its details.
        let (s, d) = json(
            &app,
            get(&api("/fetchuserdetails.json?email=ava@example.com"), &t),
        )
        .await;
        assert_eq!((s, &d["orgMemberId"]), (200, &p["id"]), "{d}");
        let (s, pm) = json(&app, get(&api("/portalMembers.json?type=5&limit=200"), &t)).await;
        assert_eq!(s, 200);
        assert!(
            pm["portalMembers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == p["id"])
        );
    }
}

#[actix_rt::test]
async fn an_academy_invite_makes_a_learner_and_no_enrollment() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let (e, l) = counts(&store);
        let body = attendee("ben@example.com", None);
        let (s, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert!(b.get("courseMember").is_none());
        assert_eq!(b["portalMember"]["email"], "ben@example.com");
        assert_eq!(counts(&store), (e, l + 1));
        let (s, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        assert_eq!((s, &b["code"]), (400, &Value::from("DUPLICATE_DATA")));
        assert_eq!(counts(&store), (e, l + 1));
    }
}

#[actix_rt::test]
async fn expiry_time_ends_access_on_the_ledger_clock() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let now = enroll_domain::clock::to_millis(store.now());
        let body = json!({"courseAttendee": {"email": "eve@example.com", "firstName": "Eve",
            "lastName": "X", "courseId": COMPLIANCE, "expiryTime": (now + 3_600_000).to_string()}})
        .to_string();
        let (s, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let id = b["courseMember"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(
            b["courseMember"][0]["expiryTime"],
            (now + 3_600_000).to_string()
        );
        let uri = api(&format!(
            "/course/{COMPLIANCE}/courseMember/{id}/courseEngagement.json"
        ));
        assert_eq!(
            json(&app, get(&uri, &t)).await.1["courseEngagement"]["status"],
            "1"
        );
        clock.advance(Duration::hours(2));
        let t = token(&app).await;
        let (s, b) = json(&app, get(&uri, &t)).await;
        assert_eq!(
            (s, &b["courseEngagement"]["status"]),
            (200, &Value::from("4")),
            "{b}"
        );
        // Granting access again starts a new enrollment under the same member id.
        let grant = json!({"courseMember": {"status": "1"}}).to_string();
        let upd = api(&format!("/updateCourseAttendee/{id}.json"));
        let (s, b) = json(&app, send("PUT", &upd, &t, &grant)).await;
        assert_eq!(
            (s, &b["courseMember"][0]["status"]),
            (200, &Value::from("1")),
            "{b}"
        );
        assert_eq!(b["courseMember"][0]["id"], id.as_str());
    }
}

#[actix_rt::test]
async fn revoke_and_grant_again_keep_the_member_id_and_show_everywhere() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let body = attendee("rev@example.com", Some(COMPLIANCE));
        let (_, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        let id = b["courseMember"][0]["id"].as_str().unwrap().to_string();
        let upd = api(&format!("/updateCourseAttendee/{id}.json"));
        // Progress made through the ledger (any dialect) shows here.
        let learner = store
            .learner(
                tenant(),
                &enroll_store::learners::LearnerKey::Email("rev@example.com".into()),
            )
            .unwrap();
        let course = uuid::Uuid::parse_str("c0000000-0000-4000-8000-000000000001").unwrap();
        let e = store
            .active_enrollment(tenant(), learner.id, course)
            .unwrap()
            .unwrap();
        let cmd = Command::RecordProgress {
            progress: 40.0,
            time_spent_ms: 1000,
        };
        store
            .apply_command(tenant(), e.record.core.id, &cmd)
            .unwrap();
        let list = members(&app, &t, COMPLIANCE, "rev@").await;
        assert_eq!(list[0]["completionPercentage"], "40");
        // Revoke: cancelled in the ledger, gone from the list, status 4 by id.
        let revoke = json!({"courseMember": {"status": "4"}}).to_string();
        let (s, b) = json(&app, send("PUT", &upd, &t, &revoke)).await;
        assert_eq!(
            (s, &b["courseMember"][0]["status"]),
            (200, &Value::from("4")),
            "{b}"
        );
        assert!(
            store
                .active_enrollment(tenant(), learner.id, course)
                .unwrap()
                .is_none()
        );
        assert!(members(&app, &t, COMPLIANCE, "rev@").await.is_empty());
        // Revoking again changes nothing.
        let (s, _) = json(&app, send("PUT", &upd, &t, &revoke)).await;
        assert_eq!(s, 200);
        // Grant again (POST, the access-request form): a new enrollment, the same id.
        let grant = json!({"courseMembers": [{"status": 1}]}).to_string();
        let (s, b) = json(&app, send("POST", &upd, &t, &grant)).await;
        assert_eq!(
            (s, &b["courseMember"][0]["status"]),
            (200, &Value::from("1")),
            "{b}"
        );
        let list = members(&app, &t, COMPLIANCE, "rev@").await;
        assert_eq!(list[0]["id"], id.as_str());
        assert_eq!(list[0]["completionPercentage"], "0");
        let now = store
            .active_enrollment(tenant(), learner.id, course)
            .unwrap()
            .unwrap();
        assert_ne!(now.record.core.id, e.record.core.id);
    }
}

#[actix_rt::test]
async fn members_of_enrollments_made_elsewhere_are_found_by_the_id_shown() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        // Bob enrolled by another dialect (the ledger directly).
        let bob = uuid::Uuid::parse_str("a0000000-0000-4000-8000-000000000003").unwrap();
        let course = uuid::Uuid::parse_str("c0000000-0000-4000-8000-000000000001").unwrap();
        store
            .enroll(
                tenant(),
                &enroll_store::learners::LearnerKey::Id(bob),
                &enroll_store::courses::CourseKey::Id(course),
                &enroll_store::enrollments::EnrollOptions::new(
                    enroll_domain::model::Dialect::Absorb,
                ),
            )
            .unwrap();
        let list = members(&app, &t, COMPLIANCE, "bob").await;
        let id = list[0]["id"].as_str().unwrap().to_string();
        assert_eq!(id.len(), 17);
        let uri = api(&format!(
            "/course/{COMPLIANCE}/courseMember/{id}/courseEngagement.json"
        ));
        let (s, b) = json(&app, get(&uri, &t)).await;
        assert_eq!(
            (s, &b["courseEngagement"]["courseMemberId"]),
            (200, &Value::from(id.as_str())),
            "{b}"
        );
        assert_eq!(b["courseEngagement"]["totalLesson"], "3");
        // Another course's path does not find it.
        let other = api(&format!(
            "/course/{PRIVACY}/courseMember/{id}/courseEngagement.json"
        ));
        assert_eq!(json(&app, get(&other, &t)).await.0, 404);
    }
}

#[actix_rt::test]
async fn courses_and_portals_read_from_the_ledger() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let (s, b) = json(&app, get(&api("/courses.json?limit=2&si=0"), &t)).await;
        assert_eq!(s, 200, "{b}");
        let first = b["courses"].as_array().unwrap();
        assert_eq!(first.len(), 2);
        let (_, b2) = json(&app, get(&api("/courses.json?limit=2&si=2"), &t)).await;
        assert_ne!(b2["courses"][0]["id"], first[0]["id"]);
        let (s, c) = json(&app, get(&api(&format!("/courses/{COMPLIANCE}.json")), &t)).await;
        assert_eq!(
            (s, &c["course"]["courseName"]),
            (200, &Value::from("Compliance Basics"))
        );
        let (s, p) = json(&app, get("/trainercentral/api/v4/org/portals.json", &t)).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["portals"][0]["id"], ORG);
        assert_eq!(p["portals"][0]["portalName"], "Demo Academy");
    }
}

#[actix_rt::test]
async fn deleting_a_portal_member_deletes_the_learner_and_their_enrollments() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let (e, l) = counts(&store);
        let body = attendee("gone@example.com", Some(COMPLIANCE));
        let (_, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        let id = b["portalMember"]["id"].as_str().unwrap().to_string();
        let uri = api(&format!("/portalMembers/{id}.json"));
        let read_only = token_with(&app, "TrainerCentral.presenterapi.READ").await;
        let (s, b) = json(&app, send("DELETE", &uri, &read_only, "")).await;
        assert_eq!((s, &b["code"]), (401, &Value::from("INVALID_OAUTHSCOPE")));
        let (s, b) = json(&app, send("DELETE", &uri, &t, "")).await;
        assert_eq!((s, &b["status"]), (200, &Value::from("success")), "{b}");
        assert_eq!(counts(&store), (e, l));
        assert!(members(&app, &t, COMPLIANCE, "gone@").await.is_empty());
        let (s, _) = json(
            &app,
            get(&api("/fetchuserdetails.json?email=gone@example.com"), &t),
        )
        .await;
        assert_eq!(s, 404);
        let (s, b) = json(&app, send("DELETE", &uri, &t, "")).await;
        assert_eq!((s, &b["code"]), (404, &Value::from("RESOURCE_NOT_FOUND")));
    }
}
