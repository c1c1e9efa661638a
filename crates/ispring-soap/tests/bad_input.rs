//! Bad input never gets past the door: entity tricks (XXE, billion laughs), 10,000-deep
//! nesting, oversized bodies, wrong element types, non-UUID ids and unknown operations are
//! answered with a client Fault or a 4xx `{code, message}` in bounded time, and nothing is
//! written.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::json;
use std::time::{Duration, Instant};

/// An enroll call with `inner` after the credentials.
fn enroll(t: &str, inner: &str) -> String {
    envelope(
        "EnrollLearnersInCourses",
        &format!("{}{inner}", token_credentials(t)),
    )
}

fn valid(t: &str) -> String {
    enroll(
        t,
        &format!(
            "<courseIds><id>{COMPLIANCE}</id></courseIds><learnerIds><id>{ALICE}</id></learnerIds><dueDateType>unlimited</dueDateType>"
        ),
    )
}

#[actix_rt::test]
async fn hostile_or_malformed_envelopes_are_client_faults_in_bounded_time() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let ok = valid(&t);
        let xxe = ok
            .replacen(
                "<SOAP-ENV:Envelope",
                "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><SOAP-ENV:Envelope",
                1,
            )
            .replace(ALICE, "&xxe;");
        let lol = ok.replacen(
            "<SOAP-ENV:Envelope",
            "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]><SOAP-ENV:Envelope",
            1,
        )
        .replace(ALICE, "&lol2;");
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        let deep = ok.replace("<dueDateType>", &format!("{deep}<dueDateType>"));
        let big = ok.replace(
            "<dueDateType>",
            &format!("<pad>{}</pad><dueDateType>", "x".repeat(2 * 1024 * 1024)),
        );
        let cases: Vec<(&str, String, &str)> = vec![
            ("a DTD with an external entity", xxe, "document type"),
            ("billion laughs", lol, "document type"),
            (
                "an undeclared entity",
                ok.replace(ALICE, "&xxe;"),
                "not defined",
            ),
            ("10,000-deep nesting", deep, "nest"),
            ("a body over the limit", big, "larger than"),
            (
                "the wrong element type",
                ok.replace(&format!("<id>{ALICE}</id>"), "<id><x>1</x></id>"),
                "learnerIds",
            ),
            ("a non-UUID id", ok.replace(ALICE, "alice"), "learnerIds"),
            (
                "an unknown dueDateType",
                ok.replace(">unlimited<", ">forever<"),
                "dueDateType",
            ),
            (
                "a non-boolean",
                ok.replace(
                    "<dueDateType>",
                    "<lockAfterDueDate>maybe</lockAfterDueDate><dueDateType>",
                ),
                "lockAfterDueDate",
            ),
            (
                "a non-number period",
                ok.replace(">unlimited<", ">due_period<")
                    .replace("<dueDateType>", "<duePeriod>ten</duePeriod><dueDateType>"),
                "duePeriod",
            ),
            (
                "a missing period",
                ok.replace(">unlimited<", ">due_period<"),
                "duePeriod",
            ),
            (
                "a bad date",
                ok.replace(
                    "<dueDateType>",
                    "<accessDate>24/09/2019</accessDate><dueDateType>",
                ),
                "accessDate",
            ),
            (
                "no learners",
                ok.replace(&format!("<id>{ALICE}</id>"), ""),
                "learnerIds",
            ),
            (
                "an unknown operation",
                envelope("DropDatabase", &token_credentials(&t)),
                "unknown operation",
            ),
            ("not an envelope", "<hello/>".into(), "SOAP envelope"),
            (
                "an envelope without a body",
                format!("<e:Envelope xmlns:e=\"{SOAP11}\"/>"),
                "SOAP envelope",
            ),
            ("an empty body", String::new(), "empty"),
            ("text that is not XML", "hello".into(), "SOAP envelope"),
            (
                "content after the root",
                format!("{ok}<again/>"),
                "not well-formed",
            ),
        ];
        for (what, body, detail) in cases {
            let started = Instant::now();
            let (s, b) = soap(&app, body).await;
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{what} took {:?}",
                started.elapsed()
            );
            assert_eq!(s, 500, "{what}: {b}");
            assert_eq!(
                xml_text(&b, "faultcode").as_deref(),
                Some("client"),
                "{what}: {b}"
            );
            assert_eq!(
                xml_text(&b, "faultstring").as_deref(),
                Some("Wrong parameters"),
                "{what}: {b}"
            );
            let message = xml_text(&b, "message").unwrap();
            assert!(message.contains(detail), "{what}: {message}");
            assert!(!b.contains("root:"), "{what}: no file contents");
        }
        let invalid_utf8 = TestRequest::post()
            .uri("/ispring/soap")
            .insert_header(("Content-Type", "text/xml"))
            .set_payload(vec![0xff, 0xfe, 0x3c]);
        let (s, _, b) = raw(&app, invalid_utf8).await;
        assert_eq!(
            (s, xml_text(&b, "faultcode").as_deref()),
            (500, Some("client")),
            "{b}"
        );
        assert_eq!(enrollment_count(&store), 0, "nothing written");
    }
}

