//! Every resource carries exactly the fields of Absorb's documented samples
//! (`fixtures/absorb/`), with the right JSON types; snapshots hold the full wire format.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use serde_json::{Value, json};

fn redact(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let r = if x.is_string()
                        && (k == "id"
                            || k.ends_with("Id")
                            || k.starts_with("date")
                            || k == "lastAttempt"
                            || k.ends_with("Date"))
                    {
                        json!(format!("[{k}]"))
                    } else {
                        redact(x)
                    };
                    (k.clone(), r)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        other => other.clone(),
    }
}

#[actix_web::test]
async fn resources_match_the_documented_shapes() {
    let (_db, store, _) = stores().into_iter().next().unwrap();
    let app = app(&store).await;
    let t = admin(&app).await;
    let base = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}");
    let (s, c) = send(&app, post(&base, &t)).await;
    assert_eq!(s, 201, "{c}");
    let (s, a) = send(
        &app,
        post(&format!("{base}/lessons/{LESSON1}/attempts"), &t),
    )
    .await;
    assert_eq!(s, 200, "{a}");
    let (s, f) = send(&app, post(&format!("/absorb/attempts/{}/finish", a["attemptId"].as_str().unwrap()), &t).set_json(json!({"status": 3, "score": 75, "startDate": "2026-01-01T10:00:00Z", "completionDate": "2026-01-01T10:05:30Z"}))).await;
    assert_eq!(s, 200, "{f}");
    let (s, c) = send(
        &app,
        post(
            &format!("/absorb/users/{ALICE}/enrollments/{LEADERSHIP}/sessions/{BERLIN}"),
            &t,
        ),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    // An enrollment with its optional fields set: their types are checked too, not just null.
    let body = json!({"courseId": PRIVACY, "status": 3, "dateExpires": "2030-01-01T00:00:00Z", "credits": 2.5,
                      "courseVersionId": LESSON2, "enrollmentKeyId": LESSON3});
    let (s, c) = send(
        &app,
        post(&format!("/absorb/users/{ALICE}/enrollments"), &t).set_json(&body),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let (s, set) = send(
        &app,
        get(&format!("/absorb/users/{ALICE}/enrollments/{PRIVACY}"), &t),
    )
    .await;
    assert_eq!(s, 200, "{set}");
    assert_shape(&set, "user-course-enrollment.json");
    for k in [
        "dateExpires",
        "dateCompleted",
        "dateStarted",
        "credits",
        "courseVersionId",
        "enrollmentKeyId",
        "dateEdited",
        "dateAdded",
    ] {
        assert!(!set[k].is_null(), "{k} is set: {set}");
    }

    let (s, e) = send(&app, get(&base, &t)).await;
    assert_eq!(s, 200, "{e}");
    assert_shape(&e, "user-course-enrollment.json");
    insta::assert_json_snapshot!("user_course_enrollment", redact(&e));
    let (s, list) = send(
        &app,
        get(&format!("/absorb/courses/{COMPLIANCE}/enrollments"), &t),
    )
    .await;
    assert_eq!((s, list["totalItems"].as_i64()), (200, Some(1)), "{list}");
    let mut envelope = list.clone();
    envelope["enrollments"] = json!([]);
    assert_shape(&envelope, "collection.json");
    assert_shape(&list["enrollments"][0], "course-enrollment.json");
    let (s, lessons) = send(&app, get(&format!("{base}/lessons"), &t)).await;
    assert_eq!(s, 200, "{lessons}");
    assert_shape(&lessons[0], "lesson-enrollment.json");
    insta::assert_json_snapshot!("lesson_enrollment", redact(&lessons[0]));
    let (s, chapters) = send(&app, get(&format!("{base}/chapters"), &t)).await;
    assert_eq!(s, 200, "{chapters}");
    assert_shape(&chapters[0], "chapter-enrollment.json");
    let (s, attempts) = send(&app, get(&format!("{base}/lessons/{LESSON1}/attempts"), &t)).await;
    assert_eq!(s, 200, "{attempts}");
    assert_shape(&attempts[0], "attempt.json");
    insta::assert_json_snapshot!("attempt", redact(&attempts[0]));
    let (s, sessions) = send(
        &app,
        get(
            &format!("/absorb/users/{ALICE}/enrollments/{LEADERSHIP}/sessions"),
            &t,
        ),
    )
    .await;
    assert_eq!(s, 200, "{sessions}");
    assert_shape(&sessions[0], "session-enrollment.json");
    let (s, err) = send(
        &app,
        get(
            "/absorb/enrollments/00000000-0000-4000-8000-000000000000",
            &t,
        ),
    )
    .await;
    assert_eq!(s, 404, "{err}");
    assert_shape(&err, "error.json");
    insta::assert_json_snapshot!("not_found_error", err);
}

#[actix_web::test]
async fn durations_and_ticks_follow_dotnet_conventions() {
    assert_eq!(absorb_v2::wire::time_span(0), "00:00:00");
    assert_eq!(absorb_v2::wire::time_span(3_723_000), "01:02:03");
    assert_eq!(absorb_v2::wire::time_span(90_061_500), "1.01:01:01.5000000");
    assert_eq!(absorb_v2::wire::ticks(1500), 15_000_000);
}
