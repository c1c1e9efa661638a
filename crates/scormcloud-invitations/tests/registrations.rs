//! Registrations on each backend, and the cross-dialect guarantee: a SCORM registration is
//! the ledger's enrollment, and progress recorded elsewhere shows here.
mod common;
use common::{ALICE, TENANT, fixture, stores};
use enroll_domain::Command;
use enroll_domain::model::Dialect;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;
use serde_json::json;

#[actix_rt::test]
async fn create_read_duplicate_and_delete() {
    for (_db, store) in stores() {
        let app = app!(store);
        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        let (s, _, b) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 400);
        assert_eq!(
            b["message"],
            "A registration with id 'reg-fixture-1' already exists"
        );
        let (s, _, b) = call!(app, head, "/registrations/reg-fixture-1");
        assert_eq!((s, b), (200, serde_json::Value::Null));
        let (s, _, _) = call!(app, head, "/registrations/missing");
        assert_eq!(s, 404);
        let (s, _, r) = call!(app, get, "/registrations/reg-fixture-1");
        assert_eq!(s, 200);
        assert_eq!(r["learner"]["id"], "learner-fixture-1");
        assert_eq!(r["registrationCompletion"], "UNKNOWN");
        let view = store
            .series(TENANT, Dialect::ScormCloud, "reg-fixture-1")
            .unwrap();
        let (s, _, _) = call!(app, delete, "/registrations/reg-fixture-1");
        assert_eq!(s, 204);
        let (s, _, _) = call!(app, get, "/registrations/reg-fixture-1");
        assert_eq!(s, 404);
        let ledger = store
            .enrollment(TENANT, view.current.record.core.id)
            .unwrap();
        assert!(
            !ledger.record.core.active,
            "the enrollment is archived as history"
        );
        assert_eq!(ledger.record.core.state.as_str(), "cancelled");
        let (s, _, b) = call!(
            app,
            post,
            "/registrations",
            json!({"courseId": "data-privacy-101", "registrationId": "x"})
        );
        assert_eq!(s, 400);
        assert!(b["message"].as_str().unwrap().contains("learner"), "{b}");
    }
}

#[actix_rt::test]
async fn progress_recorded_in_the_ledger_shows_in_scorm() {
    for (_db, store) in stores() {
        let app = app!(store);
        // alice is enrolled through another dialect first: the registration adopts it.
        let out = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::External(Dialect::ScormCloud, "data-privacy-101".into()),
                &EnrollOptions::new(Dialect::Absorb),
            )
            .unwrap();
        let (s, _, _) = call!(
            app,
            post,
            "/registrations",
            json!({
                "courseId": "data-privacy-101", "registrationId": "alice-dp",
                "learner": {"id": "alice"},
            })
        );
        assert_eq!(s, 204);
        let view = store
            .series(TENANT, Dialect::ScormCloud, "alice-dp")
            .unwrap();
        assert_eq!(
            view.current.record.core.id, out.enrollment.core.id,
            "same enrollment"
        );
        store
            .apply_command(
                TENANT,
                view.current.record.core.id,
                &Command::RecordProgress {
                    progress: 40.0,
                    time_spent_ms: 90_000,
                },
            )
            .unwrap();
        let (_, _, r) = call!(app, get, "/registrations/alice-dp");
        assert_eq!(r["registrationCompletion"], "INCOMPLETE");
        assert_eq!(r["registrationCompletionAmount"], 0.4);
        assert_eq!(r["totalSecondsTracked"], 90.0);
        store
            .apply_command(
                TENANT,
                view.current.record.core.id,
                &Command::Complete { score: Some(92.0) },
            )
            .unwrap();
        let (_, _, r) = call!(app, get, "/registrations/alice-dp?includeChildResults=true");
        assert_eq!(
            (
                r["registrationCompletion"].as_str(),
                r["registrationSuccess"].as_str()
            ),
            (Some("COMPLETED"), Some("PASSED"))
        );
        assert_eq!(r["score"]["scaled"], 92.0);
        assert_eq!(r["activityDetails"]["activitySuccess"], "PASSED");
        // A second registration for the same learner and course is refused (one active).
        let (s, _, b) = call!(
            app,
            post,
            "/registrations",
            json!({
                "courseId": "data-privacy-101", "registrationId": "alice-dp-2", "learner": {"id": "alice"},
            })
        );
        assert_eq!(s, 400);
        assert!(b["message"].as_str().unwrap().contains("alice-dp"), "{b}");
        // A new instance re-enrolls; the completed one stays in the ledger.
        let (s, _, _) = call!(app, post, "/registrations/alice-dp/instances");
        assert_eq!(s, 204);
        let after = store
            .series(TENANT, Dialect::ScormCloud, "alice-dp")
            .unwrap();
        assert_eq!(after.current.record.instance, 1);
        assert_eq!(after.current.record.core.state.as_str(), "not_started");
        let old = store
            .enrollment(TENANT, view.current.record.core.id)
            .unwrap();
        assert_eq!(old.record.core.state.as_str(), "completed");
        assert!(!old.record.core.active);
        assert_eq!(
            store
                .series_instances(TENANT, Dialect::ScormCloud, "alice-dp")
                .unwrap()
                .len(),
            2
        );
        // getRegistrationInstances: both instances, oldest first, each with its own outcome.
        let (s, _, list) = call!(
            app,
            get,
            "/registrations/alice-dp/instances?_=1733250000000"
        );
        assert_eq!(s, 200);
        common::sdk::assert_conforms("RegistrationListSchema", &list);
        let seen: Vec<_> = list["registrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap(),
                    r["instance"].as_i64().unwrap(),
                    r["registrationCompletion"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [("alice-dp", 0, "COMPLETED"), ("alice-dp", 1, "UNKNOWN")]
        );
        let (s, _, b) = call!(app, get, "/registrations/nobody/instances");
        assert_eq!(s, 404, "{b}");
    }
}

