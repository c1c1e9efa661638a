//! A facade mounted without the ledger answers in Zoho's shapes, not with actix's plain-text
//! 500 (the check and its log line are `enroll-web`'s, tested there).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use actix_web::{App, test, web};

#[actix_rt::test]
async fn without_a_registered_store_requests_fail_in_zohos_shapes() {
    let app = test::init_service(
        App::new().service(web::scope("/trainercentral").configure(trainercentral_api::configure)),
    )
    .await;
    let req = test::TestRequest::get().uri("/trainercentral/api/v4/1/courses.json");
    let resp = test::call_service(&app, req.to_request()).await;
    assert_eq!(resp.status(), 500);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["code"], "INTERNAL_ERROR");
    assert_eq!(body["status"], "error");
    let req = test::TestRequest::post().uri("/trainercentral/oauth/v2/token");
    let resp = test::call_service(&app, req.to_request()).await;
    assert_eq!(resp.status(), 500);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body, serde_json::json!({"error": "server_error"}));
}
