//! The real binary and the admin clock: advances that would overflow or leave ±36500 days are
//! 400s and the gateway keeps serving; a stored offset out of range never stops a start.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;

use common::{absorb_authenticate, admin, free_port, start};
use enroll_domain::SystemClock;
use enroll_store::testing::TestDb;
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

#[test]
fn clock_advances_past_the_bound_are_400s_and_the_gateway_keeps_serving() {
    for db in TestDb::all().unwrap() {
        let port = free_port();
        let (gw, _) = start(&db.url, port);
        let advance = format!("{}/admin/v1/clock/advance", gw.base);
        let (s, c) = admin(Method::POST, advance.clone(), Some(json!({"days": 36500})));
        assert_eq!(
            (s, c["offsetMs"].as_i64()),
            (200, Some(36500 * 86_400_000)),
            "{c}"
        );
        for body in [
            json!({"days": 3_000_000}),
            json!({"days": i64::MAX}),
            json!({"seconds": i64::MIN}),
            json!({"days": i64::MAX / 86_400_000, "hours": i64::MAX / 3_600_000}),
            json!({"seconds": 1}),
            json!({"days": -73_001}),
            json!({"days": 1e30}),
        ] {
            let (s, e) = admin(Method::POST, advance.clone(), Some(body.clone()));
            assert_eq!(s, 400, "{body}: {e}");
            assert!(e["error"].is_string(), "{body}: {e}");
        }
        let (s, c) = admin(Method::GET, format!("{}/admin/v1/clock", gw.base), None);
        assert_eq!(
            (s, c["offsetMs"].as_i64()),
            (200, Some(36500 * 86_400_000)),
            "{c}"
        );
        assert_eq!(absorb_authenticate(&gw), 200);
        let (s, c) = admin(Method::POST, advance, Some(json!({"days": -73_000})));
        assert_eq!(
            (s, c["offsetMs"].as_i64()),
            (200, Some(-36500 * 86_400_000)),
            "{c}"
        );
        assert_eq!(absorb_authenticate(&gw), 200);
        drop(gw);
        // …and after a restart.
        let (gw, _) = start(&db.url, port);
        let (_, c) = admin(Method::GET, format!("{}/admin/v1/clock", gw.base), None);
        assert_eq!(c["offsetMs"].as_i64(), Some(-36500 * 86_400_000), "{c}");
        assert_eq!(absorb_authenticate(&gw), 200);
    }
}

#[test]
fn a_gateway_starts_and_answers_on_a_database_whose_stored_offset_is_out_of_range() {
    for db in TestDb::all().unwrap() {
        for stored in ["259200000000000", "9223372036854775807", "-1e99", "soon"] {
            let store = db.store(Arc::new(SystemClock)).unwrap();
            store.set_setting(gateway::CLOCK_KEY, stored).unwrap();
            drop(store);
            let (gw, _) = start(&db.url, free_port());
            let (s, c) = admin(Method::GET, format!("{}/admin/v1/clock", gw.base), None);
            assert_eq!((s, c["offsetMs"].as_i64()), (200, Some(0)), "{stored}: {c}");
            assert_eq!(absorb_authenticate(&gw), 200, "{stored}");
            let (s, c) = admin(
                Method::POST,
                format!("{}/admin/v1/clock/advance", gw.base),
                Some(json!({"days": 2})),
            );
            assert_eq!(
                (s, c["offsetMs"].as_i64()),
                (200, Some(2 * 86_400_000)),
                "{c}"
            );
        }
    }
}
