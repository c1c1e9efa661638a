//! Bad input answers OData-shaped 4xx errors naming the problem — never a 5xx or a hang — and
//! writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::http::Method;
use common::*;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;
use serde_json::{Value, json};

/// Another tenant with a course numbered 101 and an enrollment in it.
fn other_tenant(store: &enroll_store::Store) -> String {
    let seed = enroll_store::seed::Seed::from_json(
        &json!({"tenants": [{
            "id": "7d1c7c3e-0000-4000-8000-0000000000ff", "name": "Other",
            "credentials": [{"dialect": "lms365", "secret": "other-lms365-key"}],
            "learners": [{"id": "a0000000-0000-4000-8000-0000000000ff", "email": "z@other.example"}],
            "courses": [{"id": "c0000000-0000-4000-8000-0000000000ff", "kind": "online_course",
                         "title": "Other's", "ids": {"lms365": 201}}]
        }]})
        .to_string(),
    )
    .unwrap();
    store.load_seed(&seed).unwrap();
    let t = uuid::Uuid::parse_str("7d1c7c3e-0000-4000-8000-0000000000ff").unwrap();
    let l = uuid::Uuid::parse_str("a0000000-0000-4000-8000-0000000000ff").unwrap();
    let c = uuid::Uuid::parse_str("c0000000-0000-4000-8000-0000000000ff").unwrap();
    let out = store
        .enroll(
            t,
            &LearnerKey::Id(l),
            &CourseKey::Id(c),
            &EnrollOptions::new(enroll_domain::model::Dialect::Lms365),
        )
        .unwrap();
    out.enrollment.core.id.to_string()
}

