//! 64 identical enroll calls at once make one enrollment, and every call succeeds (a learner
//! already enrolled keeps the enrollment): the ledger's unique index and row locks decide,
//! not the facade.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::{TestRequest, call_service, read_body};
use common::*;

#[actix_rt::test]
async fn identical_concurrent_enrolls_make_one_enrollment() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let body = envelope(
            "EnrollLearnersInCourses",
            &format!(
                "{}<courseIds><id>{COMPLIANCE}</id></courseIds><learnerIds><id>{ALICE}</id></learnerIds><dueDateType>unlimited</dueDateType>",
                token_credentials(&t)
            ),
        );
        let calls = (0..64).map(|_| {
            let req = TestRequest::post()
                .uri("/ispring/soap")
                .insert_header(("Content-Type", "text/xml"))
                .set_payload(body.clone())
                .to_request();
            call_service(&app, req)
        });
        for resp in futures_util::future::join_all(calls).await {
            let status = resp.status();
            let b = read_body(resp).await;
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&b));
        }
        assert_eq!(enrollment_count(&store), 1);
    }
}
