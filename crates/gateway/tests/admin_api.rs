//! The admin API's contract: the token before anything else, JSON bodies whatever the
//! Content-Type, camelCase everywhere, and a bounded clock.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};
use clap::Parser;
use gateway::config::Config;
use gateway::{AppState, mount};
use serde_json::{Value, json};

const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";
const ALICE: &str = "a0000000-0000-4000-8000-000000000002";
const COURSE: &str = "c0000000-0000-4000-8000-000000000001";

fn state(db: &enroll_store::testing::TestDb) -> web::Data<AppState> {
    state_with(db, &[])
}

/// The demo gateway's state with admin token `t`, and `flags` on its command line.
fn state_with(db: &enroll_store::testing::TestDb, flags: &[&str]) -> web::Data<AppState> {
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo-seed.json");
    let mut args = vec![
        "gateway",
        "--database-url",
        &db.url,
        "--seed-file",
        seed,
        "--admin-token",
        "t",
    ];
    args.extend_from_slice(flags);
    web::Data::new(AppState::open(&Config::parse_from(args)).unwrap())
}

async fn send(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    req: test::TestRequest,
) -> (u16, Value) {
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let body = test::read_body(resp).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn every_admin_route_answers_401_before_looking_at_path_query_or_body() {
    let db = enroll_store::testing::TestDb::sqlite().unwrap();
    let st = state(&db);
    let app = test::init_service(App::new().configure(|c| mount(c, &st))).await;
    let t = format!("/admin/v1/tenants/{TENANT}");
    // (method, uri, body): bad bodies, bad ids, bad queries, unknown paths.
    let requests: [(&str, String, &str); 8] = [
        ("POST", "/admin/v1/tenants".into(), "{\"nom\": 1"),
        ("POST", "/admin/v1/clock/advance".into(), "{\"dayz\": 1}"),
        ("GET", "/admin/v1/tenants/not-a-uuid/learners".into(), ""),
        ("GET", format!("{t}/learners?limit=abc"), ""),
        ("POST", format!("{t}/enrollments/x/commands"), "[]"),
        ("GET", "/admin/v1/no/such/route".into(), ""),
        ("GET", format!("{t}/mail?limit=zz"), ""),
        ("POST", "/admin/v1/reset".into(), ""),
    ];
    for (method, uri, body) in requests {
        for auth in [None, Some("Bearer wrong"), Some("Basic dDp0"), Some("t")] {
            let mut req = test::TestRequest::default()
                .method(method.parse().unwrap())
                .uri(&uri)
                .set_payload(body);
            if let Some(a) = auth {
                req = req.insert_header(("Authorization", a));
            }
            let (s, answer) = send(&app, req).await;
            assert_eq!(s, 401, "{method} {uri} with {auth:?}: {answer}");
            assert_eq!(answer, json!({"error": "missing or invalid admin token"}));
        }
    }
}

#[actix_web::test]
async fn json_bodies_are_read_without_content_type_and_with_curls_form_type() {
    let db = enroll_store::testing::TestDb::sqlite().unwrap();
    let st = state(&db);
    let app = test::init_service(App::new().configure(|c| mount(c, &st))).await;
    for ctype in [
        None,
        Some("application/x-www-form-urlencoded"),
        Some("application/json"),
    ] {
        let mut req = test::TestRequest::post()
            .uri("/admin/v1/clock/advance")
            .insert_header(("Authorization", "Bearer t"))
            .set_payload(r#"{"hours": 1}"#);
        if let Some(c) = ctype {
            req = req.insert_header(("Content-Type", c));
        }
        let (s, body) = send(&app, req).await;
        assert_eq!(s, 200, "{ctype:?}: {body}");
    }
    assert_eq!(st.clock.offset_ms(), 3 * 3_600_000);
}

/// Every key of a JSON document, at any depth.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            out.push(k.clone());
            keys(v, out);
        }),
        Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[actix_web::test]
