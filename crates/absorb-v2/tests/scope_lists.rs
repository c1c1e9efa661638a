//! Department administrators' lists hold only the learners of their department subtree:
//! carol (department admin of Sales) sees Sales and a department created below it, never
//! Engineering or the department above; a department admin without a department reaches
//! nobody; admins see everyone.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_domain::model::{Department, Role};
use enroll_store::Store;
use enroll_store::learners::NewLearner;
use serde_json::{Value, json};
use uuid::Uuid;

const SALES: &str = "5e000000-0000-4000-8000-000000000002";
const ENGINEERING: &str = "5e000000-0000-4000-8000-000000000003";
const CAROL: &str = "a0000000-0000-4000-8000-000000000004";
const PASSWORD: &str = "Scope-Test-1";

/// A learner in a new department below `parent`; returns the learner's (Absorb) id.
fn learner_below(store: &Store, parent: &str, name: &str) -> String {
    let t = tenant(store);
    let department = Uuid::new_v4();
    store
        .create_department(&Department {
            id: department,
            tenant_id: t,
            parent_id: Some(Uuid::parse_str(parent).unwrap()),
            name: format!("{name}'s team"),
        })
        .unwrap();
    let l = store
        .create_learner(t, &learner(name, Some(department), Role::Learner))
        .unwrap();
    absorb_v2::ids::user_id(&l).to_string()
}

fn learner(name: &str, department_id: Option<Uuid>, role: Role) -> NewLearner {
    NewLearner {
        username: Some(format!("{name}@demo.example")),
        email: format!("{name}@demo.example"),
        first_name: name.into(),
        department_id,
        role,
        password: Some(PASSWORD.into()),
        ..Default::default()
    }
}

/// The sorted `userId`s (or `id`s) of a list's items.
fn users(items: &Value) -> Vec<String> {
    let mut ids: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i.get("userId")
                .unwrap_or(&i["id"])
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    ids.sort();
    ids
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[actix_web::test]
async fn carols_lists_hold_only_her_department_subtree_and_admins_lists_everyone() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let admin = admin(&app).await;
        let dave = learner_below(&store, SALES, "dave");
        let erin = learner_below(&store, ENGINEERING, "erin");
        for u in [ALICE, BOB, &dave, &erin] {
            let base = format!("/absorb/users/{u}/enrollments");
            expect(&app, post(&format!("{base}/{COMPLIANCE}"), &admin), 201).await;
            let seat = format!("{base}/{LEADERSHIP}/sessions/{BERLIN}");
            expect(&app, post(&seat, &admin), 201).await;
        }
        let carol = login(&app, "carol@demo.example", "Demo-Learner-1").await;
        let theirs = sorted(&[ALICE, &dave]);
        let everyone = sorted(&[ALICE, BOB, &dave, &erin]);
        // (uri, collection field: None for a plain array)
        let lists = [
            (
                format!("/absorb/courses/{COMPLIANCE}/enrollments"),
                Some("enrollments"),
            ),
            (
                format!("/absorb/courses/{COMPLIANCE}/lessons/{LESSON1}/enrollments"),
                Some("lessonEnrollments"),
            ),
            (
                format!("/absorb/courses/{LEADERSHIP}/sessions/{BERLIN}/enrollments"),
                Some("enrollments"),
            ),
            (format!("/absorb/enrollments?courseIds={COMPLIANCE}"), None),
        ];
        for (uri, field) in &lists {
            for (token, want) in [(&carol, &theirs), (&admin, &everyone)] {
                let body = expect(&app, get(uri, token), 200).await;
                let items = field.map_or(&body, |f| &body[f]);
                assert_eq!(&users(items), want, "{uri}");
                if field.is_some() {
                    assert_eq!(body["totalItems"], want.len(), "{uri}");
                }
            }
        }
        // Users: Sales (alice, carol) and the team below it; admins see all six.
        let body = expect(&app, get("/absorb/users", &carol), 200).await;
        assert_eq!(users(&body["users"]), sorted(&[ALICE, CAROL, &dave]));
        assert_eq!(body["totalItems"], 3);
        let body = expect(&app, get("/absorb/users", &admin), 200).await;
        assert_eq!(body["totalItems"], 6);
        let bob = get(
            "/absorb/users?_filter=username%20eq%20'bob@demo.example'",
            &carol,
        );
        assert_eq!(expect(&app, bob, 200).await["totalItems"], 0);
        let bulk = format!("/absorb/enrollments?userIds={BOB},{erin}");
        assert_eq!(expect(&app, get(&bulk, &carol), 200).await, json!([]));
        // The session roster pages what the scope reaches: one per page, two in all.
        let roster = format!("/absorb/courses/{LEADERSHIP}/sessions/{BERLIN}/enrollments?_limit=1");
        let mut paged = Vec::new();
        for page in 0..3 {
            let body = expect(&app, get(&format!("{roster}&_offset={page}"), &carol), 200).await;
            assert_eq!(body["totalItems"], 2);
            paged.extend(users(&body["enrollments"]));
        }
        paged.sort();
        assert_eq!(paged, theirs);
    }
}

