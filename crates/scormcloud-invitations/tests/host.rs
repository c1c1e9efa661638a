//! What the host must register: the facade mounted without the ledger answers in SCORM
//! Cloud's error shape and says why in the log, instead of actix's plain-text 500.
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
async fn without_a_registered_store_requests_fail_in_scorm_clouds_shape_and_the_log_says_why() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Error);
    let app = test::init_service(
        App::new()
            .service(web::scope("/scormcloud/api/v2").configure(scormcloud_invitations::configure)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/scormcloud/api/v2/registrations")
        .insert_header(("Authorization", "Basic YXBwOnNlY3JldA=="))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 500);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["message"], "An internal error occurred", "{body}");
    let logged = LOGGED.lock().unwrap().join("\n");
    assert!(
        logged.contains("App::app_data(web::Data::new(store))"),
        "the log names the missing registration: {logged}"
    );
}
