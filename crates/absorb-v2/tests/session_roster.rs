//! `GET /courses/{c}/sessions/{s}/enrollments`: `status` and `modifiedSince` narrow the
//! roster in the query, so every page is full and `totalItems` counts what matches.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_store::learners::NewLearner;
use serde_json::Value;

#[actix_web::test]
async fn filters_narrow_the_roster_before_it_is_paged() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let enroll = async |name: String| {
            let l = store
                .create_learner(
                    tenant(&store),
                    &NewLearner {
                        email: format!("{name}@roster.example"),
                        first_name: name,
                        ..Default::default()
                    },
                )
                .unwrap();
            let user = absorb_v2::ids::user_id(&l).to_string();
            let uri = format!("/absorb/users/{user}/enrollments/{LEADERSHIP}/sessions/{ONLINE}");
            expect(&app, post(&uri, &t), 201).await;
            user
        };
        for i in 0..3 {
            enroll(format!("early{i}")).await;
        }
        clock.advance(time::Duration::hours(1));
        let cut = clock.now_rfc3339();
        clock.advance(time::Duration::minutes(1));
        let mut late = Vec::new();
        for i in 0..4 {
            late.push(enroll(format!("late{i}")).await);
        }
        late.sort();
        let roster = format!("/absorb/courses/{LEADERSHIP}/sessions/{ONLINE}/enrollments");
        let page = async |query: &str| {
            let v = expect(&app, get(&format!("{roster}?{query}"), &t), 200).await;
            let users: Vec<String> = v["enrollments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["userId"].as_str().unwrap().to_string())
                .collect();
            (v["totalItems"].clone(), users)
        };
        let since = format!("modifiedSince={}", cut.replace('+', "%2B"));
        let (total, first) = page(&format!("{since}&_limit=3&_offset=0")).await;
        assert_eq!((total, first.len()), (Value::from(4), 3));
        let (total, second) = page(&format!("{since}&_limit=3&_offset=1")).await;
        assert_eq!((total, second.len()), (Value::from(4), 1));
        let mut seen = [first, second].concat();
        seen.sort();
        assert_eq!(seen, late, "the two pages are the four late enrollments");
        // Everyone is enrolled, nobody has finished: status 0 is all seven, 2 (complete) none.
        let (total, all) = page("status=0&_limit=100").await;
        assert!(total.as_i64().unwrap() >= 7 && all.len() as i64 == total.as_i64().unwrap());
        let (total, none) = page("status=2").await;
        assert_eq!((total, none.len()), (Value::from(0), 0));
    }
}
