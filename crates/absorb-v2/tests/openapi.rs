//! This facade's own OpenAPI document (written here, not Absorb's) against this facade: it
//! lists every implemented route, every listed route is routed, and methods a known path does
//! not take are 405 with an `Allow` header naming exactly the documented ones; unknown paths
//! stay 404. These tests check the project's document against the project's code and
//! fixtures; the wire's agreement with Absorb's own samples is `wire_format.rs`'s.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use actix_web::http::Method;
use actix_web::test::TestRequest;
use common::*;
use std::collections::BTreeMap;

fn concrete(path: &str) -> String {
    let id = "00000000-0000-4000-8000-000000000000";
    path.split('/')
        .map(|seg| if seg.starts_with('{') { id } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

#[actix_web::test]
async fn every_route_our_openapi_document_lists_is_served() {
    let (_db, store, _) = stores().into_iter().next().unwrap();
    let app = app(&store).await;
    let (s, doc) = send(&app, TestRequest::get().uri("/absorb/openapi.json")).await;
    assert_eq!(s, 200);
    let paths = doc["paths"].as_object().unwrap();
    let ops: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(ops, absorb_v2::handlers::openapi::OPS.len());
    assert!(
        ops >= 27 + 5,
        "27 enrollment operations plus authenticate and lookups"
    );
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let req = TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&format!("/absorb{}", concrete(path)));
            let (s, body) = send(&app, req).await;
            // An unrouted path reaches the default service, whose message names the path.
            let msg = body["message"].as_str().unwrap_or("");
            assert!(
                !msg.starts_with("No resource was found") && s != 405,
                "{method} {path} is not routed ({s})"
            );
        }
    }
}

#[actix_web::test]
async fn other_methods_on_known_paths_are_405_with_allow_and_unknown_paths_stay_404() {
    let (_db, store, _) = stores().into_iter().next().unwrap();
    let app = app(&store).await;
    let mut documented: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for op in absorb_v2::handlers::openapi::OPS {
        documented
            .entry(op.path)
            .or_default()
            .push(op.method.to_uppercase());
    }
    documented.insert("/openapi.json", vec!["GET".into()]);
    let all = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
    ];
    for (path, allowed) in &documented {
        for method in all.iter().filter(|m| !allowed.iter().any(|a| a == *m)) {
            let req = TestRequest::default()
                .method(Method::from_bytes(method.as_bytes()).unwrap())
                .insert_header(("x-api-key", KEY))
                .uri(&format!("/absorb{}", concrete(path)));
            let resp = actix_web::test::call_service(&app, req.to_request()).await;
            assert_eq!(resp.status().as_u16(), 405, "{method} {path}");
            let allow = resp
                .headers()
                .get("allow")
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let mut got: Vec<&str> = allow.split(", ").collect();
            got.sort_unstable();
            let mut want: Vec<&str> = allowed.iter().map(String::as_str).collect();
            want.sort_unstable();
            assert_eq!(got, want, "Allow of {path}");
            if *method != "HEAD" {
                let body: serde_json::Value =
                    serde_json::from_slice(&actix_web::test::read_body(resp).await).unwrap();
                assert_shape(&body, "error.json");
                assert_eq!(
                    (body["code"].as_i64(), body["term"].as_str()),
                    (Some(405), Some("MethodNotAllowed"))
                );
                assert!(body["message"].as_str().unwrap().contains(method), "{body}");
            }
        }
    }
    for uri in [
        "/absorb/nope",
        "/absorb/users/x/nope",
        "/absorb/courses/x/y/z/w",
    ] {
        let (s, e) = send(&app, TestRequest::default().method(Method::TRACE).uri(uri)).await;
        assert_eq!((s, e["term"].as_str()), (404, Some("NotFound")), "{uri}");
    }
}

