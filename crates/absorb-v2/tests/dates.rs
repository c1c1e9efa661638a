//! Dates the ledger cannot hold (UTC year outside 1–9999) are a 400 in Absorb's shape on every
//! date field, and nothing is written: before, `dateExpires: "0000-01-01T00:00:00+23:59"` was
//! stored (201) and read back `null`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use serde_json::{Value, json};

const OUT_OF_RANGE: [&str; 3] = [
    "0000-01-01T00:00:00+23:59",
    "0000-06-01T00:00:00Z",
    "9999-12-31T23:59:59-00:01",
];

fn assert_bad_date(status: u16, e: &Value, field: &str) {
    assert_eq!(status, 400, "{field}: {e}");
    assert_shape(e, "error.json");
    assert_eq!(
        (e["code"].as_i64(), e["term"].as_str()),
        (Some(400), Some("BadRequest"))
    );
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains(field) && msg.contains("0001-01-01"),
        "{field}: {msg}"
    );
}

#[actix_web::test]
async fn create_or_update_refuses_unstorable_completion_and_expiry_dates_and_writes_nothing() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let uri = format!("/absorb/users/{ALICE}/enrollments");
        for field in ["dateCompleted", "dateExpires"] {
            for bad in OUT_OF_RANGE {
                let body = json!({"courseId": PRIVACY, "status": 3, field: bad});
                let (s, e) = send(&app, post(&uri, &t).set_json(&body)).await;
                assert_bad_date(s, &e, field);
            }
        }
        let (s, _) = send(&app, get(&format!("{uri}/{PRIVACY}"), &t)).await;
        assert_eq!(s, 404, "no enrollment was created by the refused requests");
        // The range's edges are stored and read back as sent.
        let body = json!({"courseId": PRIVACY, "dateExpires": "9999-12-31T23:59:59Z", "dateCompleted": "0001-01-01T00:00:00Z"});
        let (s, c) = send(&app, post(&uri, &t).set_json(&body)).await;
        assert_eq!(s, 201, "{c}");
        let (s, e) = send(&app, get(&format!("{uri}/{PRIVACY}"), &t)).await;
        assert_eq!(s, 200);
        assert_eq!(e["dateExpires"], "9999-12-31T23:59:59Z");
        assert_eq!(e["dateCompleted"], "0001-01-01T00:00:00Z");
    }
}

#[actix_web::test]
async fn modified_since_out_of_range_is_400_on_every_operation_that_takes_it() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let uri = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}");
        expect(&app, post(&uri, &t), 201).await;
        let uri = format!("/absorb/users/{ALICE}/enrollments/{LEADERSHIP}/sessions/{BERLIN}");
        expect(&app, post(&uri, &t), 201).await;
        // The caller's own enrollment, for /my-enrollments/{courseId}.
        let uri = format!("/absorb/my-enrollments/{COMPLIANCE}");
        expect(&app, post(&uri, &t), 201).await;
        let mut checked = 0;
        for op in absorb_v2::handlers::openapi::OPS {
            if !op.query.contains(&"ModifiedSince") {
                continue;
            }
            let session = op.path.contains("{sessionId}");
            let path = op
                .path
                .replace("{userId}", ALICE)
                .replace("{courseId}", if session { LEADERSHIP } else { COMPLIANCE })
                .replace("{sessionId}", BERLIN)
                .replace("{chapterId}", CHAPTER1)
                .replace("{lessonId}", LESSON1);
            for bad in OUT_OF_RANGE {
                let q = format!("/absorb{path}?modifiedSince={}", bad.replace('+', "%2B"));
                let (s, e) = send(&app, get(&q, &t)).await;
                assert_bad_date(s, &e, "modifiedSince");
            }
            // The same operation with a storable date still answers.
            let ok = format!("/absorb{path}?modifiedSince=0001-01-01T00:00:00Z");
            assert_eq!(send(&app, get(&ok, &t)).await.0, 200, "{ok}");
            checked += 1;
        }
        assert!(checked >= 10, "{checked} operations take modifiedSince");
    }
}

#[actix_web::test]
async fn attempt_start_and_completion_dates_out_of_range_are_400_and_leave_the_attempt_open() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let base = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}");
        assert_eq!(send(&app, post(&base, &t)).await.0, 201);
        let (s, a) = send(
            &app,
            post(&format!("{base}/lessons/{LESSON1}/attempts"), &t),
        )
        .await;
        assert_eq!(s, 200, "{a}");
        let id = a["attemptId"].as_str().unwrap();
        let routes = [
            post(&format!("/absorb/attempts/{id}/finish"), &t),
            put(&format!("/absorb/attempts/{id}"), &t),
            post(
                &format!("{base}/lessons/{LESSON1}/attempts/{id}/finish"),
                &t,
            ),
            put(&format!("{base}/lessons/{LESSON1}/attempts/{id}"), &t),
        ];
        for (i, req) in routes.into_iter().enumerate() {
            let field = if i % 2 == 0 {
                "startDate"
            } else {
                "completionDate"
            };
            let bad = OUT_OF_RANGE[i % OUT_OF_RANGE.len()];
            let (s, e) = send(&app, req.set_json(json!({"status": 3, field: bad}))).await;
            assert_bad_date(s, &e, field);
        }
        let (_, attempts) =
            send(&app, get(&format!("{base}/lessons/{LESSON1}/attempts"), &t)).await;
        assert_eq!(
            attempts[0]["status"], 1,
            "the attempt is still in progress: {attempts}"
        );
    }
}
