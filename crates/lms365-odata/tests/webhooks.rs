//! `/lms365/webhooks`: subscriptions are checked (event, URI, key), listed and removed; what
//! is delivered is tested on the gateway (`process_lms365_webhooks`).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::{App, test, web};
use common::*;
use serde_json::json;

#[actix_rt::test]
async fn subscribe_list_and_unsubscribe() {
    for (_db, store, _) in stores() {
        let app =
            test::init_service(App::new().app_data(web::Data::new(store.clone())).service(
                web::scope("/lms365/webhooks").configure(lms365_odata::webhooks::configure),
            ))
            .await;
        let sub = |event: &str, body: serde_json::Value, key: &str| {
            test::TestRequest::post()
                .uri(&format!("/lms365/webhooks/subscribe/{event}"))
                .insert_header(("Authorization", basic("api", key)))
                .set_json(body)
        };
        let hook = json!({"WebHookUri": "https://hooks.example/lms365"});
        let (s, b) = call(&app, sub("CourseCompleted", hook.clone(), KEY)).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["Event"], "CourseCompleted");
        let id = b["Id"].as_str().unwrap().to_string();
        assert!(
            b["Location"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/lms365/webhooks/{id}"))
        );
        for (event, body, key, want) in [
            ("CourseCompleted", hook.clone(), READ_ONLY_KEY, 403),
            ("CourseCompleted", hook.clone(), "wrong", 401),
            ("UserCreated", hook.clone(), KEY, 404),
            ("CourseStarted", json!({"WebHookUri": "ftp://x"}), KEY, 400),
            ("CourseStarted", json!({"WebHookUri": 5}), KEY, 400),
            ("CourseStarted", json!({}), KEY, 400),
        ] {
            let (s, b) = call(&app, sub(event, body, key)).await;
            assert_eq!(s, want, "{event}: {b}");
            assert!(b["error"]["message"].is_string(), "{b}");
        }
        let list = test::TestRequest::get()
            .uri("/lms365/webhooks")
            .insert_header(("Authorization", basic("api", READ_ONLY_KEY)));
        let (s, b) = call(&app, list).await;
        assert_eq!((s, b["value"].as_array().unwrap().len()), (200, 1), "{b}");
        let del = |key: &str| {
            test::TestRequest::delete()
                .uri(&format!("/lms365/webhooks/{id}"))
                .insert_header(("Authorization", basic("api", key)))
        };
        assert_eq!(call(&app, del(READ_ONLY_KEY)).await.0, 403);
        assert_eq!(call(&app, del(KEY)).await.0, 204);
        let (s, b) = call(&app, del(KEY)).await;
        odata_error(s, &b, 404, "Subscription not found");
    }
}
