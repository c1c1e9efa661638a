//! `GET /courses` and the bulk `GET /enrollments` apply `_filter` and `_sort` (a bad one is a
//! 400 in Absorb's shape, never ignored), and the bulk list, which has no paging, refuses a
//! result over its cap with a 400 that says so.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use absorb_v2::handlers::enrollments::BULK_CAP;
use common::*;
use enroll_domain::model::Dialect;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::{NewLearner, insert_learner};
use serde_json::{Value, json};
use uuid::Uuid;

const ONBOARDING: &str = "c0000000-0000-4000-8000-000000000004";

/// `field` of every item of a JSON array.
fn each<'a>(items: &'a Value, field: &str) -> Vec<&'a str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap())
        .collect()
}

/// Asserts a 400 in Absorb's shape whose message contains `says`.
fn refused(status: u16, body: &Value, says: &str) {
    assert_eq!(status, 400, "{body}");
    assert_shape(body, "error.json");
    assert_eq!(body["term"], "BadRequest");
    let msg = body["message"].as_str().unwrap();
    assert!(msg.contains(says), "{msg}");
}

#[actix_web::test]
async fn courses_are_filtered_and_sorted_and_a_bad_filter_or_sort_is_a_400() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let list = |q: &str| get(&format!("/absorb/courses?{q}"), &t);
        let all = expect(&app, list(""), 200).await;
        assert_eq!(all["totalItems"], 5);
        let only = expect(&app, list("_filter=requiresApproval%20eq%20true"), 200).await;
        assert_eq!(
            (only["totalItems"].as_i64(), each(&only["courses"], "id")),
            (Some(1), vec![ONBOARDING])
        );
        let data = expect(&app, list("_filter=startswith(name,'Data')"), 200).await;
        assert_eq!(each(&data["courses"], "id"), [PRIVACY]);
        let sorted = expect(&app, list("_sort=-name"), 200).await;
        let mut names: Vec<&str> = each(&all["courses"], "name");
        names.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(each(&sorted["courses"], "name"), names);
        for (q, says) in [
            ("_filter=garbage((((", "Invalid _filter"),
            ("_filter=courseType%20eq%20'OnlineCourse'", "courseType"),
            ("_sort=courseType", "courseType"),
            ("_sort=name;x", "Invalid _sort"),
        ] {
            let (s, e) = send(&app, list(q)).await;
            refused(s, &e, says);
        }
    }
}

#[actix_web::test]
async fn the_bulk_list_is_filtered_and_sorted_and_a_bad_filter_or_sort_is_a_400() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        for u in [ALICE, BOB] {
            let uri = format!("/absorb/users/{u}/enrollments/{COMPLIANCE}");
            expect(&app, post(&uri, &t), 201).await;
        }
        let done = json!({"courseId": COMPLIANCE, "status": 3});
        let uri = format!("/absorb/users/{ALICE}/enrollments");
        expect(&app, post(&uri, &t).set_json(done), 201).await;
        let bulk = |q: &str| {
            get(
                &format!("/absorb/enrollments?courseIds={COMPLIANCE}&{q}"),
                &t,
            )
        };
        let completed = expect(&app, bulk("_filter=status%20eq%203"), 200).await;
        assert_eq!(each(&completed, "userId"), [ALICE]);
        assert_eq!(completed[0]["status"], 3);
        let down = expect(&app, bulk("_sort=-username"), 200).await;
        assert_eq!(each(&down, "userId"), [BOB, ALICE]);
        let up = expect(&app, bulk("_sort=username"), 200).await;
        assert_eq!(each(&up, "userId"), [ALICE, BOB]);
        for (q, says) in [
            ("_filter=garbage((((", "Invalid _filter"),
            ("_filter=nope%20eq%201", "nope"),
            ("_sort=nope", "nope"),
        ] {
            let (s, e) = send(&app, bulk(q)).await;
            refused(s, &e, says);
        }
    }
}

