//! Two gateways on one PostgreSQL database (scale-out): started at the same moment on an empty
//! database, then driven concurrently through both. Every invariant must hold across the two
//! processes: one active enrollment per pair, one seat of a course of capacity 1, re-enrolls
//! that all succeed, clock advances that all count, a revoked token refused by both (the
//! other process within moments), an invitation job run once, and one post-back per change.
//! Runs only when `ENROLL_TEST_DATABASE_URL` names a PostgreSQL server.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use common::{ABSORB_KEY, Gateway, TENANT, admin, command, free_port, start_with};
use enroll_deliveries::testing::Receiver;
use enroll_store::testing::TestDb;
use reqwest::Method;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const BOB: &str = "a0000000-0000-4000-8000-000000000003";
const PRIVACY: &str = "c0000000-0000-4000-8000-000000000002";

fn both(url: &str) -> [Gateway; 2] {
    let ports = [free_port(), free_port()];
    std::thread::scope(|s| {
        let started = ports.map(|port| {
            s.spawn(move || {
                let mut cmd = command(url, port);
                cmd.args(["--workers", "2"]);
                start_with(cmd, port).0
            })
        });
        started.map(|h| h.join().expect("both gateways start"))
    })
}

fn token(gw: &Gateway) -> String {
    Client::new()
        .post(format!("{}/absorb/authenticate", gw.base))
        .header("x-api-key", ABSORB_KEY)
        .json(&json!({"username": "admin@demo.example", "password": "Demo-Admin-1", "privateKey": ABSORB_KEY}))
        .send()
        .unwrap()
        .json()
        .unwrap()
}

fn absorb(gw: &Gateway, tok: &str, method: Method, path: &str) -> (u16, Value) {
    let resp = Client::new()
        .request(method, format!("{}/absorb{path}", gw.base))
        .header("x-api-key", ABSORB_KEY)
        .bearer_auth(tok)
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
}

