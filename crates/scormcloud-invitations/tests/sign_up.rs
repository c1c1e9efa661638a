//! Public invitation sign-ups over HTTP, on each backend: an address the ledger knows gets
//! its link by mail and the visitor sees nothing of its learner; a new address signs up at
//! once; link tokens cannot be forged or swapped.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{ALICE, TENANT};
use enroll_domain::Command;
use enroll_domain::clock::OffsetClock;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;
use enroll_store::outbox::Channel;
use enroll_store::outbox::Outbox as _;
use serde_json::json;
use std::sync::Arc;

/// GET, or POST a form to, a page by its absolute URL: (status, Location, body).
macro_rules! visit {
    ($app:expr, $url:expr) => {
        visit!($app, $url, None::<&[(&str, &str)]>)
    };
    ($app:expr, $url:expr, $form:expr) => {{
        let url: &str = &$url;
        let path = format!(
            "/scormcloud/api/v2{}",
            url.split("/scormcloud/api/v2").nth(1).unwrap()
        );
        let req = match $form {
            Some(f) => actix_web::test::TestRequest::post()
                .uri(&path)
                .set_form(f)
                .to_request(),
            None => actix_web::test::TestRequest::get().uri(&path).to_request(),
        };
        let resp = actix_web::test::call_service(&$app, req).await;
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = actix_web::test::read_body(resp).await;
        (status, location, String::from_utf8(body.to_vec()).unwrap())
    }};
}

fn form(email: &str) -> [(&'static str, &str); 3] {
    [
        ("firstName", "Mallory"),
        ("lastName", "Visitor"),
        ("email", email),
    ]
}

/// Seeded stores on each backend with a clock that tests can move.
fn stores() -> Vec<(enroll_store::testing::TestDb, Store, Arc<OffsetClock>)> {
    enroll_store::testing::TestDb::all()
        .unwrap()
        .into_iter()
        .map(|db| {
            let clock = Arc::new(OffsetClock::new(0));
            let store = db.store(clock.clone()).unwrap();
            store.load_seed(&common::seed()).unwrap();
            (db, store, clock)
        })
        .collect()
}

/// alice's enrollment in Compliance Basics, made through Absorb, at 40 %.
fn enroll_alice(store: &Store) {
    let out = store
        .enroll(
            TENANT,
            &LearnerKey::Id(ALICE),
            &CourseKey::External(Dialect::ScormCloud, "compliance-basics".into()),
            &EnrollOptions::new(Dialect::Absorb),
        )
        .unwrap();
    store
        .apply_command(
            TENANT,
            out.enrollment.core.id,
            &Command::RecordProgress {
                progress: 40.0,
                time_spent_ms: 60_000,
            },
        )
        .unwrap();
}

fn mails(store: &Store, to: &str) -> Vec<enroll_store::outbox::Message> {
    store
        .list_outbox(TENANT, Channel::Mail, Some(to), 100, 0)
        .unwrap()
        .1
}

fn link_in(body: &str) -> String {
    let start = body.find("http").expect("a link");
    body[start..].split_whitespace().next().unwrap().to_string()
}

#[actix_rt::test]
async fn a_known_address_gets_its_link_by_mail_and_the_visitor_sees_nothing_of_it() {
    for (_db, store, clock) in stores() {
        let app = app!(store);
        enroll_alice(&store);
        let (s, _, inv) = call!(
            app,
            post,
            "/invitations/public",
            json!({"courseId": "compliance-basics", "creatingUserEmail": "admin@demo.example"})
        );
        assert_eq!(s, 200, "{inv}");
        let (url, id) = (inv["url"].as_str().unwrap(), inv["id"].as_str().unwrap());

        let (s, location, page) = visit!(app, url, Some(&form(" Alice@Demo.example ")));
        assert_eq!((s, location), (200, None), "{page}");
        assert!(page.contains("<h1>Check your mail</h1>"), "{page}");
        for shown in ["Alice", "Anders", "40%", "session/", "invite/"] {
            assert!(!page.contains(shown), "the page shows '{shown}': {page}");
        }
        macro_rules! count {
            () => {{
                let (_, _, i) = call!(
                    app,
                    get,
                    format!("/invitations/public/{id}?includeRegistrationCount=true")
                );
                i["registrationCount"].as_i64().unwrap()
            }};
        }
        assert_eq!(count!(), 0, "not a registration until proven");
        let sent = mails(&store, "alice@demo.example");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].topic, "scormcloud.sign_up");
        let link = link_in(&sent[0].body);

        // Signing up again at once sends no second mail; a while later it does.
        let (s, _, _) = visit!(app, url, Some(&form("alice@demo.example")));
        assert_eq!(s, 200);
        assert_eq!(mails(&store, "alice@demo.example").len(), 1, "paced");
        clock.advance(time::Duration::minutes(6));
        visit!(app, url, Some(&form("alice@demo.example")));
        let sent = mails(&store, "alice@demo.example");
        assert_eq!(sent.len(), 2);
        assert!(sent.iter().all(|m| link_in(&m.body) == link));

        // The mailed link proves the address: her own registration opens, and she drives it.
        let (s, _, hers) = visit!(app, link);
        assert_eq!(s, 200, "{hers}");
        assert!(hers.contains("Welcome, Alice Anders."), "{hers}");
        assert!(hers.contains("<dd id=\"progress\">40%</dd>"), "{hers}");
        assert_eq!(count!(), 1);
        let (_, _, users) = call!(
            app,
            get,
            format!("/invitations/public/{id}/userInvitations")
        );
        assert_eq!(users["userInvitations"][0]["email"], "alice@demo.example");
        assert_eq!(users["userInvitations"][0]["url"], link.as_str());
        let (s, _, again) = visit!(app, link);
        assert_eq!(s, 200, "{again}");
        assert_eq!(count!(), 1, "following the link again counts nothing");
        // The typed name changed nobody's profile.
        let alice = store.learner(TENANT, &LearnerKey::Id(ALICE)).unwrap();
        assert_eq!(
            (alice.first_name.as_str(), alice.last_name.as_str()),
            ("Alice", "Anders")
        );

        // A new address signs up at once; the next sign-up with it is a known address.
        let (s, location, _) = visit!(app, url, Some(&form("new.visitor@example.com")));
        assert_eq!(s, 303);
        let (s, _, own) = visit!(app, location.unwrap());
        assert_eq!(s, 200);
        assert!(own.contains("Welcome, Mallory Visitor."), "{own}");
        assert_eq!(count!(), 2);
        let (s, location, again) = visit!(app, url, Some(&form("new.visitor@example.com")));
        assert_eq!((s, location), (200, None), "{again}");
        assert_eq!(mails(&store, "new.visitor@example.com").len(), 1);
    }
}

