//! Test harness: the TrainerCentral facade on a fresh, seeded database per backend, tokens
//! through the accounts side, and request helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};
use enroll_domain::OffsetClock;
use enroll_store::Store;
use enroll_store::seed::Seed;
use enroll_store::testing::TestDb;
use serde_json::Value;
use std::sync::Arc;

pub const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";
pub const ORG: &str = "60012345678";
/// Compliance Basics and Data Privacy 101, by their TrainerCentral ids.
pub const COMPLIANCE: &str = "70000000000001";
pub const PRIVACY: &str = "70000000000002";
pub const CLIENT: &str = "1000.DEMOCLIENT";
pub const SECRET: &str = "demo-trainercentral-client-secret";
pub const REDIRECT: &str = "http://127.0.0.1:8765/callback";
pub const ADMIN_EMAIL: &str = "admin@demo.example";
pub const ADMIN_PASSWORD: &str = "Demo-Admin-1";
pub const ALL_SCOPES: &str = "TrainerCentral.userapi.ALL,TrainerCentral.courseapi.ALL,TrainerCentral.presenterapi.ALL,TrainerCentral.portalapi.READ";

pub fn seed() -> Seed {
    enroll_store::testing::demo_seed().unwrap()
}

/// A seeded store per backend (SQLite always, PostgreSQL when configured), with a clock the
/// test can move.
pub fn stores() -> Vec<(TestDb, Store, Arc<OffsetClock>)> {
    enroll_store::testing::seeded_stores(&seed()).unwrap()
}

pub fn tenant() -> uuid::Uuid {
    uuid::Uuid::parse_str(TENANT).unwrap()
}

/// The facade mounted as the gateway mounts it.
pub async fn app(
    store: &Store,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(store.clone()))
            .wrap(actix_web::middleware::NormalizePath::new(
                actix_web::middleware::TrailingSlash::MergeOnly,
            ))
            .service(web::scope("/trainercentral").configure(trainercentral_api::configure)),
    )
    .await
}

/// (status, headers' Location, body text).
pub async fn raw<S>(app: &S, req: test::TestRequest) -> (u16, String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = test::read_body(resp).await;
    (
        status,
        location,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// (status, JSON body or Null).
pub async fn json<S>(app: &S, req: test::TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let (s, _, b) = raw(app, req).await;
    (s, serde_json::from_str(&b).unwrap_or(Value::Null))
}

/// A token for the demo client with `scopes` (client credentials).
pub async fn token_with<S>(app: &S, scopes: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = test::TestRequest::post()
        .uri("/trainercentral/oauth/v2/token")
        .set_form([
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("grant_type", "client_credentials"),
            ("scope", scopes),
        ]);
    let (s, b) = json(app, req).await;
    assert_eq!(s, 200, "{b}");
    b["access_token"].as_str().unwrap().to_string()
}

/// A token with every scope the API uses.
pub async fn token<S>(app: &S) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    token_with(app, ALL_SCOPES).await
}

pub fn api(path: &str) -> String {
    format!("/trainercentral/api/v4/{ORG}{path}")
}

pub fn get(uri: &str, token: &str) -> test::TestRequest {
    test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", format!("Zoho-oauthtoken {token}")))
}

pub fn send(method: &str, uri: &str, token: &str, body: &str) -> test::TestRequest {
    let req = match method {
        "PUT" => test::TestRequest::put(),
        "DELETE" => test::TestRequest::delete(),
        _ => test::TestRequest::post(),
    };
    req.uri(uri)
        .insert_header(("Authorization", format!("Zoho-oauthtoken {token}")))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_string())
}

/// The invite body.
pub fn attendee(email: &str, course: Option<&str>) -> String {
    let mut a = serde_json::json!({"email": email, "firstName": "Ava", "lastName": "Chen"});
    if let Some(c) = course {
        a["courseId"] = serde_json::json!(c);
    }
    serde_json::json!({ "courseAttendee": a }).to_string()
}

/// What the ledger holds for the tenant: (enrollments of any state, learners).
pub fn counts(store: &Store) -> (i64, i64) {
    let q = enroll_store::enrollments::EnrollmentQuery {
        limit: 1,
        ..Default::default()
    };
    let lq = enroll_store::learners::LearnerQuery {
        limit: 1,
        ..Default::default()
    };
    (
        store.list_enrollments(tenant(), &q).unwrap().0,
        store.list_learners(tenant(), &lq).unwrap().0,
    )
}
