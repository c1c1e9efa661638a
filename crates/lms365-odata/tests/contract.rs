//! The samples in `fixtures/lms365/` (LMS365's connector definition and help center) replayed
//! against the facade: its requests are accepted, its response shapes are what is answered,
//! and the wire format is pinned by snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/lms365/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// The entity with its generated values (ids, times, the test server's URL) replaced.
fn stable(mut v: Value) -> Value {
    for k in ["Id", "RegistrationDate", "StartDate"] {
        if v[k].is_string() {
            v[k] = json!(format!("<{k}>"));
        }
    }
    if let Some(c) = v["@odata.context"].as_str() {
        v["@odata.context"] = json!(
            c.split("/$metadata")
                .nth(1)
                .map(|r| format!("…/$metadata{r}"))
        );
    }
    v
}

#[actix_rt::test]
async fn the_documented_requests_and_shapes() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, e) = call(&app, post("/Courses(103)/Enroll", fixture("enroll.json"))).await;
        assert_eq!(s, 201, "{e}");
        // Every property the connector declares is answered; `CourseDuration` (minutes, from
        // the PATCH article) is the one more.
        let declared = keys(&fixture("enrollment.json"));
        let mut answered = keys(&e);
        assert!(answered.remove("CourseDuration"));
        assert_eq!(answered, declared);
        insta::assert_json_snapshot!("enroll", stable(e.clone()));
        let id = e["Id"].as_str().unwrap().to_string();

        let (s, b) = call(
            &app,
            patch(
                &format!("/Enrollments({id})"),
                fixture("patch-enrollment.json"),
            ),
        )
        .await;
        assert_eq!(s, 204, "{b}");
        let (_, e) = call(&app, get(&format!("/Enrollments({id})"))).await;
        assert_eq!(e["RegistrationDate"], "2019-06-01T10:00:00Z");
        assert_eq!(e["DueDate"], "2019-07-01T10:00:00Z");
        assert_eq!(
            (&e["CoursePassingStatus"], &e["CEU"], &e["CourseDuration"]),
            (&json!("InProgress"), &json!(3), &json!(90))
        );
        insta::assert_json_snapshot!("enrollment-patched", stable(e));

        let (s, b) = call(
            &app,
            post(
                &format!("/Enrollments({id})/Retake"),
                fixture("retake.json"),
            ),
        )
        .await;
        assert_eq!(s, 204, "{b}");
        let (_, list) = call(&app, get("/Enrollments?$filter=CourseId%20eq%20103")).await;
        let renewed = list["value"][0].clone();
        assert_eq!(renewed["courseSessionId"], ONLINE, "{list}");
        let rid = renewed["Id"].as_str().unwrap().to_string();
        let (s, _) = call(
            &app,
            post(
                &format!("/Enrollments({rid})/Cancel"),
                fixture("cancel.json"),
            ),
        )
        .await;
        assert_eq!(s, 204);
        let (_, e) = call(&app, get(&format!("/Enrollments({rid})"))).await;
        assert_eq!(e["CancellationReason"], fixture("cancel.json")["message"]);

        let (s, p) = call(
            &app,
            post(
                "/Courses(104)/Enroll",
                json!({"userLoginName": "bob@demo.example"}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{p}");
        let pid = p["Id"].as_str().unwrap();
        let (s, _) = call(
            &app,
            post(
                &format!("/Enrollments({pid})/Reject"),
                fixture("reject.json"),
            ),
        )
        .await;
        assert_eq!(s, 204);

        // Users and courses: every property served is one the connector declares.
        let (_, users) = call(
            &app,
            get("/Users?$filter=Email%20eq%20'alice@demo.example'"),
        )
        .await;
        let declared = keys(&fixture("users.json")["value"][0]);
        assert!(keys(&users["value"][0]).is_subset(&declared), "{users}");
        insta::assert_json_snapshot!("user", users["value"][0].clone());
        let (_, course) = call(&app, get("/Courses(103)?$expand=CourseSessions")).await;
        let declared = keys(&fixture("course.json"));
        let mut served = keys(&course);
        served.remove("MaxAttendees"); // the course's seats: the connector's model has none
        assert!(
            served.is_subset(&declared),
            "{:?}",
            served.difference(&declared).collect::<Vec<_>>()
        );
        insta::assert_json_snapshot!("course", stable(course));

        // Errors have the documented shape.
        let (s, err) = call(&app, get("/Courses(999)")).await;
        assert_eq!(s, 404);
        assert_eq!(keys(&err), keys(&fixture("error.json")));
        assert_eq!(keys(&err["error"]), keys(&fixture("error.json")["error"]));
        insta::assert_json_snapshot!("not-found", err);
    }
}
