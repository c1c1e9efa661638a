//! Shared helpers: seeded stores on each backend, the app, credentials, the job runner.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use enroll_domain::clock::FixedClock;
use enroll_invitations::prelude::*;
use enroll_store::Store;
use enroll_store::seed::Seed;
use enroll_store::testing::TestDb;
use scormcloud_invitations::{Links, render};
use serde_json::Value;
use std::sync::Arc;
use time::macros::datetime;
use uuid::Uuid;

pub mod sdk;

pub const TENANT: Uuid = Uuid::from_u128(0x7d1c7c3e_0000_4000_8000_000000000001);
pub const ALICE: Uuid = Uuid::from_u128(0xa0000000_0000_4000_8000_000000000002);
pub const BASE: &str = "http://test.local/scormcloud/api/v2";

pub fn seed() -> Seed {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/demo-seed.json"
    ))
    .unwrap();
    Seed::from_json(&text).unwrap()
}

/// A fixture from `fixtures/scormcloud/`.
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/scormcloud/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Each backend's fresh, seeded store, with the clock frozen (deterministic dates).
pub fn stores() -> Vec<(TestDb, Store)> {
    TestDb::all()
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

/// `Authorization: Basic DEMOAPP:demo-scorm-secret-key`.
pub fn basic() -> (&'static str, String) {
    use base64::Engine;
    let b = base64::engine::general_purpose::STANDARD.encode("DEMOAPP:demo-scorm-secret-key");
    ("Authorization", format!("Basic {b}"))
}

/// Runs every started invitation job to its end, as the gateway's runner does.
pub fn run_jobs(store: &Store) {
    let links = Links::new(BASE);
    while let Some(id) = store.claim_invitation_job(5_000).unwrap() {
        loop {
            let st = store
                .invitation_job_step(&id, 500, 5_000, &|c| render::invitation_mail(&links, c))
                .unwrap();
            if st.finished() {
                break;
            }
        }
    }
}

/// Replaces generated values (ids, tokens, links) so snapshots are stable.
pub fn redact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                match k.as_str() {
                    "id" | "xapiRegistrationId" | "launchHistoryId" | "access_token"
                        if val.is_string() =>
                    {
                        let s = val.as_str().unwrap_or_default();
                        if Uuid::parse_str(s).is_ok() || s.len() >= 32 {
                            *val = Value::String(format!("[{k}]"));
                        }
                    }
                    "registrationId" if val.is_string() => {
                        if Uuid::parse_str(val.as_str().unwrap_or_default()).is_ok() {
                            *val = Value::String("[registrationId]".into());
                        }
                    }
                    "url" | "launchLink" | "more" if val.is_string() => {
                        let s = val.as_str().unwrap_or_default();
                        let cut = s.rfind('/').map_or(s.len(), |i| i + 1);
                        *val = Value::String(if k == "more" {
                            "[more]".into()
                        } else {
                            format!("{}[token]", &s[..cut])
                        });
                    }
                    _ => redact(val),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

/// The facade mounted like the gateway mounts it (merged slashes included).
#[macro_export]
macro_rules! app {
    ($store:expr) => {
        actix_web::test::init_service(
            actix_web::App::new()
                .app_data(actix_web::web::Data::new($store.clone()))
                .wrap(actix_web::middleware::NormalizePath::new(
                    actix_web::middleware::TrailingSlash::MergeOnly,
                ))
                .service(
                    actix_web::web::scope("/scormcloud/api/v2")
                        .configure(scormcloud_invitations::configure),
                ),
        )
        .await
    };
}

/// Sends a request; returns (status, headers, JSON body or Null).
#[macro_export]
macro_rules! call {
    ($app:expr, $method:ident, $path:expr) => {
        call!($app, $method, $path, serde_json::Value::Null)
    };
    ($app:expr, $method:ident, $path:expr, $body:expr) => {{
        let body: serde_json::Value = $body;
        let method =
            actix_web::http::Method::from_bytes(stringify!($method).to_uppercase().as_bytes())
                .unwrap();
        let mut req = actix_web::test::TestRequest::default()
            .method(method)
            .uri(&format!("/scormcloud/api/v2{}", $path))
            .insert_header(common::basic());
        if !body.is_null() {
            req = req.set_json(&body);
        }
        let resp = actix_web::test::call_service(&$app, req.to_request()).await;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = actix_web::test::read_body(resp).await;
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, headers, json)
    }};
}
