//! What the host must register: a facade mounted without the ledger answers in Absorb's
//! error shape and says why in the log, instead of actix's plain-text 500.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use actix_web::{App, test, web};
use std::sync::Mutex;

static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= log::Level::Error
    }
    fn log(&self, r: &log::Record<'_>) {
        LOGGED.lock().unwrap().push(r.args().to_string());
    }
    fn flush(&self) {}
}

#[actix_rt::test]
async fn without_a_registered_store_requests_fail_in_absorbs_shape_and_the_log_says_why() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Error);
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
    let logged = LOGGED.lock().unwrap().join("\n");
    assert!(
        logged.contains("App::app_data(web::Data::new(store))"),
        "the log names the missing registration: {logged}"
    );
}