#[actix_web::test]
async fn our_openapi_resources_have_our_fixture_samples_fields_and_our_nullable_list() {
    let doc = absorb_v2::handlers::openapi::document();
    let schemas = &doc["components"]["schemas"];
    for (fixture_name, schema) in [
        (
            "user-course-enrollment.json",
            "UserCourseEnrollmentResource",
        ),
        ("course-enrollment.json", "CourseEnrollmentResource"),
        ("lesson-enrollment.json", "LessonEnrollmentResource"),
        ("chapter-enrollment.json", "ChapterEnrollmentResource"),
        ("session-enrollment.json", "SessionEnrollmentResource"),
        ("attempt.json", "AttemptResource"),
        ("error.json", "GenericErrorResponse"),
        ("collection.json", "CourseEnrollmentsResource"),
    ] {
        let props = schemas[schema]["properties"].as_object().unwrap();
        let mut keys: Vec<&String> = props.keys().collect();
        let f = fixture(fixture_name);
        let mut want: Vec<&String> = f.as_object().unwrap().keys().collect();
        keys.sort();
        want.sort();
        assert_eq!(keys, want, "{schema} vs {fixture_name}");
        let mut nullable: Vec<&str> = props
            .iter()
            .filter(|(_, p)| p["nullable"] == true)
            .map(|(k, _)| k.as_str())
            .collect();
        let mut want_nullable = common::nullable(fixture_name).to_vec();
        nullable.sort_unstable();
        want_nullable.sort_unstable();
        assert_eq!(nullable, want_nullable, "nullable fields of {schema}");
        assert_eq!(schemas[schema]["additionalProperties"], false);
    }
}

