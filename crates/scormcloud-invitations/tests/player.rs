//! The launched course page (the player stand-in): a launch link opens it for the
//! registration, and what the learner reports through its form is what the registration API
//! then answers, on each backend.
mod common;
use common::sdk::assert_conforms;
use common::{fixture, stores};
use serde_json::Value;

/// GET (or POST a form to) a page by its absolute URL; returns (status, body).
macro_rules! page {
    ($app:expr, $url:expr) => {
        page!($app, $url, None::<&[(&str, &str)]>)
    };
    ($app:expr, $url:expr, $form:expr) => {{
        let path = format!(
            "/scormcloud/api/v2{}",
            $url.split("/scormcloud/api/v2").nth(1).unwrap()
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
        let body = actix_web::test::read_body(resp).await;
        (status, String::from_utf8(body.to_vec()).unwrap())
    }};
}

/// The `action` of the page's report form.
#[allow(clippy::unwrap_used, clippy::expect_used)]
fn form_action(page: &str) -> String {
    let start = page.find("action=\"").expect("a report form") + 8;
    let end = start + page[start..].find('"').unwrap();
    page[start..end].replace("&amp;", "&")
}

#[actix_rt::test]
async fn a_launch_shows_the_registration_and_records_what_the_learner_reports() {
    for (_db, store) in stores() {
        let app = app!(store);
        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        let (_, _, link) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            fixture("launch_link_request")
        );
        let (s, page) = page!(app, link["launchLink"].as_str().unwrap());
        assert_eq!(s, 200);
        assert!(page.contains("<title>Data Privacy 101</title>"), "{page}");
        assert!(page.contains("Welcome, Fiona Fixture."), "{page}");
        assert!(
            page.contains("<dd id=\"registration\">reg-fixture-1</dd>"),
            "{page}"
        );
        assert!(
            page.contains("<dd id=\"completion\">INCOMPLETE</dd>"),
            "{page}"
        );
        assert!(
            page.contains("href=\"https://lms.example.com/done\""),
            "exit link: {page}"
        );
        let action = form_action(&page);

        // Input the form cannot take: a 400 page naming it, and nothing recorded.
        let (s, bad) = page!(app, action, Some(&[("progress", "lots"), ("outcome", "")]));
        assert_eq!(s, 400);
        assert!(
            bad.contains("Progress must be a number of at least 0."),
            "{bad}"
        );
        let (s, bad) = page!(app, action, Some(&[("outcome", "won")]));
        assert_eq!(s, 400);
        assert!(
            bad.contains("The outcome must be passed or failed."),
            "{bad}"
        );
        let (_, _, r) = call!(app, get, "/registrations/reg-fixture-1");
        assert_eq!(r["registrationCompletion"], "INCOMPLETE");
        assert_eq!(r["totalSecondsTracked"], 0.0);

        // Progress, then a pass with a score.
        let (s, saved) = page!(
            app,
            action,
            Some(&[("progress", "40"), ("seconds", "90"), ("outcome", "")])
        );
        assert_eq!(s, 200);
        assert!(saved.contains("<dd id=\"progress\">40%</dd>"), "{saved}");
        let (_, _, r) = call!(app, get, "/registrations/reg-fixture-1");
        assert_eq!(
            (
                &r["registrationCompletion"],
                &r["registrationCompletionAmount"]
            ),
            (&Value::from("INCOMPLETE"), &Value::from(0.4))
        );
        assert_eq!(r["totalSecondsTracked"], 90.0);
        let (s, done) = page!(
            app,
            action,
            Some(&[
                ("progress", "100"),
                ("seconds", "30"),
                ("score", "85"),
                ("outcome", "passed")
            ])
        );
        assert_eq!(s, 200);
        assert!(done.contains("<dd id=\"success\">PASSED</dd>"), "{done}");
        let (_, _, r) = call!(app, get, "/registrations/reg-fixture-1");
        assert_conforms("RegistrationSchema", &r);
        assert_eq!(r["registrationCompletion"], "COMPLETED");
        assert_eq!(r["registrationSuccess"], "PASSED");
        assert_eq!(r["score"]["scaled"], 85.0);
        assert_eq!(r["totalSecondsTracked"], 120.0);
        assert!(r["completedDate"].is_string(), "{r}");

        // The launch this came from carries the outcome.
        let (_, _, h) = call!(app, get, "/registrations/reg-fixture-1/launchHistory");
        assert_conforms("LaunchHistoryListSchema", &h);
        let launches = h["launchHistory"].as_array().unwrap();
        assert_eq!(launches.len(), 1);
        assert_eq!(launches[0]["completionStatus"], "COMPLETED");
        assert_eq!(launches[0]["successStatus"], "PASSED");

        // A session token that was never issued.
        let (s, _) = page!(
            app,
            "http://x/scormcloud/api/v2/learn/session/bogus",
            Some(&[("outcome", "passed")])
        );
        assert_eq!(s, 404);
    }
}

