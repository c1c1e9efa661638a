//! Unknown routes under every prefix answer in that vendor's error shape, never HTML or empty.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use actix_web::middleware::{NormalizePath, TrailingSlash};
use actix_web::{App, test, web};
use clap::Parser;
use gateway::config::Config;
use gateway::{AppState, mount};
use serde_json::Value;

async fn call(path: &str, method: test::TestRequest) -> (u16, String, String) {
    let db = enroll_store::testing::TestDb::sqlite().unwrap();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo-seed.json");
    let config = Config::parse_from([
        "gateway",
        "--database-url",
        &db.url,
        "--seed-file",
        seed,
        "--admin-token",
        "t",
    ]);
    let state = web::Data::new(AppState::open(&config).unwrap());
    let app = test::init_service(
        App::new()
            .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
            .configure(|c| mount(c, &state)),
    )
    .await;
    let resp = test::call_service(&app, method.uri(path).to_request()).await;
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    (status, ctype, body)
}

#[actix_web::test]
async fn absorb_unknown_route_is_a_generic_error_response() {
    let (status, ctype, body) = call("/absorb/no/such/thing", test::TestRequest::get()).await;
    assert_eq!(status, 404);
    assert!(ctype.starts_with("application/json"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], 404);
    assert_eq!(v["term"], "NotFound");
    assert!(v["validations"].is_array() && v["_meta"].is_object() && v["message"].is_string());
}

#[actix_web::test]
async fn scormcloud_unknown_route_is_a_message_schema() {
    let (status, _, body) = call(
        "/scormcloud/api/v2/nothing-here",
        test::TestRequest::delete(),
    )
    .await;
    assert_eq!(status, 404);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("/scormcloud/api/v2/nothing-here")
    );
}

#[actix_web::test]
async fn lms365_unknown_route_is_an_odata_error() {
    let (status, _, body) = call("/lms365/odata/v2/Nope(1)", test::TestRequest::get()).await;
    assert_eq!(status, 404);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "NotFound");
    assert!(v["error"]["message"].is_string());
}

#[actix_web::test]
async fn ispring_unknown_routes_are_rest_errors_and_soap_faults() {
    // The REST twin's shape under the mount …
    let (status, _, body) = call("/ispring/whatever", test::TestRequest::post()).await;
    assert_eq!(status, 404);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], 404, "{body}");
    assert!(v["message"].is_string());
    // … and a SOAP Fault under the SOAP endpoint.
    let (status, ctype, body) = call("/ispring/soap/whatever", test::TestRequest::post()).await;
    assert_eq!(status, 500);
    assert!(ctype.starts_with("text/xml"));
    assert!(
        body.contains("<SOAP-ENV:Fault>")
            && body.contains("<faultstring>Wrong parameters</faultstring>"),
        "{body}"
    );
}

#[actix_web::test]
async fn trainercentral_unknown_route_is_a_zoho_error() {
    let (status, _, body) = call(
        "/trainercentral/api/v4/60012345678/nothing.json",
        test::TestRequest::get(),
    )
    .await;
    assert_eq!(status, 404);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "INVALID_URL_PATTERN");
    assert_eq!(v["status"], "error");
}

#[actix_web::test]
async fn admin_api_requires_the_token() {
    let (status, _, body) = call("/admin/v1/tenants", test::TestRequest::get()).await;
    assert_eq!(status, 401);
    assert!(body.contains("admin token"));
    let (status, _, body) = call(
        "/admin/v1/tenants",
        test::TestRequest::get().insert_header(("Authorization", "Bearer t")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("Demo Academy"));
}

#[actix_web::test]
async fn health_and_readiness() {
    assert_eq!(call("/healthz", test::TestRequest::get()).await.0, 200);
    let (status, _, body) = call("/readyz", test::TestRequest::get()).await;
    assert_eq!(status, 200);
    assert!(body.contains("sqlite"));
}

#[actix_web::test]
async fn repeated_slashes_are_merged_before_routing() {
    // The SCORM Cloud Python SDK sends `…/v2//…`: the route must still be found (here it
    // answers the admin API's 401, not a 404), and the query string must survive the rewrite.
    let (status, _, body) = call("/admin//v1///tenants?x=1", test::TestRequest::get()).await;
    assert_eq!(status, 401, "{body}");
    let (status, _, body) = call(
        "//admin/v1/tenants?limit=5",
        test::TestRequest::get().insert_header(("Authorization", "Bearer t")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Demo Academy"));
}
