//! A facade mounted without the ledger answers in Absorb's error shape (the check and its
//! log line are `enroll-web`'s, tested there), not with actix's plain-text 500.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use actix_web::{App, test, web};

#[actix_rt::test]
async fn without_a_registered_store_requests_fail_in_absorbs_shape() {
    let app = test::init_service(
        App::new().service(web::scope("/absorb").configure(absorb_v2::configure)),
    )
    .await;
    let req = test::TestRequest::post()
        .uri("/absorb/authenticate")
        .insert_header(("x-api-key", "k"))
        .set_json(serde_json::json!({"username": "u", "password": "p", "privateKey": "k"}))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 500);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["term"], "InternalServerError", "{body}");
    assert_eq!(body["code"], 500, "{body}");
}
