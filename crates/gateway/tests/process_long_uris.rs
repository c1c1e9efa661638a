//! Long request URIs against the real binary. actix-http parses the request target into an
//! `http::Uri`, which holds at most 65,534 bytes: longer targets get an empty 400 from the
//! HTTP decoder and the connection is closed, before any of our code runs (README, "Limits").
//! A bulk list split to fit is answered in full.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;

use common::{ABSORB_KEY, ALICE, COURSE, TENANT, admin, free_port, start};
use enroll_store::testing::TestDb;
use serde_json::{Value, json};
use std::io::{Read, Write};
use uuid::Uuid;

fn ids(first: &str, n: usize) -> String {
    let mut v = vec![first.to_string()];
    v.extend((1..n).map(|_| Uuid::new_v4().to_string()));
    v.join(",")
}

#[test]
fn a_bulk_list_up_to_65534_bytes_is_answered_and_a_longer_uri_is_an_empty_400() {
    let db = TestDb::sqlite().unwrap();
    let (gw, _) = start(&db.url, free_port());
    let (s, e) = admin(
        reqwest::Method::POST,
        format!("{}/admin/v1/tenants/{TENANT}/enrollments", gw.base),
        Some(json!({"learnerId": ALICE, "courseId": COURSE})),
    );
    assert_eq!(s, 201, "{e}");
    let client = reqwest::blocking::Client::new();
    let token: String = client
        .post(format!("{}/absorb/authenticate", gw.base))
        .header("x-api-key", ABSORB_KEY)
        .json(
            &json!({"username": "admin@demo.example", "password": "Demo-Admin-1",
                      "privateKey": ABSORB_KEY}),
        )
        .send()
        .unwrap()
        .json()
        .unwrap();
    // 700 user ids × 1,000 course ids: the largest split of Absorb's documented maximum
    // (1,000 × 1,000) that fits.
    let path = format!(
        "/absorb/enrollments?userIds={}&courseIds={}",
        ids(ALICE, 700),
        ids(COURSE, 1000)
    );
    assert!(
        path.len() > 60_000 && path.len() <= 65_534,
        "{}",
        path.len()
    );
    let resp = client
        .get(format!("{}{path}", gw.base))
        .header("x-api-key", ABSORB_KEY)
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let list: Vec<Value> = resp.json().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["userId"], ALICE);
    // The whole documented maximum does not fit in a URI actix can hold.
    let path = format!(
        "/absorb/enrollments?userIds={}&courseIds={}",
        ids(ALICE, 1000),
        ids(COURSE, 1000)
    );
    let mut s = std::net::TcpStream::connect(("127.0.0.1", gw.port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nx-api-key: {ABSORB_KEY}\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("content-length: 0"), "{answer}");
    // …and the gateway goes on serving.
    assert_eq!(common::absorb_authenticate(&gw), 200);
}
