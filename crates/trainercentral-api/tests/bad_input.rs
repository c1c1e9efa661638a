//! Bad input is a Zoho-shaped 4xx naming what is wrong, never a 5xx, and writes nothing:
//! malformed or misshapen bodies, bad addresses, non-numeric ids, another portal's ids,
//! unknown routes and methods.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use enroll_domain::crosswalk::ExternalIds;
use enroll_domain::model::Dialect;
use serde_json::{Value, json};

/// Asserts a Zoho error with `status` and `code`, and that the ledger is unchanged.
async fn refused<S>(app: &S, store: &enroll_store::Store, req: TestRequest, status: u16, code: &str)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let before = counts(store);
    let (s, b) = json(app, req).await;
    assert_eq!((s, b["code"].as_str()), (status, Some(code)), "{b}");
    assert_eq!(b["status"], "error");
    assert!(!b["message"].as_str().unwrap().is_empty());
    assert_eq!(counts(store), before, "nothing written");
}

#[actix_rt::test]
async fn malformed_invites_are_refused_and_write_nothing() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let add = api("/addCourseAttendee.json");
        let now = enroll_domain::clock::to_millis(store.now());
        let cases: Vec<(String, u16, &str)> = vec![
            ("{\"courseAttendee\": {".into(), 400, "INVALID_DATA"),
            ("".into(), 400, "INVALID_DATA"),
            ("[1, 2]".into(), 400, "INVALID_DATA"),
            ("{}".into(), 400, "MANDATORY_NOT_FOUND"),
            (json!({"courseAttendee": "ava@example.com"}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"firstName": "Ava"}}).to_string(), 400, "MANDATORY_NOT_FOUND"),
            (json!({"courseAttendee": {"email": "not-an-address"}}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"email": 42}}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"email": "a@b.com", "firstName": "x".repeat(101)}}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"email": "a@b.com", "courseId": "abc"}}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"email": "a@b.com", "courseId": -3}}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"email": "a@b.com", "courseId": "99999999"}}).to_string(), 404, "RESOURCE_NOT_FOUND"),
            (json!({"courseAttendee": {"email": "a@b.com", "courseId": COMPLIANCE, "expiryTime": "tomorrow"}}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"email": "a@b.com", "courseId": COMPLIANCE, "expiryTime": now - 1}}).to_string(), 400, "INVALID_DATA"),
            (json!({"courseAttendee": {"email": "a@b.com", "expiryTime": now + 10_000}}).to_string(), 400, "INVALID_DATA"),
        ];
        for (body, status, code) in cases {
            refused(&app, &store, send("POST", &add, &t, &body), status, code).await;
        }
    }
}

#[actix_rt::test]
async fn bad_ids_and_other_portals_are_refused() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        // Another portal with a client and a member of its own.
        let mut ids = ExternalIds::default();
        ids.set(Dialect::TrainerCentral, "60099999999");
        let other = store.create_tenant("Other Academy", &ids).unwrap();
        store
            .add_credential(
                other.id,
                Dialect::TrainerCentral,
                Some("1000.OTHER"),
                "s2",
                "",
            )
            .unwrap();
        store
            .create_course(
                other.id,
                &serde_json::from_value(
                    json!({"kind": "online_course", "title": "Theirs", "ids": {"trainercentral": 71000000000001_i64}}),
                )
                .unwrap(),
            )
            .unwrap();
        let req = TestRequest::post()
            .uri("/trainercentral/oauth/v2/token")
            .set_form([
                ("client_id", "1000.OTHER"),
                ("client_secret", "s2"),
                ("grant_type", "client_credentials"),
                ("scope", ALL_SCOPES),
            ]);
        let theirs = json(&app, req).await.1["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let other_api = |p: &str| format!("/trainercentral/api/v4/60099999999{p}");
        let body = attendee("x@other.example", Some("71000000000001"));
        let (s, b) = json(
            &app,
            send(
                "POST",
                &other_api("/addCourseAttendee.json"),
                &theirs,
                &body,
            ),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let their_member = b["courseMember"][0]["id"].as_str().unwrap().to_string();

        let body = attendee("a@b.com", Some(COMPLIANCE));
        // Our token on their portal, or an unknown portal, or a non-numeric one.
        refused(
            &app,
            &store,
            send("POST", &other_api("/addCourseAttendee.json"), &t, &body),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        let unknown = "/trainercentral/api/v4/123/addCourseAttendee.json";
        refused(
            &app,
            &store,
            send("POST", unknown, &t, &body),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        let word = "/trainercentral/api/v4/demo/addCourseAttendee.json";
        refused(
            &app,
            &store,
            send("POST", word, &t, &body),
            400,
            "INVALID_DATA",
        )
        .await;
        // Their course and their member through our portal.
        let theirs_course = attendee("a@b.com", Some("71000000000001"));
        refused(
            &app,
            &store,
            send("POST", &api("/addCourseAttendee.json"), &t, &theirs_course),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        let revoke = json!({"courseMember": {"status": "4"}}).to_string();
        let upd = api(&format!("/updateCourseAttendee/{their_member}.json"));
        refused(
            &app,
            &store,
            send("PUT", &upd, &t, &revoke),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        let eng = api(&format!(
            "/course/71000000000001/courseMember/{their_member}/courseEngagement.json"
        ));
        refused(&app, &store, get(&eng, &t), 404, "RESOURCE_NOT_FOUND").await;
        // Non-numeric ids, unknown ids.
        refused(
            &app,
            &store,
            send("PUT", &api("/updateCourseAttendee/abc.json"), &t, &revoke),
            400,
            "INVALID_DATA",
        )
        .await;
        refused(
            &app,
            &store,
            send("PUT", &api("/updateCourseAttendee/123.json"), &t, &revoke),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/course/x1/courseMembers.json"), &t),
            400,
            "INVALID_DATA",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/course/1/courseMembers.json"), &t),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/courses/1e5.json"), &t),
            400,
            "INVALID_DATA",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/courses/5.json"), &t),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/fetchuserdetails.json?email=none@x.com"), &t),
            404,
            "RESOURCE_NOT_FOUND",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/fetchuserdetails.json"), &t),
            400,
            "MANDATORY_NOT_FOUND",
        )
        .await;
    }
}