#[actix_rt::test]
async fn a_mailed_link_obeys_the_invitation_when_it_is_followed() {
    for (_db, store, _) in stores() {
        let app = app!(store);
        let (_, _, inv) = call!(
            app,
            post,
            "/invitations/public",
            json!({"courseId": "compliance-basics", "creatingUserEmail": "admin@demo.example",
                   "registrationCap": 1})
        );
        let (url, id) = (inv["url"].as_str().unwrap(), inv["id"].as_str().unwrap());
        // bob is known (not enrolled): his sign-up waits for his mail, and takes no place.
        let (s, _, _) = visit!(app, url, Some(&form("bob@demo.example")));
        assert_eq!(s, 200);
        let bob = link_in(&mails(&store, "bob@demo.example")[0].body);
        let (s, _, _) = call!(
            app,
            put,
            format!("/invitations/public/{id}"),
            json!({"allowNewRegistrations": false})
        );
        assert_eq!(s, 200);
        let (s, _, page) = visit!(app, bob);
        assert_eq!(s, 403, "{page}");
        assert!(page.contains("closed"), "{page}");
        call!(
            app,
            put,
            format!("/invitations/public/{id}"),
            json!({"allowNewRegistrations": true})
        );
        // A new address takes the only place meanwhile: bob's link is now refused as full.
        let (s, _, _) = visit!(app, url, Some(&form("carla@example.com")));
        assert_eq!(s, 303);
        let (s, _, page) = visit!(app, bob);
        assert_eq!(s, 403, "{page}");
        assert!(page.contains("limit"), "{page}");
        let (_, _, users) = call!(
            app,
            get,
            format!("/invitations/public/{id}/userInvitations")
        );
        assert_eq!(users["userInvitations"].as_array().unwrap().len(), 1);
        // Raised cap: his link signs him up.
        call!(
            app,
            put,
            format!("/invitations/public/{id}"),
            json!({"registrationCap": 2})
        );
        let (s, _, page) = visit!(app, bob);
        assert_eq!(s, 200, "{page}");
        assert!(page.contains("Welcome, Bob"), "{page}");
    }
}

#[actix_rt::test]
async fn link_tokens_cannot_be_forged_or_swapped() {
    for (_db, store, _) in stores() {
        let app = app!(store);
        let (_, _, inv) = call!(
            app,
            post,
            "/invitations/public",
            json!({"courseId": "compliance-basics", "creatingUserEmail": "admin@demo.example"})
        );
        let url = inv["url"].as_str().unwrap().to_string();
        let (_, location, _) = visit!(app, url, Some(&form("fresh@example.com")));
        let link = location.unwrap();
        let flip = |u: &str| {
            let last = if u.ends_with('0') { "1" } else { "0" };
            format!("{}{last}", &u[..u.len() - 1])
        };
        let (s, _, _) = visit!(app, flip(&url));
        assert_eq!(s, 404, "a forged sign-up token");
        let (s, _, _) = visit!(app, flip(&link));
        assert_eq!(s, 404, "a forged recipient token");
        let token = |u: &str| u.rsplit('/').next().unwrap().to_string();
        let (s, _, _) = visit!(app, url.replace(&token(&url), &token(&link)));
        assert_eq!(s, 404, "a recipient token used as a sign-up token");
        let (s, _, _) = visit!(app, link.replace(&token(&link), &token(&url)));
        assert_eq!(s, 404, "a sign-up token used as a recipient link");
        // The API shows the same links again.
        let (_, _, again) = call!(
            app,
            get,
            format!("/invitations/public/{}", inv["id"].as_str().unwrap())
        );
        assert_eq!(again["url"].as_str(), Some(url.as_str()));
    }
}
