//! Test harness: the iSpring facade on a fresh, seeded database per backend, and request
//! helpers for both transports.
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
pub const ADMIN: &str = "a0000000-0000-4000-8000-000000000001";
pub const ALICE: &str = "a0000000-0000-4000-8000-000000000002";
pub const BOB: &str = "a0000000-0000-4000-8000-000000000003";
pub const CAROL: &str = "a0000000-0000-4000-8000-000000000004";
pub const COMPLIANCE: &str = "c0000000-0000-4000-8000-000000000001";
pub const PRIVACY: &str = "c0000000-0000-4000-8000-000000000002";
pub const SALES: &str = "5e000000-0000-4000-8000-000000000002";
pub const CLIENT: &str = "demo-ispring-client";
pub const SECRET: &str = "demo-ispring-client-secret";
pub const ACCOUNT: &str = "https://demo.ispringlearn.com";
pub const NS: &str = "https://ispringlearn.com/go/services/api/soap";
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";

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
            .service(web::scope("/ispring").configure(ispring_soap::configure)),
    )
    .await
}

/// (status, content type, body text).
pub async fn raw<S>(app: &S, req: test::TestRequest) -> (u16, String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = test::read_body(resp).await;
    (status, ctype, String::from_utf8_lossy(&body).into_owned())
}

/// (status, JSON body or Null).
pub async fn json<S>(app: &S, req: test::TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let (s, _, b) = raw(app, req).await;
    (s, serde_json::from_str(&b).unwrap_or(Value::Null))
}

/// A token for the demo client.
pub async fn token<S>(app: &S) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = test::TestRequest::post()
        .uri("/ispring/api/v3/token")
        .set_form([
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("grant_type", "client_credentials"),
        ]);
    let (s, b) = json(app, req).await;
    assert_eq!(s, 200, "{b}");
    b["access_token"].as_str().unwrap().to_string()
}

pub fn get(uri: &str, token: &str) -> test::TestRequest {
    test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {token}")))
}

pub fn post_json(uri: &str, token: &str, body: Value) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .set_json(body)
}

/// `<credentials><token>…</token></credentials>`.
pub fn token_credentials(token: &str) -> String {
    format!("<credentials><token>{token}</token></credentials>")
}

/// Legacy credentials of a seeded user.
pub fn user_credentials(email: &str, password: &str) -> String {
    format!(
        "<credentials><accountUrl>{ACCOUNT}</accountUrl><email>{email}</email><password>{password}</password></credentials>"
    )
}

/// A SOAP 1.1 envelope around `<{op}Request>` in iSpring's namespace (default namespace, as
/// the vendor's samples write it).
pub fn envelope(op: &str, inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{SOAP11}\" xmlns=\"{NS}\"><SOAP-ENV:Body><{op}Request>{inner}</{op}Request></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
}

/// POSTs a SOAP body; (status, body).
pub async fn soap<S>(app: &S, body: String) -> (u16, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = test::TestRequest::post()
        .uri("/ispring/soap")
        .insert_header(("Content-Type", "text/xml; charset=utf-8"))
        .set_payload(body);
    let (s, _, b) = raw(app, req).await;
    (s, b)
}

/// The text of the first element named `name` (any prefix) in `xml`.
pub fn xml_text(xml: &str, name: &str) -> Option<String> {
    let root = ispring_soap::xml::parse(xml.as_bytes()).ok()?;
    fn find<'a>(
        e: &'a ispring_soap::xml::Element,
        n: &str,
    ) -> Option<&'a ispring_soap::xml::Element> {
        if e.name == n {
            return Some(e);
        }
        e.children.iter().find_map(|c| find(c, n))
    }
    find(&root, name).map(|e| e.value().to_string())
}

/// The learner's active enrollment in the course, straight from the ledger.
pub fn active(
    store: &Store,
    learner: &str,
    course: &str,
) -> Option<enroll_store::models::EnrollmentView> {
    store
        .active_enrollment(
            tenant(),
            uuid::Uuid::parse_str(learner).unwrap(),
            uuid::Uuid::parse_str(course).unwrap(),
        )
        .unwrap()
}

/// Every enrollment of the tenant (active or not), as a count.
pub fn enrollment_count(store: &Store) -> i64 {
    let q = enroll_store::enrollments::EnrollmentQuery {
        limit: 1,
        ..Default::default()
    };
    store.list_enrollments(tenant(), &q).unwrap().0
}
