//! A public SCORM Cloud invitation never hands a visitor someone else's enrollment: with the
//! demo seed, alice is enrolled through Absorb (40 %); a visitor who types her address on the
//! invitation's sign-up page is told to check the mail, and only the link mailed to her address
//! opens her registration. A new address still signs up at once. The real binary, on SQLite
//! and (with `ENROLL_TEST_DATABASE_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use common::{ALICE, COURSE, TENANT, admin, start};
use enroll_store::testing::TestDb;
use reqwest::blocking::Client;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

const KEY: &str = common::ABSORB_KEY;

fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// Enrolls alice in Compliance Basics through Absorb and records 40 % through the admin API.
fn enroll_alice(base: &str) {
    let c = client();
    let token: String = c
        .post(format!("{base}/absorb/authenticate"))
        .header("x-api-key", KEY)
        .json(&json!({"username": "admin@demo.example", "password": "Demo-Admin-1", "privateKey": KEY}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let r = c
        .post(format!("{base}/absorb/users/{ALICE}/enrollments/{COURSE}"))
        .header("x-api-key", KEY)
        .header("x-api-version", "2")
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().unwrap()["enrollmentId"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, e) = admin(
        reqwest::Method::POST,
        format!("{base}/admin/v1/tenants/{TENANT}/enrollments/{id}/commands"),
        Some(json!({"command": "recordProgress", "progress": 40})),
    );
    assert_eq!(s, 200, "{e}");
}

/// A public invitation to Compliance Basics; its sign-up page's URL and its id.
fn public_invitation(base: &str) -> (String, String) {
    let r = client()
        .post(format!("{base}/scormcloud/api/v2/invitations/public"))
        .basic_auth("DEMOAPP", Some("demo-scorm-secret-key"))
        .json(&json!({"courseId": "compliance-basics", "creatingUserEmail": "admin@demo.example"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let inv: Value = r.json().unwrap();
    (
        inv["url"].as_str().unwrap().to_string(),
        inv["id"].as_str().unwrap().to_string(),
    )
}

/// Posts the sign-up form; (status, Location, page).
fn sign_up(url: &str, email: &str) -> (u16, Option<String>, String) {
    let r = client()
        .post(url)
        .form(&[
            ("firstName", "Mallory"),
            ("lastName", "Visitor"),
            ("email", email),
        ])
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, location, r.text().unwrap())
}

fn page(url: &str) -> (u16, String) {
    let r = client().get(url).send().unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// The mails in alice's mailbox (the outbox).
fn mails_to(base: &str, to: &str) -> Vec<Value> {
    let (s, m) = admin(
        reqwest::Method::GET,
        format!("{base}/admin/v1/tenants/{TENANT}/mail?to={to}"),
        None,
    );
    assert_eq!(s, 200, "{m}");
    m["messages"].as_array().cloned().unwrap_or_default()
}

/// The first link to the facade in a mail's body.
fn link_in(mail: &Value) -> String {
    let body = mail["body"].as_str().unwrap();
    let start = body.find("http").expect("a link in the mail");
    body[start..].split_whitespace().next().unwrap().to_string()
}

fn user_invitations(base: &str, id: &str) -> Vec<Value> {
    let v: Value = client()
        .get(format!(
            "{base}/scormcloud/api/v2/invitations/public/{id}/userInvitations"
        ))
        .basic_auth("DEMOAPP", Some("demo-scorm-secret-key"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    v["userInvitations"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_visitor_typing_a_known_address_gets_a_mailed_link_not_the_enrollment() {
    for db in TestDb::all().unwrap() {
        let (gw, _) = start(&db.url, common::free_port());
        let base = gw.base.clone();
        enroll_alice(&base);
        let (url, id) = public_invitation(&base);
        let (s, form) = page(&url);
        assert_eq!(s, 200, "{form}");

        // The visitor types alice's address: no redirect to a course page, no trace of her.
        let (s, location, answer) = sign_up(&url, "alice@demo.example");
        assert_eq!((s, location.as_deref()), (200, None), "{answer}");
        assert!(answer.contains("Check your mail"), "{answer}");
        assert!(answer.contains("alice@demo.example"), "{answer}");
        for secret in [
            "Alice",
            "Anders",
            "40%",
            "INCOMPLETE",
            "session/",
            "invite/",
        ] {
            assert!(
                !answer.contains(secret),
                "the page shows '{secret}': {answer}"
            );
        }
        assert!(user_invitations(&base, &id).is_empty(), "not joined yet");

        // The link went to alice's mailbox; following it proves the address and opens her
        // registration (the one she has, at 40 %).
        let mails = mails_to(&base, "alice@demo.example");
        assert_eq!(mails.len(), 1, "{mails:?}");
        let link = link_in(&mails[0]);
        let (s, hers) = page(&link);
        assert_eq!(s, 200, "{hers}");
        assert!(hers.contains("Welcome, Alice Anders."), "{hers}");
        assert!(hers.contains("<dd id=\"progress\">40%</dd>"), "{hers}");
        let users = user_invitations(&base, &id);
        assert_eq!(users.len(), 1);
        assert_eq!(users[0]["email"], "alice@demo.example");
        assert_eq!(users[0]["url"].as_str().unwrap(), link);

        // Once she has joined, a visitor typing her address still gets only a mail.
        let (s, location, again) = sign_up(&url, "alice@demo.example");
        assert_eq!((s, location.as_deref()), (200, None), "{again}");
        assert!(!again.contains("Alice"), "{again}");

        // A new address signs up at once, as SCORM Cloud does; the next sign-up with that
        // address is a known address too.
        let (s, location, _) = sign_up(&url, "new.visitor@example.com");
        assert_eq!(s, 303);
        let (s, own) = page(&location.unwrap());
        assert_eq!(s, 200);
        assert!(own.contains("Welcome, Mallory Visitor."), "{own}");
        let (s, location, again) = sign_up(&url, "new.visitor@example.com");
        assert_eq!((s, location.as_deref()), (200, None), "{again}");
        assert!(again.contains("Check your mail"), "{again}");
        assert_eq!(mails_to(&base, "new.visitor@example.com").len(), 1);
    }
}
