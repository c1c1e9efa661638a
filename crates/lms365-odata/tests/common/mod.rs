//! Test harness: the LMS365 facade on a fresh, seeded database per backend, and request
//! helpers with the demo API keys.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};
use base64::Engine;
use enroll_domain::OffsetClock;
use enroll_store::Store;
use enroll_store::seed::Seed;
use enroll_store::testing::TestDb;
use serde_json::Value;
use std::sync::Arc;

pub const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";
pub const KEY: &str = "demo-lms365-api-key";
pub const READ_ONLY_KEY: &str = "demo-lms365-readonly-key";
pub const ALICE_LOGIN: &str = "i:0#.f|membership|alice@demo.example";
pub const BERLIN: &str = "c3000000-0000-4000-8000-000000000001";
pub const ONLINE: &str = "c3000000-0000-4000-8000-000000000002";
pub const DAY1: &str = "c3000000-0000-4000-8000-000000000003";
pub const BASE: &str = "/lms365/odata/v2";

pub fn seed() -> Seed {
    enroll_store::testing::demo_seed().unwrap()
}

/// A seeded store per backend (SQLite always, PostgreSQL when configured).
pub fn stores() -> Vec<(TestDb, Store, Arc<OffsetClock>)> {
    enroll_store::testing::seeded_stores(&seed()).unwrap()
}

pub fn tenant() -> uuid::Uuid {
    uuid::Uuid::parse_str(TENANT).unwrap()
}

/// The facade mounted as the gateway mounts it, with a server page of `page` entities.
pub async fn app_paged(
    store: &Store,
    page: i64,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(store.clone()))
            .app_data(lms365_odata::handlers::PageSize(page))
            .wrap(actix_web::middleware::NormalizePath::new(
                actix_web::middleware::TrailingSlash::MergeOnly,
            ))
            .service(web::scope(BASE).configure(lms365_odata::configure)),
    )
    .await
}

/// The facade with LMS365's page size.
pub async fn app(
    store: &Store,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    app_paged(store, lms365_odata::handlers::MAX_PAGE).await
}

/// `Authorization: Basic` for user `api` and `key`.
pub fn basic(user: &str, key: &str) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{key}"));
    format!("Basic {b}")
}

/// (status, body text, headers).
pub async fn raw<S>(
    app: &S,
    req: test::TestRequest,
) -> (u16, String, actix_web::http::header::HeaderMap)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = test::read_body(resp).await;
    (status, String::from_utf8_lossy(&body).into_owned(), headers)
}

/// (status, JSON body or Null).
pub async fn call<S>(app: &S, req: test::TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let (s, b, _) = raw(app, req).await;
    (s, serde_json::from_str(&b).unwrap_or(Value::Null))
}

/// A request to `path` below the service root with the full-control key.
pub fn req(method: actix_web::http::Method, path: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(method)
        .uri(&format!("{BASE}{path}"))
        .insert_header(("Authorization", basic("api", KEY)))
}

pub fn get(path: &str) -> test::TestRequest {
    req(actix_web::http::Method::GET, path)
}

pub fn post(path: &str, body: Value) -> test::TestRequest {
    req(actix_web::http::Method::POST, path).set_json(body)
}

pub fn patch(path: &str, body: Value) -> test::TestRequest {
    req(actix_web::http::Method::PATCH, path).set_json(body)
}

/// Asserts an OData error body with `status` whose message contains `needle`.
pub fn odata_error(status: u16, body: &Value, want: u16, needle: &str) {
    assert_eq!(status, want, "{body}");
    let msg = body["error"]["message"].as_str().unwrap_or_default();
    assert!(body["error"]["code"].is_string(), "{body}");
    assert!(msg.contains(needle), "'{needle}' not in: {body}");
}

/// Every enrollment of the demo tenant, active or not.
pub fn enrollment_count(store: &Store) -> i64 {
    let q = enroll_store::enrollments::EnrollmentQuery {
        limit: 1,
        ..Default::default()
    };
    store.list_enrollments(tenant(), &q).unwrap().0
}