#[actix_rt::test]
async fn bad_requests_are_odata_errors_and_write_nothing() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let foreign = other_tenant(&store);
        let (_, mine) = call(
            &app,
            post(
                "/Courses(101)/Enroll",
                json!({"userLoginName": ALICE_LOGIN}),
            ),
        )
        .await;
        let mine = mine["Id"].as_str().unwrap().to_string();
        let before = enrollment_count(&store);
        let (_, snapshot) = call(&app, get(&format!("/Enrollments({mine})"))).await;
        let deep = format!(
            "{}CourseId eq 101{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let raw_body = |m: Method, p: &str, b: &str| {
            req(m, p)
                .insert_header(("Content-Type", "application/json"))
                .set_payload(b.to_string())
        };
        let cases: Vec<(actix_web::test::TestRequest, u16, &str)> = vec![
            (
                raw_body(Method::POST, "/Courses(101)/Enroll", "{\"userLoginName\":"),
                400,
                "body is invalid",
            ),
            (
                raw_body(Method::POST, "/Courses(101)/Enroll", ""),
                400,
                "empty",
            ),
            (
                post("/Courses(101)/Enroll", json!({"userLoginName": 5})),
                400,
                "invalid type",
            ),
            (
                post(
                    "/Courses(101)/Enroll",
                    json!({"userLoginName": "x", "foo": 1}),
                ),
                400,
                "unknown field",
            ),
            (
                post(
                    "/Courses(101)/Enroll",
                    json!({"userLoginName": ALICE_LOGIN, "courseSessionId": "nope"}),
                ),
                400,
                "not a valid GUID",
            ),
            (
                post(
                    "/Courses(101)/Enroll",
                    json!({"userLoginName": ALICE_LOGIN, "ignoreMaxAttendees": "yes"}),
                ),
                400,
                "invalid type",
            ),
            (
                post("/Courses(101)/Enroll", json!([1, 2])),
                400,
                "body is invalid",
            ),
            (
                post(
                    "/Courses(abc)/Enroll",
                    json!({"userLoginName": ALICE_LOGIN}),
                ),
                400,
                "Edm.Int64",
            ),
            (
                post(
                    "/Courses(201)/Enroll",
                    json!({"userLoginName": ALICE_LOGIN}),
                ),
                404,
                "Course not found",
            ),
            (
                post(
                    "/Courses(101)/Enroll",
                    json!({"userLoginName": "z@other.example"}),
                ),
                404,
                "not found",
            ),
            (get("/Courses(abc)"), 400, "Edm.Int64"),
            (get("/Courses("), 400, "malformed"),
            (get("/Courses()"), 400, "malformed"),
            (get("/Courses(1"), 400, "malformed"),
            (get("/Enrollments(xyz)"), 400, "Edm.Guid"),
            (
                get(&format!("/Enrollments({foreign})")),
                404,
                "Enrollment not found",
            ),
            (
                post(&format!("/Enrollments({foreign})/Cancel"), json!({})),
                404,
                "Enrollment not found",
            ),
            (
                post(&format!("/Enrollments({foreign})/Purge"), json!({})),
                404,
                "Enrollment not found",
            ),
            (
                patch(&format!("/Enrollments({foreign})"), json!({"CEU": 1})),
                404,
                "Enrollment not found",
            ),
            (
                post(&format!("/Enrollments({mine})/Explode"), json!({})),
                404,
                "no action 'Explode'",
            ),
            (
                post(
                    &format!("/Enrollments({mine})/Cancel"),
                    json!({"message": 5}),
                ),
                400,
                "invalid type",
            ),
            (
                post(&format!("/Enrollments({mine})/Purge"), json!({})),
                400,
                "active",
            ),
            (
                post(&format!("/Enrollments({mine})/Approve"), json!({})),
                400,
                "cannot approve",
            ),
            (
                patch(
                    &format!("/Enrollments({mine})"),
                    json!({"CoursePassingStatus": 7}),
                ),
                400,
                "CoursePassingStatus 7",
            ),
            (
                patch(
                    &format!("/Enrollments({mine})"),
                    json!({"DueDate": "tomorrow"}),
                ),
                400,
                "DueDate",
            ),
            (
                patch(
                    &format!("/Enrollments({mine})"),
                    json!({"CourseDuration": -5}),
                ),
                400,
                "CourseDuration",
            ),
            (
                patch(&format!("/Enrollments({mine})"), json!({"Bogus": 1})),
                400,
                "unknown field",
            ),
            (
                req(Method::DELETE, &format!("/Enrollments({mine})")),
                405,
                "DELETE",
            ),
            (get("/Bogus"), 404, "'Bogus'"),
            (get("/Courses(101)/Bogus"), 404, "'Bogus'"),
            (get("/Courses/Enroll"), 404, "'Enroll'"),
            (get("/a/b/c"), 404, "No HTTP resource"),
            (
                get("/Enrollments?$filter=CourseId%20eq%20101;%20DROP%20TABLE%20enrollments"),
                400,
                "$filter",
            ),
            (
                get("/Enrollments?$filter=Nope%20eq%201"),
                400,
                "unknown field 'Nope'",
            ),
            (
                get("/Enrollments?$filter=CourseId%20eq%20'abc'"),
                400,
                "whole number",
            ),
            (
                get(&format!(
                    "/Enrollments?$filter={}",
                    deep.replace(' ', "%20")
                )),
                400,
                "$filter",
            ),
            (get("/Enrollments?$top=-1"), 400, "$top"),
            (
                get("/Enrollments?$skip=99999999999999999999999"),
                400,
                "$skip",
            ),
            (get("/Enrollments?$select=Nope"), 400, "'Nope'"),
            (get("/Enrollments?$expand=Title"), 400, "'Title'"),
            (get("/Enrollments?$orderby=Nope%20desc"), 400, "'Nope'"),
            (get("/Enrollments?$count=maybe"), 400, "$count"),
            (get("/Enrollments?$search=x"), 400, "not supported"),
            (get("/Enrollments?$bogus=1"), 400, "$bogus"),
            (
                get(&format!("/Enrollments({mine})?$top=1")),
                400,
                "collections",
            ),
            (
                get("/Courses(103)/CourseSessions?$top=1"),
                400,
                "CourseSessions",
            ),
            (get("/Users('')"), 400, "Edm.String"),
        ];
        for (r, want, needle) in cases {
            let (s, b) = call(&app, r).await;
            assert!(s < 500, "{b}");
            odata_error(s, &b, want, needle);
        }
        // Injection through a value is only a value.
        let (s, b) = call(
            &app,
            get("/Enrollments?$filter=UserLoginName%20eq%20'x''%20OR%201=1%20--'"),
        )
        .await;
        assert_eq!((s, &b["value"]), (200, &json!([])), "{b}");
        // The largest $skip is a valid, empty page.
        let (s, b) = call(&app, get("/Enrollments?$skip=9223372036854775807&$top=5")).await;
        assert_eq!((s, &b["value"]), (200, &json!([])), "{b}");
        assert_eq!(enrollment_count(&store), before, "nothing written");
        let (_, after) = call(&app, get(&format!("/Enrollments({mine})"))).await;
        assert_eq!(after, snapshot, "unchanged");
        let v: Value = after;
        assert_eq!(v["RegistrationStatus"], "Enrolled");
    }
}
