//! Every change of an enrollment is one event, recorded with the change, on every backend:
//! creation included, never coalesced, with who caused it (the dialect of the handle, the
//! actor of an authorized write, the ledger for the expiry sweep) and the ledger time.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, EnrollmentState as S, EventKind as K};
use enroll_store::Store;
use enroll_store::access::Actor;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{EnrollOptions, EnrollmentPatch};
use enroll_store::events::{Cause, Event};
use enroll_store::learners::LearnerKey;
use uuid::Uuid;

fn enroll(store: &Store, learner: Uuid, opts: &EnrollOptions) -> Uuid {
    store
        .enroll(
            TENANT,
            &LearnerKey::Id(learner),
            &CourseKey::Id(COMPLIANCE),
            opts,
        )
        .unwrap()
        .enrollment
        .core
        .id
}

fn history(store: &Store, id: Uuid) -> Vec<(K, Option<S>, S)> {
    events(store, id)
        .into_iter()
        .map(|e| (e.kind, e.from, e.to))
        .collect()
}

fn events(store: &Store, id: Uuid) -> Vec<Event> {
    store.enrollment_events(TENANT, id).unwrap()
}

#[test]
fn creation_and_each_change_are_one_event_each_in_order() {
    for (_db, store, clock) in stores() {
        let absorb = store.caused_by(Cause::dialect(Dialect::Absorb).by("api-key-1"));
        let id = enroll(&absorb, ALICE, &EnrollOptions::new(Dialect::Absorb));
        clock.advance(time::Duration::minutes(5));
        absorb.apply_command(TENANT, id, &Command::Start).unwrap();
        let progress = Command::RecordProgress {
            progress: 40.0,
            time_spent_ms: 1000,
        };
        absorb.apply_command(TENANT, id, &progress).unwrap();
        let done = Command::Complete { score: Some(90.0) };
        absorb.apply_command(TENANT, id, &done).unwrap();
        assert_eq!(
            history(&store, id),
            [
                (K::Enrolled, None, S::NotStarted),
                (K::Started, Some(S::NotStarted), S::InProgress),
                (K::Progressed, Some(S::InProgress), S::InProgress),
                (K::Completed, Some(S::InProgress), S::Completed),
            ],
            "{}",
            store.backend()
        );
        let all = events(&store, id);
        assert!(all.iter().all(|e| e.dialect == "absorb"));
        assert!(
            all.iter()
                .all(|e| e.principal.as_deref() == Some("api-key-1"))
        );
        // The ledger's clock (moved on by five minutes, and running).
        let gap = all[1].at - all[0].at;
        assert!(gap >= time::Duration::minutes(5) && gap < time::Duration::minutes(6));
        assert_eq!(all[0].enrollment_id, id);
    }
}

#[test]
fn refused_commands_record_nothing_and_a_cancel_is_one_event() {
    for (_db, store, _) in stores() {
        let id = enroll(&store, ALICE, &EnrollOptions::new(Dialect::Absorb));
        // Completing what was never started is allowed; accepting it is not.
        assert!(store.apply_command(TENANT, id, &Command::Accept).is_err());
        store.apply_command(TENANT, id, &Command::Cancel).unwrap();
        assert_eq!(
            history(&store, id),
            [
                (K::Enrolled, None, S::NotStarted),
                (K::Cancelled, Some(S::NotStarted), S::Cancelled),
            ]
        );
        // A source-less handle is the ledger's own work.
        assert!(
            events(&store, id)
                .iter()
                .skip(1)
                .all(|e| e.dialect == "ledger")
        );
    }
}

#[test]
fn a_reenrollment_archives_the_old_and_continues_the_series() {
    for (_db, store, _) in stores() {
        let scorm = store.caused_by(Cause::dialect(Dialect::ScormCloud));
        let first = enroll(&scorm, BOB, &EnrollOptions::new(Dialect::ScormCloud));
        let done = Command::Complete { score: None };
        scorm.apply_command(TENANT, first, &done).unwrap();
        let opts = EnrollOptions::new(Dialect::ScormCloud).reenroll(true);
        let second = enroll(&scorm, BOB, &opts);
        assert_eq!(
            history(&store, first),
            [
                (K::Enrolled, None, S::NotStarted),
                (K::Completed, Some(S::NotStarted), S::Completed),
                (K::Archived, Some(S::Completed), S::Completed),
            ]
        );
        assert_eq!(
            history(&store, second),
            [(K::ReEnrolled, None, S::NotStarted)]
        );
        // Un-enrolling an open one cancels it: one event.
        scorm.unenroll(TENANT, &[second]).unwrap();
        assert_eq!(
            history(&store, second).last(),
            Some(&(K::Cancelled, Some(S::NotStarted), S::Cancelled))
        );
        assert!(
            events(&store, second)
                .iter()
                .all(|e| e.dialect == "scormcloud")
        );
    }
}