#[actix_web::test]
async fn a_department_below_carols_is_in_her_scope_and_one_below_engineering_is_not() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let dave = learner_below(&store, SALES, "dave");
        let erin = learner_below(&store, ENGINEERING, "erin");
        let carol = login(&app, "carol@demo.example", "Demo-Learner-1").await;
        assert_eq!(
            send(&app, get(&format!("/absorb/users/{dave}"), &carol))
                .await
                .0,
            200
        );
        let enroll = |u: &str| post(&format!("/absorb/users/{u}/enrollments/{PRIVACY}"), &carol);
        let created = expect(&app, enroll(&dave), 201).await;
        let id = created["enrollmentId"].as_str().unwrap();
        assert_eq!(ledger_ids(&store, id), (dave.clone(), PRIVACY.to_string()));
        let (s, e) = send(&app, get(&format!("/absorb/users/{erin}"), &carol)).await;
        assert_eq!((s, e["message"].as_str()), (404, Some("User not found.")));
        assert_eq!(send(&app, enroll(&erin)).await.0, 404);
        let admin = admin(&app).await;
        let erins = format!("/absorb/users/{erin}/enrollments/{PRIVACY}");
        assert_eq!(
            send(&app, get(&erins, &admin)).await.0,
            404,
            "erin was not enrolled"
        );
    }
}

#[actix_web::test]
async fn a_department_admin_without_a_department_reaches_nobody_but_themself() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let admin = admin(&app).await;
        expect(
            &app,
            post(
                &format!("/absorb/users/{ALICE}/enrollments/{COMPLIANCE}"),
                &admin,
            ),
            201,
        )
        .await;
        store
            .create_learner(
                tenant(&store),
                &learner("frank", None, Role::DepartmentAdmin),
            )
            .unwrap();
        let frank = login(&app, "frank@demo.example", PASSWORD).await;
        let body = expect(&app, get("/absorb/users", &frank), 200).await;
        assert_eq!(
            (
                body["totalItems"].as_i64(),
                body["users"].as_array().map(Vec::len)
            ),
            (Some(0), Some(0))
        );
        let list = format!("/absorb/courses/{COMPLIANCE}/enrollments");
        assert_eq!(expect(&app, get(&list, &frank), 200).await["totalItems"], 0);
        let bulk = format!("/absorb/enrollments?courseIds={COMPLIANCE}");
        assert_eq!(expect(&app, get(&bulk, &frank), 200).await, json!([]));
        assert_eq!(
            send(&app, get(&format!("/absorb/users/{ALICE}"), &frank))
                .await
                .0,
            404
        );
        let enroll = post(
            &format!("/absorb/users/{ALICE}/enrollments/{PRIVACY}"),
            &frank,
        );
        assert_eq!(send(&app, enroll).await.0, 404);
        // The catalog and the caller's own enrollments are not a matter of scope.
        assert_eq!(send(&app, get("/absorb/courses", &frank)).await.0, 200);
        let mine = format!("/absorb/my-enrollments/{COMPLIANCE}");
        expect(&app, post(&mine, &frank), 201).await;
        assert_eq!(send(&app, get(&mine, &frank)).await.0, 200);
    }
}