#[actix_rt::test]
async fn launch_links_record_launches() {
    for (_db, store) in stores() {
        let app = app!(store);
        call!(app, post, "/registrations", fixture("create_registration"));
        let (s, _, b) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            json!({"redirectOnExitUrl": "https://x.example", "expiry": 400})
        );
        assert_eq!(
            (s, b["message"].as_str().unwrap()),
            (400, "expiry is out of range: it must be 10 to 300 seconds")
        );
        let (s, _, b) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            json!({"expiry": 60})
        );
        assert_eq!(
            (s, b["message"].as_str().unwrap()),
            (400, "redirectOnExitUrl is required")
        );
        let (s, _, link) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            fixture("launch_link_request")
        );
        assert_eq!(s, 200);
        let url = link["launchLink"].as_str().unwrap();
        let path = url.split("/scormcloud/api/v2").nth(1).unwrap();
        let req = actix_web::test::TestRequest::get()
            .uri(&format!("/scormcloud/api/v2{path}"))
            .to_request();
        let resp = actix_web::test::call_service(&app, req).await;
        assert_eq!(resp.status().as_u16(), 200);
        let page = String::from_utf8(actix_web::test::read_body(resp).await.to_vec()).unwrap();
        assert!(
            page.contains("<dd id=\"registration\">reg-fixture-1</dd>"),
            "the page is this registration's: {page}"
        );
        let (_, _, r) = call!(app, get, "/registrations/reg-fixture-1");
        assert_eq!(r["registrationCompletion"], "INCOMPLETE");
        assert_eq!(r["firstAccessDate"], "2026-01-15T10:00:00.000Z");
        let (_, _, h) = call!(app, get, "/registrations/reg-fixture-1/launchHistory");
        assert_eq!(h["launchHistory"].as_array().unwrap().len(), 1);
        let req = actix_web::test::TestRequest::get()
            .uri("/scormcloud/api/v2/learn/launch/bogus")
            .to_request();
        assert_eq!(
            actix_web::test::call_service(&app, req)
                .await
                .status()
                .as_u16(),
            404
        );
    }
}