async fn every_admin_field_in_and_out_is_camel_case() {
    let db = enroll_store::testing::TestDb::sqlite().unwrap();
    let st = state(&db);
    let app = test::init_service(App::new().configure(|c| mount(c, &st))).await;
    let call = |m: test::TestRequest, uri: String| {
        m.uri(&uri).insert_header(("Authorization", "Bearer t"))
    };
    let t = format!("/admin/v1/tenants/{TENANT}");
    let (s, dave) = send(
        &app,
        call(test::TestRequest::post(), format!("{t}/learners")).set_json(json!({
            "email": "dave@demo.example", "firstName": "Dave", "lastName": "Dunn",
            "jobTitle": "Tester", "departmentId": "5e000000-0000-4000-8000-000000000002",
            "ids": {"lms365": "i:0#.f|membership|dave@demo.example", "scormcloud": "dave"},
        })),
    )
    .await;
    assert_eq!(s, 201, "{dave}");
    assert_eq!(dave["firstName"], "Dave");
    assert_eq!(dave["jobTitle"], "Tester");
    assert_eq!(dave["ids"]["lms365"], "i:0#.f|membership|dave@demo.example");
    assert_eq!(dave["ids"]["scormcloud"], "dave");
    // Dialects without an explicit id follow the crosswalk rule: the ledger id.
    assert_eq!(dave["ids"]["absorb"], dave["id"]);
    // snake_case input is refused, not silently dropped
    let (s, e) = send(
        &app,
        call(test::TestRequest::post(), format!("{t}/learners"))
            .set_json(json!({"email": "erin@demo.example", "first_name": "Erin"})),
    )
    .await;
    assert_eq!(s, 400, "{e}");
    let (s, e) = send(
        &app,
        call(test::TestRequest::post(), format!("{t}/enrollments"))
            .set_json(json!({"learnerId": ALICE, "courseId": COURSE})),
    )
    .await;
    assert_eq!(s, 201, "{e}");
    let id = e["id"].as_str().unwrap();
    let (s, e) = send(
        &app,
        call(
            test::TestRequest::post(),
            format!("{t}/enrollments/{id}/commands"),
        )
        .set_json(json!({"command": "recordProgress", "progress": 10, "timeSpentMs": 5000})),
    )
    .await;
    assert_eq!((s, e["timeSpentMs"].as_i64()), (200, Some(5000)), "{e}");
    let mut all = vec![dave, e];
    for uri in [
        "/admin/v1/tenants".to_string(),
        format!("{t}/credentials"),
        format!("{t}/departments"),
        format!("{t}/learners"),
        format!("{t}/courses"),
        format!("{t}/courses/{COURSE}"),
        format!("{t}/courses/c0000000-0000-4000-8000-000000000003"),
        format!("{t}/enrollments/{id}"),
        format!("{t}/enrollments/{id}/events"),
        format!("{t}/mail"),
        format!("{t}/outbox"),
        "/admin/v1/clock".to_string(),
    ] {
        let (s, body) = send(&app, call(test::TestRequest::get(), uri.clone())).await;
        assert_eq!(s, 200, "{uri}: {body}");
        all.push(body);
    }
    let mut found = Vec::new();
    all.iter().for_each(|v| keys(v, &mut found));
    for k in [
        "fromState",
        "firstName",
        "tenantId",
        "departmentId",
        "parentId",
        "startsAt",
        "chapterId",
    ] {
        assert!(found.iter().any(|f| f == k), "no {k} in {found:?}");
    }
    let bad: Vec<&String> = found.iter().filter(|k| k.contains('_')).collect();
    assert!(bad.is_empty(), "snake_case keys: {bad:?}");
}

#[actix_web::test]
async fn a_published_course_version_reaches_enrollments_made_after_it_only() {
    for db in enroll_store::testing::TestDb::all().unwrap() {
        let st = state(&db);
        let app = test::init_service(App::new().configure(|c| mount(c, &st))).await;
        let admin = |req: test::TestRequest| req.insert_header(("Authorization", "Bearer t"));
        let t = format!("/admin/v1/tenants/{TENANT}");
        let privacy = "c0000000-0000-4000-8000-000000000002";
        // A SCORM registration made before the new version keeps version 0.
        let basic = (
            "Authorization",
            "Basic REVNT0FQUDpkZW1vLXNjb3JtLXNlY3JldC1rZXk=",
        );
        let register = |id: &str| {
            test::TestRequest::post()
                .uri("/scormcloud/api/v2/registrations")
                .insert_header(basic)
                .set_json(json!({"courseId": "data-privacy-101", "registrationId": id,
                    "learner": {"id": format!("learner-{id}")}}))
        };
        assert_eq!(send(&app, register("before")).await.0, 204);
        let (s, v) = send(
            &app,
            admin(test::TestRequest::post().uri(&format!("{t}/courses/{privacy}/versions"))),
        )
        .await;
        assert_eq!((s, v), (201, json!({"version": 1})));
        let (s, v) = send(
            &app,
            admin(test::TestRequest::get().uri(&format!("{t}/courses/{privacy}"))),
        )
        .await;
        assert_eq!((s, &v["course"]["version"]), (200, &json!(1)));
        assert_eq!(send(&app, register("after")).await.0, 204);
        let version = |id: &'static str| {
            test::TestRequest::get()
                .uri(&format!("/scormcloud/api/v2/registrations/{id}"))
                .insert_header(basic)
        };
        assert_eq!(
            send(&app, version("before")).await.1["course"]["version"],
            0
        );
        assert_eq!(send(&app, version("after")).await.1["course"]["version"], 1);
        let (s, e) = send(
            &app,
            admin(test::TestRequest::post().uri(&format!("{t}/enrollments")))
                .set_json(json!({"learnerId": ALICE, "courseId": privacy})),
        )
        .await;
        assert_eq!((s, &e["courseVersion"]), (201, &json!(1)), "{e}");
        let (s, _) = send(
            &app,
            admin(test::TestRequest::post().uri(&format!(
                "{t}/courses/c0000000-0000-4000-8000-0000000000ff/versions"
            ))),
        )
        .await;
        assert_eq!(s, 404);
    }
}

