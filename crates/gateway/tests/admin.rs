//! The admin API: seed state, drive the clock, reset to the seed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use actix_web::{App, test, web};
use clap::Parser;
use gateway::config::Config;
use gateway::{AppState, mount};
use serde_json::{Value, json};

const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";
const ALICE: &str = "a0000000-0000-4000-8000-000000000002";
const COURSE: &str = "c0000000-0000-4000-8000-000000000001";

#[actix_web::test]
async fn reset_returns_the_seed_state_and_the_clock_drives_expiry() {
    for db in enroll_store::testing::TestDb::all().unwrap() {
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
        let app = test::init_service(App::new().configure(|c| mount(c, &state))).await;
        let call = |req: test::TestRequest| {
            let app = &app;
            async move {
                let resp = test::call_service(
                    app,
                    req.insert_header(("Authorization", "Bearer t"))
                        .to_request(),
                )
                .await;
                let status = resp.status().as_u16();
                (
                    status,
                    serde_json::from_slice::<Value>(&test::read_body(resp).await)
                        .unwrap_or(Value::Null),
                )
            }
        };
        let (s, e) = call(
            test::TestRequest::post()
                .uri(&format!("/admin/v1/tenants/{TENANT}/enrollments"))
                .set_json(json!({"learnerId": ALICE, "courseId": COURSE})),
        )
        .await;
        assert_eq!(s, 201, "{e}");
        let id = e["id"].as_str().unwrap().to_string();
        let (s, e) = call(
            test::TestRequest::post()
                .uri(&format!(
                    "/admin/v1/tenants/{TENANT}/enrollments/{id}/commands"
                ))
                .set_json(json!({"command": "recordProgress", "progress": 40})),
        )
        .await;
        assert_eq!(
            (s, e["state"].as_str(), e["progress"].as_f64()),
            (200, Some("in_progress"), Some(40.0))
        );
        let (s, e) = call(
            test::TestRequest::post()
                .uri(&format!(
                    "/admin/v1/tenants/{TENANT}/enrollments/{id}/commands"
                ))
                .set_json(json!({"command": "start", "x": 1})),
        )
        .await;
        assert_eq!(s, 200, "{e}");
        let (s, e) = call(
            test::TestRequest::post()
                .uri(&format!(
                    "/admin/v1/tenants/{TENANT}/enrollments/{id}/commands"
                ))
                .set_json(json!({"command": "teleport"})),
        )
        .await;
        assert_eq!(s, 400, "{e}");
        // The clock moves and is persisted.
        let (s, c) = call(
            test::TestRequest::post()
                .uri("/admin/v1/clock/advance")
                .set_json(json!({"days": 2, "hours": 1})),
        )
        .await;
        assert_eq!((s, c["offsetMs"].as_i64()), (200, Some(49 * 3_600_000)));
        assert_eq!(
            state.store.setting(gateway::CLOCK_KEY).unwrap().as_deref(),
            Some("176400000")
        );
        // Reset: the enrollment is gone, the seed's learners are back, twice in a row.
        for _ in 0..2 {
            let (s, _) = call(test::TestRequest::post().uri("/admin/v1/reset")).await;
            assert_eq!(s, 200);
        }
        let (s, _) = call(
            test::TestRequest::get().uri(&format!("/admin/v1/tenants/{TENANT}/enrollments/{id}")),
        )
        .await;
        assert_eq!(s, 404);
        let (s, l) =
            call(test::TestRequest::get().uri(&format!("/admin/v1/tenants/{TENANT}/learners")))
                .await;
        assert_eq!((s, l["total"].as_i64()), (200, Some(4)));
        // Bad input is a 400 in the admin shape, unknown tenants 404.
        let (s, e) = call(
            test::TestRequest::post()
                .uri("/admin/v1/tenants")
                .set_json(json!({"nom": "x"})),
        )
        .await;
        assert_eq!(s, 400, "{e}");
        assert!(e["error"].is_string());
        let (s, _) = call(
            test::TestRequest::get()
                .uri("/admin/v1/tenants/00000000-0000-4000-8000-000000000000/learners"),
        )
        .await;
        assert_eq!(s, 404);
        let (s, e) = call(
            test::TestRequest::post()
                .uri("/admin/v1/seed")
                .set_payload("{\"tenants\": 5}"),
        )
        .await;
        assert_eq!(s, 400, "{e}");
    }
}