#[actix_web::test]
async fn our_openapi_document_states_bodies_parameters_and_the_version_header_as_handled() {
    let (_db, store, _) = stores().into_iter().next().unwrap();
    let app = app(&store).await;
    let doc = absorb_v2::handlers::openapi::document();
    let body = &doc["components"]["schemas"]["AuthenticationRequest"];
    assert_eq!(
        body["required"],
        serde_json::json!(["username", "password", "privateKey"])
    );
    let auth = &doc["paths"]["/authenticate"]["post"];
    assert_eq!(
        auth["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Token"
    );
    let list = &doc["paths"]["/users/{userId}/enrollments"]["get"]["parameters"];
    let names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = p["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
            doc["components"]["parameters"][name]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for want in [
        "userId",
        "_filter",
        "_sort",
        "_limit",
        "_offset",
        "limit",
        "offset",
        "status",
        "modifiedSince",
        "x-api-version",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let version = &doc["components"]["parameters"]["ApiVersion"];
    assert_eq!(
        (version["in"].as_str(), version["required"].as_bool()),
        (Some("header"), Some(false))
    );
    assert_eq!(version["schema"]["enum"], serde_json::json!(["2"]));
    // As documented: absent or 2 is served, anything else is a 400.
    let t = admin(&app).await;
    assert_eq!(send(&app, get("/absorb/courses", &t)).await.0, 200);
    assert_eq!(
        send(
            &app,
            get("/absorb/courses", &t).insert_header(("x-api-version", "2"))
        )
        .await
        .0,
        200
    );
    for bad in ["1", "2.0", "3", ""] {
        let (s, e) = send(
            &app,
            get("/absorb/courses", &t).insert_header(("x-api-version", bad)),
        )
        .await;
        assert_eq!(
            (s, e["term"].as_str()),
            (400, Some("BadRequest")),
            "x-api-version {bad:?}"
        );
    }
    // Every operation's statuses include what every operation can answer.
    for op in absorb_v2::handlers::openapi::OPS {
        let responses = &doc["paths"][op.path][op.method]["responses"];
        for code in ["400", "401", "503", &op.ok.0.to_string()] {
            assert!(
                responses.get(code).is_some(),
                "{} {} lacks {code}",
                op.method,
                op.path
            );
        }
        assert_eq!(
            op.body.is_some(),
            doc["paths"][op.path][op.method]
                .get("requestBody")
                .is_some()
        );
    }
}

/// A value the document declares invalid for each query parameter component.
fn invalid(component: &str) -> &'static str {
    match component {
        "Limit" | "LegacyLimit" => "0",
        "Offset" | "LegacyOffset" => "-1",
        "Status" => "13",
        "ModifiedSince" => "yesterday",
        "ReEnroll" | "CancelSession" => "maybe",
        "UserIds" | "CourseIds" => "not-a-guid",
        "Filter" | "UserFilter" | "CourseFilter" => "((",
        "Sort" | "UserSort" | "CourseSort" => "nope",
        other => panic!("no invalid value for {other}"),
    }
}

#[actix_web::test]
async fn every_query_parameter_our_openapi_document_lists_is_validated() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        expect(
            &app,
            post(
                &format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}"),
                &t,
            ),
            201,
        )
        .await;
        expect(
            &app,
            post(
                &format!("/absorb/users/{ALICE}/enrollments/{LEADERSHIP}/sessions/{BERLIN}"),
                &t,
            ),
            201,
        )
        .await;
        let mut checked = 0;
        for op in absorb_v2::handlers::openapi::OPS {
            let session_op = op.path.contains("{sessionId}");
            let path = op
                .path
                .replace("{userId}", ALICE)
                .replace(
                    "{courseId}",
                    if session_op { LEADERSHIP } else { COMPLIANCE },
                )
                .replace("{sessionId}", BERLIN)
                .replace("{chapterId}", CHAPTER1)
                .replace("{lessonId}", LESSON1);
            for component in op.query {
                let doc = absorb_v2::handlers::openapi::document();
                let name = doc["components"]["parameters"][component]["name"]
                    .as_str()
                    .unwrap()
                    .to_string();
                let uri = format!("/absorb{path}?{name}={}", invalid(component));
                let req = match op.method {
                    "get" => get(&uri, &t),
                    _ => post(&uri, &t).set_json(serde_json::json!({"courseId": PRIVACY})),
                };
                let (s, e) = send(&app, req).await;
                assert_eq!(s, 400, "{} {uri}: {e}", op.method);
                assert!(e["message"].as_str().unwrap().contains(&name), "{uri}: {e}");
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
    }
}

/// The bounds a schema declares for a numeric field, if any.
fn bounds(schema: &serde_json::Value, field: &str) -> (Option<f64>, Option<f64>) {
    let f = &schema["properties"][field];
    (f["minimum"].as_f64(), f["maximum"].as_f64())
}

#[actix_web::test]
async fn our_openapi_document_declares_the_limits_the_server_enforces_and_the_server_keeps_them() {
    let doc = absorb_v2::handlers::openapi::document();
    let schemas = &doc["components"]["schemas"];
    let enroll = &schemas["CourseEnrollmentRequest"];
    let finish = &schemas["FinishAttemptRequest"];
    assert_eq!(bounds(enroll, "score"), (Some(0.0), Some(100.0)));
    assert_eq!(bounds(enroll, "credits"), (Some(0.0), None));
    assert_eq!(bounds(finish, "score"), (Some(0.0), Some(100.0)));
    let params = &doc["components"]["parameters"];
    for p in [
        "Filter",
        "UserFilter",
        "CourseFilter",
        "Sort",
        "UserSort",
        "CourseSort",
    ] {
        assert_eq!(
            params[p]["schema"]["maxLength"].as_u64(),
            Some(odata_filter::MAX_INPUT_LEN as u64),
            "{p}"
        );
    }
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        // Each declared bound is accepted, and a step past it refused in Absorb's shape.
        let enroll_with = |field: &str, v: f64| {
            post(&format!("/absorb/users/{ALICE}/enrollments"), &t)
                .set_json(serde_json::json!({"courseId": COMPLIANCE, field: v}))
        };
        for field in ["score", "credits"] {
            let (min, max) = bounds(enroll, field);
            for (v, ok) in [min.map(|m| (m, true)), min.map(|m| (m - 0.5, false))]
                .into_iter()
                .chain([max.map(|m| (m, true)), max.map(|m| (m + 0.5, false))])
                .flatten()
            {
                let (s, body) = send(&app, enroll_with(field, v)).await;
                if ok {
                    assert_eq!(s, 201, "{field} {v}: {body}");
                } else {
                    assert!((400..500).contains(&s), "{field} {v}: {s} {body}");
                    assert_shape(&body, "error.json");
                }
            }
        }
        let (min, max) = bounds(finish, "score");
        let base = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}/lessons/{LESSON1}");
        for (v, ok) in [
            (min.unwrap() - 0.5, false),
            (max.unwrap() + 0.5, false),
            (max.unwrap(), true),
        ] {
            let started = expect(&app, post(&format!("{base}/attempts"), &t), 200).await;
            let id = started["attemptId"].as_str().unwrap();
            let req = post(&format!("/absorb/attempts/{id}/finish"), &t)
                .set_json(serde_json::json!({"status": 3, "score": v}));
            let (s, body) = send(&app, req).await;
            if ok {
                assert_eq!(s, 200, "finish score {v}: {body}");
            } else {
                assert!((400..500).contains(&s), "finish score {v}: {s} {body}");
            }
        }
        // A filter or sort one byte over the declared length is refused.
        let long = "a".repeat(odata_filter::MAX_INPUT_LEN + 1);
        for q in ["_filter", "_sort"] {
            let (s, body) = send(&app, get(&format!("/absorb/courses?{q}={long}"), &t)).await;
            assert_eq!(s, 400, "{q}: {body}");
        }
    }
}