/// Runs `n` calls of `f(i, gateway)` at once, alternating the gateways; their results.
fn at_once<T: Send>(
    gws: &[Gateway; 2],
    n: usize,
    f: impl Fn(usize, &Gateway) -> T + Sync,
) -> Vec<T> {
    let barrier = std::sync::Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    f(i, &gws[i % 2])
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn wait_for(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn two_gateways_on_one_postgresql_keep_every_invariant() {
    // Without a server, TestDb says on the terminal that this test was skipped.
    let Some(db) = TestDb::postgres().unwrap() else {
        return;
    };
    // Started together on an empty database: both migrate-or-wait and seed-or-skip.
    let gws = both(&db.url);
    let tok = token(&gws[0]);

    // One active enrollment per pair, whichever process takes each request.
    let path = format!("/users/{BOB}/enrollments/{PRIVACY}");
    let answers = at_once(&gws, 24, |_, gw| absorb(gw, &tok, Method::POST, &path));
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .filter(|(s, _)| *s != 201)
            .all(|(s, b)| *s == 422 && b["message"].as_str().unwrap().contains("already enrolled")),
        "{answers:?}"
    );

    // Concurrent re-enrolls all succeed (each one re-enrolls), leaving one active enrollment.
    let again = format!("{path}?reEnroll=true");
    let answers = at_once(&gws, 24, |_, gw| absorb(gw, &tok, Method::POST, &again));
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    let (_, list) = absorb(
        &gws[1],
        &tok,
        Method::GET,
        &format!("/users/{BOB}/enrollments?_limit=100"),
    );
    let active: Vec<&Value> = list["enrollments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["courseId"] == PRIVACY && e["isActive"] == true)
        .collect();
    assert_eq!(active.len(), 1, "{list}");
    assert_eq!(list["totalItems"], 25, "the first and 24 re-enrollments");

    // A course of capacity 1: one seat, the others wait, whatever the process.
    let base = format!("{}/admin/v1/tenants/{TENANT}", gws[0].base);
    let (s, course) = admin(
        Method::POST,
        format!("{base}/courses"),
        Some(json!({"kind": "online_course", "title": "Small class", "capacity": 1})),
    );
    assert_eq!(s, 201, "{course}");
    let course = course["id"].as_str().unwrap().to_string();
    let learners: Vec<String> = (0..8)
        .map(|i| {
            let (s, l) = admin(
                Method::POST,
                format!("{base}/learners"),
                Some(json!({"email": format!("seat{i}@two.example")})),
            );
            assert_eq!(s, 201, "{l}");
            l["id"].as_str().unwrap().to_string()
        })
        .collect();
    let answers = at_once(&gws, 8, |i, gw| {
        absorb(
            gw,
            &tok,
            Method::POST,
            &format!("/users/{}/enrollments/{course}", learners[i]),
        )
    });
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    let (_, roster) = absorb(
        &gws[0],
        &tok,
        Method::GET,
        &format!("/courses/{course}/enrollments"),
    );
    let statuses: Vec<i64> = roster["enrollments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_i64().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 0).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 8).count(),
        7,
        "the rest on the waiting list"
    );

    // Clock advances on both processes at once all count.
    let offsets = at_once(&gws, 10, |_, gw| {
        admin(
            Method::POST,
            format!("{}/admin/v1/clock/advance", gw.base),
            Some(json!({"hours": 1})),
        )
    });
    let mut seen: Vec<i64> = offsets
        .iter()
        .map(|(s, b)| {
            assert_eq!(*s, 200, "{b}");
            b["offsetMs"].as_i64().unwrap()
        })
        .collect();
    seen.sort_unstable();
    let hour = 3_600_000;
    assert_eq!(seen, (1..=10).map(|h| h * hour).collect::<Vec<_>>());
    // Each process answered its own advances; it takes up the other's within its refresh
    // (5 s). Until then their clocks differ by hours, more than a token lives: wait.
    let agreed = (0..100).any(|_| {
        let all_ten = gws.iter().all(|gw| {
            let (s, b) = admin(Method::GET, format!("{}/admin/v1/clock", gw.base), None);
            s == 200 && b["offsetMs"].as_i64() == Some(10 * hour)
        });
        if !all_ten {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        all_ten
    });
    assert!(
        agreed,
        "both processes take up the shared clock within 10 s"
    );

    // A token revoked through one process is refused by it at once, and by the other (which
    // cached it) as soon as that one's listener hears the deleted token's NOTIFY: it polls
    // every 25 ms.
    let first = token(&gws[0]);
    let probe = |gw: &Gateway, t: &str| absorb(gw, t, Method::GET, &format!("/users/{BOB}")).0;
    assert_eq!((probe(&gws[0], &first), probe(&gws[1], &first)), (200, 200));
    let second = token(&gws[1]);
    let revoked = Instant::now();
    assert_eq!(probe(&gws[1], &first), 401, "the revoking process, at once");
    while probe(&gws[0], &first) != 401 {
        assert!(
            revoked.elapsed() < Duration::from_secs(2),
            "the other process still accepts a token revoked 2 s ago"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(probe(&gws[0], &first), 401, "and keeps refusing it");
    assert_eq!(
        (probe(&gws[0], &second), probe(&gws[1], &second)),
        (200, 200)
    );

    // A private invitation's job runs once, whichever runner claims its batches.
    let scorm = |gw: &Gateway, method: Method, path: &str, body: Option<Value>| {
        let mut r = Client::new()
            .request(method, format!("{}/scormcloud/api/v2{path}", gw.base))
            .basic_auth("DEMOAPP", Some("demo-scorm-secret-key"));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().unwrap();
        (
            resp.status().as_u16(),
            resp.json::<Value>().unwrap_or(Value::Null),
        )
    };
    let addresses: Vec<String> = (0..150).map(|i| format!("inv{i}@two.example")).collect();
    let (s, inv) = scorm(
        &gws[0],
        Method::POST,
        "/invitations/private",
        Some(json!({
            "courseId": "compliance-basics", "creatingUserEmail": "admin@demo.example",
            "invitationEmail": {"subject": "Hi", "addresses": addresses},
        })),
    );
    assert_eq!(s, 200, "{inv}");
    let job = format!(
        "/invitations/private/{}/jobStatus",
        inv["id"].as_str().unwrap()
    );
    wait_for("the job", 30, || {
        scorm(&gws[1], Method::GET, &job, None).1["status"] == "COMPLETE"
    });
    let (_, st) = scorm(&gws[0], Method::GET, &job, None);
    assert_eq!(
        (st["processed"].as_i64(), st["total"].as_i64()),
        (Some(150), Some(150)),
        "{st}"
    );
    let (_, mail) = admin(Method::GET, format!("{base}/mail?limit=1000"), None);
    let invited = mail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"].as_str().unwrap().ends_with("@two.example"))
        .count();
    assert_eq!(invited, 150, "one mail per address");

    // One post-back per change, both processes collecting, while the clock moves.
    let rx = Receiver::start().unwrap();
    for i in 0..12 {
        let (s, b) = scorm(
            &gws[i % 2],
            Method::POST,
            "/registrations",
            Some(json!({
                "registrationId": format!("pb-{i}"), "courseId": "data-privacy-101",
                "learner": {"id": format!("pb-learner-{i}")},
                "postBack": {"url": format!("{}/pb-{i}", rx.url)},
            })),
        );
        assert_eq!(s, 204, "{b}");
    }
    at_once(&gws, 12, |i, gw| {
        let (_, x) = admin(
            Method::GET,
            format!(
                "{}/admin/v1/tenants/{TENANT}/series/scormcloud/pb-{i}",
                gw.base
            ),
            None,
        );
        let e = x["enrollmentId"].as_str().unwrap();
        let (s, b) = admin(
            Method::POST,
            format!(
                "{}/admin/v1/tenants/{TENANT}/enrollments/{e}/commands",
                gw.base
            ),
            Some(json!({"command": "complete", "score": 90})),
        );
        assert_eq!(s, 200, "{b}");
        admin(
            Method::POST,
            format!("{}/admin/v1/clock/advance", gw.base),
            Some(json!({"minutes": 5})),
        );
    });
    wait_for("the post-backs", 30, || rx.count() >= 12);
    std::thread::sleep(Duration::from_secs(2));
    let mut paths: Vec<String> = rx
        .received
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.0.clone())
        .collect();
    paths.sort();
    let mut expected: Vec<String> = (0..12).map(|i| format!("/pb-{i}")).collect();
    expected.sort();
    assert_eq!(
        paths, expected,
        "exactly one post-back per completed registration"
    );
}
