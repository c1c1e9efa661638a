//! Department administrators act only inside their department subtree, operation by
//! operation: carol (department admin of Sales) reaches alice (Sales) through every operation
//! on one user; bob (Engineering) is answered exactly as a user that does not exist, and
//! nothing of his changes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use actix_web::test::TestRequest;
use common::*;
use enroll_domain::lesson::AttemptStatus;
use enroll_progress::LessonProgress;
use enroll_store::Store;
use enroll_store::enrollments::EnrollmentQuery;
use serde_json::{Value, json};
use uuid::Uuid;

/// An id no record has (user, enrollment and attempt alike).
const NOBODY: &str = "00000000-0000-4000-8000-00000000dead";

/// What the admin gives a user before carol acts: an enrollment in Compliance with four
/// attempts in progress on its first lesson, and a seat in the Berlin session.
struct Given {
    user: &'static str,
    enrollment: String,
    attempts: Vec<String>,
}

async fn given<S>(app: &S, admin: &str, user: &'static str) -> Given
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let base = format!("/absorb/users/{user}/enrollments");
    let e = expect(app, post(&format!("{base}/{COMPLIANCE}"), admin), 201).await;
    let s = format!("{base}/{LEADERSHIP}/sessions/{BERLIN}");
    expect(app, post(&s, admin), 201).await;
    let mut attempts = Vec::new();
    for _ in 0..4 {
        let uri = format!("{base}/{COMPLIANCE}/lessons/{LESSON1}/attempts");
        let a = expect(app, post(&uri, admin), 200).await;
        attempts.push(a["attemptId"].as_str().unwrap().to_string());
    }
    Given {
        user,
        enrollment: e["enrollmentId"].as_str().unwrap().to_string(),
        attempts,
    }
}

/// Every operation on one user's data, in an order that lets each succeed for a reachable
/// user: (method, path, body, success status). `{u}` is the user, `{e}` their Compliance
/// enrollment, `{a0}`…`{a3}` their attempts.
fn operations() -> Vec<(&'static str, String, Option<Value>, u16)> {
    let uc = format!("/users/{{u}}/enrollments/{COMPLIANCE}");
    let ul = format!("/users/{{u}}/enrollments/{LEADERSHIP}");
    let ch = format!("{uc}/chapters/{CHAPTER1}");
    let le = format!("{uc}/lessons/{LESSON1}");
    let done = Some(json!({"status": 3}));
    vec![
        ("GET", "/users/{u}".into(), None, 200),
        ("GET", "/users/{u}/enrollments".into(), None, 200),
        ("GET", uc.clone(), None, 200),
        (
            "GET",
            format!("/courses/{COMPLIANCE}/enrollments/{{u}}"),
            None,
            200,
        ),
        ("GET", "/enrollments/{e}".into(), None, 200),
        ("GET", format!("{ul}/sessions"), None, 200),
        ("GET", format!("{ul}/sessions/{BERLIN}"), None, 200),
        ("GET", format!("{uc}/chapters"), None, 200),
        ("GET", ch.clone(), None, 200),
        ("GET", format!("{ch}/lessons"), None, 200),
        ("GET", format!("{ch}/lessons/{LESSON1}"), None, 200),
        ("GET", format!("{uc}/lessons"), None, 200),
        ("GET", le.clone(), None, 200),
        ("GET", format!("{le}/attempts"), None, 200),
        ("POST", format!("{le}/attempts"), None, 200),
        (
            "POST",
            format!("{le}/attempts/{{a0}}/finish"),
            done.clone(),
            200,
        ),
        ("PUT", format!("{le}/attempts/{{a1}}"), done.clone(), 200),
        ("POST", "/attempts/{a2}/finish".into(), done.clone(), 200),
        ("PUT", "/attempts/{a3}".into(), done, 200),
        (
            "POST",
            format!("/users/{{u}}/enrollments/{PRIVACY}"),
            None,
            201,
        ),
        (
            "POST",
            "/users/{u}/enrollments".into(),
            Some(json!({"courseId": PRIVACY, "status": 1})),
            201,
        ),
        (
            "POST",
            format!("{ul}/sessions/{ONLINE}?cancelSession=true"),
            None,
            201,
        ),
        (
            "POST",
            "/enrollments/unenroll".into(),
            Some(json!(["{e}"])),
            204,
        ),
    ]
}