#[actix_rt::test]
async fn malformed_rest_requests_are_4xx_in_ispring_shape() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let body = |payload: &str, ctype: &str| {
            TestRequest::post()
                .uri("/ispring/enrollment")
                .insert_header(("Authorization", format!("Bearer {t}")))
                .insert_header(("Content-Type", ctype.to_string()))
                .set_payload(payload.to_string())
        };
        let enroll = |v: serde_json::Value| post_json("/ispring/enrollment", &t, v);
        let cases = vec![
            (
                "invalid JSON",
                body("{\"courseIds\": [", "application/json"),
                400,
            ),
            ("a JSON array", body("[1, 2]", "application/json"), 400),
            ("an empty body", body("", "application/json"), 400),
            (
                "XML with a DTD",
                body(
                    "<!DOCTYPE r [<!ENTITY e \"x\">]><request/>",
                    "application/xml",
                ),
                400,
            ),
            (
                "ids as a string",
                enroll(
                    json!({"courseIds": COMPLIANCE, "learnerIds": [ALICE], "dueDateType": "unlimited"}),
                ),
                400,
            ),
            (
                "ids as objects",
                enroll(
                    json!({"courseIds": [{"id": COMPLIANCE}], "learnerIds": [ALICE], "dueDateType": "unlimited"}),
                ),
                400,
            ),
            (
                "a non-UUID id",
                enroll(
                    json!({"courseIds": ["c1"], "learnerIds": [ALICE], "dueDateType": "unlimited"}),
                ),
                400,
            ),
            (
                "a missing dueDateType",
                enroll(json!({"courseIds": [COMPLIANCE], "learnerIds": [ALICE]})),
                400,
            ),
            (
                "a number as a flag",
                enroll(
                    json!({"courseIds": [COMPLIANCE], "learnerIds": [ALICE], "dueDateType": "unlimited", "lockAfterDueDate": 7}),
                ),
                400,
            ),
            (
                "a body over the limit",
                body(
                    &format!("{{\"x\": \"{}\"}}", "y".repeat(2 * 1024 * 1024)),
                    "application/json",
                ),
                413,
            ),
            (
                "a JSON null",
                enroll(
                    json!({"courseIds": [COMPLIANCE], "learnerIds": [ALICE], "dueDateType": "unlimited", "duePeriod": null}),
                ),
                400,
            ),
            (
                "an empty typed XML element",
                body(
                    &format!(
                        "<request><courseIds><id>{COMPLIANCE}</id></courseIds><learnerIds><id>{ALICE}</id></learnerIds><dueDateType>unlimited</dueDateType><lockAfterDueDate/></request>"
                    ),
                    "application/xml",
                ),
                400,
            ),
            (
                "an XML body of text",
                body("<request>true</request>", "application/xml"),
                400,
            ),
            ("a non-UUID path id", get("/ispring/enrollment/42", &t), 400),
            (
                "an empty id in a query list",
                get("/ispring/enrollment?enrollmentIds[]=", &t),
                400,
            ),
            (
                "an unknown locale",
                get("/ispring/content", &t).insert_header(("X-Target-Locale", "xx-XX")),
                400,
            ),
            (
                "a non-UUID X-User-Ids",
                post_json(
                    "/ispring/users/find_existing",
                    &t,
                    json!({"userIds": [ALICE]}),
                )
                .insert_header(("X-User-Ids", "bob")),
                400,
            ),
            (
                "a page size of 0",
                get("/ispring/enrollments?pageSize=0", &t),
                400,
            ),
            (
                "a page size that is not a number",
                get("/ispring/enrollments?pageSize=ten", &t),
                400,
            ),
            (
                "a foreign page token",
                get("/ispring/enrollments?pageToken=-3", &t),
                400,
            ),
            (
                "a non-UUID filter",
                get("/ispring/enrollment?learnerIds[]=bob", &t),
                400,
            ),
            (
                "an unknown status",
                get("/ispring/learners/results?completionStatuses=done", &t),
                400,
            ),
            (
                "a date range",
                get(
                    "/ispring/learners/results?completionDate[startDate]=2020-01-01",
                    &t,
                ),
                400,
            ),
            (
                "a task id that is not a number",
                get("/ispring/task/abc/status", &t),
                400,
            ),
            (
                "an unknown enrollment",
                get(
                    "/ispring/enrollment/00000000-0000-4000-8000-000000000000",
                    &t,
                ),
                404,
            ),
        ];
        for (what, req, status) in cases {
            let (s, b) = json(&app, req).await;
            assert_eq!(s, status, "{what}: {b}");
            assert_eq!(b["code"].as_i64(), Some(i64::from(status)), "{what}: {b}");
            assert!(
                b["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{what}: {b}"
            );
        }
        assert_eq!(enrollment_count(&store), 0, "nothing written");
    }
}
