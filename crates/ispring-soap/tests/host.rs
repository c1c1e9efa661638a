//! A facade mounted without the ledger answers in iSpring's shapes — a SOAP Fault on the SOAP
//! endpoint, `{code, message}` on the REST twin — not with actix's plain-text 500 (the check
//! and its log line are `enroll-web`'s, tested there).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use actix_web::{App, test, web};

#[actix_rt::test]
async fn without_a_registered_store_requests_fail_in_isprings_shapes() {
    let app = test::init_service(
        App::new().service(web::scope("/ispring").configure(ispring_soap::configure)),
    )
    .await;
    let req = test::TestRequest::post()
        .uri("/ispring/soap")
        .insert_header(("Content-Type", "text/xml"))
        .set_payload("<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"/>");
    let resp = test::call_service(&app, req.to_request()).await;
    assert_eq!(resp.status(), 500);
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(body.contains("<faultcode>server</faultcode>"), "{body}");
    let req = test::TestRequest::get().uri("/ispring/enrollment");
    let resp = test::call_service(&app, req.to_request()).await;
    assert_eq!(resp.status(), 500);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(
        body,
        serde_json::json!({"code": 500, "message": "Internal server error"})
    );
}