#[actix_web::test]
async fn cancel_ends_the_enrollment_and_frees_the_learners_slot() {
    for db in enroll_store::testing::TestDb::all().unwrap() {
        let st = state(&db);
        let app = test::init_service(App::new().configure(|c| mount(c, &st))).await;
        let t = format!("/admin/v1/tenants/{TENANT}");
        let enroll = || {
            test::TestRequest::post()
                .uri(&format!("{t}/enrollments"))
                .insert_header(("Authorization", "Bearer t"))
                .set_json(json!({"learnerId": ALICE, "courseId": COURSE}))
        };
        let (s, e) = send(&app, enroll()).await;
        assert_eq!(s, 201, "{e}");
        let id = e["id"].as_str().unwrap();
        let (s, c) = send(
            &app,
            test::TestRequest::post()
                .uri(&format!("{t}/enrollments/{id}/commands"))
                .insert_header(("Authorization", "Bearer t"))
                .set_json(json!({"command": "cancel"})),
        )
        .await;
        assert_eq!(s, 200, "{c}");
        assert_eq!(
            (&c["state"], &c["active"]),
            (&json!("cancelled"), &json!(false))
        );
        // Ended like an un-enroll: the learner may be enrolled in the course again.
        let (s, again) = send(&app, enroll()).await;
        assert_eq!(s, 201, "{db:?}: {again}");
        assert_ne!(again["id"], e["id"]);
    }
}

#[actix_web::test]
async fn an_enrollments_history_names_each_change_and_who_made_it_oldest_first() {
    for db in enroll_store::testing::TestDb::all().unwrap() {
        let st = state(&db);
        let app = test::init_service(App::new().configure(|c| mount(c, &st))).await;
        let t = format!("/admin/v1/tenants/{TENANT}");
        let key = "b1f0e3c2-7d4a-4e8b-9c61-2f5a8d7e4b10";
        let (s, token) = send(
            &app,
            test::TestRequest::post()
                .uri("/absorb/authenticate")
                .insert_header(("x-api-key", key))
                .set_json(json!({"username": "admin@demo.example",
                    "password": "Demo-Admin-1", "privateKey": key})),
        )
        .await;
        assert_eq!(s, 200, "{token}");
        let (s, created) = send(
            &app,
            test::TestRequest::post()
                .uri(&format!("/absorb/users/{ALICE}/enrollments/{COURSE}"))
                .insert_header(("x-api-key", key))
                .insert_header((
                    "Authorization",
                    format!("Bearer {}", token.as_str().unwrap()),
                ))
                .insert_header(("x-api-version", "2")),
        )
        .await;
        assert_eq!(s, 201, "{created}");
        let id = created["enrollmentId"].as_str().unwrap();
        for command in ["start", "cancel"] {
            let (s, body) = send(
                &app,
                test::TestRequest::post()
                    .uri(&format!("{t}/enrollments/{id}/commands"))
                    .insert_header(("Authorization", "Bearer t"))
                    .set_json(json!({"command": command})),
            )
            .await;
            assert_eq!(s, 200, "{body}");
        }
        let events = |uri: String| {
            test::TestRequest::get()
                .uri(&uri)
                .insert_header(("Authorization", "Bearer t"))
        };
        let (s, h) = send(&app, events(format!("{t}/enrollments/{id}/events"))).await;
        assert_eq!(s, 200, "{h}");
        let seen: Vec<(&str, &Value, &str, &str)> = h["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let text = |k: &str| e[k].as_str().unwrap_or_default();
                (
                    text("kind"),
                    &e["fromState"],
                    text("toState"),
                    text("dialect"),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("enrolled", &Value::Null, "not_started", "absorb"),
                ("started", &json!("not_started"), "in_progress", "admin"),
                ("cancelled", &json!("in_progress"), "cancelled", "admin"),
            ],
            "{h}"
        );
        assert!(h["events"][0]["at"].as_str().unwrap().ends_with('Z'), "{h}");
        let unknown = "e0000000-0000-4000-8000-0000000000ff";
        let (s, _) = send(&app, events(format!("{t}/enrollments/{unknown}/events"))).await;
        assert_eq!(s, 404);
    }
}

#[actix_web::test]
async fn a_counting_gateway_reports_the_statements_its_requests_ran() {
    let db = enroll_store::testing::TestDb::sqlite().unwrap();
    let st = state_with(&db, &["--count-statements"]);
    let app = test::init_service(App::new().configure(|c| mount(c, &st))).await;
    let get = |uri: String| {
        test::TestRequest::get()
            .uri(&uri)
            .insert_header(("Authorization", "Bearer t"))
    };
    let (s, before) = send(&app, get("/admin/v1/stats/statements".into())).await;
    assert_eq!(s, 200, "{before}");
    assert_eq!(before["enabled"], true);
    for _ in 0..3 {
        let (s, body) = send(&app, get(format!("/admin/v1/tenants/{TENANT}/learners"))).await;
        assert_eq!(s, 200, "{body}");
    }
    let (_, after) = send(&app, get("/admin/v1/stats/statements".into())).await;
    let ran = after["statements"].as_u64().unwrap() - before["statements"].as_u64().unwrap();
    // Each listing of the learners is at least one statement.
    assert!(ran >= 3, "{before} {after}");
}