#[actix_web::test]
async fn the_bulk_list_answers_up_to_its_cap_and_refuses_more_with_a_400_that_says_so() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let tenant = tenant(&store);
        // BULK_CAP enrollments: half as many new learners, each in Compliance and Privacy.
        let half = usize::try_from(BULK_CAP / 2).unwrap();
        let now = enroll_domain::clock::to_millis(store.now());
        let learners: Vec<Uuid> = store
            .write(|c| {
                (0..half)
                    .map(|i| {
                        let new = NewLearner {
                            email: format!("bulk{i}@demo.example"),
                            ..Default::default()
                        };
                        insert_learner(c, tenant, &new, now).map(|l| l.id)
                    })
                    .collect()
            })
            .unwrap();
        let courses = [COMPLIANCE, PRIVACY].map(|c| Uuid::parse_str(c).unwrap());
        let opts = EnrollOptions::new(Dialect::Absorb);
        store
            .enroll_many(tenant, &learners, &courses, &opts)
            .unwrap();
        let both = format!("/absorb/enrollments?courseIds={COMPLIANCE},{PRIVACY}");
        let all = expect(&app, get(&both, &t), 200).await;
        assert_eq!(all.as_array().unwrap().len(), half * 2);
        // One more is over the cap: refused, with the count, never cut short.
        let uri = format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}");
        expect(&app, post(&uri, &t), 201).await;
        let (s, e) = send(&app, get(&both, &t)).await;
        refused(
            s,
            &e,
            &format!("{} enrollments match; at most {BULK_CAP}", BULK_CAP + 1),
        );
        // Narrowed by _filter, it is answered again.
        let privacy = format!("{both}&_filter=courseId%20eq%20guid'{PRIVACY}'");
        let some = expect(&app, get(&privacy, &t), 200).await;
        assert_eq!(some.as_array().unwrap().len(), half);
    }
}

#[test]
fn the_document_declares_these_filters_their_fields_and_the_cap() {
    let doc = absorb_v2::handlers::openapi::document();
    let param = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let key = p["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
                doc["components"]["parameters"][key].clone()
            })
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path} lacks {name}"))
    };
    for (path, field) in [
        ("/courses", "requiresApproval"),
        ("/enrollments", "courseId"),
    ] {
        for name in ["_filter", "_sort"] {
            let text = param(path, name)["description"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(
                text.contains(&format!("`{field}`")),
                "{path} {name}: {text}"
            );
        }
    }
    let courses = param("/courses", "_filter")["description"].to_string();
    assert!(
        !courses.contains("`courseType`"),
        "not filterable: {courses}"
    );
    let bulk = &doc["paths"]["/enrollments"]["get"]["responses"];
    let cap = BULK_CAP.to_string();
    for status in ["200", "400"] {
        let text = bulk[status]["description"].as_str().unwrap();
        assert!(text.contains(&cap), "{status}: {text}");
    }
}

#[actix_web::test]
async fn an_expiry_the_sweep_has_not_reached_filters_and_counts_as_the_rows_render() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let expires = (store.now() + time::Duration::days(1))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        for (user, body) in [
            (
                ALICE,
                json!({"courseId": COMPLIANCE, "dateExpires": expires}),
            ),
            (BOB, json!({"courseId": COMPLIANCE})),
        ] {
            let req = post(&format!("/absorb/users/{user}/enrollments"), &t).set_json(body);
            expect(&app, req, 201).await;
        }
        // Two days on; the expiry sweep has not run. Alice's enrollment renders as expired
        // (Absorb status 4), Bob's as not started (0).
        clock.advance(time::Duration::days(2));
        let t = admin(&app).await;
        let list = |q: &str| get(&format!("/absorb/courses/{COMPLIANCE}/enrollments?{q}"), &t);
        let all = expect(&app, list(""), 200).await;
        let status_of = |user: &str| {
            all["enrollments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["userId"] == user)
                .unwrap()["status"]
                .as_i64()
        };
        assert_eq!((status_of(ALICE), status_of(BOB)), (Some(4), Some(0)));
        for (q, users) in [
            ("_filter=status%20eq%204", vec![ALICE]),
            ("_filter=status%20eq%200", vec![BOB]),
            ("_filter=status%20ne%204", vec![BOB]),
            ("status=4", vec![ALICE]),
            ("status=0", vec![BOB]),
            ("_sort=-status", vec![ALICE, BOB]),
        ] {
            let page = expect(&app, list(q), 200).await;
            assert_eq!(
                page["totalItems"].as_u64(),
                Some(users.len() as u64),
                "{q}: {page}"
            );
            assert_eq!(each(&page["enrollments"], "userId"), users, "{q}");
        }
    }
}
