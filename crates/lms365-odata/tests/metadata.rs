//! `$metadata` describes exactly what is served: every entity set, every property an entity
//! is rendered with and every navigation and bound action the routes answer, nothing more.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use lms365_odata::entities::{CATALOG, COURSE, ENROLLMENT, SESSION, USER};
use odata_filter::Vocabulary;
use serde_json::json;
use std::collections::BTreeSet;

/// (properties, navigation properties) of an entity type in the CSDL text.
fn declared(csdl: &str, ty: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let start = csdl.find(&format!("<EntityType Name=\"{ty}\">")).unwrap();
    let end = start + csdl[start..].find("</EntityType>").unwrap();
    let body = &csdl[start..end];
    let names = |tag: &str| -> BTreeSet<String> {
        body.split(&format!("<{tag} Name=\""))
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    (names("Property"), names("NavigationProperty"))
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap()
        .keys()
        .filter(|k| !k.starts_with('@'))
        .cloned()
        .collect()
}

#[actix_rt::test]
async fn metadata_matches_what_is_served() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, csdl, headers) = raw(&app, get("/$metadata")).await;
        assert_eq!(s, 200);
        assert!(
            headers
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("xml")
        );
        for (ty, vocab) in [
            ("Enrollment", ENROLLMENT),
            ("Course", COURSE),
            ("CourseSession", SESSION),
            ("User", USER),
            ("CourseCatalog", CATALOG),
        ] {
            let Vocabulary {
                properties,
                navigations,
            } = vocab;
            assert_eq!(
                declared(&csdl, ty),
                (set(properties), set(navigations)),
                "{ty}"
            );
        }
        // What the service renders is what it declares.
        let (_, e) = call(
            &app,
            post(
                "/Courses(103)/Enroll",
                json!({"userLoginName": ALICE_LOGIN}),
            ),
        )
        .await;
        assert_eq!(keys(&e), declared(&csdl, "Enrollment").0);
        let id = e["Id"].as_str().unwrap();
        let (_, e) = call(
            &app,
            get(&format!("/Enrollments({id})?$expand=Course,User")),
        )
        .await;
        let (props, navs) = declared(&csdl, "Enrollment");
        assert_eq!(keys(&e), props.union(&navs).cloned().collect());
        assert_eq!(keys(&e["Course"]), declared(&csdl, "Course").0);
        assert_eq!(keys(&e["User"]), declared(&csdl, "User").0);
        let (_, c) = call(&app, get("/Courses(103)?$expand=CourseSessions")).await;
        let (props, navs) = declared(&csdl, "Course");
        assert_eq!(keys(&c), props.union(&navs).cloned().collect());
        assert_eq!(
            keys(&c["CourseSessions"][0]),
            declared(&csdl, "CourseSession").0
        );
        let (_, cat) = call(&app, get("/CourseCatalogs(1)")).await;
        assert_eq!(keys(&cat), declared(&csdl, "CourseCatalog").0);
        // Entity sets: the service document's, no others.
        let (_, doc) = call(&app, get("/")).await;
        let sets: BTreeSet<String> = doc["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_string())
            .collect();
        let declared_sets: BTreeSet<String> = csdl
            .split("<EntitySet Name=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(sets, declared_sets);
        // Bound actions: each declared one is routed, and qualified names work too.
        let actions: Vec<String> = csdl
            .split("<Action Name=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(
            actions,
            [
                "Enroll", "Cancel", "Approve", "Reject", "Complete", "Retake", "Purge"
            ]
        );
        let (s, _) = call(
            &app,
            post(&format!("/Enrollments({id})/LMS365.Complete"), json!({})),
        )
        .await;
        assert_eq!(
            s, 400,
            "a session course without a session cannot be completed yet"
        );
        let (s, b) = call(
            &app,
            post(
                "/Courses(101)/LMS365.Enroll",
                json!({"userLoginName": ALICE_LOGIN}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        let fresh = b["Id"].as_str().unwrap();
        for a in ["Complete", "Retake", "Cancel", "Purge"] {
            // Retake answers the new enrollment; follow the current one by the user's list.
            let (_, list) = call(&app, get("/Enrollments?$filter=CourseId%20eq%20101")).await;
            let cur = list["value"][0]["Id"]
                .as_str()
                .map(str::to_string)
                .unwrap_or(fresh.to_string());
            let target = if a == "Purge" { fresh.to_string() } else { cur };
            let (s, b) = call(
                &app,
                post(&format!("/Enrollments({target})/{a}"), json!({})),
            )
            .await;
            // Purge: the first enrollment, replaced by Retake, is not active any more.
            assert_eq!(s, 204, "{a}: {b}");
        }
    }
}