#[actix_rt::test]
async fn bearer_tokens_carry_scopes() {
    for (_db, store) in stores() {
        let app = app!(store);
        let req = actix_web::test::TestRequest::post()
            .uri("/scormcloud/api/v2/oauth/authenticate/application/token")
            .insert_header(common::basic())
            .set_form([("scope", "read:registration"), ("expiration", "60")])
            .to_request();
        let tok: serde_json::Value = actix_web::test::call_and_read_body_json(&app, req).await;
        assert_eq!(tok["expires_in"], 60);
        let t = tok["access_token"].as_str().unwrap();
        let get = |uri: &str| {
            actix_web::test::TestRequest::get()
                .uri(uri)
                .insert_header(("Authorization", format!("Bearer {t}")))
                .to_request()
        };
        assert_eq!(
            actix_web::test::call_service(&app, get("/scormcloud/api/v2/registrations"))
                .await
                .status()
                .as_u16(),
            200
        );
        let resp = actix_web::test::call_service(&app, get("/scormcloud/api/v2/invitations")).await;
        assert_eq!(resp.status().as_u16(), 403);
        let body: serde_json::Value = actix_web::test::read_body_json(resp).await;
        assert_eq!(
            body["message"],
            "This operation requires the 'read:invitation' scope"
        );
        let req = actix_web::test::TestRequest::post()
            .uri("/scormcloud/api/v2/oauth/authenticate/application/token")
            .insert_header(common::basic())
            .set_form([("expiration", "60")])
            .to_request();
        assert_eq!(
            actix_web::test::call_service(&app, req)
                .await
                .status()
                .as_u16(),
            400
        );
    }
}

#[actix_rt::test]
async fn the_sdk_cache_buster_is_accepted_and_unknown_parameters_are_not() {
    for (_db, store) in stores() {
        let app = app!(store);
        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        // The JavaScript SDK adds `_=<timestamp>` to GETs when caching is off.
        let (s, _, plain) = call!(app, get, "/registrations?courseId=data-privacy-101");
        let (s2, _, busted) = call!(
            app,
            get,
            "/registrations?courseId=data-privacy-101&_=1733250000000"
        );
        assert_eq!((s, s2), (200, 200));
        assert_eq!(plain, busted);
        let (s, _, b) = call!(app, get, "/registrations/reg-fixture-1?_=1");
        assert_eq!((s, b["id"].as_str()), (200, Some("reg-fixture-1")));
        for uri in [
            "/registrations?colour=blue",
            "/registrations/reg-fixture-1?colour=blue",
            "/registrations/reg-fixture-1/launchHistory?colour=blue",
            "/registrations/reg-fixture-1/launchHistory?includeHistoryLog=maybe",
        ] {
            let (s, _, b) = call!(app, get, uri);
            assert_eq!(s, 400, "{uri}");
            common::sdk::assert_conforms("MessageSchema", &b);
        }
        let (s, _, b) = call!(app, get, "/registrations?colour=blue");
        assert_eq!(b["message"], "unknown query parameter 'colour'", "{s}");
        let (s, _, _) = call!(
            app,
            get,
            "/registrations/reg-fixture-1/launchHistory?includeHistoryLog=true&_=5"
        );
        assert_eq!(s, 200);
    }
}

#[actix_rt::test]
async fn a_token_for_a_scope_scorm_cloud_does_not_have_is_refused() {
    for (_db, store) in stores() {
        let app = app!(store);
        for scope in ["read:everything", "read:registration write:everything", ""] {
            let req = actix_web::test::TestRequest::post()
                .uri("/scormcloud/api/v2/oauth/authenticate/application/token")
                .insert_header(common::basic())
                .set_form([("scope", scope)])
                .to_request();
            let resp = actix_web::test::call_service(&app, req).await;
            assert_eq!(resp.status().as_u16(), 400, "scope {scope:?}");
            let b: serde_json::Value = actix_web::test::read_body_json(resp).await;
            common::sdk::assert_conforms("MessageSchema", &b);
            let bad = scope
                .split_whitespace()
                .find(|s| !s.starts_with("read:registration"));
            match bad {
                Some(bad) => assert_eq!(b["message"], format!("'{bad}' is not a valid scope")),
                None => assert_eq!(b["message"], "scope is required"),
            }
        }
    }
}

