//! 64 identical invites at once make one learner and one enrollment: one call succeeds, the
//! others are told the learner is enrolled (the ledger's unique index decides).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::{call_service, read_body};
use common::*;

#[actix_rt::test]
async fn identical_concurrent_invites_make_one_enrollment() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let (e, l) = counts(&store);
        let body = attendee("race@example.com", Some(COMPLIANCE));
        let calls = (0..64).map(|_| {
            call_service(
                &app,
                send("POST", &api("/addCourseAttendee.json"), &t, &body).to_request(),
            )
        });
        let mut ok = 0;
        for resp in futures_util::future::join_all(calls).await {
            let status = resp.status().as_u16();
            let b: serde_json::Value = serde_json::from_slice(&read_body(resp).await).unwrap();
            match status {
                200 => ok += 1,
                400 => assert_eq!(b["code"], "DUPLICATE_DATA", "{b}"),
                _ => panic!("{status}: {b}"),
            }
        }
        assert_eq!(ok, 1);
        assert_eq!(counts(&store), (e + 1, l + 1));
    }
}
