//! 64 identical `Enroll` calls at once make one enrollment: one 201, the others 200 with it.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use serde_json::json;

#[actix_rt::test]
async fn identical_enrolls_make_one_enrollment() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let before = enrollment_count(&store);
        let calls = (0..64).map(|_| {
            call(
                &app,
                post(
                    "/Courses(102)/Enroll",
                    json!({"userLoginName": ALICE_LOGIN}),
                ),
            )
        });
        let answers = futures_util::future::join_all(calls).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(created, 1, "{answers:?}");
        assert!(
            answers.iter().all(|(s, _)| *s == 201 || *s == 200),
            "{answers:?}"
        );
        let id = &answers[0].1["Id"];
        assert!(answers.iter().all(|(_, b)| &b["Id"] == id));
        assert_eq!(enrollment_count(&store), before + 1);
    }
}
