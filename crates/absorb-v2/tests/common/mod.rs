//! Test harness: the Absorb facade on a fresh, seeded database, and request helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};
use enroll_domain::OffsetClock;
use enroll_store::Store;
use enroll_store::testing::TestDb;
use serde_json::Value;
use std::sync::Arc;

pub const KEY: &str = "b1f0e3c2-7d4a-4e8b-9c61-2f5a8d7e4b10";
pub const ALICE: &str = "a0000000-0000-4000-8000-000000000002";
pub const BOB: &str = "a0000000-0000-4000-8000-000000000003";
pub const COMPLIANCE: &str = "c0000000-0000-4000-8000-000000000001";
pub const PRIVACY: &str = "c0000000-0000-4000-8000-000000000002";
pub const LEADERSHIP: &str = "c0000000-0000-4000-8000-000000000003";
pub const BERLIN: &str = "c3000000-0000-4000-8000-000000000001";
pub const ONLINE: &str = "c3000000-0000-4000-8000-000000000002";
pub const LESSON1: &str = "c2000000-0000-4000-8000-000000000001";
pub const LESSON2: &str = "c2000000-0000-4000-8000-000000000002";
pub const LESSON3: &str = "c2000000-0000-4000-8000-000000000003";
pub const CHAPTER1: &str = "c1000000-0000-4000-8000-000000000001";

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/absorb/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A seeded store per backend (SQLite always, PostgreSQL when configured).
pub fn stores() -> Vec<(TestDb, Store, Arc<OffsetClock>)> {
    let seed = enroll_store::testing::demo_seed().unwrap();
    enroll_store::testing::seeded_stores(&seed).unwrap()
}

/// The demo tenant (the one `KEY` belongs to).
pub fn tenant(store: &Store) -> uuid::Uuid {
    store
        .verify_credential(enroll_domain::model::Dialect::Absorb, None, KEY)
        .unwrap()
        .unwrap()
        .tenant_id
}

/// (Absorb user id, Absorb course id) of an enrollment, as the ledger holds them.
pub fn ledger_ids(store: &Store, enrollment: &str) -> (String, String) {
    let id = uuid::Uuid::parse_str(enrollment).unwrap();
    let v = store.enrollment(tenant(store), id).unwrap();
    (
        absorb_v2::ids::user_id(&v.learner).to_string(),
        absorb_v2::ids::course_id(&v.course).to_string(),
    )
}

pub async fn app(
    store: &Store,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(store.clone()))
            .service(web::scope("/absorb").configure(absorb_v2::configure)),
    )
    .await
}

/// Sends a request and returns (status, JSON body or Null).
pub async fn send<S>(app: &S, req: test::TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let body = test::read_body(resp).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Sends a setup request, asserts its status and returns its body.
pub async fn expect<S>(app: &S, req: test::TestRequest, status: u16) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let (got, body) = send(app, req).await;
    assert_eq!(got, status, "{body}");
    body
}

/// Logs in and returns a request builder factory carrying both headers.
pub async fn login<S>(app: &S, username: &str, password: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let body = serde_json::json!({"username": username, "password": password, "privateKey": KEY});
    let (status, token) = send(
        app,
        test::TestRequest::post()
            .uri("/absorb/authenticate")
            .insert_header(("x-api-key", KEY))
            .set_json(body),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    token.as_str().unwrap().to_string()
}

pub async fn admin<S>(app: &S) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    login(app, "admin@demo.example", "Demo-Admin-1").await
}

pub fn get(uri: &str, token: &str) -> test::TestRequest {
    test::TestRequest::get()
        .uri(uri)
        .insert_header(("x-api-key", KEY))
        .insert_header(("Authorization", format!("Bearer {token}")))
}

pub fn post(uri: &str, token: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .insert_header(("x-api-key", KEY))
        .insert_header(("Authorization", format!("Bearer {token}")))
}

pub fn put(uri: &str, token: &str) -> test::TestRequest {
    test::TestRequest::put()
        .uri(uri)
        .insert_header(("x-api-key", KEY))
        .insert_header(("Authorization", format!("Bearer {token}")))
}

/// The fields of each fixture (Absorb's documented samples) that may be null: the optional
/// ones of Absorb's models (dates that have not happened, optional links). Every other field
/// must carry a value of the sample's JSON type. The OpenAPI document marks the same fields
/// `nullable` (tests/openapi.rs checks that both agree).
pub const NULLABLE: &[(&str, &[&str])] = &[
    (
        "user-course-enrollment.json",
        &[
            "dateCompleted",
            "dateExpires",
            "dateEdited",
            "dateAdded",
            "courseVersionId",
            "dateStarted",
            "enrollmentKeyId",
            "certificateId",
            "credits",
            "dateDue",
            "accessDate",
            "jobTitle",
            "courseCollectionId",
            "avatar",
        ],
    ),
    (
        "course-enrollment.json",
        &[
            "dateCompleted",
            "dateExpires",
            "dateEdited",
            "dateAdded",
            "courseVersionId",
            "dateStarted",
            "enrollmentKeyId",
            "certificateId",
            "credits",
            "dateDue",
            "jobTitle",
            "courseCollectionId",
        ],
    ),
    (
        "lesson-enrollment.json",
        &["lastAttempt", "dateStarted", "dateCompleted"],
    ),
    (
        "chapter-enrollment.json",
        &["sessionId", "lessonId", "dateStarted", "dateCompleted"],
    ),
    ("session-enrollment.json", &["dateStarted", "dateCompleted"]),
    ("attempt.json", &["completionDate"]),
    ("error.json", &[]),
    ("collection.json", &[]),
];

/// The nullable fields of fixture `name`.
pub fn nullable(name: &str) -> &'static [&'static str] {
    NULLABLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no nullable list for {name}"))
}

/// Asserts `value` has exactly the keys of fixture `name`, each with the sample's JSON type;
/// only the fields [`NULLABLE`] lists for it may be null.
pub fn assert_shape(value: &Value, name: &str) {
    let fixture = fixture(name);
    let (v, f) = (value.as_object().unwrap(), fixture.as_object().unwrap());
    let mut vk: Vec<_> = v.keys().collect();
    let mut fk: Vec<_> = f.keys().collect();
    vk.sort();
    fk.sort();
    assert_eq!(vk, fk, "{name}: keys differ");
    let nullable = nullable(name);
    for (k, fv) in f {
        let got = &v[k];
        let ok = (got.is_null() && nullable.contains(&k.as_str()))
            || (fv.is_string() && got.is_string())
            || (fv.is_number() && got.is_number())
            || (fv.is_boolean() && got.is_boolean())
            || (fv.is_array() && got.is_array())
            || (fv.is_object() && got.is_object());
        assert!(ok, "{name}: {k}: expected the type of {fv}, got {got}");
    }
}
