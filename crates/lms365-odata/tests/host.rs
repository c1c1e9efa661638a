//! A facade mounted without the ledger answers in OData's error shape (the check and its log
//! line are `enroll-web`'s, tested there), not with actix's plain-text 500.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use actix_web::{App, test, web};

#[actix_rt::test]
async fn without_a_registered_store_requests_fail_in_odata_shape() {
    let app = test::init_service(
        App::new().service(web::scope("/lms365/odata/v2").configure(lms365_odata::configure)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/lms365/odata/v2/Courses")
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 500);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["error"]["code"], "InternalServerError", "{body}");
}