fn request(
    method: &str,
    path: &str,
    body: &Option<Value>,
    ids: &[(String, String)],
    token: &str,
) -> TestRequest {
    let fill = |text: &str| {
        ids.iter()
            .fold(text.to_string(), |t, (k, v)| t.replace(k.as_str(), v))
    };
    let uri = format!("/absorb{}", fill(path));
    let req = match method {
        "GET" => get(&uri, token),
        "PUT" => put(&uri, token),
        _ => post(&uri, token),
    };
    match body {
        Some(b) => req.set_json(serde_json::from_str::<Value>(&fill(&b.to_string())).unwrap()),
        None => req,
    }
}

fn ids_of(g: &Given) -> Vec<(String, String)> {
    let mut ids = vec![
        ("{u}".to_string(), g.user.to_string()),
        ("{e}".into(), g.enrollment.clone()),
    ];
    ids.extend(
        g.attempts
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("{{a{i}}}"), a.clone())),
    );
    ids
}

#[actix_web::test]
async fn carol_reaches_a_learner_of_her_department_through_every_single_user_operation() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let admin = admin(&app).await;
        let alice = given(&app, &admin, ALICE).await;
        let carol = login(&app, "carol@demo.example", "Demo-Learner-1").await;
        for (method, path, body, ok) in operations() {
            let (s, out) = send(&app, request(method, &path, &body, &ids_of(&alice), &carol)).await;
            assert_eq!(s, ok, "{method} {path}: {out}");
        }
        // Her writes reached the ledger: Privacy was created, Compliance un-enrolled.
        let t = tenant(&store);
        let active = active_courses(&store, t, ALICE);
        assert!(active.contains(&PRIVACY.to_string()), "{active:?}");
        assert!(!active.contains(&COMPLIANCE.to_string()), "{active:?}");
    }
}

#[actix_web::test]
async fn for_carol_a_learner_of_another_department_is_an_unknown_user_and_nothing_of_theirs_changes()
 {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let admin = admin(&app).await;
        let bob = given(&app, &admin, BOB).await;
        let carol = login(&app, "carol@demo.example", "Demo-Learner-1").await;
        let unknown: Vec<(String, String)> = ids_of(&bob)
            .into_iter()
            .map(|(k, _)| (k, NOBODY.to_string()))
            .collect();
        for (method, path, body, _) in operations() {
            let (s, out) = send(&app, request(method, &path, &body, &ids_of(&bob), &carol)).await;
            let (us, uout) = send(&app, request(method, &path, &body, &unknown, &carol)).await;
            assert!(s == 404 || s == 422, "{method} {path}: {s} {out}");
            // Exactly the answer for an id nobody has (ids in messages aside).
            let msg = out["message"]
                .as_str()
                .unwrap()
                .replace(&bob.enrollment, NOBODY);
            assert_eq!(
                (s, msg.as_str()),
                (us, uout["message"].as_str().unwrap()),
                "{method} {path}"
            );
        }
        // Nothing of bob's changed: his two enrollments, his Berlin seat, his attempts.
        let t = tenant(&store);
        let mut active = active_courses(&store, t, BOB);
        active.sort();
        assert_eq!(active, [COMPLIANCE, LEADERSHIP]);
        let e = Uuid::parse_str(&bob.enrollment).unwrap();
        let attempts = store
            .list_attempts(t, e, Uuid::parse_str(LESSON1).unwrap())
            .unwrap();
        assert_eq!(attempts.len(), 4);
        assert!(
            attempts
                .iter()
                .all(|a| a.status == AttemptStatus::InProgress)
        );
        let (s, seat) = send(
            &app,
            get(
                &format!("/absorb/users/{BOB}/enrollments/{LEADERSHIP}/sessions"),
                &admin,
            ),
        )
        .await;
        assert_eq!(s, 200);
        let seats: Vec<&str> = seat
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["sessionId"].as_str().unwrap())
            .collect();
        assert_eq!(seats, [BERLIN]);
    }
}

/// The Absorb course ids of `user`'s active enrollments, as the ledger holds them.
fn active_courses(store: &Store, t: Uuid, user: &str) -> Vec<String> {
    let q = EnrollmentQuery {
        learner_id: Some(Uuid::parse_str(user).unwrap()),
        active_only: true,
        limit: 100,
        ..Default::default()
    };
    let (_, views) = store.list_enrollments(t, &q).unwrap();
    views
        .iter()
        .map(|v| absorb_v2::ids::course_id(&v.course).to_string())
        .collect()
}