#[actix_rt::test]
async fn bad_updates_pages_routes_and_methods_are_refused() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let body = attendee("upd@example.com", Some(COMPLIANCE));
        let (_, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &t, &body),
        )
        .await;
        let id = b["courseMember"][0]["id"].as_str().unwrap().to_string();
        let upd = api(&format!("/updateCourseAttendee/{id}.json"));
        for (body, code) in [
            ("not json", "INVALID_DATA"),
            ("{}", "MANDATORY_NOT_FOUND"),
            ("{\"courseMember\": {}}", "MANDATORY_NOT_FOUND"),
            ("{\"courseMember\": {\"status\": \"7\"}}", "INVALID_DATA"),
            ("{\"courseMember\": {\"status\": true}}", "INVALID_DATA"),
            ("{\"courseMembers\": []}", "INVALID_DATA"),
            ("{\"courseMember\": [1]}", "INVALID_DATA"),
        ] {
            refused(&app, &store, send("PUT", &upd, &t, body), 400, code).await;
        }
        let members = |q: &str| api(&format!("/course/{COMPLIANCE}/courseMembers.json?{q}"));
        for q in [
            "limit=0",
            "limit=1000",
            "limit=x",
            "si=-1",
            "filter=9",
            "limit=1&limit=%ZZ",
        ] {
            refused(&app, &store, get(&members(q), &t), 400, "INVALID_DATA").await;
        }
        refused(
            &app,
            &store,
            get(&api("/portalMembers.json?type=1"), &t),
            400,
            "INVALID_DATA",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/nothing.json"), &t),
            404,
            "INVALID_URL_PATTERN",
        )
        .await;
        refused(
            &app,
            &store,
            get("/trainercentral/elsewhere", &t),
            404,
            "INVALID_URL_PATTERN",
        )
        .await;
        refused(
            &app,
            &store,
            get(&api("/addCourseAttendee.json"), &t),
            405,
            "INVALID_REQUEST_METHOD",
        )
        .await;
        refused(
            &app,
            &store,
            send("DELETE", &upd, &t, ""),
            405,
            "INVALID_REQUEST_METHOD",
        )
        .await;
        // The accounts side: its own shape.
        for req in [
            TestRequest::post().uri("/trainercentral/oauth/v2/token"),
            TestRequest::post()
                .uri("/trainercentral/oauth/v2/token")
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload("grant_type=%ZZ"),
            TestRequest::post().uri("/trainercentral/oauth/v2/token/revoke"),
        ] {
            let (s, b) = json(&app, req).await;
            assert_eq!(s, 400, "{b}");
            assert!(b["error"].is_string(), "{b}");
        }
        let (s, b) = json(
            &app,
            TestRequest::get().uri("/trainercentral/oauth/v2/token"),
        )
        .await;
        assert_eq!((s, &b["error"]), (405, &Value::from("invalid_request")));
    }
}