/// With the clock frozen every enrollment of the series is created in the same millisecond:
/// the latest of an instance must still be the one made last (v7 ids order the ties).
#[actix_rt::test]
async fn resets_in_the_same_millisecond_keep_the_last_one_as_the_instance() {
    for (_db, store) in stores() {
        let app = app!(store);
        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        let mut made = Vec::new();
        for _ in 0..6 {
            let current = store
                .series(TENANT, Dialect::ScormCloud, "reg-fixture-1")
                .unwrap();
            made.push(current.current.record.core.id);
            let (s, _, _) = call!(app, delete, "/registrations/reg-fixture-1/progress");
            assert_eq!(s, 204);
        }
        let last_of_0 = store
            .series(TENANT, Dialect::ScormCloud, "reg-fixture-1")
            .unwrap()
            .current
            .record
            .core
            .id;
        assert!(
            !made.contains(&last_of_0),
            "each reset made a new enrollment"
        );
        let (s, _, _) = call!(app, post, "/registrations/reg-fixture-1/instances");
        assert_eq!(s, 204);
        let all = store
            .series_instances(TENANT, Dialect::ScormCloud, "reg-fixture-1")
            .unwrap();
        let ids: Vec<_> = all
            .iter()
            .map(|v| (v.record.instance, v.record.core.id))
            .collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], (0, last_of_0), "instance 0 is its last reset");
        let (_, _, list) = call!(app, get, "/registrations/reg-fixture-1/instances");
        assert_eq!(list["registrations"].as_array().unwrap().len(), 2);
    }
}

#[actix_rt::test]
async fn an_explicit_registration_id_is_the_only_one_that_names_it() {
    for (_db, store) in stores() {
        let app = app!(store);
        // alice's enrollment, made through Absorb: in SCORM Cloud its ledger id names it.
        let out = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::External(Dialect::ScormCloud, "data-privacy-101".into()),
                &EnrollOptions::new(Dialect::Absorb),
            )
            .unwrap();
        let ledger = out.enrollment.series_id.to_string();
        let (s, _, r) = call!(app, get, format!("/registrations/{ledger}"));
        assert_eq!((s, r["id"].as_str()), (200, Some(ledger.as_str())));
        // A registration id chosen for it replaces that name.
        let (s, _, _) = call!(
            app,
            post,
            "/registrations",
            json!({
                "courseId": "data-privacy-101", "registrationId": "alice-dp",
                "learner": {"id": "alice"},
            })
        );
        assert_eq!(s, 204);
        let (s, _, r) = call!(app, get, "/registrations/alice-dp");
        assert_eq!((s, r["id"].as_str()), (200, Some("alice-dp")));
        for path in [
            format!("/registrations/{ledger}"),
            format!("/registrations/{ledger}/launchHistory"),
            format!("/registrations/{ledger}/instances"),
        ] {
            let (s, _, b) = call!(app, get, path.clone());
            assert_eq!(s, 404, "{path}: {b}");
        }
        let (s, _, _) = call!(app, head, format!("/registrations/{ledger}"));
        assert_eq!(s, 404);
        let (s, _, _) = call!(app, delete, format!("/registrations/{ledger}"));
        assert_eq!(s, 404);
        let (s, _, r) = call!(app, get, "/registrations/alice-dp");
        assert_eq!(
            (s, r["registrationCompletion"].as_str()),
            (200, Some("UNKNOWN")),
            "the DELETE by the old name ended nothing"
        );
        // Learners and courses too: alice is `alice` in SCORM Cloud, not her ledger id.
        let (_, _, l) = call!(app, get, "/registrations?learnerId=alice");
        assert_eq!(l["registrations"].as_array().unwrap().len(), 1, "{l}");
        let (s, _, l) = call!(app, get, format!("/registrations?learnerId={ALICE}"));
        assert_eq!(s, 200);
        assert_eq!(l["registrations"].as_array().map_or(0, Vec::len), 0, "{l}");
        let course = out.enrollment.core.course_id;
        let (_, _, l) = call!(app, get, format!("/registrations?courseId={course}"));
        assert_eq!(l["registrations"].as_array().map_or(0, Vec::len), 0, "{l}");
    }
}
