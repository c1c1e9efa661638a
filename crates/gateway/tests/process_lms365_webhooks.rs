//! LMS365 webhooks on the real binary: subscriptions to `CourseEnrollment` and
//! `CourseCompleted` hear changes made in LMS365 and in another dialect (the admin API), with
//! the connector definition's payload; a receiver that is down gets the deliveries once it is
//! up — retried, and kept across a gateway restart. On both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use common::{TENANT, admin, free_port, start};
use enroll_store::testing::TestDb;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "demo-lms365-api-key";

/// Answers 200 to every request on `port`, keeping the JSON bodies.
fn receiver(port: u16) -> Arc<Mutex<Vec<Value>>> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let keep = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            if let Ok(v) = serde_json::from_slice(&body) {
                keep.lock().unwrap().push(v);
            }
            let mut s = stream;
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    got
}

fn call(method: reqwest::Method, url: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = reqwest::blocking::Client::new()
        .request(method, url)
        .basic_auth("api", Some(KEY));
    if let Some(b) = body {
        r = r.json(&b);
    }
    let resp = r.send().unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
}

#[test]
fn webhooks_are_delivered_from_every_dialect_and_survive_a_restart() {
    for db in TestDb::all().unwrap() {
        let hook_port = free_port();
        let hook = format!("http://127.0.0.1:{hook_port}/hook");
        let port = free_port();
        let (gw, _) = start(&db.url, port);
        let hooks = format!("{}/lms365/webhooks", gw.base);
        let odata = format!("{}/lms365/odata/v2", gw.base);
        let mut ids = Vec::new();
        for event in ["CourseEnrollment", "CourseCompleted"] {
            let (s, b) = call(
                reqwest::Method::POST,
                &format!("{hooks}/subscribe/{event}"),
                Some(json!({"WebHookUri": hook})),
            );
            assert_eq!(s, 201, "{b}");
            ids.push(b["Id"].as_str().unwrap().to_string());
        }
        let (s, b) = call(
            reqwest::Method::POST,
            &format!("{hooks}/subscribe/Nope"),
            Some(json!({"WebHookUri": hook})),
        );
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (404, Some("NotFound")),
            "{b}"
        );
        let (_, list) = call(reqwest::Method::GET, &hooks, None);
        assert_eq!(list["value"].as_array().unwrap().len(), 2, "{list}");
        // A change in LMS365, and one in another dialect (the admin API, Bob in course 102).
        let (s, e) = call(
            reqwest::Method::POST,
            &format!("{odata}/Courses(101)/Enroll"),
            Some(json!({"userLoginName": "i:0#.f|membership|alice@demo.example"})),
        );
        assert_eq!(s, 201, "{e}");
        let enrollment = e["Id"].as_str().unwrap().to_string();
        let (s, _) = call(
            reqwest::Method::POST,
            &format!("{odata}/Enrollments({enrollment})/Complete"),
            None,
        );
        assert_eq!(s, 204);
        let (s, b) = admin(
            reqwest::Method::POST,
            format!("{}/admin/v1/tenants/{TENANT}/enrollments", gw.base),
            Some(json!({"learnerId": "a0000000-0000-4000-8000-000000000003",
                        "courseId": "c0000000-0000-4000-8000-000000000002"})),
        );
        assert_eq!(s, 201, "{b}");
        // The receiver is down: the deliveries fail and wait for their retry.
        std::thread::sleep(Duration::from_millis(1500));
        drop(gw);
        let got = receiver(hook_port);
        let (gw, _) = start(&db.url, port);
        let deadline = Instant::now() + Duration::from_secs(60);
        while got.lock().unwrap().len() < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(200));
        }
        let got = got.lock().unwrap().clone();
        assert_eq!(got.len(), 3, "{got:?}");
        let actions: Vec<(&str, &str)> = got
            .iter()
            .map(|p| {
                let n = &p["Notifications"][0];
                (
                    n["Action"].as_str().unwrap(),
                    n["Users"][0]["Email"].as_str().unwrap(),
                )
            })
            .collect();
        for want in [
            ("CourseEnrollment", "alice@demo.example"),
            ("CourseCompleted", "alice@demo.example"),
            ("CourseEnrollment", "bob@demo.example"),
        ] {
            assert!(actions.contains(&want), "{want:?} in {actions:?}");
        }
        let alice = got
            .iter()
            .find(|p| p["Notifications"][0]["Action"] == "CourseCompleted")
            .unwrap();
        let n = &alice["Notifications"][0];
        assert_eq!(n["Users"][0]["EnrollmentId"], enrollment.as_str());
        assert_eq!(n["Course"]["Id"], 101);
        assert_eq!(n["EnrollmentStatusText"], "Enrolled");
        assert!(alice["Id"].is_string() && alice["Attempt"] == 1, "{alice}");
        // Unsubscribed: listed no more.
        for id in &ids {
            let (s, _) = call(
                reqwest::Method::DELETE,
                &format!("{}/lms365/webhooks/{id}", gw.base),
                None,
            );
            assert_eq!(s, 204);
        }
        let (_, list) = call(
            reqwest::Method::GET,
            &format!("{}/lms365/webhooks", gw.base),
            None,
        );
        assert_eq!(list["value"], json!([]));
    }
}
