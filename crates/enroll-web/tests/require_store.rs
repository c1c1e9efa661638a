//! The host-registration check: without a registered ledger a request gets the facade's own
//! error and the log names what to register; with one, the routes answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, ResponseError, test, web};
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

#[derive(Debug)]
struct VendorError;

impl std::fmt::Display for VendorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("vendor-shaped failure")
    }
}

impl ResponseError for VendorError {
    fn error_response(&self) -> HttpResponse {
        HttpResponse::InternalServerError().json(serde_json::json!({"vendor": self.to_string()}))
    }
}

fn facade(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "test-facade", || VendorError)
            }))
            .route("/ping", web::get().to(|| async { "pong" })),
    );
}

#[actix_rt::test]
async fn without_a_store_the_facades_error_answers_and_the_log_says_what_to_register() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Error);
    let app = test::init_service(App::new().service(web::scope("/f").configure(facade))).await;
    let resp = test::call_service(&app, test::TestRequest::get().uri("/f/ping").to_request()).await;
    assert_eq!(resp.status(), 500);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body, serde_json::json!({"vendor": "vendor-shaped failure"}));
    let logged = LOGGED.lock().unwrap().join("\n");
    assert!(
        logged.contains("test-facade") && logged.contains("App::app_data(web::Data::new(store))"),
        "the log names the facade and the missing registration: {logged}"
    );
}

#[actix_rt::test]
async fn with_a_store_the_routes_answer() {
    let db = enroll_store::testing::TestDb::sqlite().unwrap();
    let store = db
        .store(std::sync::Arc::new(enroll_domain::SystemClock))
        .unwrap();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(store))
            .service(web::scope("/f").configure(facade)),
    )
    .await;
    let resp = test::call_service(&app, test::TestRequest::get().uri("/f/ping").to_request()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(test::read_body(resp).await, "pong");
}
