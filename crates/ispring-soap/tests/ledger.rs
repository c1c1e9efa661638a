//! What iSpring's enrollments do on the ledger: bulk calls all or nothing, access dates and
//! locking after the due date driven by the ledger clock, re-enrollments and un-enrollments
//! every dialect sees, and other dialects' enrollments here.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use enroll_domain::EnrollmentState;
use enroll_domain::model::Dialect;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;
use serde_json::json;
use time::Duration;

#[actix_rt::test]
async fn a_bulk_call_is_one_transaction_naming_the_unknown_id() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let nobody = "a0000000-0000-4000-8000-0000000000ff";
        let body = json!({"courseIds": [COMPLIANCE, PRIVACY], "learnerIds": [ALICE, nobody, BOB], "dueDateType": "unlimited"});
        let (s, b) = json(&app, post_json("/ispring/enrollment", &t, body)).await;
        assert_eq!(s, 400, "{b}");
        assert!(b["message"].as_str().unwrap().contains(nobody), "{b}");
        assert_eq!(enrollment_count(&store), 0, "nothing written");
    }
}

#[actix_rt::test]
async fn access_dates_and_locking_follow_the_ledger_clock() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let tomorrow = store.now() + Duration::days(1);
        let access = enroll_domain::clock::from_millis(enroll_domain::clock::to_millis(tomorrow));
        let body = json!({
            "courseIds": [COMPLIANCE], "learnerIds": [ALICE], "dueDateType": "due_period",
            "duePeriod": 48, "lockAfterDueDate": true,
            "accessDate": access.format(&time::format_description::well_known::Rfc3339).unwrap(),
        });
        assert_eq!(
            raw(&app, post_json("/ispring/enrollment", &t, body))
                .await
                .0,
            201
        );
        let e = active(&store, ALICE, COMPLIANCE).unwrap().record.core;
        assert_eq!(e.dates.due, Some(access + Duration::hours(48)));
        let id = e.id.to_string();
        let start = json!({"enrollmentIds": [id], "courseId": COMPLIANCE, "moduleStatuses": [
            {"contentItemId": COMPLIANCE, "date": "2026-01-01T00:00:00Z", "reason": "", "status": "in_progress", "awardedScore": 0}]});
        // Not startable before its access date: refused, nothing changes.
        let (s, b) = json(
            &app,
            post_json("/ispring/statistics/module", &t, start.clone()),
        )
        .await;
        assert_eq!(s, 409, "{b}");
        assert!(
            b["message"].as_str().unwrap().contains("access date"),
            "{b}"
        );
        clock.advance(Duration::days(1) + Duration::minutes(1));
        // Tokens last 30 minutes of ledger time: a fresh one.
        let t = token(&app).await;
        let (s, b) = json(&app, post_json("/ispring/statistics/module", &t, start)).await;
        assert_eq!(s, 200, "{b}");
        let results = format!("/ispring/learners/results?enrollmentIds[]={id}");
        let (_, b) = json(&app, get(&results, &t)).await;
        assert_eq!(
            (
                b["results"][0]["completionStatus"].as_str(),
                b["results"][0]["isOverdue"].as_bool()
            ),
            (Some("in_progress"), Some(false))
        );
        // Two days later the due date has passed: the enrollment locks, in every dialect.
        clock.advance(Duration::days(2));
        let t = token(&app).await;
        let (_, b) = json(&app, get(&results, &t)).await;
        assert_eq!(
            (
                b["results"][0]["completionStatus"].as_str(),
                b["results"][0]["isOverdue"].as_bool()
            ),
            (Some("incomplete"), Some(true)),
            "{b}"
        );
        let view = store.enrollment(tenant(), e.id).unwrap();
        assert_eq!(view.record.core.state, EnrollmentState::Expired);
        let done = json!({"courseId": COMPLIANCE, "enrollmentIds": [id], "status": "complete"});
        let (s, b) = json(&app, post_json("/ispring/statistics/course", &t, done)).await;
        assert_eq!(s, 409, "a locked enrollment cannot be completed: {b}");
    }
}

#[actix_rt::test]
async fn reenrollments_and_deletions_are_the_ledgers_and_other_dialects_enrollments_are_here() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        // An enrollment another dialect made reads here, with the dates it has.
        let other = store
            .enroll(
                tenant(),
                &LearnerKey::Id(uuid(BOB)),
                &CourseKey::Id(uuid(COMPLIANCE)),
                &EnrollOptions::new(Dialect::Absorb),
            )
            .unwrap();
        let id = other.enrollment.core.id.to_string();
        let (s, e) = json(&app, get(&format!("/ispring/enrollment/{id}"), &t)).await;
        assert_eq!(s, 200, "{e}");
        assert_eq!(
            e["accessDate"].as_str().unwrap(),
            ispring_soap::dates::date(store.now())
        );
        // Re-enrolled here: archived in the ledger, continued by a new enrollment.
        let reenroll = json!({"accessDate": "2026-01-01", "dueDateType": "unlimited"});
        assert_eq!(
            json(
                &app,
                post_json(&format!("/ispring/enrollment/{id}/reenroll"), &t, reenroll)
            )
            .await
            .0,
            200
        );
        let old = store.enroll(
            tenant(),
            &LearnerKey::Id(uuid(BOB)),
            &CourseKey::Id(uuid(COMPLIANCE)),
            &EnrollOptions::new(Dialect::Absorb),
        );
        assert!(old.is_err(), "one active enrollment per learner and course");
        let archived = store
            .enrollment(tenant(), other.enrollment.core.id)
            .unwrap();
        assert!(!archived.record.core.active);
        let current = active(&store, BOB, COMPLIANCE).unwrap();
        assert_eq!(current.record.series_id, other.enrollment.core.id);
        assert_eq!(current.record.source, "ispring");
        // Deleted here: cancelled and archived for everyone.
        let del = json!({"enrollmentIds": [current.record.core.id.to_string()]});
        assert_eq!(
            raw(&app, post_json("/ispring/enrollment/delete", &t, del))
                .await
                .0,
            204
        );
        let gone = store.enrollment(tenant(), current.record.core.id).unwrap();
        assert_eq!(
            (gone.record.core.active, gone.record.core.state),
            (false, EnrollmentState::Cancelled)
        );
        let (_, b) = json(
            &app,
            get(&format!("/ispring/enrollment?learnerIds[]={BOB}"), &t),
        )
        .await;
        assert_eq!(b["enrollments"], json!([]));
    }
}

fn uuid(s: &str) -> uuid::Uuid {
    uuid::Uuid::parse_str(s).unwrap()
}
