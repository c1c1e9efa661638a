//! The OpenAPI document lists every implemented route, and every listed route is routed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use actix_web::test::TestRequest;
use common::*;

#[actix_web::test]
async fn every_documented_route_is_served() {
    let (_db, store, _) = stores().into_iter().next().unwrap();
    let app = app(&store).await;
    let (s, doc) = send(&app, TestRequest::get().uri("/absorb/openapi.json")).await;
    assert_eq!(s, 200);
    let paths = doc["paths"].as_object().unwrap();
    let ops: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(ops, absorb_v2::handlers::openapi::ROUTES.len());
    assert!(
        ops >= 27 + 5,
        "27 enrollment operations plus authenticate and lookups"
    );
    let id = "00000000-0000-4000-8000-000000000000";
    for (path, item) in paths {
        let concrete = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { id } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let req = TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&format!("/absorb{concrete}"));
            let (_, body) = send(&app, req).await;
            // An unrouted path reaches the default service, whose message names the path.
            let msg = body["message"].as_str().unwrap_or("");
            assert!(
                !msg.starts_with("No resource was found"),
                "{method} {path} is not routed"
            );
        }
    }
}