#[test]
fn the_sweep_records_expiry_as_the_ledgers_and_updates_are_updates() {
    for (_db, store, clock) in stores() {
        let opts = EnrollOptions {
            expires: Some(store.now() + time::Duration::days(1)),
            ..EnrollOptions::new(Dialect::Absorb)
        };
        let absorb = store.caused_by(Cause::dialect(Dialect::Absorb));
        let expiring = enroll(&absorb, ALICE, &opts);
        let patched = enroll(&absorb, BOB, &EnrollOptions::new(Dialect::Absorb));
        let patch = EnrollmentPatch {
            credits: Some(2.0),
            ..EnrollmentPatch::default()
        };
        absorb
            .upsert_enrollment(
                TENANT,
                &LearnerKey::Id(BOB),
                &CourseKey::Id(COMPLIANCE),
                &EnrollOptions::new(Dialect::Absorb),
                &patch,
            )
            .unwrap();
        clock.advance(time::Duration::days(2));
        assert_eq!(store.expire_due().unwrap(), 1);
        let swept = events(&store, expiring);
        assert_eq!(swept.len(), 2, "{swept:?}");
        assert_eq!(
            (swept[1].kind, swept[1].from, swept[1].to),
            (K::Expired, Some(S::NotStarted), S::Expired)
        );
        assert_eq!(
            (swept[1].dialect.as_str(), &swept[1].principal),
            ("ledger", &None)
        );
        assert_eq!(
            history(&store, patched),
            [
                (K::Enrolled, None, S::NotStarted),
                (K::Updated, Some(S::NotStarted), S::NotStarted),
            ]
        );
    }
}

#[test]
fn an_authorized_write_names_its_actor() {
    for (_db, store, _) in stores() {
        let absorb = store.caused_by(Cause::dialect(Dialect::Absorb));
        let opts = EnrollOptions::new(Dialect::Absorb);
        let out = absorb
            .enroll_as(
                TENANT,
                &Actor::Learner(ALICE),
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts,
            )
            .unwrap();
        let id = out.enrollment.core.id;
        absorb.unenroll_as(TENANT, &Actor::Account, &[id]).unwrap();
        let all = events(&store, id);
        let who: Vec<Option<String>> = all.iter().map(|e| e.principal.clone()).collect();
        assert_eq!(who, [Some(ALICE.to_string()), Some("account".into())]);
    }
}

#[test]
fn another_tenants_enrollment_has_no_history_here() {
    for (_db, store, _) in stores() {
        let id = enroll(&store, ALICE, &EnrollOptions::new(Dialect::Absorb));
        let other = store.create_tenant("Other", &Default::default()).unwrap();
        assert!(store.enrollment_events(other.id, id).is_err());
        assert!(store.enrollment_events(TENANT, Uuid::new_v4()).is_err());
    }
}

use enroll_store::testing::revert_to;

#[test]
fn existing_enrollments_start_their_history_with_their_creation() {
    for (db, store, clock) in stores() {
        let first = enroll(&store, ALICE, &EnrollOptions::new(Dialect::Absorb));
        let done = Command::Complete { score: None };
        store.apply_command(TENANT, first, &done).unwrap();
        let again = EnrollOptions::new(Dialect::Lms365).reenroll(true);
        let second = enroll(&store, ALICE, &again);
        drop(store);
        revert_to(&db, "20261205000601");
        let store = db.store(clock.clone()).unwrap();
        assert_eq!(history(&store, first), [(K::Enrolled, None, S::Completed)]);
        assert_eq!(
            history(&store, second),
            [(K::ReEnrolled, None, S::NotStarted)]
        );
        let e = &events(&store, second)[0];
        assert_eq!((e.dialect.as_str(), &e.principal), ("lms365", &None));
    }
}
