//! Contract tests: the samples in `fixtures/trainercentral/` (the vendor's invite body and one
//! call per operation) replayed in order against a seeded ledger with a frozen clock; every
//! answer frozen with insta (tokens and generated ids redacted), and the fields the research
//! notes list for the invite's answer, the member list and the user details present, as
//! strings.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use enroll_domain::clock::FixedClock;
use serde_json::Value;
use std::sync::Arc;
use time::macros::datetime;

const ORDER: &[&str] = &[
    "token-invalid",
    // Before the invites: with the clock frozen, new learners tie with the seed's on their
    // creation time and would come in id (random) order.
    "portal-members",
    "invite-course",
    "invite-academy",
    "invite-duplicate",
    "course-members",
    "course-engagement",
    "update-revoke",
    "update-grant",
    "fetch-user-details",
    "courses",
    "course",
    "portals",
    "error-missing-attendee",
    "error-no-token",
];

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../fixtures/trainercentral/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Tokens (64 hex digits) and numbers derived from generated ids (17 digits) redacted.
fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let all_hex = run.len() == 64 && run.chars().all(|c| c.is_ascii_hexdigit());
        let number = run.len() == 17 && run.chars().all(|c| c.is_ascii_digit());
        out.push_str(if all_hex {
            "[token]"
        } else if number {
            "[id]"
        } else {
            run
        });
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn frozen() -> Vec<(enroll_store::testing::TestDb, enroll_store::Store)> {
    enroll_store::testing::TestDb::all()
        .unwrap()
        .into_iter()
        .map(|db| {
            let store = db
                .store(Arc::new(FixedClock(datetime!(2026-01-15 10:00 UTC))))
                .unwrap();
            store.load_seed(&seed()).unwrap();
            (db, store)
        })
        .collect()
}

/// Every field `fields[kind]` lists is in `v`, as a string.
fn has_fields(v: &Value, kind: &str) {
    let fields: Value = serde_json::from_str(&fixture("vendor-fields.json")).unwrap();
    for f in fields[kind].as_array().unwrap() {
        let f = f.as_str().unwrap();
        assert!(
            v[f].is_string(),
            "{kind}.{f} missing or not a string in {v}"
        );
    }
}

#[actix_rt::test]
async fn samples_replay() {
    for (_db, store) in frozen() {
        let app = app(&store).await;
        let t = token(&app).await;
        let mut member = String::new();
        for name in ORDER {
            let spec: Value = serde_json::from_str(
                &fixture(&format!("api/{name}.json")).replace("{{MEMBER}}", &member),
            )
            .unwrap();
            let path = format!("/trainercentral{}", spec["path"].as_str().unwrap());
            let mut req = match spec["method"].as_str().unwrap() {
                "GET" => TestRequest::get(),
                "PUT" => TestRequest::put(),
                _ => TestRequest::post(),
            }
            .uri(&path);
            if spec["auth"] != Value::Bool(false) {
                req = req.insert_header(("Authorization", format!("Zoho-oauthtoken {t}")));
            }
            if let Some(form) = spec["form"].as_object() {
                let pairs: Vec<(String, String)> = form
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect();
                req = req.set_form(pairs);
            } else if let Some(file) = spec["body"].as_str() {
                req = req
                    .insert_header(("Content-Type", "application/json"))
                    .set_payload(fixture(file));
            } else if !spec["body"].is_null() {
                req = req.set_json(spec["body"].clone());
            }
            let (s, b) = json(&app, req).await;
            match *name {
                "invite-course" => {
                    assert_eq!(s, 200, "{b}");
                    has_fields(&b["courseMember"][0], "courseMember");
                    has_fields(&b["portalMember"], "portalMember");
                    member = b["courseMember"][0]["id"].as_str().unwrap().to_string();
                }
                "course-members" => has_fields(&b["courseMembers"][0], "courseMembers"),
                "fetch-user-details" => has_fields(&b, "userDetails"),
                _ => {}
            }
            let body = serde_json::to_string_pretty(&b).unwrap();
            insta::assert_snapshot!(format!("api_{name}"), redact(&format!("{s}\n{body}")));
        }
    }
}