#[actix_rt::test]
async fn attempts_count_the_launches() {
    for (_db, store) in stores() {
        let app = app!(store);
        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        let (_, _, r) = call!(
            app,
            get,
            "/registrations/reg-fixture-1?includeChildResults=true"
        );
        assert_eq!(r["activityDetails"]["attempts"], 0);
        for n in 1..=3 {
            let (_, _, link) = call!(
                app,
                post,
                "/registrations/reg-fixture-1/launchLink",
                fixture("launch_link_request")
            );
            let (s, _) = page!(app, link["launchLink"].as_str().unwrap());
            assert_eq!(s, 200);
            let (_, _, r) = call!(
                app,
                get,
                "/registrations/reg-fixture-1?includeChildResults=true"
            );
            assert_eq!(r["activityDetails"]["attempts"], n);
        }
        let (_, _, h) = call!(app, get, "/registrations/reg-fixture-1/launchHistory");
        assert_eq!(h["launchHistory"].as_array().unwrap().len(), 3);
    }
}

#[actix_rt::test]
async fn the_last_runtime_update_is_the_last_report_not_the_launch() {
    use enroll_domain::clock::OffsetClock;
    use std::sync::Arc;
    use time::format_description::well_known::Rfc3339;
    for db in enroll_store::testing::TestDb::all().unwrap() {
        let clock = Arc::new(OffsetClock::new(0));
        let store = db.store(clock.clone()).unwrap();
        store.load_seed(&common::seed()).unwrap();
        let app = app!(store);
        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        let (_, _, link) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            fixture("launch_link_request")
        );
        let (_, page) = page!(app, link["launchLink"].as_str().unwrap());
        clock.advance(time::Duration::hours(1));
        let (s, _) = page!(app, form_action(&page), Some(&[("progress", "50")]));
        assert_eq!(s, 200);
        let (_, _, h) = call!(app, get, "/registrations/reg-fixture-1/launchHistory");
        let at = |k: &str| {
            time::OffsetDateTime::parse(h["launchHistory"][0][k].as_str().unwrap(), &Rfc3339)
                .unwrap()
        };
        let gap = at("lastRuntimeUpdate") - at("launchTime");
        assert!(
            (3600..3660).contains(&gap.whole_seconds()),
            "launched {} updated {}",
            at("launchTime"),
            at("lastRuntimeUpdate")
        );
    }
}

#[actix_rt::test]
async fn a_launch_after_completion_keeps_the_first_access_before_the_completion() {
    use enroll_domain::clock::OffsetClock;
    use std::sync::Arc;
    use time::format_description::well_known::Rfc3339;
    for db in enroll_store::testing::TestDb::all().unwrap() {
        let clock = Arc::new(OffsetClock::new(0));
        let store = db.store(clock.clone()).unwrap();
        store.load_seed(&common::seed()).unwrap();
        let app = app!(store);
        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        // Completed through the API, never launched.
        let view = store
            .series(
                common::TENANT,
                enroll_domain::model::Dialect::ScormCloud,
                "reg-fixture-1",
            )
            .unwrap();
        store
            .apply_command(
                common::TENANT,
                view.current.record.core.id,
                &enroll_domain::Command::Complete { score: Some(80.0) },
            )
            .unwrap();
        clock.advance(time::Duration::hours(2));
        let (_, _, link) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            fixture("launch_link_request")
        );
        let (s, _) = page!(app, link["launchLink"].as_str().unwrap());
        assert_eq!(s, 200);
        let (_, _, r) = call!(app, get, "/registrations/reg-fixture-1");
        let at = |k: &str| time::OffsetDateTime::parse(r[k].as_str().unwrap(), &Rfc3339).unwrap();
        assert!(
            at("firstAccessDate") <= at("completedDate"),
            "first access {} after completion {}",
            at("firstAccessDate"),
            at("completedDate")
        );
        let gap = (at("lastAccessDate") - at("completedDate")).whole_seconds();
        assert!((7200..7260).contains(&gap), "the launch is the last access");
    }
}

#[actix_rt::test]
async fn a_player_session_takes_reports_for_four_hours_after_its_launch() {
    use enroll_domain::clock::OffsetClock;
    use std::sync::Arc;
    for db in enroll_store::testing::TestDb::all().unwrap() {
        let clock = Arc::new(OffsetClock::new(0));
        let store = db.store(clock.clone()).unwrap();
        store.load_seed(&common::seed()).unwrap();
        let app = app!(store);
        call!(app, post, "/registrations", fixture("create_registration"));
        let (_, _, link) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            fixture("launch_link_request")
        );
        let (_, page) = page!(app, link["launchLink"].as_str().unwrap());
        let action = form_action(&page);
        clock.advance(time::Duration::hours(3) + time::Duration::minutes(59));
        let (s, _) = page!(app, action, Some(&[("progress", "30")]));
        assert_eq!(s, 200, "within its lifetime");
        clock.advance(time::Duration::minutes(2));
        let (s, gone) = page!(app, action, Some(&[("progress", "60")]));
        assert_eq!(s, 404, "{gone}");
        assert!(gone.contains("invalid or has expired"), "{gone}");
        let (_, _, r) = call!(app, get, "/registrations/reg-fixture-1");
        assert_eq!(
            r["registrationCompletionAmount"], 0.3,
            "nothing recorded late"
        );
    }
}
