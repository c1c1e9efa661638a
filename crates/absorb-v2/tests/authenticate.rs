//! `POST /authenticate`: repeated failed sign-ins of one user are throttled with Absorb's own
//! error shape (429, `Retry-After`), as the OpenAPI document says; a success clears the count.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

fn sign_in(username: &str, password: &str) -> TestRequest {
    TestRequest::post()
        .uri("/absorb/authenticate")
        .insert_header(("x-api-key", KEY))
        .set_json(json!({"username": username, "password": password, "privateKey": KEY}))
}

#[actix_web::test]
async fn repeated_failed_sign_ins_are_throttled_in_absorbs_shape() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        for _ in 0..5 {
            let (s, e) = send(&app, sign_in("bob@demo.example", "not it")).await;
            assert_eq!((s, e["term"].as_str()), (401, Some("Unauthorized")), "{e}");
        }
        // Locked now: the right password too gets a 429 saying when to come back.
        let resp = actix_web::test::call_service(
            &app,
            sign_in("BOB@demo.example", "Demo-Learner-1").to_request(),
        )
        .await;
        assert_eq!(resp.status().as_u16(), 429);
        let retry: u64 = resp
            .headers()
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=30).contains(&retry), "{retry}");
        let body: serde_json::Value =
            serde_json::from_slice(&actix_web::test::read_body(resp).await).unwrap();
        assert_shape(&body, "error.json");
        assert_eq!(
            (body["code"].as_i64(), body["term"].as_str()),
            (Some(429), Some("TooManyRequests"))
        );
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{retry} seconds")),
            "{body}"
        );
        // Other users sign in as usual.
        admin(&app).await;
        // Once the lock is over, the right password signs in and clears the count.
        clock.advance(time::Duration::seconds(31));
        login(&app, "bob@demo.example", "Demo-Learner-1").await;
        let (s, _) = send(&app, sign_in("bob@demo.example", "not it")).await;
        assert_eq!(s, 401);
        login(&app, "bob@demo.example", "Demo-Learner-1").await;
    }
}

#[test]
fn the_document_declares_the_429_and_its_retry_after() {
    let doc = absorb_v2::handlers::openapi::document();
    let r = &doc["paths"]["/authenticate"]["post"]["responses"]["429"];
    assert_eq!(
        r["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/GenericErrorResponse"
    );
    assert_eq!(r["headers"]["Retry-After"]["schema"]["type"], "integer");
}
